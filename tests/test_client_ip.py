"""One client address for django-axes and the rate limits, and no client can choose it: X-Forwarded-For is believed
only for as many proxies as DJANGO_TRUSTED_PROXIES says (none by default), counted from the right. One address
trying many usernames is locked out as well (a looser limit beside axes' per-username one)."""

from __future__ import annotations

import itertools

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.test_plan_views import PERSON

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"  # the app's own proxy, as REMOTE_ADDR
ONE_DAY = {**PERSON, "days": "1"}
forged = (f"198.51.100.{i}" for i in itertools.count(1))


@pytest.fixture
def behind_one_proxy(settings):
    """What DJANGO_TRUSTED_PROXIES=1 sets (config/settings.py; its parsing is tested in test_settings_env.py)."""
    settings.TRUSTED_PROXIES = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    settings.AXES_IPWARE_PROXY_COUNT = 0


def sign_in(client, username="robin", password="wrong", **headers):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **headers)


def test_without_a_trusted_proxy_a_forged_forwarded_for_does_not_escape_the_lockout(django_user_model):
    django_user_model.objects.create_user("robin", password="right-Passw0rd-91")
    client = Client(REMOTE_ADDR="203.0.113.60")
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [sign_in(client, HTTP_X_FORWARDED_FOR=next(forged)).status_code for _ in range(limit)]
    assert statuses[-1] == 429
    assert sign_in(client, password="right-Passw0rd-91", HTTP_X_FORWARDED_FOR=next(forged)).status_code == 429


def test_without_a_trusted_proxy_a_forged_forwarded_for_does_not_escape_the_rate_limits(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "plan": "2/h"}
    client = Client(REMOTE_ADDR="203.0.113.61")
    statuses = [client.post(reverse("planner:form"), ONE_DAY, HTTP_X_FORWARDED_FOR=next(forged)).status_code
                for _ in range(3)]
    assert statuses == [302, 302, 429]


def test_behind_one_proxy_visitors_are_told_apart_and_forged_entries_ignored(behind_one_proxy, django_user_model):
    django_user_model.objects.create_user("robin", password="right-Passw0rd-91")
    attacker = Client(REMOTE_ADDR=PROXY)
    # nginx with `$proxy_add_x_forwarded_for` would pass on what the client wrote, left of the address it saw.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        answer = sign_in(attacker, HTTP_X_FORWARDED_FOR=f"{next(forged)}, 203.0.113.62")
    assert answer.status_code == 429
    assert sign_in(attacker, password="right-Passw0rd-91", HTTP_X_FORWARDED_FOR="203.0.113.62").status_code == 429
    # Another visitor behind the same proxy is not locked out by the attacker's failures.
    other = Client(REMOTE_ADDR=PROXY)
    assert sign_in(other, password="right-Passw0rd-91", HTTP_X_FORWARDED_FOR="203.0.113.63").status_code == 302


def test_behind_one_proxy_the_rate_limits_count_the_same_address_as_axes(behind_one_proxy, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "plan": "2/h"}
    client = Client(REMOTE_ADDR=PROXY)
    post = lambda forwarded: client.post(reverse("planner:form"), ONE_DAY, HTTP_X_FORWARDED_FOR=forwarded)  # noqa: E731
    assert [post(f"{next(forged)}, 203.0.113.64").status_code for _ in range(3)] == [302, 302, 429]
    assert post("203.0.113.65").status_code == 302  # someone else behind the same proxy


def test_one_address_trying_many_usernames_is_locked_out(settings, django_user_model):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign-in-failures": "4/h"}
    django_user_model.objects.create_user("robin", password="right-Passw0rd-91")
    sprayer = Client(REMOTE_ADDR="203.0.113.66")
    statuses = [sign_in(sprayer, username=f"user{i}").status_code for i in range(5)]
    assert statuses == [200] * 5  # each username failed once only: django-axes alone would never stop this
    refused = sign_in(sprayer, username="robin", password="right-Passw0rd-91")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert sign_in(Client(REMOTE_ADDR="203.0.113.67"), password="right-Passw0rd-91").status_code == 302
