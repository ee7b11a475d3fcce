"""Friendly error pages, and a clear 503 (not a traceback) when the database is down."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "Traceback" not in body


@pytest.mark.django_db
def test_a_bug_gives_a_friendly_500(monkeypatch):
    from nutrition import views

    def broken(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.Food.objects, "count", lambda: broken(None))
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body and "boom" not in body


def test_database_unavailable_gives_503_page_not_a_traceback(tmp_path):
    """A real outage: the production app (static files collected) pointed at a port where nothing listens."""
    script = (
        "from django.test import Client; "
        "r = Client(raise_request_exception=False).get('/'); "
        "print('STATUS', r.status_code, r.get('Retry-After')); print(r.content.decode())"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {"DATABASE_URL": "postgres://postgres@127.0.0.1:9/unreachable", "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "x" * 60, "DJANGO_LOG_LEVEL": "CRITICAL", "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_STATIC_ROOT": str(tmp_path / "static")}
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert collected.returncode == 0, collected.stderr
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", script],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    _, _, answer = result.stdout.partition("STATUS ")
    status_line, _, page = answer.partition("\n")
    assert status_line == "503 30"
    assert "Temporarily unavailable" in page and "Traceback" not in page
