"""Settings from the environment: production unless DJANGO_DEBUG=1, every value parsed strictly (a typo stops start-up
with an error naming the variable), HSTS preload only when asked for, the client address behind a configured number
of proxies only. Each case starts the settings afresh in a subprocess, as an app server would."""

from __future__ import annotations

import json
import secrets

import pytest

from tests.test_deployment import production_env, run_manage

SHOW = (
    "import json; from django.conf import settings as s; print('SETTINGS', json.dumps({'debug': s.DEBUG, "
    "'preload': s.SECURE_HSTS_PRELOAD, 'hsts': s.SECURE_HSTS_SECONDS, 'redirect': s.SECURE_SSL_REDIRECT, "
    "'hosts': s.ALLOWED_HOSTS, 'proxies': s.TRUSTED_PROXIES, 'order': list(s.AXES_IPWARE_META_PRECEDENCE_ORDER), "
    "'count': s.AXES_IPWARE_PROXY_COUNT, 'queue': s.PLAN_QUEUE, 'pages': s.CACHES['pages']['LOCATION']}))"
)


def shown(**env) -> dict:
    result = run_manage("shell", "-v", "0", "-c", SHOW, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.split("SETTINGS ", 1)[1])


def test_debug_is_off_unless_asked_for():
    assert shown(DJANGO_SECRET_KEY=secrets.token_urlsafe(50))["debug"] is False
    assert shown(DJANGO_DEBUG="1")["debug"] is True


def test_production_settings_and_existing_names_read_as_before():
    values = shown(**production_env(DJANGO_ALLOWED_HOSTS=" plate.example.org, www.plate.example.org ,",
                                    PLAN_QUEUE="0", REDIS_URL="redis://127.0.0.1:6379/15"))
    assert values["hosts"] == ["plate.example.org", "www.plate.example.org"]
    assert values["redirect"] is True and values["hsts"] == 31536000 and values["queue"] is False
    assert values["pages"] == "redis://127.0.0.1:6379/15"
    separate = shown(**production_env(REDIS_URL="redis://127.0.0.1:6379/15", REDIS_PAGES_URL="redis://127.0.0.1:6380/0"))
    assert separate["pages"] == "redis://127.0.0.1:6380/0"


def test_hsts_preload_only_when_asked_for():
    assert shown(**production_env())["preload"] is False
    assert shown(**production_env(DJANGO_SECURE_HSTS_PRELOAD="1"))["preload"] is True


@pytest.mark.parametrize("name,value", [
    ("DJANGO_SECURE_SSL_REDIRECT", "ture"),
    ("DJANGO_DEBUG", "yes please"),
    ("DJANGO_SECURE_HSTS_SECONDS", "1y"),
    ("PLAN_TIME_LIMIT", "eight"),
    ("DJANGO_LOG_FORMAT", "xml"),
    ("DJANGO_TRUSTED_PROXIES", "-1"),
])
def test_a_typo_in_a_setting_stops_start_up_with_an_error_naming_it(name, value):
    result = run_manage("check", **production_env(**{name: value}))
    assert result.returncode != 0
    assert name in result.stderr and "invalid" in result.stderr, result.stderr[-2000:]


def test_forwarded_for_is_ignored_unless_proxies_are_trusted():
    assert shown(**production_env())["order"] == ["REMOTE_ADDR"]
    behind = shown(**production_env(DJANGO_TRUSTED_PROXIES="2"))
    assert behind["order"] == ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] and behind["count"] == 1
    misread = run_manage("check", **production_env(
        DJANGO_AXES_IPWARE_META_PRECEDENCE_ORDER="HTTP_X_FORWARDED_FOR,REMOTE_ADDR"))
    assert misread.returncode != 0 and "DJANGO_TRUSTED_PROXIES" in misread.stderr
