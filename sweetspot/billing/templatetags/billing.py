"""``{% hours_left_panel agreement %}``: this month's included hours used and left, for the
agreement page (staff) and the client portal. A template tag so agreements' views need not
import billing (billing sits above agreements)."""

from __future__ import annotations

from typing import Any

from django import template

from sweetspot.agreements.models import Agreement

from ..usage import hours_left

register = template.Library()


@register.inclusion_tag("billing/_hours_left.html")
def hours_left_panel(agreement: Agreement) -> dict[str, Any]:
    return {"agreement": agreement, "hours": hours_left(agreement)}
