"""Home, the foods browser and food pages. Their bodies are cached by `config.page_cache`, keyed by the food
data's stamp, the reader's targets and the query string; they are rendered without the request, so nothing
per visitor (CSRF token, user) can end up in a cached fragment. For a plain visitor (signed out, no session,
no message) the whole page is cached as well (`page_cache.page`)."""

import math

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers

from config import page_cache

from . import cache, selectors
from .models import DIET_CHOICES, DIETS, RLS_NUTRIENTS, Food

# The foods browser's parameters; a query string naming any other is rendered but never cached.
FILTER_PARAMS = ("q", "group", "diet", "rich", "sort", "page")
MAX_QUERY = 100  # characters of a search kept
SORTS = {"name"} | {f"{code}:{per}" for code in RLS_NUTRIENTS for per in ("100g", "portion")}


def home(request):
    context = lambda: {"food_count": Food.objects.count()}  # noqa: E731
    return page_cache.page(request, "home.html", "home", (cache.data_stamp(),), context)


def _filters(params, stamp: str) -> tuple[selectors.FoodFilters, int]:
    """The filters and page number the query string asks for, each checked: a value that names no group, diet,
    nutrient or sort is dropped; the page is clamped to the pages there can be. Pages are keyed on these, never
    on the raw query string."""
    groups = page_cache.per_process("food-group-codes", stamp, lambda: {g.code for g in selectors.food_groups()})
    pages = page_cache.per_process("food-pages", stamp, lambda: math.ceil(Food.objects.count() / selectors.PAGE_SIZE))
    group, diet, rich, sort = (params.get(name, "") for name in ("group", "diet", "rich", "sort"))
    filters = selectors.FoodFilters(
        query=" ".join(params.get("q", "").split())[:MAX_QUERY],
        group=group if group in groups else "",
        diet=diet if diet in DIETS else "",
        rich_in=rich if rich in RLS_NUTRIENTS else "",
        sort=sort if sort in SORTS else "name",
    )
    number = params.get("page", "")
    number = min(max(int(number), 1), max(pages, 1)) if number.isdigit() else 1
    return filters, number


def _filter_query(filters: selectors.FoodFilters) -> str:
    """The filters as a query string, without defaults (the pager adds its page)."""
    query = QueryDict(mutable=True)
    values = {"q": filters.query, "group": filters.group, "diet": filters.diet, "rich": filters.rich_in}
    values["sort"] = "" if filters.sort == "name" else filters.sort
    for name, value in values.items():
        if value:
            query[name] = value
    return query.urlencode()


def _food_list_context(filters: selectors.FoodFilters, number: int, targets: selectors.ReaderTargets) -> dict:
    nutrients = selectors.rls_nutrients()
    page = Paginator(selectors.filtered_foods(filters, targets), selectors.PAGE_SIZE).get_page(number)
    return {
        "page": page,
        "rows": selectors.food_rows(page, nutrients, filters.per_portion),
        "filters": filters,
        "query": filters.query,
        "params": _filter_query(filters),
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
    filters, number = _filters(request.GET, stamp)
    parts = (stamp, targets, filters, number)

    def render_body() -> str:
        return render_to_string(f"nutrition/food_list.html#{fragment}", _food_list_context(filters, number, targets))

    def body() -> str:
        if not page_cache.cacheable_query(request, FILTER_PARAMS):
            return render_body()
        return page_cache.cached(f"food-list-{fragment}", parts, render_body)

    if fragment == "results":
        response = HttpResponse(body())
    else:
        context = lambda: {"body": body()}  # noqa: E731
        response = page_cache.page(request, "nutrition/food_list.html", "food-list", parts, context, FILTER_PARAMS)
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
