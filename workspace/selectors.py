"""Read-side queries for the dietitian workspace: filtered food lists, what needs review, what a page shows."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import Count, DateTimeField, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from nutrition.importers.food_records import BASELINE_REASON
from nutrition.models import RLS_NUTRIENTS, Food, ImportBatch, Nutrient, NutrientAmount
from nutrition.selectors import foods_with_amounts
from planner.models.meals import Meal, MealIngredient

# A meal with no history row (loaded from the fixtures, never saved since) was last seen before any recorded change.
_NEVER = Value(datetime(1970, 1, 1, tzinfo=UTC), output_field=DateTimeField())


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


def food_count() -> int:
    return Food.objects.count()


def workspace_counts() -> dict[str, int]:
    """The workspace home page's figures: foods, foods needing review, meals needing review."""
    return {
        "food_count": food_count(),
        "review_food_count": foods_needing_review().count(),
        "review_meal_count": meals_needing_review().count(),
    }


def food_for_editing() -> QuerySet[Food]:
    return foods_with_amounts(Food.objects.prefetch_related("portions"))


def nutrient_and_amount(food: Food, code: str) -> tuple[Nutrient | None, NutrientAmount | None]:
    """The nutrient with this code (None if there is none) and the food's value of it (None if unknown)."""
    nutrient = Nutrient.objects.filter(code=code).first()
    amount = food.amounts.filter(nutrient=nutrient).first() if nutrient else None
    return nutrient, amount


def recent_batches(limit: int) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.select_related("user")[:limit]


def foods_needing_review() -> QuerySet[Food]:
    """Foods flagged for review or missing a value for any of the six RLS nutrients."""
    foods = with_rls_counts(Food.objects.all())
    foods = foods.filter(Q(needs_review=True) | Q(rls_known__lt=len(RLS_NUTRIENTS)))
    return foods_with_amounts(foods).order_by("-needs_review", "rls_known", "name")


def _food_changes(food_id, after) -> tuple[Exists, Exists]:
    """Whether the food (its own row, or one of its values) has a recorded change later than `after`.

    Only history rows count, never the fixtures' `updated_at` dates: a food loaded from the fixtures has no
    history until it first changes. Baseline rows (the state before a change, see `ensure_history_baseline`)
    are not changes, nor is a food's own creation (its meals cannot be older than it).
    """
    real = ~Q(history_change_reason=BASELINE_REASON)
    food_rows = Food.history.filter(real, id=food_id, history_date__gt=after).exclude(history_type="+")
    value_rows = NutrientAmount.history.filter(real, food_id=food_id, history_date__gt=after)
    return Exists(food_rows), Exists(value_rows)


def _last_seen() -> Coalesce:
    """When the meal was last saved or reviewed: its latest history row (none: before every recorded change)."""
    latest = Meal.history.filter(id=OuterRef("pk")).order_by("-history_date").values("history_date")[:1]
    return Coalesce(Subquery(latest), _NEVER)


def meals_needing_review() -> QuerySet[Meal]:
    """Meals flagged for review, or with a food that changed after the meal was last saved or reviewed."""
    food_changed, value_changed = _food_changes(OuterRef("food_id"), OuterRef(OuterRef("last_seen")))
    changed_ingredient = MealIngredient.objects.filter(meal=OuterRef("pk")).filter(food_changed | value_changed)
    meals = Meal.objects.annotate(last_seen=_last_seen())
    return meals.filter(Q(needs_review=True) | Exists(changed_ingredient))


def meal_ids_needing_review() -> set[int]:
    return set(meals_needing_review().values_list("pk", flat=True))


def changed_foods_of(meal: Meal) -> list[Food]:
    """The meal's foods with a recorded change after the meal was last saved or reviewed."""
    return changed_foods_by_meal([meal])[meal.pk]


def changed_foods_by_meal(meals) -> dict[int, list[Food]]:
    """For each of these meals (by id), its foods with a recorded change after the meal was last saved or reviewed,
    by name: one query whatever the number of meals."""
    found: dict[int, list[Food]] = {meal.pk: [] for meal in meals}
    latest = Meal.history.filter(id=OuterRef("meal_id")).order_by("-history_date").values("history_date")[:1]
    food_changed, value_changed = _food_changes(OuterRef("food_id"), OuterRef("last_seen"))
    rows = (
        MealIngredient.objects.filter(meal_id__in=list(found))
        .annotate(last_seen=Coalesce(Subquery(latest), _NEVER))
        .filter(food_changed | value_changed)
        .select_related("food")
        .order_by("food__name", "food_id")
    )
    for row in rows:
        if row.food not in found[row.meal_id]:
            found[row.meal_id].append(row.food)
    return found


def meals_in_order(params=None) -> QuerySet[Meal]:
    """Meals by slot and name, each with `ingredient_count`, matching the meal list's search box and filters (q: a
    word of the name, slot, review: only those needing review)."""
    meals = Meal.objects.annotate(ingredient_count=Count("ingredients")).order_by("slot", "name", "pk")
    params = params or {}
    if query := params.get("q", "").strip():
        meals = meals.filter(name__icontains=query)
    if params.get("slot"):
        meals = meals.filter(slot=params["slot"])
    if params.get("review") in {"1", "on", "true"}:
        meals = meals.filter(pk__in=meals_needing_review().values("pk"))
    return meals


def foods_with_values(food_ids) -> dict[int, Food]:
    """Foods by id, with their values loaded (for totals over many rows in a few queries)."""
    return {f.pk: f for f in Food.objects.filter(pk__in=list(food_ids)).prefetch_related("amounts__nutrient")}


def saved_rows(meal: Meal) -> list[tuple[Food, float]]:
    """The saved meal's (food, grams), foods with their values loaded."""
    if not meal.pk:
        return []
    ingredients = meal.ingredients.select_related("food").prefetch_related("food__amounts__nutrient")
    return [(i.food, i.grams) for i in ingredients]


def food_suggestions(text: str, limit: int = 20) -> QuerySet[Food] | list:
    return Food.objects.search(text).order_by("name")[:limit] if len(text) >= 2 else []
