"""The page cache cannot be turned against visitors: a rotated secret key never serves a page whose CSRF token slot
the new key cannot fill; junk query strings store nothing; pages that carry a visitor's token or session say
`Cache-Control: private`; htmx and plain answers vary on HX-Request; a CSS/JS-only deploy changes the release that
keys cached pages."""

from __future__ import annotations

import json
import math
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse

from nutrition.models import Food
from nutrition.selectors import PAGE_SIZE

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, env: dict, timeout=300) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | env
    environment.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=timeout
    )


# One app server's life: a signed-out visitor opens the plan form twice, then sends it (an age out of range, so the
# answer is the form with its error: 200, or 403 if the page carried no token this server accepts).
VISIT = """
import json, re
from django.test import Client
client = Client(enforce_csrf_checks=True)
pages = [client.get('/plan/').content.decode() for _ in range(2)]
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', pages[-1]).group(1)
posted = client.post('/plan/', {'csrfmiddlewaretoken': token, 'age': '200', 'sex': 'female'})
print(json.dumps({'slot_left': any('csrf-slot-' in p for p in pages), 'token': token, 'post': posted.status_code,
                  'cookie': 'csrftoken' in client.cookies}))
"""


def test_a_rotated_secret_key_never_serves_a_page_the_new_key_cannot_fill(tmp_path):
    """Two app servers in turn (or one restarted with DJANGO_SECRET_KEY rotated) on one database and page cache."""
    database = {"DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    for step in (("migrate", "-v", "0"), ("createcachetable",)):
        result = manage(*step, env=database)
        assert result.returncode == 0, result.stderr
    answers = []
    for key in ("A" * 50, "B" * 50, "A" * 50):
        result = manage("shell", "-v", "0", "-c", VISIT, env=database | {"DJANGO_SECRET_KEY": key})
        assert result.returncode == 0, result.stderr
        answers.append(json.loads(result.stdout.strip().splitlines()[-1]))
    for answer in answers:
        assert not answer["slot_left"] and answer["cookie"], answer
        assert answer["post"] == 200, answer  # not 403: the page carried this visitor's own token


def page_entries() -> int:
    """Entries in the page cache (the database table the "pages" alias uses by default)."""
    table = caches["pages"]._table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        return cursor.fetchone()[0]


def test_a_thousand_junk_query_strings_add_no_cache_entries():
    food = Food.objects.order_by("pk").first()
    urls = [reverse("home"), reverse("food_list"), reverse("food_detail", args=[food.pk]), reverse("planner:form")]
    visitor = Client  # a new plain visitor each time (no session cookie)
    last = str(math.ceil(Food.objects.count() / PAGE_SIZE))
    for url in urls:  # what ordinary visits store
        assert visitor().get(url).status_code == 200
    for params in ({}, {"q": "lentil"}, {"page": last}):
        for extra in ({}, {"HTTP_HX_REQUEST": "true"}):
            assert visitor().get(reverse("food_list"), params, **extra).status_code == 200
    before = page_entries()
    junk = []
    for i in range(1000):
        kind = i % 8
        if kind == 0:
            junk.append((urls[i % 4], {f"x{i}": "1"}))  # an unknown parameter
        elif kind == 1:
            junk.append((reverse("food_list"), {"page": str(1000 + i)}))  # past the last page: clamped
        elif kind == 2:
            junk.append((reverse("food_list"), {"group": f"no-such-group-{i}"}))
        elif kind == 3:
            junk.append((reverse("food_list"), {"sort": f"bogus:{i}"}))
        elif kind == 4:
            junk.append((reverse("food_list"), {"diet": f"carnivore{i}", "rich": f"gold_{i}"}))
        elif kind == 5:
            junk.append((reverse("food_list"), {"q": "lentil" + " " * (i % 50 + 2), "page": f"-{i}"}))
        elif kind == 6:
            junk.append((reverse("food_list"), {"q": "lentil", "utm_source": str(i)}))
        else:
            junk.append((reverse("food_list"), {"page": f"abc{i}"}))
    for url, params in junk:
        response = visitor().get(url, params)
        assert response.status_code == 200, (url, params, response.status_code)
    for url, params in junk[:16]:  # the htmx fragment of the foods browser as well
        assert visitor().get(url, params, HTTP_HX_REQUEST="true").status_code == 200
    assert page_entries() == before


def without_tokens(body: str) -> str:
    return re.sub(r"[A-Za-z0-9]{64}", "", body)


def test_junk_values_are_answered_from_the_checked_filters():
    """A page past the last one is the last page; an unknown group is all groups; the same page from the cache."""
    plain = Client().get(reverse("food_list"), {"q": "lentil"}).content.decode()
    padded = Client().get(reverse("food_list"), {"q": "  lentil ", "group": "no-such-group", "page": "9999"})
    again = Client().get(reverse("food_list"), {"q": "lentil  ", "group": "other-junk", "page": "12345"})
    assert padded.status_code == again.status_code == 200 and not again.templates  # from the cache
    assert "no-such-group" not in padded.content.decode() and "other-junk" not in again.content.decode()
    assert without_tokens(padded.content.decode()) == without_tokens(plain) == without_tokens(again.content.decode())


@pytest.mark.parametrize("name", ["home", "food_list", "planner:form", "accounts:login", "content:article_list"])
def test_pages_carrying_a_visitors_csrf_token_are_private(name):
    first, second = Client(), Client()
    for client in (first, second):  # rendered, then (for cached pages) from the page cache
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "private" in response.get("Cache-Control", ""), (name, response.get("Cache-Control"))


def test_signed_in_pages_and_plans_are_private(signed_in):
    assert "private" in signed_in.get(reverse("planner:saved")).get("Cache-Control", "")
    assert "private" in signed_in.get(reverse("food_list")).get("Cache-Control", "")


def test_views_that_answer_htmx_differently_vary_on_hx_request(client, plan_queue):
    from tests.test_plan_queue import submit

    wait_url = submit(client)
    for response in (client.get(wait_url), client.get(wait_url, HTTP_HX_REQUEST="true"),
                     Client().get(reverse("food_list"), HTTP_HX_REQUEST="true")):
        assert "HX-Request" in response.get("Vary", ""), response.get("Vary")


RELEASE = "from config.page_cache import release; print('RELEASE', release())"


def test_a_deploy_that_changes_only_css_or_js_changes_the_release_that_keys_cached_pages(tmp_path):
    """Production (hashed static file names from collectstatic's manifest): a new manifest, a new release."""
    env = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_STATIC_ROOT": str(tmp_path)}
    releases = []
    for css in ("site.1111aaaa.css", "site.2222bbbb.css"):
        manifest = {"paths": {"css/site.css": f"css/{css}"}, "version": "1.1", "hash": css}
        (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
        result = manage("shell", "-v", "0", "-c", RELEASE, env=env, timeout=120)
        assert result.returncode == 0, result.stderr
        releases.append(result.stdout.split("RELEASE ")[1].strip())
    assert releases[0] != releases[1]
