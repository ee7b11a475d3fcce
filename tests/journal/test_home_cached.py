"""The journal's home page keeps its body (the person's nights, labs, plans and iron courses) in the page cache,
keyed by a stamp of that person's journal: every change shows on the next request, a new day shows that day's page,
nobody is served another person's body, and each page carries its visitor's own CSRF token."""

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from journal.models import IronCourse, LabResult, Night
from planner.models import Plan, Profile

from .factories import LabResultFactory, NightFactory, UserFactory, days_ago, saved_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    user = UserFactory(username="stamper")
    client.force_login(user)
    return user


def home(client) -> str:
    response = client.get(reverse("journal:home"))
    assert response.status_code == 200
    return response.content.decode()


def post(client, url, data=None):
    """A change, followed to the page it leads to (so that its message is shown there, not on the next page)."""
    response = client.post(url, data or {}, follow=True)
    assert response.status_code == 200
    return response


def recent_nights(html: str) -> str:
    return html.split('id="nights-title"', 1)[1].split("</section>", 1)[0]


def latest_labs(html: str) -> str:
    return html.split('id="labs-title"', 1)[1].split("</section>", 1)[0]


def iron(html: str) -> str:
    return html.split('id="iron-title"', 1)[1].split("</section>", 1)[0]


def test_a_night_added_edited_or_deleted_shows_on_the_next_request(client, person):
    NightFactory(owner=person, date=days_ago(3), severity=2)
    assert "2/10" in recent_nights(home(client)) and "7/10" not in recent_nights(home(client))

    post(client, reverse("journal:night_add"), {"date": days_ago(1).isoformat(), "severity": "7"})
    assert "7/10" in recent_nights(home(client))

    night = Night.objects.get(owner=person, date=days_ago(1))
    post(client, reverse("journal:night_edit", args=[night.pk]),
                {"date": days_ago(1).isoformat(), "severity": "9", "hours_slept": "4.25"})
    html = recent_nights(home(client))
    assert "9/10" in html and "4.25 h" in html and "7/10" not in html

    post(client, reverse("journal:delete", args=["night", night.pk]))
    html = recent_nights(home(client))
    assert "9/10" not in html and "2/10" in html


def test_a_second_night_replacing_the_first_shows_on_the_next_request(client, person):
    first = NightFactory(owner=person, date=days_ago(2), severity=3)
    assert "3/10" in recent_nights(home(client))
    post(client, reverse("journal:night_add"),
                {"date": days_ago(2).isoformat(), "severity": "8", "replace": str(first.pk)})
    html = recent_nights(home(client))
    assert "8/10" in html and "3/10" not in html


def test_a_lab_added_edited_or_deleted_shows_on_the_next_request(client, person):
    assert "No lab results yet." in latest_labs(home(client))

    post(client, reverse("journal:lab_add"),
                {"date": days_ago(5).isoformat(), "lab": "ferritin", "value": "41", "unit": "ng/mL"})
    assert "Ferritin</strong> 41 ng/mL" in latest_labs(home(client))

    result = LabResult.objects.get(owner=person)
    post(client, reverse("journal:lab_edit", args=[result.pk]),
                {"date": days_ago(5).isoformat(), "lab": "ferritin", "value": "93", "unit": "ug/L"})
    html = latest_labs(home(client))
    assert "Ferritin</strong> 93 µg/L" in html and "41 ng/mL" not in html

    post(client, reverse("journal:delete", args=["lab", result.pk]))
    assert "No lab results yet." in latest_labs(home(client))


def test_an_iron_course_and_the_retest_it_calls_for_show_on_the_next_request(client, person):
    assert "A ferritin retest is due" not in home(client)
    post(client, reverse("journal:iron_add"), {"started": days_ago(70).isoformat(), "kind": "iv"})
    html = home(client)
    assert "A ferritin retest is due" in html and "Iron infusion (IV) from" in iron(html)

    course = IronCourse.objects.get(owner=person)
    post(client, reverse("journal:delete", args=["iron", course.pk]))
    html = home(client)
    assert "A ferritin retest is due" not in html and "Iron infusion (IV) from" not in iron(html)


def test_a_saved_plan_renamed_or_deleted_shows_on_the_next_request(client, person):
    plan = saved_plan(person, name="Spring week")
    assert "<strong>Spring week</strong>" in home(client)
    post(client, reverse("planner:rename", args=["plan", plan.pk]), {"name": "Autumn week"})
    html = home(client)
    assert "<strong>Autumn week</strong>" in html and "Spring week" not in html
    post(client, reverse("planner:delete", args=["plan", plan.pk]))
    assert "Autumn week" not in home(client)


