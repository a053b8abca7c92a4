"""``{% hours_left_panel agreement %}``: this month's included hours used and left, for the
agreement page (staff) and the client portal. A template tag so agreements' views need not
import billing (billing sits above agreements)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from sweetspot.agreements.models import Agreement

from ..usage import hours_left

register = template.Library()


@register.inclusion_tag("billing/_hours_left.html")
def hours_left_panel(agreement: Agreement) -> dict[str, Any]:
    return {"agreement": agreement, "hours": hours_left(agreement)}


@register.filter
def money(value: Any, places: int = 2) -> str:
    """$1,234.50; a negative amount as −$52.50 (not $-52.50)."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    text = f"${abs(amount):,.{int(places)}f}"
    return f"−{text}" if amount < 0 else text
