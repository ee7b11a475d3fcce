"""Home, the foods browser and food pages. Their bodies are cached by `config.page_cache`, keyed by the food
data's stamp, the reader's targets and the query string; they are rendered without the request, so nothing
per visitor (CSRF token, user) can end up in a cached fragment. For a plain visitor (signed out, no session,
no message) the whole page is cached as well (`page_cache.page`)."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers

from config import page_cache

from . import cache, selectors
from .models import DIET_CHOICES, Food


def home(request):
    context = lambda: {"food_count": Food.objects.count()}  # noqa: E731
    return page_cache.page(request, "home.html", "home", (cache.data_stamp(),), context)


def _filters(params) -> selectors.FoodFilters:
    return selectors.FoodFilters(
        query=params.get("q", "").strip(),
        group=params.get("group", ""),
        diet=params.get("diet", ""),
        rich_in=params.get("rich", ""),
        sort=params.get("sort", "name"),
    )


def _food_list_context(params, targets: selectors.ReaderTargets) -> dict:
    filters = _filters(params)
    nutrients = selectors.rls_nutrients()
    page = Paginator(selectors.filtered_foods(filters, targets), selectors.PAGE_SIZE).get_page(params.get("page"))
    others = params.copy()
    others.pop("page", None)
    return {
        "page": page,
        "rows": selectors.food_rows(page, nutrients, filters.per_portion),
        "filters": filters,
        "query": filters.query,
        "params": others.urlencode(),
        "nutrients": nutrients,
        "groups": selectors.food_groups(),
        "diets": DIET_CHOICES,
        "sorts": selectors.sort_choices(nutrients),
        "targets": targets,
        "rich_share": round(selectors.RICH_SHARE * 100),
    }


def food_list(request):
    stamp = cache.data_stamp()
    targets = selectors.reader_targets(request.session, stamp)
    # A history restore (back button after a pushed URL) needs the whole page, not the fragment.
    fragment = "results" if request.htmx and not request.htmx.history_restore_request else "body"
    parts = (stamp, targets, request.GET.urlencode())

    def body() -> str:
        return page_cache.cached(
            f"food-list-{fragment}", parts,
            lambda: render_to_string(f"nutrition/food_list.html#{fragment}", _food_list_context(request.GET, targets)),
        )

    if fragment == "results":
        response = HttpResponse(body())
    else:
        response = page_cache.page(request, "nutrition/food_list.html", "food-list", parts, lambda: {"body": body()})
    patch_vary_headers(response, ("HX-Request",))
    return response


def food_detail(request, pk):
    stamp = cache.data_stamp()
    targets = selectors.reader_targets(request.session, stamp)

    def build() -> tuple[str, str]:
        try:
            food = selectors.food_detail(pk)
        except Food.DoesNotExist:
            raise Http404("No such food") from None
        context = {"food": food, "rows": selectors.nutrient_rows(food, targets), "targets": targets}
        return food.name, render_to_string("nutrition/food_detail.html#body", context)

    def context() -> dict:
        title, body = page_cache.cached("food-page", (pk, stamp, targets), build)
        return {"title": title, "body": body}

    return page_cache.page(request, "nutrition/food_detail.html", "food-page", (stamp, targets), context)
