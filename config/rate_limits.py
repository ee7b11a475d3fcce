"""Rate limits on expensive requests (django-ratelimit's counters in the default cache), with the wait to report."""

from __future__ import annotations

from django_ratelimit.core import get_usage


def retry_after(request, group: str, rate: str, key: str) -> int | None:
    """Count this request against `rate` (e.g. "10/m") for `key` in `group`: the seconds to wait when it is over the
    limit, else None."""
    usage = get_usage(request, group=group, key=lambda _group, _request: key, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, int(usage["time_left"]))
