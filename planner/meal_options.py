"""The curated meals as plain records for planning: foods, grams, per-serving nutrients and what is unknown.

Loaded in a fixed number of queries and kept per process until a meal, an ingredient, a food or a
nutrient amount changes (signals clear it in this process; a stamp read from the database catches
changes made by other processes).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.db.models.signals import m2m_changed, post_delete, post_save

from nutrition.models import DIETS, Food, Nutrient, NutrientAmount
from nutrition.reference_data import reference_data_loaded

from .models import Meal, MealIngredient


@dataclass(frozen=True)
class Item:
    food_id: int
    food: str
    grams: float
    source: str
    source_id: str
    amounts: dict[str, float] = field(hash=False)  # per 100 g; a missing code is unknown


@dataclass(frozen=True)
class MealRecord:
    id: int
    name: str
    slug: str
    slot: str
    diet: str
    allergens: frozenset[str]
    caffeine: bool
    alcohol: bool
    items: tuple[Item, ...]
    nutrients: dict[str, float] = field(hash=False)  # per serving, known values only (unknown counted as 0)
    unknown: dict[str, tuple[str, ...]] = field(hash=False)  # code -> foods in this meal that do not report it
    recipe: dict = field(default_factory=dict, hash=False)  # servings, minutes, equipment, steps (Meal.recipe())
    prep_minutes: int = 0
    cook_minutes: int = 0

    def suits(self, diet: str, exclude) -> bool:
        return DIETS.index(self.diet) <= DIETS.index(diet) and not (self.allergens & set(exclude)) and not self.alcohol


def _record(meal: Meal, codes: list[str]) -> MealRecord:
    items = []
    nutrients = dict.fromkeys(codes, 0.0)
    unknown: dict[str, list[str]] = {}
    for ingredient in meal.ingredients.all():
        food = ingredient.food
        amounts = food.amounts_by_code()
        items.append(Item(food.pk, food.name, ingredient.grams, food.source, food.source_id, amounts))
        for code in codes:
            if code in amounts:
                nutrients[code] += amounts[code] * ingredient.grams / 100.0
            else:
                unknown.setdefault(code, []).append(food.name)
    alcohol = meal.contains_alcohol or nutrients.get("alcohol_g", 0.0) > 0
    caffeine = meal.contains_caffeine or nutrients.get("caffeine_mg", 0.0) > 0
    return MealRecord(
        id=meal.pk,
        name=meal.name,
        slug=meal.slug,
        slot=meal.slot,
        diet=meal.diet,
        allergens=frozenset(meal.allergen_codes),
        caffeine=caffeine,
        alcohol=alcohol,
        items=tuple(items),
        nutrients=nutrients,
        unknown={code: tuple(foods) for code, foods in unknown.items()},
        recipe=meal.recipe(),
        prep_minutes=meal.prep_minutes,
        cook_minutes=meal.cook_minutes,
    )


_lock = threading.Lock()
_cache: dict[str, object] = {}


def _stamp() -> tuple:
    """Changes anywhere in the meal data move this, including edits made by other processes."""
    return (
        tuple(Meal.objects.aggregate(n=Count("pk"), t=Max("updated_at")).values()),
        MealIngredient.history.aggregate(t=Max("history_id"))["t"],
        tuple(Food.objects.aggregate(n=Count("pk"), t=Max("updated_at")).values()),
        NutrientAmount.history.aggregate(t=Max("history_id"))["t"],
    )


def active_meal_records() -> tuple[MealRecord, ...]:
    """Every active meal as a `MealRecord`, from the process cache when nothing has changed."""
    stamp = _stamp()
    with _lock:
        if _cache.get("stamp") == stamp and "records" in _cache:
            return _cache["records"]  # type: ignore[return-value]
    codes = list(Nutrient.objects.values_list("code", flat=True))
    records = tuple(_record(meal, codes) for meal in Meal.objects.active().with_ingredients())
    with _lock:
        _cache.clear()
        _cache.update(stamp=stamp, records=records)
    return records


def clear_meal_cache(**_kwargs) -> None:
    with _lock:
        _cache.clear()


for _model in (Meal, MealIngredient, Food, NutrientAmount, Nutrient):
    post_save.connect(clear_meal_cache, sender=_model, dispatch_uid=f"meal-cache-save-{_model.__name__}")
    post_delete.connect(clear_meal_cache, sender=_model, dispatch_uid=f"meal-cache-delete-{_model.__name__}")
m2m_changed.connect(clear_meal_cache, sender=Food.allergens.through, dispatch_uid="meal-cache-allergens")
reference_data_loaded.connect(clear_meal_cache, dispatch_uid="meal-cache-reference-data")  # bulk: no post_save