def test_a_profile_that_makes_the_person_a_child_changes_the_ferritin_band_at_once(client, person):
    """The bands follow the age on the person's latest profile (a child's ferritin threshold is lower)."""
    LabResultFactory(owner=person, lab="ferritin", value=60.0, date=days_ago(10))
    Profile.objects.create(owner=person, name="Me", age=40, sex="female", weight_kg=60, height_cm=165)
    adult = latest_labs(home(client))
    Profile.objects.create(owner=person, name="Me as a child", age=10, sex="female", weight_kg=30, height_cm=135)
    child = latest_labs(home(client))
    assert adult != child


def test_demo_entries_show_their_note_on_the_next_request(client):
    user = UserFactory(username="demo-person")
    client.force_login(user)
    assert "Demo history" not in home(client)
    call_command("demo_journal", "demo-person", "--weeks", "2", verbosity=0)
    assert "Demo history" in home(client)


def test_a_new_day_shows_that_days_page(client, person, monkeypatch):
    """Dates on the page count from today (the meals' links, the retest): the next day's page is that day's."""
    saved_plan(person, name="Week")
    IronCourse.objects.create(owner=person, kind="oral", started=days_ago(56))
    today = timezone.localdate()
    html = home(client)
    assert f"?date={today:%Y-%m-%d}" in html and "A ferritin retest is due" not in html
    tomorrow = today + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    html = home(client)
    assert f"?date={tomorrow:%Y-%m-%d}" in html and f"?date={today:%Y-%m-%d}" not in html
    assert "A ferritin retest is due" in html


def test_two_people_each_see_only_their_own_journal(client):
    """Two journals whose stamps are alike (as many entries, the same last change): each person still gets their
    own page, however often each asks."""
    ana, ben = UserFactory(username="ana"), UserFactory(username="ben")
    for owner, severity, value, plan in ((ana, 3, 12.5, "Ana's week"), (ben, 8, 87.5, "Ben's week")):
        NightFactory(owner=owner, date=days_ago(2), severity=severity)
        LabResultFactory(owner=owner, lab="ferritin", value=value, date=days_ago(4))
        saved_plan(owner, name=plan)
    same = timezone.now()
    for model in (Night, LabResult, Plan):
        model.objects.update(updated_at=same)
    ben_client = Client()
    ben_client.force_login(ben)
    client.force_login(ana)
    for _ in range(2):
        mine, theirs = home(client), home(ben_client)
        assert "3/10" in mine and "12.5 ng/mL" in mine and "Ana&#x27;s week" in mine
        assert "8/10" not in mine and "87.5 ng/mL" not in mine and "Ben&#x27;s week" not in mine
        assert "8/10" in theirs and "87.5 ng/mL" in theirs and "Ben&#x27;s week" in theirs
        assert "3/10" not in theirs and "12.5 ng/mL" not in theirs and "Ana&#x27;s week" not in theirs


def test_each_page_carries_its_visitors_own_csrf_token_and_the_form_posts(person):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(person)
    home(csrf_client)
    html = home(csrf_client)  # the body from the cache this time
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    assert len(re.findall(r'name="csrfmiddlewaretoken"', html)) == 3  # night form, iron form, sign out
    assert "csrf-slot-" not in html
    response = csrf_client.post(reverse("journal:night_add"),
                                {"date": days_ago(1).isoformat(), "severity": "4",
                                 "csrfmiddlewaretoken": tokens.pop()})
    assert response.status_code == 302
    assert Night.objects.filter(owner=person, severity=4).exists()


def test_entries_written_through_the_api_show_on_the_next_request(client, person):
    """The API's routes write through the same services: a night and a lab added, patched and deleted with a token
    show on the journal home at once (the cached body's stamp moves)."""
    from accounts.tokens import create_token
    from tests.api.conftest import Api

    api = Api(create_token(person, "freshness")[1])
    html = home(client)
    assert "6/10" not in recent_nights(html)
    night = api.post("journal/nights", {"date": days_ago(2).isoformat(), "severity": 6})
    assert night.status_code == 201, night.content
    assert "6/10" in recent_nights(home(client))
    assert api.patch(f"journal/nights/{night.json()['id']}", {"severity": 9}).status_code == 200
    assert "9/10" in recent_nights(home(client)) and "6/10" not in recent_nights(home(client))
    lab = api.post("journal/labs", {"date": days_ago(4).isoformat(), "lab": "ferritin", "value": 38, "unit": "ng/mL"})
    assert lab.status_code == 201, lab.content
    assert "38" in latest_labs(home(client))
    assert api.delete(f"journal/labs/{lab.json()['id']}").status_code == 204
    assert api.delete(f"journal/nights/{night.json()['id']}").status_code == 204
    html = home(client)
    assert "38" not in latest_labs(html) and "9/10" not in recent_nights(html)
