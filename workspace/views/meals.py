"""Meal list and meal editing: ingredients and grams, with the nutrients of one serving recomputed live."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from config.page_cache import cacheable_query
from nutrition.models import Food
from planner.models.meals import Meal
from planner.recipes import food_names, recipe_problems

from .. import cache, selectors, services
from ..access import dietitian_required
from ..forms import IngredientFormSet, MealFilterForm, MealForm, food_label, ingredient_initial

MEALS_PER_PAGE = 50
# The meal list's parameters: a query string naming any other is rendered, never cached.
MEAL_LIST_PARAMS = ("q", "slot", "review", "page")


@dietitian_required
def meal_list(request):
    """Meals, MEALS_PER_PAGE a page, searchable and filtered; the body is the same for every dietitian: cached,
    keyed by the food and meal stamps and the query's values (`workspace.cache`)."""
    template = "workspace/meal_list.html#body"

    def context() -> dict:
        page = Paginator(selectors.meals_in_order(request.GET), MEALS_PER_PAGE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        return {
            "page": page,
            "filters": MealFilterForm(request.GET or None),
            "review_ids": selectors.meal_ids_needing_review(),
            "query": query.urlencode(),
        }

    if cacheable_query(request, MEAL_LIST_PARAMS):
        values = cache.query_values(request, MEAL_LIST_PARAMS)
        body = cache.fragment(request, "meal-list", (*cache.stamps(), values), template, context)
    else:
        body = render_to_string(template, context())
    return render(request, "workspace/meal_list.html", {"body": body})


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
