"""`manage.py demo_journal`: a clearly marked demo history, never mixed into a journal with real entries."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from journal.models import IronCourse, LabResult, MealMark, Night
from planner.models import Plan

from .factories import NightFactory, UserFactory, two_day_plan_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_solve(monkeypatch):
    """The demo's plan is the tests' plan solved once, not a new solve per test."""
    monkeypatch.setattr("journal.demo.generate_plan", lambda profile, seed: two_day_plan_document())


def test_demo_journal_fills_labs_every_12_weeks_nights_and_meals_all_marked_demo(capsys):
    person = UserFactory(username="demo-person")
    call_command("demo_journal", "demo-person", "--weeks", "26")
    assert "marked demo" in capsys.readouterr().out
    ferritin = list(LabResult.objects.filter(owner=person, lab="ferritin").order_by("date"))
    assert len(ferritin) == 3 and (ferritin[1].date - ferritin[0].date).days == 84
    assert {r.unit for r in ferritin} == {"ng/mL", "ug/L"}
    assert 150 < Night.objects.filter(owner=person).count() <= 182
    days = 7 * 26 - 1  # every day up to yesterday (tonight has not happened yet)
    assert MealMark.objects.filter(owner=person).count() == days * len(two_day_plan_document()["days"][0]["meals"])
    assert Night.objects.filter(owner=person).latest("date").date < timezone.localdate()
    assert IronCourse.objects.filter(owner=person).count() == 1
    for model in (LabResult, Night, MealMark, IronCourse):
        assert not model.objects.filter(owner=person, demo=False).exists()
    assert Plan.objects.filter(owner=person, name__contains="demo").count() == 1


def test_running_it_again_replaces_the_demo_history(client):
    person = UserFactory(username="demo-person")
    call_command("demo_journal", "demo-person", "--weeks", "4")
    call_command("demo_journal", "demo-person", "--weeks", "4")
    assert Night.objects.filter(owner=person).count() <= 28
    assert Plan.objects.filter(owner=person).count() == 1
    client.force_login(person)
    assert "Demo history" in client.get(reverse("journal:home")).content.decode()


def test_it_refuses_a_journal_with_real_entries_and_changes_nothing():
    person = UserFactory(username="real-person")
    NightFactory(owner=person)
    with pytest.raises(CommandError, match="entries of their own"):
        call_command("demo_journal", "real-person", "--weeks", "4")
    assert Night.objects.filter(owner=person).count() == 1 and not Plan.objects.filter(owner=person).exists()


def test_unknown_user_and_bad_weeks_are_errors():
    with pytest.raises(CommandError, match="no user called"):
        call_command("demo_journal", "nobody")
    UserFactory(username="someone")
    with pytest.raises(CommandError, match="--weeks"):
        call_command("demo_journal", "someone", "--weeks", "0")
