"""Desk panels other apps' pages include (clients sits below desk and never imports it):

* ``{% company_tickets company %}``: the company's latest tickets, scoped to the reader;
* ``{% company_visits company %}``: its visits, recent and ahead (staff who see visits);
* ``{% running_timer_slot %}``: an empty slot in the page header that loads the reader's
  running timer with htmx (so it costs the page itself no query).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count, Q

from sweetspot.core import permissions

from ..models import OPEN_STATUSES, VisitStatus
from ..queries import tickets_visible_to

register = template.Library()
PANEL_ROWS = 10


@register.inclusion_tag("desk/_company_tickets.html", takes_context=True)
def company_tickets(context: dict[str, Any], company: Any) -> dict[str, Any]:
    """Two queries: the counts and the latest rows."""
    user = context.get("user")
    qs = tickets_visible_to(user).filter(company_id=company.pk)
    counts = qs.aggregate(total=Count("pk"), open=Count("pk", filter=Q(status__in=OPEN_STATUSES)))
    rows = list(
        qs.select_related("technician", "subcontractor").order_by("-created_at", "-pk")[:PANEL_ROWS]
    )
    return {
        "company": company,
        "rows": rows,
        "counts": counts,
        "staff": permissions.is_staff(user),
    }


@register.inclusion_tag("desk/_company_visits.html", takes_context=True)
def company_visits(context: dict[str, Any], company: Any) -> dict[str, Any]:
    """One query; nothing for people who do not see visits."""
    from ..visit_views import visits_visible_to  # noqa: PLC0415 (the visit scoping lives with its views)

    user = context.get("user")
    if not permissions.does_service_work(user):
        return {"show": False}
    rows = list(
        visits_visible_to(user)
        .filter(company_id=company.pk)
        .exclude(status=VisitStatus.CANCELLED)
        .order_by("-starts_at", "-pk")[:PANEL_ROWS]
    )
    return {"show": True, "rows": rows, "company": company}


@register.inclusion_tag("desk/_timer_slot.html", takes_context=True)
def running_timer_slot(context: dict[str, Any]) -> dict[str, Any]:
    return {"show": permissions.can_use_timer(context.get("user"))}
