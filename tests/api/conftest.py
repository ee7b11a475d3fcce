"""The API's visitors: an owner with a saved one-day plan and a token, another person with a token, anyone."""

import datetime as dt
import functools
import json

import pytest
from django.test import Client
from django.utils import timezone

from accounts.tokens import create_token
from journal.access import open_journal
from journal.models import LabResult, Night
from journal.services import mark_meal
from planner.models import Plan
from planner.profiles import parse_profile
from planner.services import generate_plan

PROFILE = {"age": 35, "sex": "female", "weight_kg": 62, "height_cm": 165, "diet": "vegetarian", "days": 1}


@functools.cache
def one_day_plan() -> dict:
    """Solved once per run: most API tests are about access and shapes, not about the plan."""
    return generate_plan(parse_profile(PROFILE), seed=1)


class Api:
    """The test client speaking JSON to /api/v1/, optionally with a bearer token."""

    def __init__(self, token=None, client=None):
        self.client = client or Client(raise_request_exception=False)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, **params):
        return self.client.get(f"/api/v1/{path}", params, headers=self.headers)

    def send(self, method, path, body=None, **extra):
        data = body if isinstance(body, str | bytes) else json.dumps(body) if body is not None else ""
        call = getattr(self.client, method)
        return call(f"/api/v1/{path}", data, content_type="application/json", headers={**self.headers, **extra})

    def post(self, path, body=None, **extra):
        return self.send("post", path, body, **extra)

    def patch(self, path, body=None, **extra):
        return self.send("patch", path, body, **extra)

    def delete(self, path, **extra):
        return self.send("delete", path, None, **extra)


@pytest.fixture
def people(db, django_user_model):
    owner = django_user_model.objects.create_user("owner", password="a-long-Passw0rd!")
    other = django_user_model.objects.create_user("other", password="a-long-Passw0rd!")
    plan = Plan.objects.create(owner=owner, name="My day", profile_data=PROFILE, document=one_day_plan(), seed=1)
    return {
        "owner": owner,
        "other": other,
        "plan": plan,
        "owner_token": create_token(owner, "tests")[1],
        "other_token": create_token(other, "tests")[1],
    }


@pytest.fixture
def anyone():
    return Api()


@pytest.fixture
def owner(people):
    return Api(people["owner_token"])


@pytest.fixture
def other(people):
    return Api(people["other_token"])


@pytest.fixture
def journal_data(people):
    """The owner's journal: a ferritin result entered in µg/L, last night, and yesterday's breakfast eaten."""
    today = timezone.localdate()
    owner = people["owner"]
    lab = LabResult.objects.create(owner=owner, date=today - dt.timedelta(days=30), lab="ferritin", value=40,
                                   unit="ug/L")
    night = Night.objects.create(owner=owner, date=today - dt.timedelta(days=1), severity=6, hours_slept=6.5)
    mark = mark_meal(open_journal(owner, write=True), people["plan"], 1, 0, today - dt.timedelta(days=1), "eaten")
    return {"lab": lab, "night": night, "mark": mark, "today": today}


def pytest_collection_modifyitems(items):
    """Schemathesis names each operation's test (`test_x[POST /api/v1/plans]`) but gives all of them the function's
    node id; pytest-xdist's group scheduling keys tests by node id and ran only one of the twelve. Each gets its
    name as its node id."""
    for item in items:
        if type(item).__name__ == "SchemathesisFunction" and not item.nodeid.endswith("]"):
            if hasattr(item, "_id"):  # pytest 9
                item._id = item.parent.id.child(item.name)
            else:
                item._nodeid = f"{item.parent.nodeid}::{item.name}"
