"""The shopping list: a plan's foods summed over its days, grouped by food group, with household measures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from nutrition.units import metric_measure, us_measure, us_weight


@dataclass(frozen=True)
class Measure:
    """One household measure of a food: `amount` × `description` weighs `grams` (from `Portion`)."""

    amount: float
    description: str
    grams: float


@dataclass(frozen=True)
class FoodFacts:
    name: str
    group: str
    measures: tuple[Measure, ...] = ()


@dataclass(frozen=True)
class ShoppingItem:
    food_id: int
    food: str
    grams: float
    measure: str
    amount: str = ""  # the weight as the person reads it: "150 g" or "5.3 oz"
    metric: str = ""  # beside US units, the grams: "150 g"


def amount_text(grams: float, units: str = "metric") -> str:
    """A weight in the person's units: grams to the gram, or US ounces and pounds."""
    return us_weight(grams) if units == "us" else f"{grams:.0f} g"


def measure_text(grams: float, measures: Iterable[Measure], units: str = "metric") -> str:
    """The household measure beside the weight: spoons and counts (metric), or cups, tablespoons, teaspoons
    and counts (US), all from the SR portion weights."""
    if units == "us":
        measure = us_measure(grams, measures)
        return f"≈ {measure}" if measure else ""
    # Spoons and counts; a cup, a fluid ounce or a weight ("1 oz") is not metric, and grams say it better.
    measure = metric_measure(grams, measures)
    return f"≈ {measure}" if measure else ""


def plan_food_grams(document: Mapping) -> dict[int, tuple[str, float]]:
    """Food id -> (name, total grams) over every day of the plan, as cooked: a dinner cooked for two counts both
    portions and its leftover (``portions`` 0) nothing more, so each portion is bought once."""
    totals: dict[int, list] = {}
    for day in document.get("days", []):
        for meal in day["meals"]:
            portions = meal.get("portions", 1)
            for item in meal["items"]:
                entry = totals.setdefault(item["food_id"], [item["food"], 0.0])
                entry[1] += item["grams"] * portions
    return {food_id: (name, round(grams, 1)) for food_id, (name, grams) in totals.items()}


def shopping_list(
    document: Mapping, facts: Mapping[int, FoodFacts], units: str = "metric"
) -> list[tuple[str, list[ShoppingItem]]]:
    """[(food group, [items sorted by name])] sorted by group name, amounts in `units` ("metric" or "us")."""
    groups: dict[str, list[ShoppingItem]] = defaultdict(list)
    for food_id, (name, grams) in plan_food_grams(document).items():
        fact = facts.get(food_id, FoodFacts(name, "Other"))
        measure = measure_text(grams, fact.measures, units)
        metric = amount_text(grams) if units == "us" else ""
        groups[fact.group].append(ShoppingItem(food_id, fact.name, grams, measure, amount_text(grams, units), metric))
    return [(group, sorted(items, key=lambda i: i.food.lower())) for group, items in sorted(groups.items())]
