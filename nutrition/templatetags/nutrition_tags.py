"""Template filters that keep unknown distinct from zero."""

from django import template

register = template.Library()


@register.filter
def amount_of(food, code):
    """The amount per 100 g of nutrient `code` in `food`, or None when the source does not report it."""
    for amount in food.amounts.all():
        if amount.nutrient.code == code:
            return amount.amount
    return None


@register.filter
def amount_display(value, digits=1):
    """Format a nutrient amount; None reads "unknown", never 0."""
    if value is None:
        return "unknown"
    return f"{value:.{int(digits)}f}".rstrip("0").rstrip(".") if value else "0"
