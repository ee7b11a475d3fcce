"""Workspace home, the food list, food editing (whole form and one value inline) and the review list."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from config import page_cache
from config.page_cache import cacheable_query
from nutrition.cache import data_stamp
from nutrition.models import RLS_NUTRIENTS, Food
from nutrition.selectors import rls_nutrients

from .. import cache, selectors, services
from ..access import dietitian_required
from ..forms import AmountForm, FoodFilterForm, FoodForm, NutrientValuesForm

# The food list's parameters: a query string naming any other is rendered, never cached.
FOOD_LIST_PARAMS = ("q", "group", "source", "diet", "unknown", "review", "page")
REVIEW_PER_PAGE = 50
REVIEW_PARAMS = ("page", "meal_page")


@dietitian_required
def home(request):
    counts = page_cache.cached("workspace-counts", cache.stamps(), selectors.workspace_counts)
    return render(request, "workspace/home.html", {**counts, "batches": selectors.recent_batches(5)})


@dietitian_required
@vary_on_headers("HX-Request")
def food_list(request):
    """The food list's body (or, for htmx, its results) is the same for every dietitian: cached, keyed by the food
    data's stamp and the query's values (`workspace.cache`); a query string naming other parameters is rendered."""
    fragment = "results" if request.htmx and not request.htmx.history_restore_request else "body"
    template = f"workspace/food_list.html#{fragment}"

    def context() -> dict:
        filters = FoodFilterForm(request.GET or None, sources=selectors.food_sources())
        page = Paginator(selectors.filtered_foods(request.GET), 50).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return {"filters": filters, "page": page, "nutrients": rls_nutrients(), "query": query.urlencode()}

    if cacheable_query(request, FOOD_LIST_PARAMS):
        values = cache.query_values(request, FOOD_LIST_PARAMS)
        body = cache.fragment(request, f"food-list-{fragment}", (data_stamp(), values), template, context)
    else:
        body = render_to_string(template, context())
    if fragment == "results":
        return HttpResponse(body)
    return render(request, "workspace/food_list.html", {"body": body})


@dietitian_required
@require_http_methods(["GET", "POST"])
def food_edit(request, pk):
    food = get_object_or_404(selectors.food_for_editing(), pk=pk)
    data = request.POST if request.method == "POST" else None
    food_form = FoodForm(data, instance=food)
    values_form = NutrientValuesForm(data, food=food)
    if request.method == "POST" and food_form.is_valid() and values_form.is_valid():
        changed = services.save_food_with_values(
            food_form, values_form, user=request.user, reason=food_form.cleaned_data["change_reason"]
        )
        messages.success(request, f"Saved {food.name}" + (f" ({len(changed)} values changed)." if changed else "."))
        return redirect("workspace:food_edit", pk=food.pk)
    context = {"food": food, "form": food_form, "values_form": values_form, "rls_codes": RLS_NUTRIENTS}
    return render(
        request, "workspace/food_edit.html", context, status=400 if food_form.errors or values_form.errors else 200
    )


@dietitian_required
@require_http_methods(["GET", "POST"])
def amount_edit(request, pk, code):
    """HTMX inline editing of one value: GET shows the editor (or, with ?cancel, the plain row); POST saves."""
    food = get_object_or_404(Food, pk=pk)
    nutrient, amount = selectors.nutrient_and_amount(food, code)
    if nutrient is None:
        raise Http404("No such nutrient")
    if request.method == "GET" and "cancel" in request.GET:
        return render(request, "workspace/food_edit.html#value_row", _row(food, nutrient, amount))
    if request.method == "GET":
        initial = {"amount": amount.amount if amount else None, "source": amount.source if amount else ""}
        form = AmountForm(initial=initial, auto_id=f"id_{nutrient.code}_%s")
        context = {**_row(food, nutrient, amount), "amount_form": form}
        return render(request, "workspace/food_edit.html#value_editor", context)
    form = AmountForm(request.POST, auto_id=f"id_{nutrient.code}_%s")
    if not form.is_valid():
        context = {**_row(food, nutrient, amount), "amount_form": form}
        return render(request, "workspace/food_edit.html#value_editor", context, status=400)
    services.set_amount(
        food,
        nutrient,
        form.cleaned_data["amount"],
        form.cleaned_data["source"].strip(),
        user=request.user,
        reason=form.cleaned_data["change_reason"],
    )
    _, amount = selectors.nutrient_and_amount(food, code)
    if not request.htmx:
        messages.success(request, f"Saved {nutrient.name} for {food.name}.")
        return redirect("workspace:food_edit", pk=food.pk)
    return render(request, "workspace/food_edit.html#value_row", {**_row(food, nutrient, amount), "saved": True})


def _row(food, nutrient, amount):
    return {"food": food, "nutrient": nutrient, "amount": amount, "rls_codes": RLS_NUTRIENTS}


@dietitian_required
def review(request):
    """Meals whose foods changed and foods with an unknown value or a flag, each list REVIEW_PER_PAGE a page. The
    body is the same for every dietitian: cached, keyed by the food and meal stamps and the page numbers, with the
    dietitian's own CSRF token put in its forms (`workspace.cache`)."""
    template = "workspace/review.html#body"

    def context() -> dict:
        foods = Paginator(selectors.foods_needing_review(), REVIEW_PER_PAGE).get_page(request.GET.get("page"))
        meals = Paginator(selectors.meals_needing_review().order_by("name", "pk"), REVIEW_PER_PAGE)
        meals = meals.get_page(request.GET.get("meal_page"))
        changed = selectors.changed_foods_by_meal(meals.object_list)
        return {
            "foods": foods,
            "meal_page": meals,
            "meals": [(meal, changed[meal.pk]) for meal in meals.object_list],
            "nutrients": rls_nutrients(),
            "foods_query": urlencode({"meal_page": meals.number}) if meals.number > 1 else "",
            "meals_query": urlencode({"page": foods.number}) if foods.number > 1 else "",
        }

    if cacheable_query(request, REVIEW_PARAMS):
        values = cache.query_values(request, REVIEW_PARAMS)
        body = cache.fragment(request, "review", (*cache.stamps(), values), template, context)
    else:
        body = render_to_string(template, context())
    return render(request, "workspace/review.html", {"body": body})
