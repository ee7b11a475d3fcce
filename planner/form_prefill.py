"""Initial values for the plan form from other parts of the site, without the planner knowing which.

An app that knows something about a signed-in person (the journal: their latest lab results) registers a
provider from its `AppConfig.ready()`. The plan form asks `prefill_for(user)` and shows the values, which the
person can change, with the providers' notes saying where they came from. The planner imports none of those
apps, so the dependencies keep pointing one way (journal -> planner).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Prefill:
    initial: dict = field(default_factory=dict)  # plan form field name -> value
    notes: tuple[str, ...] = ()


_providers: list[Callable[[object], Prefill]] = []


def register(provider: Callable[[object], Prefill]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def prefill_for(user) -> Prefill:
    """Every registered provider's values for this person (later providers win a clash); nothing when signed out."""
    if user is None or not user.is_authenticated:
        return Prefill()
    initial: dict = {}
    notes: list[str] = []
    for provider in _providers:
        found = provider(user)
        initial.update(found.initial)
        notes.extend(found.notes)
    return Prefill(initial, tuple(notes))
