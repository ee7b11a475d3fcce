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
    assert person.post(reverse("planner:form"), ONE_DAY).status_code == 302
    # A form with mistakes builds nothing and is not counted: its errors show, and one more plan may be built.
    mistaken = person.post(reverse("planner:form"), {**ONE_DAY, "age": "200"})
    assert mistaken.status_code == 200 and "Age must be between" in mistaken.content.decode()
    assert person.post(reverse("planner:form"), ONE_DAY).status_code == 302
    assert_too_many(person.post(reverse("planner:form"), ONE_DAY), 3600)
    # Once the allowance is used up, every plan post from the address is refused at once, before its form is read.
    assert_too_many(person.post(reverse("planner:form"), {**ONE_DAY, "age": "200"}), 3600)
    assert visitor("203.0.113.11").post(reverse("planner:form"), ONE_DAY).status_code == 302


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


IN_FLIGHT_TEXT = "still being worked out: Restful Plate builds one at a time"


@pytest.fixture
def solver(monkeypatch):
    """The real solver, run through a hook: `during(calls)` runs inside each solve (while it is in flight) and may
    post other requests or raise; `calls` counts the solves that started."""
    from planner import services

    real = services.generate_plan
    state = {"calls": 0, "during": None}

    def generate_plan(*args, **kwargs):
        state["calls"] += 1
        if state["during"] is not None:
            during, state["during"] = state["during"], None
            during()
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "generate_plan", generate_plan)
    return state


def assert_one_at_a_time(response):
    assert response.status_code == 429, response.status_code
    assert response["Retry-After"] == "10"
    body = response.content.decode()
    assert "<h1>Too many requests</h1>" in body and IN_FLIGHT_TEXT in body
    assert "private" in response["Cache-Control"]


def test_a_second_plan_from_an_address_with_one_being_built_gets_429_at_once_without_solving(solver):
    address = "203.0.113.60"
    answers = {}

    def meanwhile():
        answers["same address"] = visitor(address).post(reverse("planner:form"), ONE_DAY)
        answers["same address, htmx"] = visitor(address).post(reverse("planner:form"), ONE_DAY, HTTP_HX_REQUEST="true")
        solves_before = solver["calls"]
        answers["other address"] = visitor("203.0.113.61").post(reverse("planner:form"), ONE_DAY)
        answers["other address solved"] = solver["calls"] - solves_before

    solver["during"] = meanwhile
    assert visitor(address).post(reverse("planner:form"), ONE_DAY).status_code == 302
    assert_one_at_a_time(answers["same address"])
    assert_one_at_a_time(answers["same address, htmx"])
    assert answers["other address"].status_code == 302 and answers["other address solved"] == 1
    assert solver["calls"] == 2  # the first plan and the other address's: the refused ones solved nothing
    # The first plan done, the lock is gone: the next plan from the address is built.
    assert visitor(address).post(reverse("planner:form"), ONE_DAY).status_code == 302
    assert solver["calls"] == 3


def test_one_session_has_one_solve_at_a_time_whatever_the_address(solver, settings):
    person = visitor("203.0.113.62")
    key = person.post(reverse("planner:form"), ONE_DAY)["Location"].rstrip("/").split("/")[-1]
    elsewhere = visitor("203.0.113.63")
    elsewhere.cookies[settings.SESSION_COOKIE_NAME] = person.cookies[settings.SESSION_COOKIE_NAME].value
    answers = {}

    def meanwhile():
        answers["plan"] = elsewhere.post(reverse("planner:form"), ONE_DAY)
        answers["swap"] = elsewhere.post(reverse("planner:swap", args=[key, 1, 0]))
        answers["regenerate"] = elsewhere.post(reverse("planner:regenerate", args=[key]))

    solver["during"] = meanwhile
    calls = solver["calls"]
    assert person.post(reverse("planner:regenerate", args=[key])).status_code == 302
    for name in ("plan", "swap", "regenerate"):
        assert_one_at_a_time(answers[name])
    assert solver["calls"] == calls + 1
    assert elsewhere.post(reverse("planner:swap", args=[key, 1, 0])).status_code == 302  # released


def test_a_swap_while_a_plan_from_the_address_is_being_built_gets_429(solver):
    address = "203.0.113.64"
    key = visitor(address).post(reverse("planner:form"), ONE_DAY)["Location"].rstrip("/").split("/")[-1]
    person = visitor(address)
    answers = {}
    swap = reverse("planner:swap", args=[key, 1, 0])
    solver["during"] = lambda: answers.setdefault("swap", visitor(address).post(swap))
    assert person.post(reverse("planner:form"), ONE_DAY).status_code == 302
    # Another session from the same address: its swap finds no plan of its own, but the address is busy first.
    assert_one_at_a_time(answers["swap"])


