"""Rate limits on what costs the server dear or guards an account: plans, swaps, regenerations, sign-up, sign-in,
password reset. Counted with django-ratelimit in the default cache (Redis in production, so across app servers), per
client address (`config.client_ip`, the same address django-axes uses) and per account; when either is used up
the visitor gets a 429 page that says when to try again (and `Retry-After`). Rates: settings.RATE_LIMITS.

Failed sign-ins are counted per address as well (`sign-in-failures`): django-axes locks a username out after a few
failures from one address; this looser lock stops one address trying many usernames.

A solve (a new plan, a regeneration, a swap) holds a worker for seconds when it runs in the web request, so besides
the rates each address, session and account has at most one solve in flight at a time (`one_solve_at_a_time`): a
lock taken with the cache's atomic add() (so it holds across app servers), released in a `finally`, and expiring on
its own after the solver's time limit should a worker die holding it. A second solve while one runs gets the 429
page at once, without solving: a flood from one address can keep at most one worker busy. And once an address or
account has used its allowance, that is remembered until the window ends, so each refused solve costs one cache
read (`solve`), and none once the worker has read it (it remembers the block, reading it again each minute);
`SolveGuardMiddleware` makes that check early in the middleware, before the view runs (no body or form read, no
session loaded, no CSRF check, nothing logged per request, a page rendered once a minute): a flood is turned away
for a small part of what a cached page costs.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from csp.utils import build_policy
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from .client_ip import client_ip

log = logging.getLogger(__name__)

ADDRESS = "ip"  # django-ratelimit's key for the client address (settings.RATELIMIT_IP_META_KEY)
IN_FLIGHT = "solve-in-flight:{}"
BLOCKED = "solve-blocked:{}:{}"  # a group's allowance of a holder is used up until the stored time (a cheap check)
IN_FLIGHT_RETRY = 10  # seconds: the Retry-After of the "one at a time" answer (a solve takes a few)
IN_FLIGHT_MARGIN = 30  # seconds past the solver's time limit before a lock left by a dead worker expires
# What this process has seen of blocks (BLOCKED key -> (until, read again after)): a flood from a blocked address is
# then refused with no cache read at all (nor a database connection's health check, when the cache is the
# database's). A block only ever ends at its time, but it is read again from the cache after KNOWN_BLOCK_SECONDS, so
# that a block lifted by hand (its key deleted) is lifted everywhere within that time.
KNOWN_BLOCK_SECONDS = 60
KNOWN_BLOCKS_MAX = 10_000
_known_blocks: dict[str, tuple[float, float]] = {}
_known_blocks_lock = threading.Lock()


def _usage(request, group: str, kind: str, key, *, increment: bool) -> dict | None:
    return get_usage(
        request, group=f"{group}:{kind}", key=key, rate=settings.RATE_LIMITS[group], method=ALL, increment=increment
    )


def used_up(
    request, group: str, account: str | None = None, *, increment: bool = True, per_address: bool = True
) -> int | None:
    """Count one use of `group` by this address (unless `per_address` is false: the API counts per token, account or
    address, given as `account`) and by `account`, when given; None while within the rate, else the seconds until
    the visitor may try again."""
    keys = [("address", ADDRESS)] if per_address else []
    if account:
        keys.append(("account", lambda group, request: account))
    waits = []
    for kind, key in keys:
        usage = _usage(request, group, kind, key, increment=increment)
        if usage is not None and usage["should_limit"]:
            waits.append(max(usage["time_left"], 1))
    return max(waits) if waits else None


def too_many_requests(request, retry_after: int):
    """The 429 page: what happened and when to try again (the page is rendered once for each minute it names)."""
    again = (timezone.now() + timedelta(seconds=retry_after)).replace(second=0, microsecond=0)
    return _refused_page(_page(max(1, -(-retry_after // 60)), again), retry_after)


@functools.lru_cache(maxsize=128)
def _page(minutes: int | None, again) -> bytes:
    """429.html, saying when to try again: in `minutes` (None: a solve in flight, try again in seconds), after
    `again`. Standalone: no session, no token, nothing of the visitor's, so one rendering serves everyone."""
    context = {"in_flight": True, "again": again} if minutes is None else {"minutes": minutes, "again": again}
    return render_to_string("429.html", context).encode()


def _refused_page(body: bytes, retry_after: int) -> HttpResponse:
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(retry_after)
    patch_cache_control(response, private=True, no_store=True)
    return response


class SolveInFlight(Exception):
    """This address, session or account already has a solve running."""


