"""History of a food (its fields, allergens, values and portions) or a meal (its fields and ingredients):
who changed what, when and why, as versions with diffs, and reverting to a version.

A version is one save: the history rows made by the same person with the same reason within a few
seconds (something changed twice within one version shows once, from first to last). Reverting
restores the state right after that version, recorded as a new change (nothing is erased), with its
own reason.

A meal's allergens, diets and aggravators are derived from its foods, so they have no history of
their own: reverting a food's allergens changes them in every meal that uses the food.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction

from nutrition.importers.food_records import ensure_history_baseline
from nutrition.models import Allergen, Food, FoodGroup, Nutrient, NutrientAmount, Portion
from planner.models.meals import Meal, MealIngredient

from .services import touch_food, with_reason

FOOD_FIELDS = ("name", "food_group_id", "diet", "contains_caffeine", "contains_alcohol", "needs_review")
# Each Food history row carries the food's allergens at that moment (HistoricalRecords(m2m_fields=...)).
FoodAllergensThen = Food.history.model.allergens.model
MEAL_FIELDS = (
    "name",
    "slug",
    "slot",
    "description",
    "is_active",
    "needs_review",
    "servings",
    "prep_minutes",
    "cook_minutes",
    "equipment",
    "steps",
)
SAME_SAVE = timedelta(seconds=5)


@dataclass
class Change:
    what: str
    old: str
    new: str


@dataclass
class Version:
    at: datetime
    user: object
    user_id: int | None
    reason: str
    changes: list[Change] = field(default_factory=list)


def _show(value) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _events(records, describe, label_of) -> list[tuple]:
    """(date, record, changes) for each history row, diffed against the previous row of the same object."""
    events, previous = [], {}
    for record in records.select_related("history_user"):
        key = label_of(record)
        before = previous.get(key)
        after = None if record.history_type == "-" else record
        changes = [
            Change(what, _show(old), _show(new))
            for what, old, new in describe(key, before, after)
            if _show(old) != _show(new)
        ]
        previous[key] = after
        if changes:
            events.append((record.history_date, record, changes))
    return events


def _group(events) -> list[Version]:
    versions: list[Version] = []
    for at, record, changes in sorted(events, key=lambda e: (e[0], e[1].history_id)):
        last = versions[-1] if versions else None
        same = (
            last is not None
            and last.user_id == record.history_user_id
            and last.reason == (record.history_change_reason or "")
            and at - last.at <= SAME_SAVE
        )
        if same:
            _merge(last.changes, changes)
            last.at = at
        else:
            versions.append(
                Version(at, record.history_user, record.history_user_id, record.history_change_reason or "", changes)
            )
    return [version for version in reversed(versions) if version.changes]


def _merge(changes: list[Change], later: list[Change]) -> None:
    """Add a later row's changes to a version's: one thing changed twice (allergens set as a removal and an
    addition) shows once, from its first old to its last new value, and not at all if that is no change."""
    for change in later:
        earlier = next((c for c in changes if c.what == change.what), None)
        if earlier is None:
            changes.append(change)
        else:
            earlier.new = change.new
    changes[:] = [c for c in changes if c.old != c.new]


def food_versions(food: Food) -> list[Version]:
    groups = dict(FoodGroup.objects.values_list("pk", "name"))
    nutrients = {n.pk: n for n in Nutrient.objects.all()}
    order = ("history_date", "history_id")
    names = dict(Allergen.objects.values_list("pk", "name"))
    allergens_then: dict[int, list[str]] = {}
    for history_id, allergen_id in FoodAllergensThen.objects.filter(food_id=food.pk).values_list(
        "history_id", "allergen_id"
    ):
        allergens_then.setdefault(history_id, []).append(names.get(allergen_id, f"allergen {allergen_id}"))

    def describe_food(_, before, after):
        for name in FOOD_FIELDS:
            old, new = (getattr(r, name) if r else None for r in (before, after))
            if name == "food_group_id":
                old, new, name = groups.get(old, old), groups.get(new, new), "food_group"
            yield name.replace("_", " "), old, new
        yield "allergens", allergens_of(before), allergens_of(after)

    def allergens_of(record):
        if record is None:
            return None
        return ", ".join(sorted(allergens_then.get(record.history_id, []))) or "none"

    def describe_amount(nutrient_id, before, after):
        n = nutrients[nutrient_id]
        yield f"{n.name} ({n.unit} per 100 g)", before.amount if before else None, after.amount if after else None
        if before and after and before.source != after.source:
            yield f"{n.name} source", before.source or food.source, after.source or food.source

    def describe_portion(seq, before, after):
        yield f"portion {seq}", before and str(before.instance), after and str(after.instance)

    events = _events(Food.history.filter(id=food.pk).order_by(*order), describe_food, lambda r: r.id)
    events += _events(
        NutrientAmount.history.filter(food_id=food.pk).order_by(*order), describe_amount, lambda r: r.nutrient_id
    )
    events += _events(Portion.history.filter(food_id=food.pk).order_by(*order), describe_portion, lambda r: r.seq)
    return _group(events)


def meal_versions(meal: Meal) -> list[Version]:
    order = ("history_date", "history_id")
    foods = dict(
        Food.objects.filter(pk__in=MealIngredient.history.filter(meal_id=meal.pk).values("food_id")).values_list(
            "pk", "name"
        )
    )

    def describe_meal(_, before, after):
        for name in MEAL_FIELDS:
            old, new = getattr(before, name, None), getattr(after, name, None)
            if name == "steps":  # step by step, so a changed step reads as itself
                old, new = list(old or []), list(new or [])
                for number in range(max(len(old), len(new))):
                    then, now = (s[number] if number < len(s) else "(no step)" for s in (old, new))
                    yield f"step {number + 1}", then if before else None, now if after else None
            elif name == "equipment":
                yield name, ", ".join(old or []) if before else None, ", ".join(new or []) if after else None
            else:
                yield name.replace("_", " "), old, new

    def describe_ingredient(food_id, before, after):
        grams = (f"{r.grams:g} g" if r else "not in the meal" for r in (before, after))
        yield foods.get(food_id, f"food {food_id}"), *grams

    events = _events(Meal.history.filter(id=meal.pk).order_by(*order), describe_meal, lambda r: r.id)
    events += _events(
        MealIngredient.history.filter(meal_id=meal.pk).order_by(*order), describe_ingredient, lambda r: r.food_id
    )
    return _group(events)


def _state_at(history, at, key: str):
    """The value of `key` -> the history row in force at `at`, or None where the object did not exist then.

    An object whose first row is a change (not a creation) existed before its history began: with
    nothing recorded at `at`, it is left as it is (key absent from the result).
    """
    state, first = {}, {}
    for record in history.order_by("history_date", "history_id"):
        k = getattr(record, key)
        first.setdefault(k, record)
        if record.history_date <= at:
            state[k] = None if record.history_type == "-" else record
    for k, record in first.items():
        if k not in state and record.history_type == "+":
            state[k] = None
    return state


def _restore_fields(obj, fields, at, *, user, reason):
    """Give `obj` its `fields` as they were right after `at`, saved as a change; returns the history row
    it took them from, or None when `obj` has no history that old (then it is left as it is)."""
    model = type(obj)
    record = model.history.filter(id=obj.pk, history_date__lte=at).order_by("-history_date", "-history_id").first()
    if record is not None:
        ensure_history_baseline(model, obj.pk)
        for name in fields:
            setattr(obj, name, getattr(record, name))
        with_reason(obj, user, reason).save()
    return record


def _restore_rows(history, current, at, *, key: str, fields: tuple[str, ...], new, user, reason) -> None:
    """Make an object's child rows (a food's values or portions, a meal's ingredients) what `history` says
    they were right after `at`: delete, re-create or change each row that differs, as a change.

    `current` are the rows now, `key` the attribute that tells one row from the others of the same
    object, `fields` the values restored, and `new(k)` makes an empty row for a key that is gone now.
    """
    now_by_key = {getattr(row, key): row for row in current}
    for k, then in _state_at(history, at, key).items():
        now = now_by_key.get(k)
        if now is not None:
            ensure_history_baseline(type(now), now.pk)
        if then is None:
            if now is not None:
                with_reason(now, user, reason).delete()
            continue
        values = [getattr(then, name) for name in fields]
        if now is None or [getattr(now, name) for name in fields] != values:
            row = now or new(k)
            for name, value in zip(fields, values, strict=True):
                setattr(row, name, value)
            with_reason(row, user, reason).save()


@transaction.atomic
def revert_food(food: Food, at: datetime, *, user, reason: str) -> None:
    record = _restore_fields(food, FOOD_FIELDS, at, user=user, reason=reason)
    if record is not None:
        # Changed allergens get history rows of their own, with the same who and why.
        food.allergens.set(record.allergens.values_list("allergen_id", flat=True))
    _restore_rows(
        NutrientAmount.history.filter(food_id=food.pk),
        food.amounts.all(),
        at,
        key="nutrient_id",
        fields=("amount", "source"),
        new=lambda nutrient_id: NutrientAmount(food=food, nutrient_id=nutrient_id),
        user=user,
        reason=reason,
    )
    _restore_rows(
        Portion.history.filter(food_id=food.pk),
        food.portions.all(),
        at,
        key="seq",
        fields=("amount", "description", "grams"),
        new=lambda seq: Portion(food=food, seq=seq),
        user=user,
        reason=reason,
    )
    touch_food(food)


@transaction.atomic
def revert_meal(meal: Meal, at: datetime, *, user, reason: str) -> None:
    _restore_fields(meal, MEAL_FIELDS, at, user=user, reason=reason)
    _restore_rows(
        MealIngredient.history.filter(meal_id=meal.pk),
        meal.ingredients.all(),
        at,
        key="food_id",
        fields=("grams", "order"),
        new=lambda food_id: MealIngredient(meal=meal, food_id=food_id),
        user=user,
        reason=reason,
    )
