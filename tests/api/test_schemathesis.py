"""Schemathesis: property-based requests generated from our own OpenAPI document, sent to the whole Django app (its
WSGI handler, every middleware included) with the token of an owner who has a saved plan and a journal (a lab result,
a night, a meal eaten). Every operation (one test each); for each, a bounded
number of examples (valid and invalid), each answer checked: never a 5xx, a documented status, a documented content
type and headers, and a body that matches the documented schema. Derandomized, so CI runs are repeatable.

The schema is built at collection time from the NinjaAPI itself (no database needed), the same document that
/api/v1/openapi.json serves (checked in test_api_errors.py)."""

import copy
import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.v1 import api

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 15  # per operation

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/"))
schema.app = get_wsgi_application()
schema.location = "/api/v1/openapi.json"


@pytest.fixture(autouse=True)
def _quick_and_unlimited(settings):
    settings.PLAN_TIME_LIMIT = 1.0  # plans of up to 14 days, each solved at most this long
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api-plans": "10000/m", "api-swaps": "10000/m"}  # tested apart
    # The WSGI handler closes the database connection after each request; inside the test's transaction (on
    # PostgreSQL) that would close it under the test. Django's own test client keeps it open the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Generated ids rarely name a stored entry: an odd one is replaced by the owner's entry, an even one is kept (a 404),
# so that reads, changes and deletes of real entries are tried as well as missing ones.
ENTRY_IDS = {"plan_id": "plan", "lab_id": "lab", "night_id": "night", "mark_id": "mark"}


def _owners_ids(case, people, journal_data):
    stored = {"plan": people["plan"], **journal_data}
    for name, value in (case.path_parameters or {}).items():
        if name in ENTRY_IDS and isinstance(value, int) and value % 2:
            case.path_parameters[name] = stored[ENTRY_IDS[name]].pk
    if case.operation.path == "/api/v1/journal/eaten" and isinstance(case.body, dict) and "plan_id" in case.body:
        case.body["plan_id"] = people["plan"].pk  # a mark is made against one of your own plans


@pytest.fixture(autouse=True)
def _each_plan_solved_once(monkeypatch):
    """Schemathesis's coverage phase sends the same valid profile many times (with other headers or query values
    that leave the plan as it is): 94 solves for `POST plans`, only 50 of them different, at about half a second of
    CPU each. The second time, the same input gets a copy of the document the solver gave the first time, which is
    what a new solve gives (same profile and seed, same plan: tests/test_plan_properties.py). Every request still
    goes through the whole app, and every answer is checked."""
    from planner import services

    solve = services.generate_plan
    solved: dict[str, dict] = {}

    def plain(value):
        if isinstance(value, dict):
            return sorted((repr(k), plain(v)) for k, v in value.items())
        return sorted(map(repr, value)) if isinstance(value, set | frozenset) else value

    def generate_plan(profile, seed=0, days=None, locked=None, **options):
        key = json.dumps([profile.to_dict(), seed, days, plain(locked or {}), plain(options)], default=repr)
        if key not in solved:
            solved[key] = solve(profile, seed, days, locked, **options)
        return copy.deepcopy(solved[key])

    monkeypatch.setattr(services, "generate_plan", generate_plan)


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_keeps_to_its_documented_schema(case, people, journal_data):
    _owners_ids(case, people, journal_data)
    case.call_and_validate(headers={"Authorization": f"Bearer {people['owner_token']}"}, checks=CHECKS)
