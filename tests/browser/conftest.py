"""End-to-end tests in Debian's Chromium (Playwright, sync API) against pytest-django's live_server.

live_server tests are transactional: the database is flushed after each one. The reference data loaded
once per session is still there when a browser test starts; after each browser test (and its flush) it is
loaded again, so the tests that run later see it. A missing browser is a failure, never a skip.
"""

import os
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import sync_playwright
from pytest_django.plugin import blocking_manager_key

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in the tests are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/screens"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    # After the flush; not after the last test, when the test database is already gone.
    if nextitem is not None:
        with item.config.stash[blocking_manager_key].unblock():
            call_command("load_reference_data", force=True, verbosity=0)
            # Not left open for the tests that follow: on PostgreSQL, a connection opened here outlived the
            # session and kept the test database from being dropped ("is being accessed by other users").
            connections.close_all()


@pytest.fixture(autouse=True)
def _live_server_requests_finished():
    """After each browser test (its browser contexts closed) and before the flush: the live server's request
    threads have ended. Each keeps its database connection while Chromium keeps the socket alive and closes it when
    the socket closes; one still open when the session ended kept PostgreSQL from dropping the test database
    ("is being accessed by other users")."""
    yield
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):  # socketserver's name for a request's thread
            thread.join(timeout=30)
            assert not thread.is_alive(), f"a live-server request is still being served after the test: {thread}"


@pytest.fixture(scope="session")
def browser():
    assert Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}: install Debian's chromium package"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(45_000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert not errors, f"browser errors: {errors}"


@pytest.fixture
def screens():
    SCREENS.mkdir(parents=True, exist_ok=True)
    return SCREENS


def pytest_collection_modifyitems(items):
    """Under pytest-xdist (`make test`: `-n auto --dist loadgroup`) one worker takes every browser test, so one
    Chromium starts, not one per worker."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.xdist_group("browser"))
