"""Agreement panels other apps' pages include (clients sits below agreements):
``{% company_agreements company %}`` lists the company's agreements the reader may see."""

from __future__ import annotations

from typing import Any

from django import template

from sweetspot.core import permissions

from ..queries import agreements_visible_to

register = template.Library()


@register.inclusion_tag("agreements/_company_agreements.html", takes_context=True)
def company_agreements(context: dict[str, Any], company: Any) -> dict[str, Any]:
    """One query (plan joined)."""
    user = context.get("user")
    rows = list(
        agreements_visible_to(user)
        .filter(company_id=company.pk)
        .select_related("plan")
        .order_by("-start_date", "-pk")
    )
    return {"rows": rows, "staff": permissions.is_staff(user)}
