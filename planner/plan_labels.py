"""Words shown with a saved plan to its owner, from other parts of the site, without the planner knowing which.

An app that knows where a plan came from (the dietitian practice: "from your dietitian Dana", with the message that
came with it) registers a provider from its `AppConfig.ready()`. The saved-plans list and the plan page ask
`labels_for(user, plan_ids)`. The planner imports none of those apps, as with `form_prefill`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PlanLabel:
    text: str  # e.g. "From your dietitian Dana"
    message: str = ""  # shown with the plan, as its author wrote it
    when: dt.datetime | None = None


_providers: list[Callable[[object, list[int]], dict[int, PlanLabel]]] = []


def register(provider: Callable[[object, list[int]], dict[int, PlanLabel]]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def labels_for(user, plan_ids: Iterable[int]) -> dict[int, PlanLabel]:
    """Each registered provider's label for those of `plan_ids` that `user` owns (later providers win a clash);
    nothing when signed out."""
    plan_ids = [pk for pk in plan_ids if pk is not None]
    if user is None or not user.is_authenticated or not plan_ids:
        return {}
    labels: dict[int, PlanLabel] = {}
    for provider in _providers:
        labels.update(provider(user, plan_ids))
    return labels
