"""Read-side queries for the dietitian workspace: filtered food lists and what needs review."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from nutrition.models import RLS_NUTRIENTS, Food
from nutrition.selectors import foods_with_amounts
from planner.models.meals import Meal, MealIngredient


def with_rls_counts(queryset: QuerySet[Food]) -> QuerySet[Food]:
    """Annotate `rls_known`: how many of the six RLS nutrients the food has a value for."""
    return queryset.annotate(
        rls_known=Count("amounts", filter=Q(amounts__nutrient__code__in=RLS_NUTRIENTS), distinct=True)
    )


def filtered_foods(params) -> QuerySet[Food]:
    """Foods matching the list page's search box and filters (q, group, source, diet, unknown, review)."""
    foods = with_rls_counts(Food.objects.search(params.get("q", "").strip()))
    if params.get("group", "").isdigit():
        foods = foods.filter(food_group_id=int(params["group"]))
    if params.get("source"):
        foods = foods.filter(source=params["source"])
    if params.get("diet"):
        foods = foods.filter(diet=params["diet"])
    if params.get("unknown") == "rls":
        foods = foods.filter(rls_known__lt=len(RLS_NUTRIENTS))
    if params.get("review") in {"1", "on", "true"}:
        foods = foods.filter(needs_review=True)
    return foods_with_amounts(foods.select_related("import_batch")).order_by("name", "pk")


def food_sources() -> list[str]:
    return list(Food.objects.order_by("source").values_list("source", flat=True).distinct())


def foods_needing_review() -> QuerySet[Food]:
    """Foods flagged for review or missing a value for any of the six RLS nutrients."""
    foods = with_rls_counts(Food.objects.all())
    foods = foods.filter(Q(needs_review=True) | Q(rls_known__lt=len(RLS_NUTRIENTS)))
    return foods_with_amounts(foods).order_by("-needs_review", "rls_known", "name")


def meals_needing_review() -> QuerySet[Meal]:
    """Meals flagged for review, or with a food that changed after the meal was last saved."""
    changed_food = MealIngredient.objects.filter(meal=OuterRef("pk"), food__updated_at__gt=OuterRef("updated_at"))
    return Meal.objects.filter(Q(needs_review=True) | Exists(changed_food)).prefetch_related("ingredients__food")


def changed_foods_of(meal: Meal) -> list[Food]:
    return [i.food for i in meal.ingredients.all() if i.food.updated_at > meal.updated_at]
