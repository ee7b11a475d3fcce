"""Workspace home, the food list, food editing (whole form and one value inline) and the review list."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from nutrition.models import RLS_NUTRIENTS, Food
from nutrition.selectors import rls_nutrients

from .. import selectors, services
from ..access import dietitian_required
from ..forms import AmountForm, FoodFilterForm, FoodForm, NutrientValuesForm


@dietitian_required
def home(request):
    context = {
        "food_count": selectors.food_count(),
        "review_food_count": selectors.foods_needing_review().count(),
        "review_meal_count": selectors.meals_needing_review().count(),
        "batches": selectors.recent_batches(5),
    }
    return render(request, "workspace/home.html", context)


@dietitian_required
@vary_on_headers("HX-Request")
def food_list(request):
    filters = FoodFilterForm(request.GET or None, sources=selectors.food_sources())
    page = Paginator(selectors.filtered_foods(request.GET), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filters": filters, "page": page, "nutrients": rls_nutrients(), "query": query.urlencode()}
    template = "workspace/food_list.html#results" if request.htmx else "workspace/food_list.html"
    return render(request, template, context)


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
    foods = Paginator(selectors.foods_needing_review(), 50).get_page(request.GET.get("page"))
    meals = [(meal, selectors.changed_foods_of(meal)) for meal in selectors.meals_needing_review()]
    context = {"foods": foods, "meals": meals, "nutrients": rls_nutrients()}
    return render(request, "workspace/review.html", context)
