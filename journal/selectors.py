"""Reads over one journal, for the pages and exports; each takes a `Journal` from `journal.access`."""

from __future__ import annotations

import datetime as dt
import functools

from django.db import connection

from planner.models import Plan, Profile

from .access import Journal
from .models import IronCourse, LabResult, MealMark, Night

# Everything of a person's that the journal's home page shows (profiles: the latest one's age sets the lab bands).
STAMPED = (Night, LabResult, IronCourse, MealMark, Plan, Profile)


@functools.cache
def _stamp_sql(models: tuple, owners: int) -> str:
    marks = ", ".join(["%s"] * owners)
    return " UNION ALL ".join(
        f"SELECT {n}, owner_id, COUNT(*), MAX(updated_at) FROM {connection.ops.quote_name(model._meta.db_table)} "
        f"WHERE owner_id IN ({marks}) GROUP BY owner_id"
        for n, model in enumerate(models)
    )


def owners_stamp(owner_ids, models: tuple = STAMPED) -> tuple:
    """A stamp of these people's rows of `models` that changes whenever any of them is added, edited or deleted:
    for each model and person, how many rows they have and when the latest was saved. Every write (the journal's
    forms and services, the planner, the API, `demo_journal`, the admin) saves through the ORM, which sets
    `updated_at` to the time of the write, so any add or edit moves the latest past every earlier one (the app
    servers' clocks in step: docs/deploy.md), and a delete lowers the count. One query (none without people)."""
    owner_ids = list(owner_ids)
    if not owner_ids:
        return ()
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql(tuple(models), len(owner_ids)), owner_ids * len(models))
        return tuple(sorted(tuple(map(str, row)) for row in cursor.fetchall()))


def stamp(journal: Journal) -> tuple:
    """The stamp of everything the journal's home page shows of this person (`STAMPED`)."""
    return owners_stamp([journal.person.pk])


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
