"""Telling other parts of the site that a saved plan changed, without the planner knowing which.

The planner's pages and the API call `changed(user, plan, action, detail)` after they store a change to a saved
plan (a meal swapped, locked or unlocked, the plan regenerated, renamed or deleted). An app that keeps a history of
some plans (the dietitian practice: the log of a plan built for a client) registers a listener from its
`AppConfig.ready()`. The planner imports none of those apps, as with `form_prefill` and `plan_labels`.
"""

from __future__ import annotations

from collections.abc import Callable

SWAPPED, LOCKED, UNLOCKED, REGENERATED, RENAMED, DELETED = (
    "swapped",
    "locked",
    "unlocked",
    "regenerated",
    "renamed",
    "deleted",
)

_listeners: list[Callable] = []


def register(listener: Callable) -> None:
    """`listener(user, plan, action, detail)` is called after each change to a saved plan."""
    if listener not in _listeners:
        _listeners.append(listener)


def changed(user, plan, action: str, detail: str = "") -> None:
    if plan is None:
        return
    for listener in _listeners:
        listener(user, plan, action, detail)


def _meal(record, day: int, slot_index: int) -> str:
    found = record.day(day) or {"meals": []}
    meal = next((m for m in found["meals"] if m["slot_index"] == slot_index), None)
    return f"{meal['slot']} {meal['name']}" if meal else f"slot {slot_index}"


def meal_words(record, day: int, slot_index: int) -> str:
    """"Day 2: lunch Lentil soup", from a plan record (for the details of a change)."""
    return f"Day {day}: {_meal(record, day, slot_index)}"


def swap_words(before: str, record, day: int, slot_index: int) -> str:
    """"Day 2: lunch Lentil soup → lunch Bean stew": `before` is meal_words() taken before the swap."""
    return f"{before} → {_meal(record, day, slot_index)}"
