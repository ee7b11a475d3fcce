"""The solver and the account forms are behind limits: per address and per account, a 429 page that says when to try
again; a full plan queue refuses new plans with a clear 503; one queued plan per session; sessions expire."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from planner import jobs
from tests.test_plan_queue import WAIT_URL
from tests.test_plan_views import PERSON

pytestmark = pytest.mark.django_db

ONE_DAY = {**PERSON, "days": "1"}


@pytest.fixture
def rates(settings):
    """Small limits, so that a test reaches them in a few requests."""

    def set_rate(group: str, rate: str):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, group: rate}

    return set_rate


def visitor(address: str = "203.0.113.10") -> Client:
    return Client(REMOTE_ADDR=address)


def assert_too_many(response, within: int):
    assert response.status_code == 429, response.status_code
    wait = int(response["Retry-After"])
    assert 1 <= wait <= within
    body = response.content.decode()
    assert "<h1>Too many requests</h1>" in body
    assert re.search(r"try again in \d+ minutes? \(after \d\d:\d\d UTC\)", body)
    assert "private" in response["Cache-Control"]


def test_new_plans_are_limited_per_address_and_another_address_is_not_held_up(rates):
    rates("plan", "2/h")
    person = visitor()
    for _ in range(2):
        assert person.post(reverse("planner:form"), ONE_DAY).status_code == 302
    assert_too_many(person.post(reverse("planner:form"), ONE_DAY), 3600)
    assert visitor("203.0.113.11").post(reverse("planner:form"), ONE_DAY).status_code == 302
    # A form with mistakes builds nothing and is not counted: its errors still show.
    mistaken = person.post(reverse("planner:form"), {**ONE_DAY, "age": "200"})
    assert mistaken.status_code == 200 and "Age must be between" in mistaken.content.decode()


def test_new_plans_are_limited_per_account_whatever_the_address(rates, django_user_model):
    rates("plan", "2/h")
    user = django_user_model.objects.create_user("morgan", password="a-long-Passw0rd-91")
    statuses = []
    for address in ("203.0.113.20", "203.0.113.21", "203.0.113.22"):
        person = visitor(address)
        person.force_login(user)
        statuses.append(person.post(reverse("planner:form"), ONE_DAY).status_code)
    assert statuses == [302, 302, 429]


def test_swaps_and_regenerations_are_limited(rates):
    rates("swap", "2/h")
    rates("regenerate", "1/h")
    person = visitor()
    url = person.post(reverse("planner:form"), ONE_DAY)["Location"]
    key = url.rstrip("/").split("/")[-1]
    swap = reverse("planner:swap", args=[key, 1, 0])
    assert [person.post(swap).status_code for _ in range(2)] == [302, 302]
    assert_too_many(person.post(swap, HTTP_HX_REQUEST="true"), 3600)
    regenerate = reverse("planner:regenerate", args=[key])
    assert person.post(regenerate).status_code == 302
    assert_too_many(person.post(regenerate), 3600)
    assert person.post(reverse("planner:lock", args=[key, 1, 0])).status_code == 302  # locks solve nothing


def test_sign_up_is_limited_per_address(rates):
    rates("sign-up", "2/h")
    person = visitor()
    for name in ("ann", "bea"):
        answer = person.post(reverse("accounts:signup"), {"username": name, "password1": "x", "password2": "y"})
        assert answer.status_code == 200
    assert_too_many(person.post(reverse("accounts:signup"), {"username": "cat"}), 3600)


def test_sign_in_is_limited_per_username_across_addresses(rates, django_user_model):
    rates("sign-in", "3/h")
    django_user_model.objects.create_user("robin", password="right-Passw0rd-91")
    statuses = [
        visitor(f"203.0.113.{30 + i}").post(reverse("accounts:login"), {"username": "Robin", "password": "nope"})
        .status_code for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_password_reset_is_limited_per_address_and_per_email(rates, mailoutbox):
    rates("password-reset", "2/h")
    url = reverse("accounts:password_reset")
    person = visitor()
    for email in ("a@example.org", "b@example.org"):
        assert person.post(url, {"email": email}).status_code == 302
    assert_too_many(person.post(url, {"email": "c@example.org"}), 3600)
    for i in range(2):
        visitor(f"203.0.113.{40 + i}").post(url, {"email": "x@example.org"})
    assert_too_many(visitor("203.0.113.49").post(url, {"email": "X@example.org"}), 3600)


def test_a_full_plan_queue_refuses_new_plans_with_a_clear_503(client, plan_queue, settings):
    settings.PLAN_QUEUE_MAX_LENGTH = 2
    for address in ("203.0.113.50", "203.0.113.51"):
        assert WAIT_URL.fullmatch(visitor(address).post(reverse("planner:form"), PERSON)["Location"])
    refused = visitor("203.0.113.52").post(reverse("planner:form"), PERSON)
    assert refused.status_code == 503 and refused["Retry-After"] == "60"
    body = refused.content.decode()
    assert "<h1>Too many plans are being built right now</h1>" in body and "try again in a minute" in body
    assert jobs.plan_queue(plan_queue).count == 2


def test_a_session_has_at_most_one_plan_waiting_in_the_queue(client, plan_queue):
    first = client.post(reverse("planner:form"), PERSON)["Location"]
    again = client.post(reverse("planner:form"), {**PERSON, "days": "3"})
    assert again.status_code == 302 and again["Location"] == first
    assert jobs.plan_queue(plan_queue).count == 1
    assert "still being built: one plan at a time" in client.get(first).content.decode()


def test_sessions_expire_within_a_week(client, settings):
    assert client.post(reverse("planner:form"), ONE_DAY).status_code == 302
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert 0 < int(cookie["max-age"]) <= 7 * 24 * 3600
