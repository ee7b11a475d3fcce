"""CSV (one row per record, a `kind` column) and XLSX (a sheet per kind) of the whole journal; spreadsheet
formulas in typed text never run; the retest reminder and its calendar file; the clinician's summary."""

import csv
import datetime as dt
import io

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from journal.access import open_journal
from journal.forms import NightForm
from journal.models import IronCourse
from journal.reminders import retest_due
from journal.services import mark_meal
from nutrition.models import Food
from planner.models import Profile

from .factories import LabResultFactory, NightFactory, UserFactory, days_ago, saved_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    user = UserFactory(username="exporter")
    client.force_login(user)
    return user


@pytest.fixture
def journal_with_everything(person):
    LabResultFactory(owner=person, value=30, unit="ug/L", note='=HYPERLINK("http://evil")', date=days_ago(40))
    NightFactory(owner=person, date=days_ago(1), severity=7, alcohol=True, note="+1 bad night")
    NightFactory(owner=person, date=days_ago(2), severity=3, note="@home\tfine")
    plan = saved_plan(person)
    journal = open_journal(person, write=True)
    mark_meal(journal, plan, 1, 0, days_ago(1), "eaten")
    mark_meal(journal, plan, 1, 1, days_ago(1), "replaced", food=Food.objects.get(name="Banana, raw"), grams=120)
    IronCourse.objects.create(owner=person, started=days_ago(20), kind="oral", note="-ferrous sulfate")
    return person


def test_csv_has_one_row_per_record_with_a_kind_column(client, journal_with_everything):
    response = client.get(reverse("journal:export", args=["csv"]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["kind"] for r in rows] == ["lab", "night", "night", "meal", "meal", "iron_course"]
    lab = rows[0]
    assert (lab["value"], lab["unit"], lab["value_canonical"], lab["canonical_unit"]) == (
        "30.0",
        "ug/L",
        "30.0",
        "ng/mL",
    )
    assert rows[4]["status"] == "replaced" and rows[4]["replaced_by"] == "Banana, raw" and rows[4]["grams"] == "120.0"


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_escaped(client, journal_with_everything):
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("journal:export", args=["csv"])).content.decode())))
    notes = [r["note"] for r in rows if r["note"]]
    assert notes == ['\'=HYPERLINK("http://evil")', "'@home\tfine", "'+1 bad night", "'-ferrous sulfate"]


def test_xlsx_has_a_sheet_per_kind(client, journal_with_everything):
    response = client.get(reverse("journal:export", args=["xlsx"]))
    sheets = pd.read_excel(io.BytesIO(response.content), sheet_name=None)
    assert list(sheets) == ["lab", "night", "meal", "iron_course"]
    assert list(sheets["night"]["severity"]) == [3, 7]
    assert sheets["lab"]["note"][0].startswith("'=")


def test_a_nights_columns_are_what_the_night_form_asks_in_its_order(client, journal_with_everything):
    sheets = pd.read_excel(io.BytesIO(client.get(reverse("journal:export", args=["xlsx"])).content), sheet_name=None)
    night = sheets["night"]
    assert list(night.columns) == [*NightForm._meta.fields, "demo"] == [
        "date", "severity", "hours_slept", "minutes_to_sleep", "times_woken", "onset", "caffeine", "alcohol",
        "nicotine", "irls_total", "note", "demo",
    ]
    assert list(night["alcohol"]) == [False, True] and list(night["hours_slept"]) == [6.5, 6.5]


def test_an_empty_journal_exports_headers_only_and_unknown_formats_are_404(client, person):
    text = client.get(reverse("journal:export", args=["csv"])).content.decode()
    assert text.startswith("kind,date,") and text.count("\n") == 1
    assert client.get(reverse("journal:export", args=["pdf"])).status_code == 404


def test_retest_is_due_for_an_old_low_ferritin_and_offered_as_a_calendar_file(client, person):
    LabResultFactory(owner=person, value=75, date=days_ago(85))
    html = client.get(reverse("journal:home")).content.decode()
    assert "A ferritin retest is due" in html
    ics = client.get(reverse("journal:retest_ics"))
    assert ics["Content-Type"] == "text/calendar"
    text = ics.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and "BEGIN:VEVENT" in text and text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    day = timezone.localdate() + dt.timedelta(days=7)
    assert f"DTSTART;VALUE=DATE:{day:%Y%m%d}" in text


@pytest.mark.parametrize(
    ("value", "age_days", "child", "due"),
    [
        (75, 85, False, True),  # at the 75 ng/mL line, older than 12 weeks
        (76, 85, False, False),  # above it
        (75, 84, False, False),  # exactly 12 weeks old: not yet
        (49.9, 85, True, True),  # a child below 50
        (50, 85, True, False),  # a child at 50
    ],
)
def test_retest_rule_edges(person, value, age_days, child, due):
    if child:
        Profile.objects.create(owner=person, name="Kid", age=10, sex="female", weight_kg=32, height_cm=140)
    LabResultFactory(owner=person, value=value, date=days_ago(age_days))
    assert (retest_due(open_journal(person)) is not None) is due


def test_an_iron_course_older_than_8_weeks_without_a_ferritin_since_asks_for_a_retest(person):
    journal = open_journal(person)
    IronCourse.objects.create(owner=person, started=days_ago(57), kind="iv")
    assert "more than 8 weeks ago" in retest_due(journal).reason
    LabResultFactory(owner=person, value=150, date=days_ago(0))
    assert retest_due(journal) is None


def test_no_retest_no_calendar_file(client, person):
    LabResultFactory(owner=person, value=120, date=days_ago(200))
    assert client.get(reverse("journal:retest_ics")).status_code == 404


def test_the_clinician_summary_holds_the_numbers_on_one_page(client, journal_with_everything):
    html = client.get(reverse("journal:summary") + "?weeks=4").content.decode()
    assert "RLS journal summary" in html and "exporter" in html
    nights = html.split('id="s-nights"')[1].split("</section>")[0]
    assert 'Mean RLS severity (0–10)</th><td class="num">5.0' in nights
    assert 'Nights with severity 7 or more</th><td class="num">1' in nights
    assert 'Evenings with alcohol, per week logged</th><td class="num">1.0' in nights  # its nights are in 1 week
    assert "30 µg/L" in html and "data-print" in html and "<script>" not in html


def test_evenings_per_week_count_only_the_weeks_with_nights_logged(client, person):
    """Caffeine every evening of the two weeks logged in a 12-week period: 7 a week, not 14 spread over 12 weeks
    (the 10 weeks without entries are unknown, not caffeine-free)."""
    for n in range(14):  # the period's weeks end today: these are its last two
        NightFactory(owner=person, date=days_ago(n), severity=4, caffeine=True, alcohol=n < 3)
    html = client.get(reverse("journal:summary") + "?weeks=12").content.decode()
    nights = html.split('id="s-nights"')[1].split("</section>")[0]
    assert 'Weeks with nights logged</th><td class="num">2 of 12' in nights
    assert 'Evenings with caffeine, per week logged</th><td class="num">7.0' in nights  # not 1.2
    assert 'Evenings with alcohol, per week logged</th><td class="num">1.5' in nights
