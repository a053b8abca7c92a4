from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def words(value: object) -> str:
    """'sweet_spot' -> 'sweet spot', 'not_a_fit' -> 'not a fit'."""
    return str(value or "").replace("_", " ")


@register.filter
def hours(minutes: object) -> Decimal:
    """Minutes as hours to the hundredth: 75 -> 1.25."""
    try:
        value = Decimal(str(minutes or 0))
    except ArithmeticError:
        return Decimal("0.00")
    return (value / 60).quantize(Decimal("0.01"))