def _solvers(request, *, account: bool = True) -> list[str]:
    """Who a solve belongs to: the address, the session (when the visitor has one) and (with `account`: it loads
    the session) the account."""
    holders = [f"address:{client_ip(request)}"]
    session = getattr(request, "session", None)
    if session is not None and session.session_key:  # the cookie's value: no session load
        holders.append("session:" + hashlib.sha256(session.session_key.encode()).hexdigest()[:32])
    if account and (signed_in := user_account(request)):
        holders.append(signed_in)
    return holders


@contextmanager
def one_solve_at_a_time(request) -> Iterator[None]:
    """Hold this address's, session's and account's solve lock for the block; raises SolveInFlight (before the
    block runs) when any of them already holds one. Off with the rate limits (settings.RATELIMIT_ENABLE)."""
    if not settings.RATELIMIT_ENABLE:
        yield
        return
    token = uuid.uuid4().hex
    timeout = int(settings.PLAN_TIME_LIMIT) + IN_FLIGHT_MARGIN
    held = []
    try:
        for holder in _solvers(request):
            key = IN_FLIGHT.format(holder)
            if not cache.add(key, token, timeout):
                raise SolveInFlight(holder)
            held.append(key)
        yield
    finally:
        for key in held:
            if cache.get(key) == token:  # not a lock that expired and was taken by a later solve
                cache.delete(key)


def _refusal(request, groups, *, account: bool = True):
    """The 429 answer, from one cache read, when this visitor may not start a solve now: one of its holders has
    used up the allowance of one of `groups`, or has a solve in flight. None when it may try."""
    holders = _solvers(request, account=account)
    blocked = [BLOCKED.format(group, holder) for group in groups for holder in holders]
    now = time.time()
    if known := [until for key in blocked if (until := _known_block(key, now)) is not None]:
        return too_many_requests(request, max(1, round(max(known) - now)))
    found = cache.get_many([*blocked, *(IN_FLIGHT.format(holder) for holder in holders)])
    until = [found[key] for key in blocked if key in found]
    for key in blocked:
        if key in found:
            _remember_block(key, found[key], now)
    if until:
        return too_many_requests(request, max(1, round(max(until) - now)))
    return solve_in_flight(request) if found else None


def _known_block(key: str, now: float) -> float | None:
    """The time this process knows `key`'s block lasts until, unless it is time to read it again."""
    known = _known_blocks.get(key)
    return known[0] if known is not None and known[1] > now else None


def _remember_block(key: str, until: float, now: float) -> None:
    with _known_blocks_lock:  # threaded workers (gthread, ASGI) remember blocks at once
        if len(_known_blocks) >= KNOWN_BLOCKS_MAX:  # a flood from many addresses: keep the memory bounded
            for old in [old for old, (_, read_again) in _known_blocks.items() if read_again <= now]:
                del _known_blocks[old]
            if len(_known_blocks) >= KNOWN_BLOCKS_MAX:
                _known_blocks.clear()
        _known_blocks[key] = (until, min(until, now + KNOWN_BLOCK_SECONDS))


def forget_blocks() -> None:
    """Drop what this process knows of blocks (tests: as another app server, or after a rolled-back test)."""
    _known_blocks.clear()


def _count_solve(request, groups, account: str | None) -> int | None:
    """Count one solve against each group, per address and per account: None while within every rate, else the
    seconds to wait. A holder that has reached a limit is marked blocked until its window ends."""
    holders = [(f"address:{client_ip(request)}", "address", ADDRESS)]
    if account:
        holders.append((account, "account", lambda group, request: account))
    waits, blocked = [], {}
    for group in groups:
        for holder, kind, key in holders:
            usage = _usage(request, group, kind, key, increment=True)
            if usage is None:
                continue
            left = max(usage["time_left"], 1)
            if usage["should_limit"]:
                waits.append(left)
            if usage["count"] >= usage["limit"]:  # the next one would be over: no need to count it
                blocked[group, holder] = left
    for (group, holder), left in blocked.items():
        now = time.time()
        cache.set(BLOCKED.format(group, holder), now + left, left)
        _remember_block(BLOCKED.format(group, holder), now + left, now)
        log.warning("%s has used its allowance of %s; refused for %d s", holder, group, left)
    return max(waits) if waits else None


def solve(request, groups, start: Callable, account: str | None = None):
    """Run `start()` (which solves, in this request or by queueing) as this visitor's only solve, counted against
    `groups`; or answer 429 at once: its allowance is used up, or a solve of its address, session or account is
    still running. The answer `start()` gives otherwise."""
    if not settings.RATELIMIT_ENABLE:
        return start()
    if refused := _refusal(request, groups):
        return refused
    try:
        with one_solve_at_a_time(request):
            if wait := _count_solve(request, groups, account):
                return too_many_requests(request, wait)
            return start()
    except SolveInFlight:
        return solve_in_flight(request)


