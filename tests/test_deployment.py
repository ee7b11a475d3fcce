"""Production settings: `check --deploy` is clean, and app servers keep no state of their own."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | env
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def production_env(**extra):
    return {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "plate.example.org",
        **extra,
    }


def test_production_settings_pass_check_deploy_without_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_proxy_ssl_header_is_configurable():
    code = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    env = production_env(DJANGO_SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https")
    result = run_manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    assert "('HTTP_X_FORWARDED_PROTO', 'https')" in result.stdout


@pytest.mark.django_db
def test_cache_and_sessions_live_in_the_database_by_default(client, settings):
    from django.core.cache import cache

    assert settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache")
    cache.set("restful-plate-probe", 42)
    assert cache.get("restful-plate-probe") == 42


def test_cache_and_sessions_use_redis_when_redis_url_is_set():
    """Against the Redis on 127.0.0.1:6379: a value written by one process is read by another (under a key of this
    run's own, so that runs in parallel on the same Redis database never read each other's value)."""
    env = {"REDIS_URL": "redis://127.0.0.1:6379/15", "DJANGO_DEBUG": "1"}
    token = secrets.token_hex(8)
    write = run_manage(
        "shell", "-c",
        "from django.conf import settings; from django.core.cache import cache; "
        f"cache.set('probe-{token}', '{token}', 60); "
        "print(settings.SESSION_ENGINE, settings.CACHES['default']['BACKEND'])",
        **env,
    )
    assert write.returncode == 0, write.stderr
    assert "sessions.backends.cache" in write.stdout and "RedisCache" in write.stdout
    read = run_manage("shell", "-c", f"from django.core.cache import cache; print(cache.get('probe-{token}'))", **env)
    assert read.returncode == 0, read.stderr
    assert token in read.stdout
