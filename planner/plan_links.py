"""Links shown with a saved plan to its owner, to pages other parts of the site keep, without the planner knowing
which.

An app that has a page for a saved plan (the dietitian practice: the printable handout, `/handout/plan/<plan>/`)
registers a provider from its `AppConfig.ready()`. The saved-plans list and the plan page ask
`links_for(user, plans)`, with the plans' owners already loaded, and show each link. The planner imports none of
those apps, as with `plan_labels` and `form_prefill`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PlanLink:
    text: str  # e.g. "Handout to print"
    url: str


_providers: list[Callable[[object, list], dict[int, list[PlanLink]]]] = []


def register(provider: Callable[[object, list], dict[int, list[PlanLink]]]) -> None:
    """`provider(user, plans)` returns {plan pk: [PlanLink, ...]} for some of `plans` (saved plans `user` owns)."""
    if provider not in _providers:
        _providers.append(provider)


def links_for(user, plans: Iterable) -> dict[int, list[PlanLink]]:
    """Every registered provider's links for those of the saved `plans` that `user` owns, in the order the providers
    registered; nothing when signed out. Asks the database nothing itself."""
    if user is None or not user.is_authenticated:
        return {}
    owned = [plan for plan in plans if plan is not None and plan.pk is not None and plan.owner_id == user.pk]
    links: dict[int, list[PlanLink]] = {}
    for provider in _providers:
        for pk, found in provider(user, owned).items():
            links.setdefault(pk, []).extend(found)
    return links
