"""Who may see and change whose journal: the one place that answers it.

Views never filter journal entries by `owner` themselves. They ask `open_journal(viewer, person)` for a
`Journal`, and the selectors and services take that `Journal` (and only a `Journal`): a page cannot reach
someone's entries without passing through here. Today a journal is its owner's alone. The dietitian
practice will extend `may_view` with consent (an active sharing), and only `may_view` changes; writing stays
the owner's.

Anyone who may not see a journal gets a 404, as if it did not exist (never a 403 that confirms it does).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404


def may_view(viewer, person) -> bool:
    """May `viewer` read `person`'s journal (and their saved plans, for the journal's pages)?"""
    return bool(viewer is not None and viewer.is_authenticated and person is not None and viewer.pk == person.pk)


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


def open_journal(viewer, person=None, *, write: bool = False) -> Journal:
    """`person`'s journal (the viewer's own by default) as `viewer` may use it; 404 if they may not."""
    person = viewer if person is None else person
    if not may_view(viewer, person) or (write and not may_write(viewer, person)):
        raise Http404
    return Journal(person=person, viewer=viewer, writable=may_write(viewer, person))
