from decimal import ROUND_HALF_UP, Decimal

from django import template

from sweetspot.core.money import CENT

register = template.Library()


# Keys whose plain "words" would read wrong (issue 14 item 16: no `no_capacity`,
# `monthly_it_budget` or `lan wan` in the UI).
LABELS = {
    "lan_wan": "LAN/WAN",
    "ups": "UPS",
    "pcs": "PCs",
    "monthly_it_budget": "monthly IT budget",
    "downtime_cost_per_hour": "downtime cost per hour",
    "it_manager": "in-house IT manager",
    "no_capacity": "nobody qualified has the hours left",
    "no_qualified": "nobody qualified",
    "client_server": "client/server",
    "peer_to_peer": "peer-to-peer",
}


@register.filter
def words(value: object) -> str:
    """'sweet_spot' -> 'sweet spot', 'not_a_fit' -> 'not a fit', 'lan_wan' -> 'LAN/WAN'."""
    text = str(value or "")
    return LABELS.get(text, text.replace("_", " "))


@register.filter
def hours(minutes: object) -> Decimal:
    """Minutes as hours to the hundredth: 75 -> 1.25."""
    try:
        value = Decimal(str(minutes or 0))
    except ArithmeticError:
        return Decimal("0.00")
    return (value / 60).quantize(CENT, rounding=ROUND_HALF_UP)
