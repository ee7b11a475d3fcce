"""`{% load site_urls %}` then `{% site_url 'name' %}`: the address of a URL that takes no arguments, as `{% url %}`
gives it, worked out once per process rather than on every page. Django's reverse() costs about 50 us a call on
this project's machine, and the header and footer that every page renders name 14 addresses (0.5-0.7 ms of a
signed-in page's 3 ms). The key includes the script prefix and the URLconf, so a site mounted elsewhere, or a test
that swaps URLconfs, gets its own addresses. Registered as the "site_urls" template library in settings."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

_known: dict[tuple[str, str, object], str] = {}


@register.simple_tag
def site_url(name: str) -> str:
    key = (name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    address = _known.get(key)
    if address is None:
        address = _known[key] = reverse(name)
    return address
