"""Plan documents shaped for the plan, shopping-list and export pages (foods, portions and nutrients from the DB)."""

from __future__ import annotations

from collections.abc import Mapping

from nutrition.models import MACROS, RLS_NUTRIENTS, Nutrient
from nutrition.selectors import amounts_per_100g, foods_with_portions

from .exports import plan_table
from .models import Meal
from .plan_store import PlanRecord
from .shopping import FoodFacts, Measure, amount_text, measure_text, plan_food_grams, shopping_list

MET_PERCENT = 95  # the engine counts a day as meeting a target at 95% of it
CLOSE_PERCENT = 70
EXPORT_CODES = (*MACROS, *RLS_NUTRIENTS)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")  # a plan starts on a Monday


def _day_name(day: int) -> str:
    return WEEKDAYS[(day - 1) % 7]


def _cooking_label(meal: Mapping) -> str:
    """"Leftover from Monday's dinner" on a second portion; "Cooked for two: ..." on the dinner that makes it."""
    if meal.get("leftover_of"):
        source = meal["leftover_of"]
        how = ", kept frozen" if source.get("frozen") else ""
        return f"Leftover from {_day_name(source['day'])}'s {source['slot']}{how}"
    if meal.get("second_portion"):
        later = meal["second_portion"]
        return f"Cooked for two: the second portion is {_day_name(later['day'])}'s {later['slot']}"
    if meal.get("same_as"):
        return "The same breakfast as Monday"
    return ""


def _storage(source: Mapping, eaten_day: int) -> str:
    """Where a second portion waits: the plan says ("frozen"); a plan without the flag, by the days between."""
    frozen = source.get("frozen", eaten_day - source["day"] > 1)
    return "freezer" if frozen else "fridge"


def _second_portion(document: Mapping, day: int, meal: Mapping) -> Mapping:
    """The second portion's own `leftover_of` (which says whether it is frozen), found from the dinner."""
    later = meal["second_portion"]
    for other in document.get("days", []):
        if other["day"] == later["day"]:
            for candidate in other["meals"]:
                source = candidate.get("leftover_of") or {}
                if candidate["slot"] == later["slot"] and source.get("day") == day:
                    return source
    return {"day": day}


def _second_portion_note(document: Mapping, day: int, meal: Mapping) -> str:
    """What the cook of a dinner cooked for two does with the second portion."""
    later = meal["second_portion"]
    where = _storage(_second_portion(document, day, meal), later["day"])
    when = f"{_day_name(later['day'])}'s {later['slot']}"
    return (
        f"Makes 2 portions: eat one now; cool the other, cover it and put it in the {where} for {when} "
        f"(day {later['day']}). Cook the amounts for both portions."
    )


def _leftover_note(day: int, meal: Mapping) -> str:
    """What to take from the fridge or freezer, and when, for a second portion."""
    source = meal["leftover_of"]
    cooked = f"{_day_name(source['day'])}'s {source['slot']} (day {source['day']})"
    if _storage(source, day) == "freezer":
        return (
            f"No cooking today: this is the second portion of {cooked}, in the freezer. Move it to the fridge "
            f"on {_day_name(day - 1)} evening to thaw, then reheat it until steaming hot all the way through."
        )
    return (
        f"No cooking today: this is the second portion of {cooked}, in the fridge. Reheat it until steaming "
        f"hot all the way through."
    )


def _thaw_reminders(document: Mapping, day: int) -> list[str]:
    """ "This evening: move ... to the fridge" for each frozen second portion eaten the next day."""
    reminders = []
    for later in document.get("days", []):
        if later["day"] != day + 1:
            continue
        for meal in later["meals"]:
            source = meal.get("leftover_of")
            if source and _storage(source, later["day"]) == "freezer":
                reminders.append(
                    f"This evening: move “{meal['name']}” (cooked on {_day_name(source['day'])}) from the "
                    f"freezer to the fridge to thaw, for tomorrow's {meal['slot']}."
                )
    return reminders


def _source_slot(document: Mapping, meal: Mapping) -> int | None:
    """The slot index of the dinner a second portion was cooked with."""
    source = meal.get("leftover_of")
    for day in document.get("days", []) if source else ():
        if day["day"] == source["day"]:
            return next((m["slot_index"] for m in day["meals"] if m["slot"] == source["slot"]), None)
    return None


def _food_ids(document: Mapping) -> list[int]:
    return list(plan_food_grams(document))


def food_facts(food_ids) -> dict[int, FoodFacts]:
    return {
        food.pk: FoodFacts(
            food.name,
            food.food_group.name,
            tuple(Measure(p.amount, p.description, p.grams) for p in food.portions.all()),
        )
        for food in foods_with_portions(food_ids)
    }


STATUS_WORDS = {
    "met": "✓ met",
    "close": "nearly",
    "short": "short",
    "over": "over limit",
    "in_range": "✓ in range",
    "below": "below range",
    "above": "above range",
    "none": "",
}


def _bar(code: str, target: Mapping, total: float) -> dict:
    percent = round(100 * total / target["target"]) if target.get("target") else None
    upper = target.get("upper")
    low, high = target.get("low"), target.get("high")
    if percent is None:
        status = "none"
    elif low is not None and high is not None:  # a range (AMDR): inside it is as good as the middle
        status = "below" if total < low else "above" if total > high else "in_range"
    elif upper is not None and target.get("upper_is_ul") and total > upper:
        status = "over"
    elif percent >= MET_PERCENT:
        status = "met"
    elif percent >= CLOSE_PERCENT:
        status = "close"
    else:
        status = "short"
    return {
        "code": code,
        "name": target.get("name", code),
        "unit": target.get("unit", ""),
        "total": total,
        "target": target.get("target"),
        "percent": percent,
        "width": min(percent or 0, 100),
        "status": status,
        "status_words": STATUS_WORDS[status],
    }


