"""Trends: the charts' data and the tables beside them, rolling means that equal a plain computation, and a
bounded number of queries for a year of journal."""

import datetime as dt
import json

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.access import open_journal
from journal.demo import fill_demo_journal
from journal.models import MealMark, Night
from journal.trends import trends_view

from .factories import LabResultFactory, NightFactory, UserFactory, days_ago, two_day_plan_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    user = UserFactory(username="trender")
    client.force_login(user)
    return user


def chart_data(html):
    return json.loads(html.split('<script id="trends-data" type="application/json">')[1].split("</script>")[0])


def test_trends_page_has_each_chart_its_table_the_band_lines_and_the_causation_note(client, person):
    LabResultFactory(owner=person, value=31, date=days_ago(20))
    LabResultFactory(owner=person, lab="transferrin_saturation", value=18, unit="%", date=days_ago(20))
    NightFactory(owner=person, date=days_ago(2), severity=7, hours_slept=5, caffeine=True)
    html = client.get(reverse("journal:trends") + "?weeks=4").content.decode()
    for canvas in ("chart-ferritin", "chart-tsat", "chart-severity", "chart-sleep", "chart-eaten"):
        assert f'<canvas id="{canvas}" role="img"' in html
    assert html.count("<table") >= 3
    assert "not what caused what" in html
    assert "/static/vendor/chartjs/chart.umd.min.js" in html and "<script>" not in html
    data = chart_data(html)
    assert len(data["labels"]) == 28 and data["labels"][-1] == timezone.localdate().isoformat()
    assert data["ferritin"][-21] == 31.0 and [line[0] for line in data["ferritin_lines"]] == [75.0, 100.0]
    assert [line[0] for line in data["tsat_lines"]] == [20.0, 45.0]
    assert data["severity"][-3] == 7 and data["hours"][-3] == 5.0
    assert "caffeine" in html.split("Nights in the period")[1]


def test_an_unknown_period_falls_back_to_12_weeks(client, person):
    data = chart_data(client.get(reverse("journal:trends") + "?weeks=5").content.decode())
    assert len(data["labels"]) == 84


def plain_rolling(points: dict, days) -> list:
    """The mean of the values dated in the 7 days up to each day, computed the long way."""
    series = pd.Series(points, dtype="float64")
    if series.empty:
        return [None] * len(days)
    out = []
    for day in days:
        window = series[(series.index > day - pd.Timedelta(days=7)) & (series.index <= day)]
        out.append(None if window.empty else round(float(window.mean()), 2))
    return out


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=10), max_size=30))
def test_rolling_severity_means_equal_a_plain_pandas_computation(person, nights):
    Night.objects.filter(owner=person).delete()
    today = timezone.localdate()
    Night.objects.bulk_create(
        Night(owner=person, date=today - dt.timedelta(days=offset), severity=severity)
        for offset, severity in nights.items()
    )
    view = trends_view(open_journal(person), 4, today)
    days = pd.date_range(today - dt.timedelta(days=27), today, freq="D")
    points = {pd.Timestamp(today - dt.timedelta(days=o)): s for o, s in nights.items()}
    assert view["chart"]["severity_mean"] == plain_rolling(points, days)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.integers(min_value=0, max_value=27), st.floats(min_value=0, max_value=40), max_size=20))
def test_rolling_shares_of_targets_eaten_equal_a_plain_pandas_computation(person, eaten_iron):
    """Each day one meal replaced by a food whose iron is known; the share is iron eaten / the iron target."""
    from nutrition.models import Food

    MealMark.objects.filter(owner=person).delete()
    food = Food.objects.get(name="Banana, raw")
    iron_per_100 = food.amounts_by_code()["iron_mg"]
    today = timezone.localdate()
    target = 18.0
    marks = []
    for offset, grams in eaten_iron.items():
        grams = round(grams * 10 + 1, 1)
        marks.append(
            MealMark(
                owner=person,
                date=today - dt.timedelta(days=offset),
                plan_day=1,
                slot_index=0,
                slot="lunch",
                day_meals=1,
                planned_name="Lunch",
                status="replaced",
                food=food,
                grams=grams,
                items=[{"food_id": food.pk, "grams": grams}],
                targets={"iron_mg": target},
            )
        )
    MealMark.objects.bulk_create(marks)
    view = trends_view(open_journal(person), 4, today)
    days = pd.date_range(today - dt.timedelta(days=27), today, freq="D")
    points = {pd.Timestamp(m.date): 100 * m.grams * iron_per_100 / 100 / target for m in marks}
    expected = plain_rolling(points, days)
    got = view["chart"]["eaten"]["Iron"]
    assert [v is None for v in got] == [v is None for v in expected]
    assert [v or 0 for v in got] == pytest.approx([v or 0 for v in expected], abs=0.06)


def test_a_year_of_journal_renders_in_a_fixed_number_of_queries(client, person):
    fill_demo_journal(open_journal(person, write=True), 52, plan_document=two_day_plan_document())
    assert Night.objects.filter(owner=person).count() > 300
    assert MealMark.objects.filter(owner=person).count() > 600
    counts = {}
    for weeks in (4, 52):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("journal:trends") + f"?weeks={weeks}")
        assert response.status_code == 200
        counts[weeks] = len(queries)
    assert counts[52] == counts[4] <= 10, counts
    html = response.content.decode()
    assert html.count("<tr>") > 300  # a row per night of the year in the table beside the chart
