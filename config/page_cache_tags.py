"""`{% load page_cache %}` then `{% page_cache_release as release %}`: the digest of this release's code and
templates, to key a `{% cache %}` fragment that depends on code only (see `config.page_cache.release`).
Registered as the "page_cache" template library in settings (config is not an app)."""

from django import template

from config.page_cache import release

register = template.Library()


@register.simple_tag
def page_cache_release() -> str:
    return release()
