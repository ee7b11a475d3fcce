"""Cached page fragments built from food data, and the stamp that says when they are out of date.

Pages built from foods (the foods browser, a food's page) cost far more to render than to fetch from a
cache. Their fragments are kept in the "pages" cache (the database, or Redis when REDIS_URL is set:
shared by every app server) under a key that includes `data_stamp()`. Any change to what they show moves
the stamp, so the next request renders afresh: nothing stale is served and nothing has to be deleted
(fragments under an old stamp are never read again and expire). Fragments hold nothing per visitor
(no CSRF token, no user): views render them without the request.

`data_stamp()` is one SQL query (subqueries on primary keys and the small food table) and one cache read:

- the query covers foods, nutrient amounts and portions: the number of foods and their latest
  `updated_at` (creates, deletes, and `queryset.update(updated_at=...)` as `workspace.services.touch_food`
  does), and the latest history row of each (every save and delete: admin edits, the dietitian workspace's
  edits and reverts, the spreadsheet import, and the bulk importers, which write history rows with
  `bulk_create_with_history`/`bulk_update_with_history` and send no signals);
- the cache read is a generation that signals replace when food groups, nutrients, allergens or reference
  intakes are saved or deleted and when a food's allergens change (these have no history or timestamp of
  their own), and that `manage.py load_reference_data` replaces after loading fixtures (loaddata saves
  raw: no signal handled here, no history, the fixture's own `updated_at`). It is replaced at once and
  again after the transaction commits, so a reader that saw the first new generation before the commit
  cannot leave old data under the generation that follows it.

Not covered: raw SQL, a plain `manage.py loaddata`, and `queryset.update()` of foods, amounts or portions
that sets no `updated_at` and writes no history (nothing in the project writes these ways).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import sys
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import django
from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.crypto import salted_hmac

from .models import Allergen, Food, FoodGroup, Nutrient, NutrientAmount, Portion, ReferenceIntake

PAGES = "pages"  # the cache alias for fragments (config/settings.py)
TIMEOUT = 24 * 3600  # seconds; fragments under an old stamp are unreachable anyway
GENERATION_KEY = "food-data-generation"

T = TypeVar("T")


def page_cache():
    return caches[PAGES]


@functools.cache  # (the SQL never changes; `Model.history` builds a manager class on each access)
def _stamp_sql() -> str:
    def table(model) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    food = table(Food)
    parts = [f"SELECT COUNT(*) FROM {food}", f"SELECT MAX(updated_at) FROM {food}"]
    parts += [f"SELECT MAX(history_id) FROM {table(model.history.model)}" for model in (Food, NutrientAmount, Portion)]
    return "SELECT " + ", ".join(f"({part})" for part in parts)


def data_stamp() -> str:
    """A stamp of the food data that moves on any change that could alter a food page (see the module doc).

    Read it before the data it guards: a page rendered from newer data than its stamp is harmless, the
    other way round is not.
    """
    generation = _generation()
    return "|".join(map(str, (generation, *_stamp_row())))


def _stamp_row() -> tuple:
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_stamp_sql())
            return cursor.fetchone()
    # PostgreSQL: a prepared statement, planned once per connection (planning is half of what the query costs
    # the server; Django's cursors bind on the client and cannot prepare). As Django's own cursor would: the
    # connection's health check first, database errors as Django's, and the query in the debug log.
    import psycopg

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    started = time.monotonic()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(_stamp_sql(), prepare=True)
        row = cursor.fetchone()
    if connection.queries_logged:
        connection.queries_log.append({"sql": _stamp_sql(), "time": f"{time.monotonic() - started:.3f}"})
    return row


def _generation() -> str:
    cache = page_cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:  # never set, expired or culled: a new value, never one used before
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _new_generation() -> None:
    page_cache().set(GENERATION_KEY, uuid.uuid4().hex, None)


def data_changed() -> None:
    """Move the generation now and again once the change commits (see the module doc)."""
    _new_generation()
    if connection.in_atomic_block:
        transaction.on_commit(_new_generation)


def _saved_or_deleted(sender, raw=False, **kwargs) -> None:
    if not raw:  # fixture loads: load_reference_data calls data_changed once for the lot
        data_changed()


def _allergens_changed(sender, action, **kwargs) -> None:
    if action.startswith("post_"):
        data_changed()


for _model in (FoodGroup, Nutrient, Allergen, ReferenceIntake):
    post_save.connect(_saved_or_deleted, sender=_model, dispatch_uid=f"page-cache-save-{_model.__name__}")
    post_delete.connect(_saved_or_deleted, sender=_model, dispatch_uid=f"page-cache-delete-{_model.__name__}")
m2m_changed.connect(_allergens_changed, sender=Food.allergens.through, dispatch_uid="page-cache-food-allergens")


@functools.cache
def release() -> str:
    """A digest of the code and templates that render cached fragments (and Django's own version), so
    that a new release never serves fragments rendered by the one before. Computed once per process."""
    digest = hashlib.md5(django.get_version().encode(), usedforsecurity=False)
    roots = {Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])}
    roots.add(Path(importlib.util.find_spec(settings.ROOT_URLCONF).origin).parent)
    base, installed = Path(settings.BASE_DIR), Path(sys.prefix)
    roots |= {Path(app.path) for app in apps.get_app_configs() if Path(app.path).is_relative_to(base)}
    roots = {root for root in roots if not root.is_relative_to(installed)}  # this project's own, not a venv's
    for root in sorted(roots):
        for path in sorted(root.rglob("*")):
            if path.suffix in {".py", ".html", ".txt"} and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# The values most recently used in this process, in front of the shared page cache: a key names exactly one
# value (it includes the stamp and the release), so a value held here is as fresh as the shared one, and a
# page served from here costs no round trip to the cache server. A bounded LRU, shared by this process's threads.
LOCAL_ENTRIES = 256
_local: OrderedDict[str, object] = OrderedDict()
_local_lock = threading.Lock()


def cached(name: str, parts: tuple, build: Callable[[], T]) -> T:
    """The value cached under `name` and `parts` (which must include `data_stamp()` when the value
    depends on food data), or `build()` stored there. `build` may raise (e.g. Http404): nothing is stored."""
    raw = repr((release(), parts)).encode()
    key = f"{name}:{hashlib.md5(raw, usedforsecurity=False).hexdigest()}"
    with _local_lock:
        value = _local.get(key)
        if value is not None:
            _local.move_to_end(key)
            return value  # type: ignore[return-value]
    cache = page_cache()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    with _local_lock:
        _local[key] = value
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)
    return value


def forget_local() -> None:
    """Drop what this process holds (tests: a rolled-back test's values must not reach the next test)."""
    with _local_lock:
        _local.clear()
    _held.clear()


_held: dict[str, tuple[str, object]] = {}


def per_process(name: str, stamp: str, build: Callable[[], T]) -> T:
    """`build()`, kept in this process until the stamp moves: for small values that every request needs."""
    held = _held.get(name)
    if held is not None and held[0] == stamp:
        return held[1]  # type: ignore[return-value]
    value = build()
    _held[name] = (stamp, value)
    return value


def plain_visitor(request) -> bool:
    """True when this visitor's page is the same as every such visitor's: a GET or HEAD with no session
    cookie (so signed out, and no plan whose targets the food pages would show) and no message waiting."""
    if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    return not len(get_messages(request))  # counts without marking them read


@functools.cache
def token_slot() -> str:
    """What stands for the visitor's CSRF token in a cached whole page (each response gets the visitor's own).
    Derived from the secret key, so that no one can put it in a page (in a search, say) to have it replaced."""
    return "csrf-slot-" + salted_hmac("nutrition.cache.token_slot", release()).hexdigest()[:24]


def page(request, template: str, name: str, parts: tuple, context: Callable[[], dict]) -> HttpResponse:
    """`template` rendered with `context()`. For a plain visitor (`plain_visitor`) the whole page comes from
    the page cache under `name`, `parts` (which must include `data_stamp()` when the page shows food data)
    and the URL: rendered once with `token_slot()` for the CSRF token, then served to every plain visitor with
    their own token put in its place. Anyone else gets the page rendered for them."""
    if not plain_visitor(request):
        return render(request, template, context())
    html = cached(
        f"whole-{name}", (*parts, request.get_full_path()),
        lambda: render_to_string(template, {**context(), "csrf_token": token_slot()}, request),
    )
    slot = token_slot()
    if slot in html:
        html = html.replace(slot, get_token(request))
    response = HttpResponse(html)
    patch_vary_headers(response, ("Cookie",))  # what a signed-in visitor gets differs
    return response
