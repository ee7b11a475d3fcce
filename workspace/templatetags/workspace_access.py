from django import template

from workspace.access import is_dietitian as _is_dietitian

register = template.Library()


@register.filter
def is_dietitian(user) -> bool:
    """`{% if request.user|is_dietitian %}`: show the Dietitian link only to dietitians."""
    return _is_dietitian(user)
