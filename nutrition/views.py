from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from . import selectors
from .models import DIET_CHOICES, Food


def home(request):
    return render(request, "home.html", {"food_count": Food.objects.count()})


def _filters(params) -> selectors.FoodFilters:
    return selectors.FoodFilters(
        query=params.get("q", "").strip(),
        group=params.get("group", ""),
        diet=params.get("diet", ""),
        rich_in=params.get("rich", ""),
        sort=params.get("sort", "name"),
    )


def food_list(request):
    filters = _filters(request.GET)
    targets = selectors.reader_targets(request.session)
    nutrients = selectors.rls_nutrients()
    page = Paginator(selectors.filtered_foods(filters, targets), selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "rows": selectors.food_rows(page, nutrients, filters.per_portion),
        "filters": filters,
        "query": filters.query,
        "params": params.urlencode(),
        "nutrients": nutrients,
        "groups": selectors.food_groups(),
        "diets": DIET_CHOICES,
        "sorts": selectors.sort_choices(nutrients),
        "targets": targets,
        "rich_share": round(selectors.RICH_SHARE * 100),
    }
    # A history restore (back button after a pushed URL) needs the whole page, not the fragment.
    fragment = request.htmx and not request.htmx.history_restore_request
    response = render(request, "nutrition/food_list.html#results" if fragment else "nutrition/food_list.html", context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def food_detail(request, pk):
    try:
        food = selectors.food_detail(pk)
    except Food.DoesNotExist:
        raise Http404("No such food") from None
    targets = selectors.reader_targets(request.session)
    context = {"food": food, "rows": selectors.nutrient_rows(food, targets), "targets": targets}
    return render(request, "nutrition/food_detail.html", context)
