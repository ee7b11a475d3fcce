"""The page cache: rendered pages and fragments kept in the "pages" cache and served to every visitor they fit.

Generic machinery, beside the settings: it knows nothing of foods or plans. A value is cached under a name and
the parts it depends on (a domain app passes its own data stamp among them: `nutrition.cache.data_stamp()` for
food data) plus `release()`, a digest of this release's code and templates, so nothing rendered by another
release, or from older data, is ever read again and nothing has to be purged. `page()` serves whole pages to
plain visitors (signed out, no session, no message), with each visitor's own CSRF token put in on the way out.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import django
from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import caches
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

PAGES = "pages"  # the cache alias for pages and fragments (config/settings.py)
TIMEOUT = 24 * 3600  # seconds; values under an old stamp or release are unreachable anyway

T = TypeVar("T")


def page_cache():
    return caches[PAGES]


def _static_manifest() -> bytes:
    """The static files' manifest (hashed names, as collectstatic wrote them), or nothing without one (debug)."""
    storage = staticfiles_storage
    if not hasattr(storage, "manifest_name"):
        return b""
    try:
        with storage.manifest_storage.open(storage.manifest_name) as manifest:
            return manifest.read()
    except FileNotFoundError:
        return b""


@functools.cache
def release() -> str:
    """A digest of the code and templates that render cached fragments, the static files' manifest (pages name
    hashed CSS and JS files: a deploy that changes only those must not serve pages naming the old ones) and
    Django's own version, so that a new release never serves fragments rendered by the one before. Computed once
    per process."""
    digest = hashlib.md5(django.get_version().encode(), usedforsecurity=False)
    digest.update(_static_manifest())
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


def cache_key(name: str, parts: tuple) -> str:
    """The key of the value cached under `name` and `parts` in this release."""
    raw = repr((release(), parts)).encode()
    return f"{name}:{hashlib.md5(raw, usedforsecurity=False).hexdigest()}"


def _get(key: str, timeout: int | None = None):
    """The value under `key`: from this process if it holds it (and its time is not up), else from the shared cache
    (then held here)."""
    with _local_lock:
        held = _local.get(key)
        if held is not None:
            value, until = held
            if until > time.monotonic():
                _local.move_to_end(key)
                return value
            del _local[key]
    value = page_cache().get(key)
    if value is not None:
        _hold(key, value, timeout or TIMEOUT)
    return value


def _hold(key: str, value, timeout: int) -> None:
    """Hold `value` in this process for at most `timeout` seconds, as long as the shared cache keeps it (a person's
    fragments an hour: their data does not linger in a quiet worker's memory either)."""
    with _local_lock:
        _local[key] = (value, time.monotonic() + timeout)
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)


def cached(name: str, parts: tuple, build: Callable[[], T], timeout: int | None = None) -> T:
    """The value cached under `name` and `parts` (which must include `data_stamp()` when the value
    depends on food data), or `build()` stored there for `timeout` seconds (a day unless given: PERSONAL_TIMEOUT
    for a value that holds a person's data). `build` may raise (e.g. Http404): nothing is stored."""
    key = cache_key(name, parts)
    value = _get(key, timeout)
    if value is None:
        value = build()
        page_cache().set(key, value, timeout or TIMEOUT)
        _hold(key, value, timeout or TIMEOUT)
    return value


# One person's fragments are kept for an hour: long enough for a visit, and a person's data does not linger in the
# cache for a day after they change or delete it (older fragments are unreachable at once: their stamp is gone).
PERSONAL_TIMEOUT = 3600


def personal(request, name: str, stamp: Callable[[], object], build: Callable[[str], str]) -> SafeString:
    """A fragment of the signed-in person's own page: from the page cache while their data is as it was, else
    `build(token)` rendered and kept.

    The key is the person's id, `name`, `stamp()` and the release: so no one is ever served a fragment rendered for
    someone else, and `stamp()` (read before the data, in one query) must change whenever anything the fragment
    shows changes (and name the day, when it shows dates counted from today), so that an edit shows on the next
    request. `build` gets what stands for the CSRF token (`token_slot()`, a secret no one can type into their own
    data) and renders the fragment with it; each response gets the person's own token in its place. A fragment is
    kept only when the stamp read again after rendering is the same, so a change made while it rendered is never
    kept under the older stamp."""
    if not request.user.is_authenticated:  # nobody's own page: rendered, never kept
        return mark_safe(build(get_token(request)))  # noqa: S308
    slot = token_slot()
    before = stamp()
    key = cache_key(f"person-{name}", (request.user.pk, before, slot))
    html = _get(key, PERSONAL_TIMEOUT)
    if html is None:
        html = build(slot)
        if stamp() == before:
            page_cache().set(key, html, PERSONAL_TIMEOUT)
            _hold(key, html, PERSONAL_TIMEOUT)
    return mark_safe(html.replace(slot, get_token(request)))  # noqa: S308 (rendered by a template, escaped there)


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


SLOT_PREFIX = "csrf-slot-"


def token_slot() -> str:
    """What stands for the visitor's CSRF token in a cached whole page (each response gets the visitor's own).
    Derived from the secret key, so that no one can put it in a page (in a search, say) to have it replaced; so
    it changes when the key is rotated, and whole pages are keyed by it (`page`)."""
    return _token_slot(settings.SECRET_KEY, release())


@functools.cache
def _token_slot(secret: str, release: str) -> str:
    return SLOT_PREFIX + salted_hmac("nutrition.cache.token_slot", release, secret=secret).hexdigest()[:24]


def cacheable_query(request, params=()) -> bool:
    """True when the query string names no parameter but `params`: a page with any other is never cached, so
    distinct junk query strings cannot fill the cache (the caller keys on the values it parsed, not the raw text)."""
    return set(request.GET) <= set(params)


def page(request, template: str, name: str, parts: tuple, context: Callable[[], dict], params=()) -> HttpResponse:
    """`template` rendered with `context()`. For a plain visitor (`plain_visitor`) whose query string names only
    `params` the whole page comes from the page cache under `name`, `parts` (which must include `data_stamp()`
    when the page shows food data, and the parsed values of `params`), the path and the token slot: rendered once
    with `token_slot()` for the CSRF token, then served to every plain visitor with their own token put in its
    place. A cached page without this slot, or with another one, is never served: it is rendered afresh. Anyone
    else gets the page rendered for them."""
    if not plain_visitor(request) or not cacheable_query(request, params):
        return render(request, template, context())
    slot = token_slot()
    html = cached(
        f"whole-{name}", (*parts, request.path, slot),
        lambda: render_to_string(template, {**context(), "csrf_token": slot}, request),
    )
    if slot not in html or SLOT_PREFIX in html.replace(slot, ""):
        return render(request, template, context())
    response = HttpResponse(html.replace(slot, get_token(request)))
    patch_vary_headers(response, ("Cookie",))  # what a signed-in visitor gets differs
    return response
