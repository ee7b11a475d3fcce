"""A person's data is theirs: download all of it as JSON, and delete the account with everything in it."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from journal.models import LabResult, MealMark, Night
from planner.models import Plan, Profile

from .factories import LabResultFactory, NightFactory, UserFactory, saved_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    user = UserFactory(username="owner-of-data")
    client.force_login(user)
    Profile.objects.create(owner=user, name="Me", age=40, sex="female", weight_kg=64, height_cm=166)
    saved_plan(user)
    NightFactory(owner=user, severity=4)
    LabResultFactory(owner=user, value=33)
    return user


def test_the_download_holds_profiles_plans_and_the_journal_of_this_person_only(client, person):
    stranger = UserFactory(username="stranger")
    NightFactory(owner=stranger, severity=9)
    response = client.get(reverse("accounts:account_data"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["username"] == "owner-of-data"
    assert [p["name"] for p in data["profiles"]] == ["Me"]
    assert [p["name"] for p in data["plans"]] == ["My week"] and data["plans"][0]["document"]["days"]
    assert [n["severity"] for n in data["journal"]["night"]] == [4]
    assert data["journal"]["lab"][0]["value_canonical"] == 33.0


def test_deleting_needs_the_password_and_the_word_delete(client, person):
    url = reverse("accounts:account_delete")
    html = client.post(url, {"password": "wrong", "confirm": "delete"}).content.decode()
    assert "Your password: that is not your password." in html
    assert "Type DELETE to confirm: type the word DELETE in capitals." in html
    assert get_user_model().objects.filter(pk=person.pk).exists()


def test_deleting_the_account_deletes_everything_it_owns_and_signs_out(client, person):
    stranger = UserFactory(username="stranger")
    NightFactory(owner=stranger)
    response = client.post(
        reverse("accounts:account_delete"), {"password": "a-long-Passw0rd!", "confirm": "DELETE"}, follow=True
    )
    assert "have been deleted" in response.content.decode()
    assert not get_user_model().objects.filter(pk=person.pk).exists()
    for model in (Profile, Plan):
        assert not model.objects.filter(owner_id=person.pk).exists()
    for model in (Night, LabResult, MealMark):
        assert not model.objects.filter(owner_id=person.pk).exists()
    assert Night.objects.filter(owner=stranger).count() == 1
    assert client.get(reverse("journal:home")).status_code == 302  # signed out


def test_the_account_page_offers_both(client, person):
    html = client.get(reverse("accounts:account")).content.decode()
    assert reverse("accounts:account_data") in html and reverse("accounts:account_delete") in html
