"""Where a plan lives between requests: an unsaved plan in the session, a saved one in the database.

Both are reached by a key in the URL: `draft-<hex>` for a session draft, the primary key for a saved plan.
A saved plan is visible to its owner only; anyone else gets a 404, as if it did not exist.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.http import Http404

from nutrition.selectors import READER_TARGETS

from .models import Plan, Profile
from .profiles import parse_profile
from .services import leftovers_from_document, swap_meal

DRAFTS = "planner_drafts"
MAX_DRAFTS = 5  # older drafts fall out of the session


@dataclass
class PlanRecord:
    key: str
    name: str
    profile_data: dict
    document: dict
    seed: int = 0
    locked: list[list[int]] = field(default_factory=list)  # [day (1-based), slot_index] pairs
    saved: Plan | None = None

    def is_locked(self, day: int, slot_index: int) -> bool:
        return [day, slot_index] in self.locked

    def day(self, day: int) -> dict | None:
        """Day `day` (1-based) of the plan document, or None."""
        return next((d for d in self.document.get("days", []) if d["day"] == day), None)

    def has_meal(self, day: int, slot_index: int) -> bool:
        found = self.day(day)
        return found is not None and any(m["slot_index"] == slot_index for m in found["meals"])

    def locked_meals(self) -> dict[tuple[int, int], tuple[int, float]]:
        """The locked meals as the engine wants them: (day, slot_index) 0-based -> (meal_id, scale)."""
        locks = {}
        for day in self.document.get("days", []):
            for meal in day["meals"]:
                if self.is_locked(day["day"], meal["slot_index"]):
                    locks[(day["day"] - 1, meal["slot_index"])] = (meal["meal_id"], meal["scale"])
        return locks

    def locked_leftovers(self) -> dict[tuple[int, int], tuple[int, int]]:
        """Each locked leftover lunch whose dinner is locked too, as the engine wants it: (day, slot) -> (day, slot)
        of that dinner, 0-based, so that Regenerate keeps it the dinner's second portion (not cooked again)."""
        locked = self.locked_meals()
        links = leftovers_from_document(self.document).items()
        return {later: cooked_at for later, cooked_at in links if later in locked and cooked_at in locked}


class NoSuchMeal(LookupError):
    """The plan has no such day (`field` "day"), or no meal in that slot of it (`field` "slot_index")."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


def _check_meal(record: PlanRecord, day: int, slot_index: int | None) -> None:
    if record.day(day) is None:
        raise NoSuchMeal("day", f"this plan has no day {day}")
    if slot_index is not None and not record.has_meal(day, slot_index):
        raise NoSuchMeal("slot_index", f"day {day} of this plan has no meal in slot {slot_index}")


def swap(record: PlanRecord, day: int, slot_index: int) -> PlanRecord:
    """Replace one meal (day 1-based) with the best alternative, keeping every other meal; the next seed.

    Changes `record` only; the caller stores it (`put_plan`, `save_record`). Raises `NoSuchMeal`.
    """
    _check_meal(record, day, slot_index)
    profile = parse_profile(record.profile_data)
    record.seed += 1
    record.document = swap_meal(record.document, profile, day - 1, slot_index, seed=record.seed)
    return record


def lock(record: PlanRecord, day: int, slot_index: int, locked: bool | None = None) -> bool:
    """Lock (`locked` True) or unlock (False) one meal, day 1-based; None toggles it. Returns whether it is locked.

    Changes `record` only; the caller stores it. Raises `NoSuchMeal`.
    """
    _check_meal(record, day, slot_index)
    now = not record.is_locked(day, slot_index) if locked is None else locked
    if now and not record.is_locked(day, slot_index):
        record.locked.append([day, slot_index])
    elif not now and record.is_locked(day, slot_index):
        record.locked.remove([day, slot_index])
    return now


def _remember_targets(session, document: dict) -> None:
    session[READER_TARGETS] = {
        code: {"name": t.get("name", code), "target": t["target"], "unit": t.get("unit", "")}
        for code, t in document.get("targets", {}).items()
        if t.get("target")
    }


def new_draft(request, profile_data: dict, document: dict, seed: int = 0) -> PlanRecord:
    record = PlanRecord(f"draft-{secrets.token_hex(8)}", "Unsaved plan", profile_data, document, seed)
    put_plan(request, record)
    return record


def get_plan(request, key: str) -> PlanRecord:
    if key.startswith("draft-"):
        data = request.session.get(DRAFTS, {}).get(key)
        if data is None:
            raise Http404("This plan is no longer in your session.")
        return PlanRecord(key=key, **data)
    if not key.isdigit():
        raise Http404
    plan = Plan.objects.owned_by(request.user).filter(pk=int(key)).first()
    if plan is None:
        raise Http404
    return saved_record(plan)


def saved_record(plan: Plan) -> PlanRecord:
    return PlanRecord(str(plan.pk), plan.name, plan.profile_data, plan.document, plan.seed, plan.locked, plan)


def save_record(record: PlanRecord) -> Plan:
    """Write a saved plan's record back to its row (no session involved: the API uses this too)."""
    plan = record.saved
    plan.document, plan.locked, plan.seed, plan.name = record.document, record.locked, record.seed, record.name
    plan.profile_data = record.profile_data  # the units it is shown in live there
    plan.save()
    return plan


def put_plan(request, record: PlanRecord) -> None:
    _remember_targets(request.session, record.document)
    if record.saved is not None:
        save_record(record)
        return
    drafts = request.session.get(DRAFTS, {})
    drafts.pop(record.key, None)
    drafts[record.key] = {
        "name": record.name,
        "profile_data": record.profile_data,
        "document": record.document,
        "seed": record.seed,
        "locked": record.locked,
    }
    while len(drafts) > MAX_DRAFTS:
        drafts.pop(next(iter(drafts)))
    request.session[DRAFTS] = drafts


def save_for_user(request, record: PlanRecord, name: str) -> Plan:
    """Keep a draft (or rename a saved plan) under the signed-in user's account."""
    if record.saved is not None:
        record.saved.name = name
        record.saved.save(update_fields=["name", "updated_at"])
        return record.saved
    plan = save_new(request.user, name, record.profile_data, record.document, seed=record.seed, locked=record.locked)
    drafts = request.session.get(DRAFTS, {})
    drafts.pop(record.key, None)
    request.session[DRAFTS] = drafts
    return plan


def save_new(owner, name: str, profile_data: dict, document: dict, *, seed: int = 0, locked=None) -> Plan:
    """A new saved plan for `owner` (the save page and the API)."""
    return Plan.objects.create(
        owner=owner,
        name=name[: Plan._meta.get_field("name").max_length] or "My plan",
        profile_data=profile_data,
        document=document,
        locked=locked or [],
        seed=seed,
    )


def save_profile(user, name: str, profile_data: dict) -> Profile:
    fields = {k: v for k, v in profile_data.items() if k in {f.name for f in Profile._meta.fields}}
    return Profile.objects.create(owner=user, name=name, **fields)
