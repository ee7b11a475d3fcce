"""Nights: a quick entry, its rules, a second entry for the same night only after asking, edit and delete."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from journal.models import Night

from .factories import NightFactory, UserFactory, days_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    user = UserFactory(username="sleeper")
    client.force_login(user)
    return user


def night_data(**changes):
    data = {
        "date": days_ago(1).isoformat(),
        "severity": "6",
        "hours_slept": "5.5",
        "minutes_to_sleep": "40",
        "times_woken": "2",
        "onset": "before_6pm",
        "caffeine": "on",
    }
    data.update(changes)
    return data


def test_a_night_logged_from_the_journal_shows_in_the_recent_nights(client, person):
    response = client.post(reverse("journal:night_add"), night_data(), follow=True)
    night = Night.objects.get(owner=person)
    assert (night.severity, night.hours_slept, night.minutes_to_sleep, night.onset) == (6, 5.5, 40, "before_6pm")
    assert night.caffeine and not night.alcohol and not night.demo
    assert "Saved the night of" in response.content.decode()
    assert "6/10" in response.content.decode()


def test_the_journal_page_offers_the_quick_entry_with_a_0_to_10_scale(client, person):
    html = client.get(reverse("journal:home")).content.decode()
    assert 'action="/journal/nights/add/"' in html
    for n in range(11):
        assert f'name="severity" value="{n}"' in html
    assert 'name="severity" value="11"' not in html


@pytest.mark.parametrize("severity", ["11", "-1", "4.5", "high"])
def test_severity_outside_0_to_10_is_refused_beside_the_field(client, person, severity):
    response = client.post(reverse("journal:night_add"), night_data(severity=severity))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-severity">RLS severity (0 none, 10 worst) must be a whole number from 0 to 10.' in html
    assert not Night.objects.exists()


def test_a_night_in_the_future_is_refused(client, person):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    html = client.post(reverse("journal:night_add"), night_data(date=tomorrow)).content.decode()
    assert 'id="error-date">Night of cannot be in the future.' in html
    assert not Night.objects.exists()


def test_irls_total_above_40_and_hours_above_24_are_refused(client, person):
    html = client.post(reverse("journal:night_add"), night_data(irls_total="41", hours_slept="25")).content.decode()
    assert "IRLS total (0–40) must be a whole number from 0 to 40." in html
    assert "Hours slept must be from 0 to 24." in html
    assert not Night.objects.exists()


def test_a_second_entry_for_the_same_night_asks_first_and_replaces_only_when_confirmed(client, person):
    first = NightFactory(owner=person, date=days_ago(1), severity=3)
    asked = client.post(reverse("journal:night_add"), night_data(severity="8"))
    html = asked.content.decode()
    assert "You already logged the night of" in html and f'name="replace" value="{first.pk}"' in html
    assert Night.objects.get().severity == 3  # nothing changed yet

    client.post(reverse("journal:night_add"), night_data(severity="8", replace=str(first.pk)))
    night = Night.objects.get()
    assert night.severity == 8 and night.pk != first.pk


def test_a_stale_confirmation_does_not_replace_a_different_entry(client, person):
    NightFactory(owner=person, date=days_ago(1), severity=3)
    client.post(reverse("journal:night_add"), night_data(severity="8", replace="999999"))
    assert Night.objects.get().severity == 3


def test_editing_a_night_keeps_it_and_moving_it_onto_another_night_asks(client, person):
    night = NightFactory(owner=person, date=days_ago(2), severity=2)
    other = NightFactory(owner=person, date=days_ago(3), severity=9)
    url = reverse("journal:night_edit", args=[night.pk])
    assert client.get(url).status_code == 200
    client.post(url, night_data(date=days_ago(2).isoformat(), severity="4"))
    night.refresh_from_db()
    assert night.severity == 4

    asked = client.post(url, night_data(date=days_ago(3).isoformat(), severity="4"))
    assert f'name="replace" value="{other.pk}"' in asked.content.decode()
    client.post(url, night_data(date=days_ago(3).isoformat(), severity="4", replace=str(other.pk)))
    assert list(Night.objects.values_list("date", "severity")) == [(days_ago(3), 4)]


def test_delete_asks_then_deletes_on_post(client, person):
    night = NightFactory(owner=person)
    url = reverse("journal:delete", args=["night", night.pk])
    assert "Delete this entry?" in client.get(url).content.decode()
    assert Night.objects.exists()
    client.post(url)
    assert not Night.objects.exists()


def test_someone_elses_night_is_404_to_view_edit_or_delete(client, person):
    theirs = NightFactory(owner=UserFactory(username="neighbour"))
    for url in (reverse("journal:night_edit", args=[theirs.pk]), reverse("journal:delete", args=["night", theirs.pk])):
        assert client.get(url).status_code == 404
        assert client.post(url, night_data()).status_code == 404
    assert Night.objects.get(pk=theirs.pk).severity == 5
    assert str(theirs.date) not in client.get(reverse("journal:nights")).content.decode()


def test_the_database_refuses_a_severity_above_10_and_two_entries_for_one_night(person):
    with pytest.raises(IntegrityError), transaction.atomic():
        NightFactory(owner=person, severity=11)
    NightFactory(owner=person, date=days_ago(1))
    with pytest.raises(IntegrityError), transaction.atomic():
        NightFactory(owner=person, date=days_ago(1))


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("journal:home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_quick_night_form_on_the_home_page_is_dated_last_night_whatever_day_it_is(client, monkeypatch):
    """The home page's empty night form is rendered once a day (journal.views._empty_night_fields): each day's page
    offers that day's last night, for every person alike, and carries nobody's data."""
    import journal.views

    for name in ("dana", "eli"):
        client.force_login(UserFactory(username=name))
        html = client.get(reverse("journal:home")).content.decode()
        assert f'value="{timezone.localdate() - dt.timedelta(days=1):%Y-%m-%d}"' in html
    NightFactory(owner=UserFactory(username="fay"), date=days_ago(1), note="a private note")
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)
    monkeypatch.setattr(journal.views.timezone, "localdate", lambda: tomorrow)
    html = client.get(reverse("journal:home")).content.decode()
    assert f'value="{today - dt.timedelta(days=1):%Y-%m-%d}"' not in html
    assert f'value="{tomorrow - dt.timedelta(days=1):%Y-%m-%d}"' in html and "a private note" not in html
