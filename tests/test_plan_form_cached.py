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


def test_a_persons_form_values_are_kept_an_hour_at_most_in_the_shared_cache_and_in_the_process(client, person,
                                                                                             monkeypatch):
    """The fields hold the person's labs and body: kept for PERSONAL_TIMEOUT (an hour), not the day that what
    everyone sees alike is kept; and a worker does not hold them in its memory past that either."""
    from config import page_cache

    stored = []
    shared = page_cache.page_cache()
    real_set = shared.set
    monkeypatch.setattr(shared, "set", lambda key, value, timeout=None, **kw: (
        stored.append((key, timeout)), real_set(key, value, timeout, **kw))[1])
    client.post(reverse("journal:lab_add"),
                {"date": days_ago(5).isoformat(), "lab": "ferritin", "value": "41", "unit": "ng/mL"})
    assert 'value="41.0"' in ferritin(form_page(client))
    personal = [(key, timeout) for key, timeout in stored if key.startswith("plan-fields:")]
    assert personal and all(timeout == page_cache.PERSONAL_TIMEOUT for _key, timeout in personal), stored
    key = personal[-1][0]
    assert page_cache._get(key) is not None  # held in this process
    shared.delete(key)  # the shared cache's hour is up...
    now = page_cache.time.monotonic()
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: now + page_cache.PERSONAL_TIMEOUT + 1)
    assert page_cache._get(key) is None  # ...and so is the process's