def display_units(record: PlanRecord) -> str:
    """How amounts are shown: as the person last chose for this plan (its profile's units), metric by default."""
    return "us" if (record.profile_data or {}).get("units") == "us" else "metric"


def _recipes(documents_days) -> dict[int, dict]:
    """Recipes for meals planned before plan documents carried them (saved plans), by meal id, in one query."""
    missing = {m["meal_id"] for day in documents_days for m in day["meals"] if "recipe" not in m}
    return {meal.pk: meal.recipe() for meal in Meal.objects.filter(pk__in=missing)} if missing else {}


def _meal(record: PlanRecord, day: int, meal: Mapping, facts: Mapping[int, FoodFacts], recipes=None) -> dict:
    units = display_units(record)

    def shown(portions: int) -> list[dict]:
        items = []
        for item in meal["items"]:
            grams = item["grams"] * portions
            fact = facts.get(item["food_id"])
            measure = measure_text(grams, fact.measures, units) if fact else ""
            metric = amount_text(grams) if units == "us" else ""  # the grams beside US measures
            items.append({**item, "amount": amount_text(grams, units), "measure": measure, "metric": metric})
        return items

    recipe = meal.get("recipe") or (recipes or {}).get(meal["meal_id"], {})
    cooked_for_two = bool(meal.get("second_portion"))
    leftover = bool(meal.get("leftover_of"))
    return {
        **meal,
        "day": day,
        "items": shown(1),
        # what goes in the pan: both portions of a dinner cooked for two
        "cook_items": shown(2) if cooked_for_two else None,
        "portions_note": _second_portion_note(record.document, day, meal) if cooked_for_two else "",
        "leftover_note": _leftover_note(day, meal) if leftover else "",
        "source_slot": _source_slot(record.document, meal) if leftover else None,
        "recipe": recipe,
        "locked": record.is_locked(day, meal["slot_index"]),
        "cooking": _cooking_label(meal),
    }


def find_meal(record: PlanRecord, day: int, slot_index: int) -> dict | None:
    """One planned meal shaped for its recipe page, or None."""
    found = find_day(record, day)
    meal = next((m for m in found["meals"] if m["slot_index"] == slot_index), None) if found else None
    if meal is None:
        return None
    return _meal(record, day, meal, food_facts([i["food_id"] for i in meal["items"]]), _recipes([{"meals": [meal]}]))


def day_view(record: PlanRecord, day: Mapping, facts: Mapping[int, FoodFacts], recipes=None) -> dict:
    targets = record.document.get("targets", {})
    totals = day.get("totals", {})
    bars = [_bar(code, targets[code], totals.get(code, 0.0)) for code in RLS_NUTRIENTS if code in targets]
    macros = [_bar(code, targets[code], totals.get(code, 0.0)) for code in MACROS if code in targets]
    return {
        "day": day["day"],
        "weekday": _day_name(day["day"]),
        "cooking_minutes": day.get("cooking_minutes"),
        "reminders": _thaw_reminders(record.document, day["day"]),
        "meals": [_meal(record, day["day"], meal, facts, recipes) for meal in day["meals"]],
        "bars": bars,
        "macros": macros,
    }


def plan_facts(record: PlanRecord) -> dict[int, FoodFacts]:
    """The facts of every food in the plan (for a page that shows both the plan and its shopping list)."""
    return food_facts(_food_ids(record.document))


def plan_view(record: PlanRecord, facts: dict[int, FoodFacts] | None = None) -> dict:
    document = record.document
    facts = plan_facts(record) if facts is None else facts
    targets = document.get("targets", {})
    focus = [{"code": c, **targets[c]} for c in RLS_NUTRIENTS if c in targets]
    energy = [{"code": c, **targets[c]} for c in MACROS if c in targets]
    others = [{"code": c, **t} for c, t in targets.items() if c not in RLS_NUTRIENTS and c not in MACROS]
    recipes = _recipes(document.get("days", []))
    return {
        "units": display_units(record),
        "days": [day_view(record, day, facts, recipes) for day in document.get("days", [])],
        "focus_targets": focus,
        "energy_targets": energy,
        "other_targets": others,
        "notes": document.get("notes", []),
        "solver": document.get("solver", {}),
    }


def linked_days(before: list, after: list, day: int) -> list[int]:
    """The other days a change to `day` showed on: a swapped dinner takes its second portion on a later day with
    it, a swapped leftover leaves its dinner cooked for one; the evening before a frozen one carries a reminder."""
    changed = {new["day"] for old, new in zip(before, after, strict=False) if old != new} - {day}
    days = {d["day"] for d in after}
    return sorted((changed | {d - 1 for d in changed} | ({day - 1} if changed else set())) & days - {day})


def find_day(record: PlanRecord, day: int) -> Mapping | None:
    return next((d for d in record.document.get("days", []) if d["day"] == day), None)


def one_day_view(record: PlanRecord, day: int) -> dict | None:
    found = find_day(record, day)
    if found is None:
        return None
    return day_view(record, found, food_facts(_food_ids({"days": [found]})), _recipes([found]))


def shopping_view(record: PlanRecord, facts: dict[int, FoodFacts] | None = None):
    facts = plan_facts(record) if facts is None else facts
    return shopping_list(record.document, facts, display_units(record))


def export_table(record: PlanRecord):
    by_code = {n.code: n for n in Nutrient.objects.filter(code__in=EXPORT_CODES)}
    columns = [(code, f"{by_code[code].name} ({by_code[code].unit})") for code in EXPORT_CODES if code in by_code]
    return plan_table(record.document, amounts_per_100g(_food_ids(record.document)), columns)
