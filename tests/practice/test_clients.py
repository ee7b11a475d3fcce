"""The dietitian's client list and client page: figures computed from the client's journal, sorted and
filtered; another dietitian's clients and private notes never leak."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from practice.models import ClientLink, ClientNote
from practice.services import accept, invite
from tests.journal.factories import LabResultFactory, NightFactory, UserFactory, days_ago

pytestmark = pytest.mark.django_db


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def dietitian(name):
    user = UserFactory(username=name)
    user.groups.add(Group.objects.get(name="Dietitian"))
    return user


def client_of(diet, username, name):
    person = UserFactory(username=username)
    _link, token = invite(diet, name)
    accept(token, person)
    return person


@pytest.fixture
def dana():
    return dietitian("dana-dietitian")


def rows(response):
    """The clients' names as the page lists them (read from the HTML: the list's body may come from the cache)."""
    assert response.status_code == 200
    return re.findall(r'<th scope="row"><a href="/dietitian/clients/\d+/">([^<]*)</a>', response.content.decode())


def test_the_list_shows_last_entry_ferritin_band_and_severity_change(dana):
    cleo = client_of(dana, "cleo", "Cleo")
    LabResultFactory(owner=cleo, lab="ferritin", value=60, unit="ng/mL", date=days_ago(10))
    LabResultFactory(owner=cleo, lab="ferritin", value=30, unit="ng/mL", date=days_ago(200))
    for ago, severity in ((1, 4), (5, 6), (30, 8), (40, 8), (70, 1)):  # 70 days ago: outside both windows
        NightFactory(owner=cleo, date=days_ago(ago), severity=severity)
    response = as_user(dana).get(reverse("practice:client_list"))
    row = response.context["rows"][0]
    assert row["last_entry"] == days_ago(1)
    assert row["ferritin"]["value"] == 60 and row["ferritin"]["date"] == days_ago(10)
    assert row["ferritin"]["band"] == "iron therapy band"
    assert row["severity_recent"] == 5 and row["severity_before"] == 8
    assert row["eaten"] is None
    page = response.content.decode()
    assert "60 ng/mL" in page and "iron therapy band" in page and "5.0" in page and "(8.0)" in page


def test_the_ferritin_band_edge_at_75_and_100(dana):
    for value, _band in (
        (75, "iron therapy band"),
        (75.1, "IV-only band"),
        (100, "IV-only band"),
        (100.1, "no iron therapy"),
    ):
        person = client_of(dana, f"c{value}", f"Client {value}")
        LabResultFactory(owner=person, lab="ferritin", value=value, unit="ng/mL", date=days_ago(3))
    response = as_user(dana).get(reverse("practice:client_list"), {"sort": "ferritin"})
    assert [(r["ferritin"]["value"], r["ferritin"]["band"]) for r in response.context["rows"]] == [
        (75, "iron therapy band"),
        (75.1, "IV-only band"),
        (100, "IV-only band"),
        (100.1, "no iron therapy"),
    ]


def test_sorted_by_a_column_either_way_unknowns_last_and_filtered_by_name(dana):
    ann = client_of(dana, "ann", "Ann")
    bea = client_of(dana, "bea", "Bea")
    client_of(dana, "cal", "Cal")  # no nights at all
    NightFactory(owner=ann, date=days_ago(2), severity=3)
    NightFactory(owner=bea, date=days_ago(2), severity=7)
    dietitian_client = as_user(dana)
    url = reverse("practice:client_list")
    assert rows(dietitian_client.get(url)) == ["Ann", "Bea", "Cal"]
    assert rows(dietitian_client.get(url, {"sort": "name", "dir": "desc"})) == ["Cal", "Bea", "Ann"]
    assert rows(dietitian_client.get(url, {"sort": "severity"})) == ["Ann", "Bea", "Cal"]
    assert rows(dietitian_client.get(url, {"sort": "severity", "dir": "desc"})) == ["Bea", "Ann", "Cal"]
    assert rows(dietitian_client.get(url, {"q": "be"})) == ["Bea"]
    assert rows(dietitian_client.get(url, {"sort": "nonsense"})) == ["Ann", "Bea", "Cal"]


def test_a_dietitian_never_sees_another_dietitians_clients_or_invitations(dana):
    other = dietitian("otto-dietitian")
    cleo = client_of(dana, "cleo", "Cleo")
    invite(dana, "Pending Pat")
    response = as_user(other).get(reverse("practice:client_list"))
    assert rows(response) == [] and "Pending Pat" not in response.content.decode()
    for name in ("practice:client_detail", "practice:client_trends"):
        assert as_user(other).get(reverse(name, kwargs={"client": cleo.pk})).status_code == 404
    assert (
        as_user(other).post(reverse("practice:note_add", kwargs={"client": cleo.pk}), {"text": "x"}).status_code == 404
    )
    pending = ClientLink.objects.get(client_name="Pending Pat")
    assert as_user(other).post(reverse("practice:invitation_withdraw", kwargs={"pk": pending.pk})).status_code == 404


def test_a_pending_invitation_is_listed_but_its_person_is_not_reachable(dana):
    invite(dana, "Pending Pat")
    response = as_user(dana).get(reverse("practice:client_list"))
    assert rows(response) == [] and "Pending Pat" in response.content.decode()
    assert as_user(dana).get(reverse("practice:client_detail", kwargs={"client": dana.pk})).status_code == 404


def test_private_notes_are_the_dietitians_alone(dana):
    cleo = client_of(dana, "cleo", "Cleo")
    other = dietitian("otto-dietitian")
    client_of(other, "cleo", "Cleo too")  # the same person shares with a second dietitian
    response = as_user(dana).post(
        reverse("practice:note_add", kwargs={"client": cleo.pk}), {"text": "Asked about coffee"}, follow=True
    )
    assert "Asked about coffee" in response.content.decode()
    note = ClientNote.objects.get()
    assert note.dietitian == dana and note.client == cleo
    other_page = as_user(other).get(reverse("practice:client_detail", kwargs={"client": cleo.pk}))
    assert other_page.status_code == 200 and "Asked about coffee" not in other_page.content.decode()
    for name in ("accounts:account", "journal:home", "journal:trends"):
        assert "Asked about coffee" not in as_user(cleo).get(reverse(name)).content.decode()


def test_the_client_page_shows_trends_profiles_and_plans_read_only(dana):
    cleo = client_of(dana, "cleo", "Cleo")
    NightFactory(owner=cleo, date=days_ago(2), severity=6)
    LabResultFactory(owner=cleo, lab="ferritin", value=42, unit="ng/mL", date=days_ago(2))
    dietitian_client = as_user(dana)
    page = dietitian_client.get(reverse("practice:client_detail", kwargs={"client": cleo.pk})).content.decode()
    assert "<h1>Cleo</h1>" in page and "Saved plans" in page and "Profiles" in page and "42" in page
    trends = dietitian_client.get(reverse("practice:client_trends", kwargs={"client": cleo.pk}), {"weeks": 4})
    text = trends.content.decode()
    assert trends.status_code == 200 and "Share of their six targets eaten" in text
    assert trends.context["night_count"] == 1 and "<form" not in text.split("<main", 1)[-1].split("</main>")[0]


def test_the_share_of_targets_eaten_counts_the_last_7_days_marks_alone(dana):
    """A client with a fully marked day 2 days ago has a share; one whose only marked day is 10 days ago has none
    (the list builds the eaten figures only for clients with a mark in the window: the same figures)."""
    from journal.access import open_journal
    from journal.services import mark_meal, plan_day
    from tests.journal.factories import saved_plan

    for username, ago in (("recent", 2), ("older", 10)):
        person = client_of(dana, username, username.capitalize())
        plan = saved_plan(person)
        journal = open_journal(person)
        for slot in range(len(plan_day(plan, 1)["meals"])):
            mark_meal(journal, plan, 1, slot, days_ago(ago), "eaten")
    response = as_user(dana).get(reverse("practice:client_list"))
    figures = {row["name"]: row["eaten"] for row in response.context["rows"]}
    assert figures["Older"] is None
    assert figures["Recent"] is not None and 0 < figures["Recent"] <= 1
    cells = response.content.decode().split("<tbody>")[1]
    assert f"{round(figures['Recent'] * 100)}%" in cells and "–" in cells
