"""The client's address, one way for everything that counts by address: django-axes (which calls django-ipware with
the AXES_IPWARE_* settings) and the rate limits (RATELIMIT_IP_META_KEY points here). Only as many proxies as
settings.TRUSTED_PROXIES are believed; see config/settings.py."""

from axes.helpers import get_client_ip_address


def client_ip(request) -> str:
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104
