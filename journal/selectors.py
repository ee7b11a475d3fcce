"""Reads over one journal, for the pages and exports; each takes a `Journal` from `journal.access`."""

from __future__ import annotations

import datetime as dt

from .access import Journal
from .models import IronCourse, LabResult, MealMark, Night


def latest_labs(journal: Journal) -> dict[str, LabResult]:
    """Each lab's most recent result, in the order of `LAB_CHOICES` (one query)."""
    latest: dict[str, LabResult] = {}
    for result in journal.entries(LabResult).order_by("lab", "-date", "-pk"):
        latest.setdefault(result.lab, result)
    order = [lab for lab, _label in LabResult._meta.get_field("lab").choices]
    return {lab: latest[lab] for lab in order if lab in latest}


def lab_results(journal: Journal):
    return journal.entries(LabResult).order_by("-date", "lab", "-pk")


def nights(journal: Journal, since: dt.date | None = None):
    found = journal.entries(Night)
    return found.filter(date__gte=since) if since else found


def iron_courses(journal: Journal):
    return journal.entries(IronCourse)


def meal_marks(journal: Journal, since: dt.date | None = None):
    found = journal.entries(MealMark).select_related("food", "meal")
    return found.filter(date__gte=since) if since else found


def has_real_entries(journal: Journal) -> bool:
    return any(journal.entries(model).real().exists() for model in (LabResult, Night, MealMark, IronCourse))


def has_demo_entries(journal: Journal) -> bool:
    return any(journal.entries(model).filter(demo=True).exists() for model in (LabResult, Night, MealMark, IronCourse))
