from decimal import ROUND_HALF_UP, Decimal

from django import template

from sweetspot.core.money import CENT

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
    return (value / 60).quantize(CENT, rounding=ROUND_HALF_UP)
