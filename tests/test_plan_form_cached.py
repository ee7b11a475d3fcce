"""The plan form's fields are rendered once for each person and the values they start from (the journal's latest
labs, the units they chose, a saved profile), then kept in the page cache: a change to any of these shows on the next
request, and nobody is served fields rendered for someone else."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from journal.models import LabResult
from planner.models import Profile

from .journal.factories import LabResultFactory, UserFactory, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    user = UserFactory(username="planner-person")
    client.force_login(user)
    return user


def form_page(client, **query) -> str:
    response = client.get(reverse("planner:form"), query)
    assert response.status_code == 200
    return response.content.decode()


def ferritin(html: str) -> str:
    found = re.search(r'<input [^>]*name="ferritin"[^>]*>', html)
    return found.group(0) if found else ""


def test_a_lab_added_edited_or_deleted_in_the_journal_shows_in_the_form_on_the_next_request(client, person):
    assert 'value="' not in ferritin(form_page(client))
    client.post(reverse("journal:lab_add"),
                {"date": days_ago(5).isoformat(), "lab": "ferritin", "value": "41", "unit": "ng/mL"})
    assert 'value="41.0"' in ferritin(form_page(client))
    result = LabResult.objects.get(owner=person)
    client.post(reverse("journal:lab_edit", args=[result.pk]),
                {"date": days_ago(5).isoformat(), "lab": "ferritin", "value": "93", "unit": "ng/mL"})
    html = form_page(client)
    assert 'value="93.0"' in ferritin(html) and "41.0" not in html
    client.post(reverse("journal:delete", args=["lab", result.pk]))
    html = form_page(client)
    assert 'value="' not in ferritin(html) and "Filled in from your journal" not in html


def test_the_units_a_person_chose_show_on_the_next_request(client, person):
    html = form_page(client)
    assert re.search(r'<input [^>]*value="metric"[^>]*checked', html)
    from planner.models import Preference

    Preference.remember_units(person, "us")
    html = form_page(client)
    assert re.search(r'<input [^>]*value="us"[^>]*checked', html)
    assert not re.search(r'<input [^>]*value="metric"[^>]*checked', html)


def test_a_saved_profile_fills_the_form_and_an_edit_to_it_shows(client, person):
    profile = Profile.objects.create(owner=person, name="Me", age=41, sex="female", weight_kg=61, height_cm=160)
    assert re.search(r'name="age" value="41"', form_page(client, profile=profile.pk))
    Profile.objects.filter(pk=profile.pk).update(age=52)  # what the form shows is keyed by the values themselves
    assert re.search(r'name="age" value="52"', form_page(client, profile=profile.pk))


def test_two_people_each_see_only_their_own_lab_values(client):
    ana, ben = UserFactory(username="ana"), UserFactory(username="ben")
    LabResultFactory(owner=ana, value=12.5, date=days_ago(9))
    LabResultFactory(owner=ben, value=87.5, date=days_ago(9))
    client.force_login(ana)
    ben_client = Client()
    ben_client.force_login(ben)
    for _ in range(2):
        mine, theirs = form_page(client), form_page(ben_client)
        assert 'value="12.5"' in ferritin(mine) and "87.5" not in mine
        assert 'value="87.5"' in ferritin(theirs) and "12.5" not in theirs


def test_a_signed_in_plan_form_runs_a_fixed_number_of_queries(client, person):
    """The session, the user, the Dietitian group (the header), the units chosen, the journal's latest labs and the
    saved profiles; the fields from the page cache."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    form_page(client)
    with CaptureQueriesContext(connection) as empty:
        form_page(client)
    LabResultFactory(owner=person, value=30.0, date=days_ago(9))
    form_page(client)
    with CaptureQueriesContext(connection) as with_labs:
        form_page(client)
    assert len(empty) == len(with_labs) <= 6, ([q["sql"][:60] for q in empty], [q["sql"][:60] for q in with_labs])