def test_the_solve_lock_is_released_when_the_solve_fails(solver):
    address = "203.0.113.65"

    def fail():
        raise RuntimeError("the solver fell over")

    solver["during"] = fail
    person = Client(REMOTE_ADDR=address, raise_request_exception=False)
    assert person.post(reverse("planner:form"), ONE_DAY).status_code == 500
    assert visitor(address).post(reverse("planner:form"), ONE_DAY).status_code == 302


def test_plans_built_in_the_request_have_a_smaller_allowance_than_queued_ones(rates):
    rates("plan-in-request", "2/h")
    person = visitor("203.0.113.66")
    assert [person.post(reverse("planner:form"), ONE_DAY).status_code for _ in range(2)] == [302, 302]
    assert_too_many(person.post(reverse("planner:form"), ONE_DAY), 3600)


def test_queued_plans_do_not_count_against_the_in_request_allowance(rates, plan_queue):
    from tests.test_plan_queue import work

    rates("plan-in-request", "1/h")
    statuses = []
    for _ in range(3):
        statuses.append(visitor("203.0.113.67").post(reverse("planner:form"), ONE_DAY).status_code)
        work(plan_queue)  # built before the next, which one address may then queue
    assert statuses == [302, 302, 302]


def test_a_refused_solve_costs_one_cache_read_and_is_not_logged_per_request(rates, solver, caplog,
                                                                            django_assert_max_num_queries):
    rates("plan", "1/h")
    address = "203.0.113.68"
    assert visitor(address).post(reverse("planner:form"), ONE_DAY).status_code == 302
    assert "address:203.0.113.68 has used its allowance of plan" in caplog.text  # logged once, when it began
    caplog.clear()
    calls = solver["calls"]
    for _ in range(3):
        with django_assert_max_num_queries(1):  # the guard's one read: no session, no form, no counting
            assert_too_many(visitor(address).post(reverse("planner:form"), ONE_DAY), 3600)
    assert solver["calls"] == calls
    assert "Too Many Requests" not in caplog.text


def test_an_address_has_one_plan_waiting_in_the_queue_whatever_its_sessions(plan_queue):
    from tests.test_plan_queue import work

    address = "203.0.113.69"
    first = visitor(address)
    waiting = first.post(reverse("planner:form"), PERSON)["Location"]
    assert WAIT_URL.fullmatch(waiting)
    assert_one_at_a_time(visitor(address).post(reverse("planner:form"), PERSON))  # another session, same address
    assert first.post(reverse("planner:form"), PERSON)["Location"] == waiting  # its own session: the plan it waits for
    assert WAIT_URL.fullmatch(visitor("203.0.113.70").post(reverse("planner:form"), PERSON)["Location"])
    assert jobs.plan_queue(plan_queue).count == 2
    work(plan_queue)
    assert WAIT_URL.fullmatch(visitor(address).post(reverse("planner:form"), PERSON)["Location"])  # built: free again


def test_an_app_server_that_has_seen_a_block_refuses_further_solves_without_reading_the_cache(
        rates, solver, django_assert_num_queries):
    from config.rate_limits import forget_blocks

    rates("plan", "1/h")
    address = "203.0.113.71"
    assert visitor(address).post(reverse("planner:form"), ONE_DAY).status_code == 302
    forget_blocks()  # as another app server (or worker), which has not seen the block begin
    with django_assert_num_queries(1):  # it reads the block once
        assert_too_many(visitor(address).post(reverse("planner:form"), ONE_DAY), 3600)
    for _ in range(3):
        with django_assert_num_queries(0):  # and then remembers it: no cache read, no database at all
            assert_too_many(visitor(address).post(reverse("planner:form"), ONE_DAY), 3600)
    assert visitor("203.0.113.72").post(reverse("planner:form"), ONE_DAY).status_code == 302  # another address


def test_a_refused_solve_carries_the_security_headers_of_every_page(rates, client):
    """The guard answers before most of the middleware; its 429 must still say what every page says."""
    rates("plan", "1/h")
    address = "203.0.113.73"
    assert visitor(address).post(reverse("planner:form"), ONE_DAY).status_code == 302
    page = client.get(reverse("planner:form"))
    refused = visitor(address).post(reverse("planner:form"), ONE_DAY)
    assert_too_many(refused, 3600)
    assert "no-store" in refused["Cache-Control"]
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy",
                   "Cross-Origin-Opener-Policy"):
        assert refused[header] == page[header], header
    assert "Set-Cookie" not in refused  # nothing of a session or a token
