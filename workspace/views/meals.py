"""Meal list and meal editing: ingredients and grams, with the nutrients of one serving recomputed live."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from nutrition.models import Food
from planner.models.meals import Meal
from planner.recipes import food_names, recipe_problems

from .. import selectors, services
from ..access import dietitian_required
from ..forms import IngredientFormSet, MealForm, food_label, ingredient_initial


@dietitian_required
def meal_list(request):
    meals = selectors.meals_in_order()
    review_ids = selectors.meal_ids_needing_review()
    return render(request, "workspace/meal_list.html", {"meals": meals, "review_ids": review_ids})


@dietitian_required
def meal_edit(request, pk=None):
    meal = get_object_or_404(Meal, pk=pk) if pk else Meal()
    data = request.POST if request.method == "POST" else None
    form = MealForm(data, instance=meal)
    formset = IngredientFormSet(data, initial=None if data else ingredient_initial(meal) if pk else [], prefix="ing")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = _rows(formset)
        if not rows:
            form.add_error(None, "A meal needs at least one ingredient.")
        elif problems := recipe_problems(form.cleaned_data["steps"], [(f.pk, f.name) for f, _ in rows], food_names()):
            form.add_error("steps", [f"Recipe: {p}." for p in problems])
        else:
            meal = services.save_meal(form, formset, user=request.user, reason=form.cleaned_data["change_reason"])
            messages.success(request, f"Saved {meal.name}.")
            return redirect("workspace:meal_edit", pk=meal.pk)
    context = {
        "meal": meal,
        "form": form,
        "formset": formset,
        "totals": services.meal_totals(_rows(formset) if data else selectors.saved_rows(meal)),
        "changed_foods": selectors.changed_foods_of(meal) if meal.pk else [],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "workspace/meal_edit.html", context, status=status)


@dietitian_required
@require_POST
def meal_totals(request, pk=None):
    """The nutrients of one serving as the form now stands (not saved): the live part of the meal editor."""
    formset = IngredientFormSet(request.POST, prefix="ing")
    formset.is_valid()
    return render(request, "workspace/meal_edit.html#totals", {"totals": services.meal_totals(_rows(formset))})


def _rows(formset) -> list[tuple[Food, float]]:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if data.get("food") and data.get("grams") and not data.get("DELETE"):
            rows.append((data["food"], data["grams"]))
    foods = selectors.foods_with_values(f.pk for f, _ in rows)
    return [(foods[f.pk], grams) for f, grams in rows]


@dietitian_required
@require_POST
def meal_reviewed(request, pk):
    meal = get_object_or_404(Meal, pk=pk)
    services.mark_meal_reviewed(meal, user=request.user)
    messages.success(request, f"{meal.name}: marked as reviewed.")
    next_url = request.POST.get("next", "")
    allowed = {request.get_host()}
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts=allowed, require_https=request.is_secure()):
        return redirect(next_url)
    return redirect("workspace:review")


@dietitian_required
def food_options(request):
    """Suggestions for a food box in the meal editor: a <datalist> of up to 20 foods matching the text."""
    text = next((v for k, v in request.GET.items() if k.endswith("food") and v.strip()), "").strip()
    options = [food_label(f) for f in selectors.food_suggestions(text)]
    return render(request, "workspace/meal_edit.html#food_options", {"options": options})
