"""The client's address, one way for everything that counts by address: django-axes (which calls django-ipware with
the AXES_IPWARE_* settings) and the rate limits (RATELIMIT_IP_META_KEY points here). Only as many proxies as
settings.TRUSTED_PROXIES are believed; see config/settings.py.

The answer depends only on the request headers ipware reads (AXES_IPWARE_META_PRECEDENCE_ORDER) and on the settings,
so it is remembered for each such set (a flood repeats the same few): parsing them costs a refused solve (the
cheapest answer the site gives, config/rate_limits.py) a quarter of its time."""

import functools
from types import SimpleNamespace

from axes.helpers import get_client_ip_address
from django.conf import settings

# What else django-ipware reads from the settings, in the key too.
IPWARE_SETTINGS = ("IPWARE_STRICT", "IPWARE_ALGORITHM", "IPWARE_META_PROXY_COUNT", "IPWARE_META_PRECEDENCE_ORDER")


def client_ip(request) -> str:
    if settings.AXES_CLIENT_IP_CALLABLE:  # it may read anything of the request: nothing to remember by
        address = get_client_ip_address(request)
    else:
        order = tuple(settings.AXES_IPWARE_META_PRECEDENCE_ORDER)
        config = (order, settings.AXES_IPWARE_PROXY_COUNT, tuple(settings.AXES_IPWARE_PROXY_TRUSTED_IPS or ()),
                  settings.AXES_IPWARE_PROXY_ORDER, *(getattr(settings, name, None) for name in IPWARE_SETTINGS))
        address = _address(tuple(request.META.get(name) for name in order), config)
    return address or request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104


@functools.lru_cache(maxsize=1024)
def _address(values: tuple, config: tuple) -> str | None:
    meta = {name: value for name, value in zip(config[0], values, strict=True) if value is not None}
    return get_client_ip_address(SimpleNamespace(META=meta))