def solve_in_flight(request):
    """The 429 page for a second solve while this visitor's first is still running."""
    again = (timezone.now() + timedelta(seconds=IN_FLIGHT_RETRY)).replace(microsecond=0)
    return _refused_page(_page(None, again), IN_FLIGHT_RETRY)


def user_account(request) -> str | None:
    return f"user:{request.user.pk}" if request.user.is_authenticated else None


def posted(field: str) -> Callable:
    """The account a sign-in or password-reset form names (its username or e-mail, case-folded)."""

    def account(request) -> str | None:
        value = request.POST.get(field, "").strip().casefold()
        return f"{field}:{value}" if value else None

    return account


def solves(groups: Callable[[], tuple[str, ...]]):
    """Mark a view whose POST is a solve counted against `groups()`, for SolveGuardMiddleware."""

    def mark(view):
        view.solve_groups = groups
        return view

    return mark


class SolveGuardMiddleware:
    """Refuses a POST to a solving view (marked with `solves`) before the view runs when the address or session has
    used up that view's allowance or has a solve in flight: at most one cache read (none once this process has seen
    the block), no body read, no form parsed, no session loaded, not logged per request (the block was logged when
    it began), and a 429 page rendered once a minute. The view's own `solve` still checks everything, the account
    included. Early in settings.MIDDLEWARE (after the session's, whose cookie names the session, and the API's,
    which answers in JSON), so a refusal skips the rest of the chain: it carries itself the headers that the
    middleware it skips would have set on it (X-Frame-Options and the Content-Security-Policy)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and settings.RATELIMIT_ENABLE:
            groups = _solve_groups(get_urlconf() or settings.ROOT_URLCONF, request.path_info)
            if groups is not None and (refused := _refusal(request, groups(), account=False)):
                refused._has_been_logged = True  # django.request's per-response warning: a flood is logged once
                for header, value in _page_headers():
                    refused[header] = value
                return refused
        return self.get_response(request)


@functools.lru_cache(maxsize=512)
def _solve_groups(urlconf: str, path: str) -> Callable[[], tuple[str, ...]] | None:
    """The groups of the solving view at `path` (remembered: a flood posts to the same few paths), or None."""
    try:
        return getattr(resolve(path, urlconf).func, "solve_groups", None)
    except Resolver404:
        return None


@functools.cache
def _page_headers() -> tuple[tuple[str, str], ...]:
    """What XFrameOptionsMiddleware and django-csp's middleware put on a page, built once (from the settings)."""
    headers = [("X-Frame-Options", getattr(settings, "X_FRAME_OPTIONS", "DENY").upper())]
    if policy := build_policy():
        headers.append(("Content-Security-Policy", policy))
    if report_only := build_policy(report_only=True):
        headers.append(("Content-Security-Policy-Report-Only", report_only))
    return tuple(headers)


@receiver(setting_changed, dispatch_uid="rate-limits-page-headers")
def _headers_changed(setting, **kwargs) -> None:
    if setting in ("X_FRAME_OPTIONS", "CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        _page_headers.cache_clear()


def rate_limited(group: str, account: Callable = user_account, *, also: Callable[[], tuple[str, ...]] = tuple,
                 solves: bool = False):
    """A view decorator: each POST counts against `group`, per address and per `account(request)`. With `solves`
    the POST is a solve (`solve`): counted against `also()`'s groups too, one at a time, refused cheaply (the view
    is marked for SolveGuardMiddleware as `solves` would)."""

    def decorator(view):
        @functools.wraps(view)
        def limited(request, *args, **kwargs):
            if request.method != "POST":
                return view(request, *args, **kwargs)
            if solves:
                start = functools.partial(view, request, *args, **kwargs)
                return solve(request, (group, *also()), start, account(request))
            wait = used_up(request, group, account(request))
            if wait:
                return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

        if solves:  # SolveGuardMiddleware's mark, from the same groups (views wrapping this one copy it)
            limited.solve_groups = lambda: (group, *also())
        return limited

    return decorator


def sign_in_form(view):
    """The sign-in view, limited in attempts (per address and username) and in failures per address."""
    attempts = rate_limited("sign-in", posted("username"))(view)

    @functools.wraps(view)
    def limited(request, *args, **kwargs):
        if request.method == "POST":
            wait = used_up(request, "sign-in-failures", increment=False)
            if wait:
                return too_many_requests(request, wait)
        return attempts(request, *args, **kwargs)

    return limited


@receiver(user_login_failed, dispatch_uid="rate-limits-sign-in-failures")
def _count_failed_sign_in(sender, credentials, request=None, **kwargs) -> None:
    if request is not None:
        used_up(request, "sign-in-failures")

