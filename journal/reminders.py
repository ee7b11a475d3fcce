"""When a ferritin retest is due, and the same as a calendar file (.ics, RFC 5545).

Ferritin rises slowly after a change of diet or an iron course; it is retested after about 8-12 weeks
(AASM 2024: reassess iron status after a course of iron). The journal says a retest is due when the latest
ferritin is at or below 75 ng/mL (below 50 ng/mL for a child, the guideline's pediatric threshold) and older
than 12 weeks, or when an iron course started more than 8 weeks ago with no ferritin drawn since.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from planner import labs as lab_rules

from .access import Journal
from .labs_view import DRAW_ADVICE, person_age
from .models import IronCourse, LabResult

RETEST_AFTER_RESULT = dt.timedelta(weeks=12)
RETEST_AFTER_COURSE = dt.timedelta(weeks=8)
SUGGEST_IN = dt.timedelta(days=7)  # the calendar entry's date: a week from today, time to book it


@dataclass(frozen=True)
class Retest:
    due_since: dt.date
    reason: str
    advice: str = DRAW_ADVICE


def ferritin_low_enough_to_retest(value: float, age: int | None) -> bool:
    if lab_rules.is_child(age):
        return value < lab_rules.FERRITIN_CHILD_IRON_THERAPY_BELOW
    return value <= lab_rules.FERRITIN_IRON_THERAPY_MAX


def retest_due(journal: Journal, today: dt.date | None = None) -> Retest | None:
    today = today or timezone.localdate()
    latest = journal.entries(LabResult).filter(lab="ferritin").order_by("-date", "-pk").first()
    course = journal.entries(IronCourse).order_by("-started").first()
    if course is not None and course.started + RETEST_AFTER_COURSE < today:
        if latest is None or latest.date < course.started + RETEST_AFTER_COURSE:
            return Retest(
                course.started + RETEST_AFTER_COURSE,
                f"Your {course.get_kind_display().lower()} course started on {course.started:%-d %B %Y}, more than "
                "8 weeks ago, and no ferritin has been drawn since 8 weeks after it started: a retest is due.",
            )
    if latest is not None and latest.date + RETEST_AFTER_RESULT < today:
        age = person_age(journal.person)
        if ferritin_low_enough_to_retest(latest.value, age):
            limit = (
                "below 50 ng/mL (the AASM 2024 threshold for children)"
                if lab_rules.is_child(age)
                else ("at or below 75 ng/mL (the AASM 2024 threshold)")
            )
            return Retest(
                latest.date + RETEST_AFTER_RESULT,
                f"Your latest ferritin ({latest.value:g} ng/mL on {latest.date:%-d %B %Y}) is {limit} and more than "
                "12 weeks old: a retest is due.",
            )
    return None


def _ics_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 lines are at most 75 octets; longer ones continue on lines starting with a space."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    return "\r\n".join([*out, current])


def retest_calendar(retest: Retest, host: str, today: dt.date | None = None) -> bytes:
    today = today or timezone.localdate()
    day = today + SUGGEST_IN
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Restful Plate//RLS journal//EN",
        "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
        f"UID:ferritin-retest-{retest.due_since:%Y%m%d}@{host.split(':')[0] or 'restful-plate'}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_ics_text('Ferritin and transferrin saturation retest (RLS)')}",
        f"DESCRIPTION:{_ics_text(retest.reason + ' ' + retest.advice)}",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{_ics_text('Book a ferritin retest; no iron supplement for 24 hours before the draw.')}",
        "TRIGGER:-PT12H",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
