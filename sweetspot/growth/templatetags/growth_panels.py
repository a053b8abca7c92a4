"""Growth panels other apps' pages include (clients sits below growth):
``{% company_opportunities company %}`` lists the company's opportunities (staff only)."""

from __future__ import annotations

from typing import Any

from django import template

from sweetspot.core import permissions

from ..queries import opportunities_visible_to

register = template.Library()


@register.inclusion_tag("growth/_company_opportunities.html", takes_context=True)
def company_opportunities(context: dict[str, Any], company: Any) -> dict[str, Any]:
    """One query; nothing for client contacts."""
    user = context.get("user")
    if not permissions.is_staff(user):
        return {"show": False}
    rows = list(
        opportunities_visible_to(user)
        .filter(company_id=company.pk)
        .select_related("owner")
        .order_by("-pk")
    )
    return {"show": True, "rows": rows}
