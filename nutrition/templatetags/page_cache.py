"""`{% page_cache_release as release %}`: the digest of this release's code and templates, to key a
`{% cache %}` fragment that depends on code only (see `nutrition.cache.release`)."""

from django import template

from nutrition.cache import release

register = template.Library()


@register.simple_tag
def page_cache_release() -> str:
    return release()
