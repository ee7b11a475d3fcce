"""Who may see and change whose journal: the one place that answers it.

Views never filter journal entries by `owner` themselves. They ask `open_journal(viewer, person)` for a
`Journal`, and the selectors and services take that `Journal` (and only a `Journal`): a page cannot reach
someone's entries without passing through here. A journal is its owner's, and readable by whoever a
registered consent rule lets in: the dietitian practice (`practice`, which sits above the journal and so cannot
be imported from here) registers "the dietitian of an active sharing" at start-up with `allow_viewing_when`.
Writing stays the owner's alone.

Anyone who may not see a journal gets a 404, as if it did not exist (never a 403 that confirms it does).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

# Rules (viewer, person) -> bool that let someone other than the owner read; checked on every call, so a
# consent withdrawn takes effect on the next request.
_CONSENT_RULES: list[Callable] = []
# The same rules asked for many people at once: (viewer, person ids) -> the ids among them the viewer may read.
_BULK_RULES: dict[Callable, Callable] = {}


def allow_viewing_when(rule: Callable, *, bulk: Callable | None = None) -> Callable:
    """Register a consent rule (read-only access for someone other than the owner); idempotent. `bulk`, if given,
    answers the same rule for many people in one query (`open_journals`)."""
    if rule not in _CONSENT_RULES:
        _CONSENT_RULES.append(rule)
    if bulk is not None:
        _BULK_RULES[rule] = bulk
    return rule


def may_view(viewer, person) -> bool:
    """May `viewer` read `person`'s journal (and their saved plans, for the journal's pages)?"""
    if viewer is None or not viewer.is_authenticated or not viewer.is_active or person is None:
        return False
    if viewer.pk == person.pk:
        return True
    return any(rule(viewer, person) for rule in _CONSENT_RULES)


def may_write(viewer, person) -> bool:
    """Only the person writes their own journal."""
    return may_view(viewer, person) and viewer.pk == person.pk


@dataclass(frozen=True)
class Journal:
    """A journal as one viewer may use it: made only by `open_journal`."""

    person: Model
    viewer: Model
    writable: bool

    def entries(self, model) -> QuerySet:
        return model.objects.filter(owner=self.person)

    def entry(self, model, pk) -> Model:
        """One of this journal's entries, or 404."""
        return get_object_or_404(self.entries(model), pk=pk)

    def entry_to_change(self, model, pk) -> Model:
        if not self.writable:
            raise Http404
        return self.entry(model, pk)

    def plans(self) -> QuerySet:
        from planner.models import Plan

        return Plan.objects.filter(owner=self.person)


def open_journals(viewer, persons) -> list[Journal]:
    """The journals among `persons` that `viewer` may read (read-only unless their own), in the given order, with
    a fixed number of queries whatever their number; the others are left out."""
    persons = list(persons)
    if viewer is None or not viewer.is_authenticated or not viewer.is_active:
        return []
    allowed = {viewer.pk}
    rest = [p.pk for p in persons if p.pk != viewer.pk]
    for rule in _CONSENT_RULES:
        if not rest:
            break
        if rule in _BULK_RULES:
            found = set(_BULK_RULES[rule](viewer, rest))
        else:
            found = {pk for pk in rest if rule(viewer, next(p for p in persons if p.pk == pk))}
        allowed |= found
        rest = [pk for pk in rest if pk not in found]
    return [Journal(person=p, viewer=viewer, writable=p.pk == viewer.pk) for p in persons if p.pk in allowed]


def entries_of(journals: list[Journal], model) -> QuerySet:
    """`model`'s entries of all these journals at once (each row's `owner_id` says whose)."""
    return model.objects.filter(owner__in=[journal.person.pk for journal in journals])


def open_journal(viewer, person=None, *, write: bool = False) -> Journal:
    """`person`'s journal (the viewer's own by default) as `viewer` may use it; 404 if they may not."""
    person = viewer if person is None else person
    if not may_view(viewer, person) or (write and not may_write(viewer, person)):
        raise Http404
    return Journal(person=person, viewer=viewer, writable=may_write(viewer, person))
