"""Rate limits on what costs the server dear or guards an account: plans, swaps, regenerations, sign-up, sign-in,
password reset. Counted with django-ratelimit in the default cache (Redis in production, so across app servers), per
client address (`config.client_ip`, the same address django-axes uses) and per account; when either is used up
the visitor gets a 429 page that says when to try again (and `Retry-After`). Rates: settings.RATE_LIMITS.

Failed sign-ins are counted per address as well (`sign-in-failures`): django-axes locks a username out after a few
failures from one address; this looser lock stops one address trying many usernames.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

ADDRESS = "ip"  # django-ratelimit's key for the client address (settings.RATELIMIT_IP_META_KEY)


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
    """The 429 page: what happened and when to try again."""
    again = timezone.now() + timedelta(seconds=retry_after)
    context = {"minutes": max(1, -(-retry_after // 60)), "again": again}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def user_account(request) -> str | None:
    return f"user:{request.user.pk}" if request.user.is_authenticated else None


def posted(field: str) -> Callable:
    """The account a sign-in or password-reset form names (its username or e-mail, case-folded)."""

    def account(request) -> str | None:
        value = request.POST.get(field, "").strip().casefold()
        return f"{field}:{value}" if value else None

    return account


def rate_limited(group: str, account: Callable = user_account):
    """A view decorator: each POST counts against `group`, per address and per `account(request)`."""

    def decorator(view):
        @functools.wraps(view)
        def limited(request, *args, **kwargs):
            if request.method == "POST":
                wait = used_up(request, group, account(request))
                if wait:
                    return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

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

