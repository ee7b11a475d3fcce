"""Writes to a journal: each takes a writable `Journal` from `journal.access`."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import Http404

from nutrition.models import RLS_NUTRIENTS, Food
from planner.models import Meal, Plan

from .access import Journal
from .models import MealMark, Night


class NightClash(Exception):
    """The night's date already has an entry: the person is asked before it is replaced."""

    def __init__(self, existing: Night):
        self.existing = existing
        super().__init__(f"the night of {existing.date} is already in the journal")


def _writable(journal: Journal) -> Journal:
    if not journal.writable:
        raise Http404
    return journal


def save_night(journal: Journal, form, *, replace: str = "") -> Night:
    """Save a valid `NightForm` (new or edited). If another entry has that date, raise `NightClash` unless
    `replace` names that entry's id (the person confirmed), in which case this entry takes its place."""
    _writable(journal)
    night = form.save(commit=False)
    clash = journal.entries(Night).filter(date=night.date).exclude(pk=night.pk).first()
    if clash is not None and replace != str(clash.pk):
        raise NightClash(clash)
    with transaction.atomic():
        if clash is not None:
            clash.delete()
        night.owner = journal.person
        night.demo = False
        night.save()
    return night


def save_entry(journal: Journal, form):
    """Save a valid ModelForm of a journal entry as the person's own (never demo)."""
    _writable(journal)
    entry = form.save(commit=False)
    entry.owner = journal.person
    entry.demo = False
    entry.save()
    return entry


def delete_entry(journal: Journal, model, pk) -> None:
    journal.entry_to_change(model, pk).delete()


# ---- Meals eaten against a saved plan ----


def plan_day(plan: Plan, day: int) -> dict:
    found = next((d for d in plan.document.get("days", []) if d["day"] == day), None)
    if found is None:
        raise Http404
    return found


def planned_meal(plan: Plan, day: int, slot_index: int) -> dict:
    found = next((m for m in plan_day(plan, day)["meals"] if m["slot_index"] == slot_index), None)
    if found is None:
        raise Http404
    return found


def plan_targets(plan: Plan) -> dict[str, float]:
    targets = plan.document.get("targets", {})
    return {code: targets[code]["target"] for code in RLS_NUTRIENTS if targets.get(code, {}).get("target")}


def _items_of_meal(meal: Meal) -> list[dict]:
    return [{"food_id": i.food_id, "grams": i.grams} for i in meal.ingredients.all()]


def mark_meal(
    journal: Journal,
    plan: Plan,
    day: int,
    slot_index: int,
    date: dt.date,
    status: str,
    *,
    food: Food | None = None,
    grams: float | None = None,
    meal: Meal | None = None,
    demo: bool = False,
) -> MealMark:
    """Mark what became of one planned meal on `date` (replacing any mark on that date and slot).

    What was eaten is written down now, as foods and grams, so that swapping the plan later leaves it alone.
    """
    _writable(journal)
    if plan.owner_id != journal.person.pk:
        raise Http404
    planned = planned_meal(plan, day, slot_index)
    if status == "eaten":
        items = [{"food_id": i["food_id"], "grams": i["grams"]} for i in planned["items"]]
    elif status == "skipped":
        items = []
    elif status == "replaced" and food is not None and grams:
        items, meal = [{"food_id": food.pk, "grams": float(grams)}], None
    elif status == "replaced" and meal is not None:
        items, food, grams = _items_of_meal(meal), None, None
    else:
        raise ValueError(f"cannot mark a meal {status!r} without what replaced it")
    if status != "replaced":
        food = meal = grams = None
    values = {
        "plan": plan,
        "plan_day": day,
        "slot": planned["slot"],
        "day_meals": len(plan_day(plan, day)["meals"]),
        "planned_name": planned["name"],
        "status": status,
        "food": food,
        "grams": grams,
        "meal": meal,
        "items": items,
        "targets": plan_targets(plan),
        "demo": demo,
    }
    mark, _created = MealMark.objects.update_or_create(
        owner=journal.person, date=date, slot_index=slot_index, defaults=values
    )
    return mark


def unmark_meal(journal: Journal, date: dt.date, slot_index: int) -> None:
    _writable(journal)
    journal.entries(MealMark).filter(date=date, slot_index=slot_index).delete()
