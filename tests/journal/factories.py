"""factory_boy factories for journal entries, and one small saved plan solved once per test run."""

from __future__ import annotations

import datetime as dt
import functools

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from journal.models import LabResult, Night
from planner.models import Plan
from planner.profiles import parse_profile
from planner.services import generate_plan

PROFILE = {"age": 40, "sex": "female", "weight_kg": 64, "height_cm": 166, "diet": "vegetarian", "days": 2}


def days_ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person{n}")
    password = factory.django.Password("a-long-Passw0rd!")


class NightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Night

    owner = factory.SubFactory(UserFactory)
    date = factory.Sequence(lambda n: days_ago(n + 1))
    severity = 5
    hours_slept = 6.5


class LabResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LabResult

    owner = factory.SubFactory(UserFactory)
    date = factory.LazyFunction(lambda: days_ago(30))
    lab = "ferritin"
    value = 40.0
    unit = "ng/mL"


@functools.cache
def two_day_plan_document() -> dict:
    """Solved once per run: the journal tests are about marks, not about the plan."""
    return generate_plan(parse_profile(PROFILE), seed=3)


def saved_plan(owner, name="My week") -> Plan:
    return Plan.objects.create(owner=owner, name=name, profile_data=PROFILE, document=two_day_plan_document(), seed=3)
