"""Read side of the desk: scoping, queue filters and SLA flags as comparisons with now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import BooleanField, Case, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone

from sweetspot.core.models import STAFF_ROLES, Role

from .models import OPEN_STATUSES, Ticket, TicketComment, TicketStatus, TimeEntry

SORTS = {
    "created": "created_at",
    "-created": "-created_at",
    "priority": "priority",
    "-priority": "-priority",
    "response_due": "response_due_at",
    "resolution_due": "resolution_due_at",
    "status": "status",
    "subject": "subject",
}
DEFAULT_SORT = "-created"
# What the sort control says (issue 14 item 16: no "-created" in the UI).
SORT_LABELS = {
    "-created": "Newest first",
    "created": "Oldest first",
    "priority": "Priority, P1 first",
    "-priority": "Priority, P4 first",
    "response_due": "Response due soonest",
    "resolution_due": "Resolution due soonest",
    "status": "Status",
    "subject": "Subject A–Z",
}


def tickets_visible_to(user: Any) -> QuerySet[Ticket]:
    """Staff see every ticket; a client contact only their company's; others nothing."""
    qs = Ticket.objects.all()
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.role in STAFF_ROLES:
        return qs
    if user.role == Role.CLIENT and user.company_id:
        return qs.filter(company_id=user.company_id)
    return qs.none()


def get_ticket_for(user: Any, pk: Any) -> Ticket:
    try:
        return (
            tickets_visible_to(user)
            .select_related(
                "company", "site", "contact", "service", "technician", "subcontractor", "agreement"
            )
            .get(pk=int(pk))
        )
    except (ValueError, TypeError, Ticket.DoesNotExist) as exc:
        raise Http404("Not found") from exc


def time_for_ticket(ticket: Ticket) -> tuple[list[TimeEntry], dict[str, int]]:
    """The ticket's time entries (oldest first, technician joined) and minutes in total and
    billable, from one query: the totals are summed over the rows already loaded."""
    entries = list(
        TimeEntry.objects.filter(ticket=ticket)
        .select_related("technician")
        .order_by("work_date", "started_at", "pk")
    )
    totals = {
        "minutes": sum(e.minutes for e in entries),
        "billable": sum(e.minutes for e in entries if e.billable),
    }
    return entries, totals


def comments_for(user: Any, ticket: Ticket) -> QuerySet[TicketComment]:
    qs = ticket.comments.select_related("author")
    if not user.is_firm_staff:
        qs = qs.filter(internal=False)
    return qs


def _at_risk(now: dt.datetime) -> Q:
    return Q(response_at_risk_at__lt=now, response_due_at__gte=now, responded_at__isnull=True) | Q(
        resolution_at_risk_at__lt=now, resolution_due_at__gte=now
    )


def _breached(now: dt.datetime) -> Q:
    return Q(response_due_at__lt=now, responded_at__isnull=True) | Q(resolution_due_at__lt=now)


def with_flags(qs: QuerySet[Ticket], now: dt.datetime | None = None) -> QuerySet[Ticket]:
    """``is_at_risk`` / ``is_breached`` for open tickets, computed in SQL from stored times."""
    now = now or timezone.now()
    open_q = Q(status__in=OPEN_STATUSES)
    return qs.annotate(
        is_breached=Case(
            When(open_q & _breached(now), then=True), default=False, output_field=BooleanField()
        ),
        is_at_risk=Case(
            When(open_q & _at_risk(now) & ~_breached(now), then=True),
            default=False,
            output_field=BooleanField(),
        ),
    )


def filter_tickets(
    qs: QuerySet[Ticket], params: Mapping[str, Any], now: dt.datetime | None = None
) -> QuerySet[Ticket]:
    """Whitelisted filters only: status, priority, client, assignee, at risk, breached."""
    now = now or timezone.now()
    status = params.get("status") or ""
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in TicketStatus.values:
        qs = qs.filter(status=status)
    priority = params.get("priority") or ""
    if priority in ("P1", "P2", "P3", "P4"):
        qs = qs.filter(priority=priority)
    client = str(params.get("client") or "")
    if client.isdigit():
        qs = qs.filter(company_id=int(client))
    assignee = str(params.get("assignee") or "")
    if assignee == "none":
        qs = qs.filter(technician__isnull=True, subcontractor__isnull=True)
    elif assignee[:1] == "t" and assignee[1:].isdigit():
        qs = qs.filter(technician_id=int(assignee[1:]))
    elif assignee[:1] == "s" and assignee[1:].isdigit():
        qs = qs.filter(subcontractor_id=int(assignee[1:]))
    if params.get("at_risk") in ("1", "true", "on", True):
        qs = qs.filter(status__in=OPEN_STATUSES).filter(_at_risk(now) & ~_breached(now))
    if params.get("breached") in ("1", "true", "on", True):
        qs = qs.filter(status__in=OPEN_STATUSES).filter(_breached(now))
    return qs


def sort_tickets(qs: QuerySet[Ticket], sort: str | None) -> tuple[QuerySet[Ticket], str]:
    key = sort if sort in SORTS else DEFAULT_SORT
    return qs.order_by(SORTS[key], "-pk"), key


def for_list(qs: QuerySet[Ticket], now: dt.datetime | None = None) -> QuerySet[Ticket]:
    return with_flags(qs.select_related("company", "technician", "subcontractor", "service"), now)


def _span(seconds: int) -> str:
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = ([f"{days} d"] if days else []) + ([f"{hours} h"] if hours else []) + [f"{mins} min"]
    return " ".join(parts)


def clock_text(
    due: dt.datetime | None,
    done: dt.datetime | None,
    now: dt.datetime | None = None,
    verb: str = "met",
) -> str:
    """One SLA clock for a list cell: a countdown while it runs; once stopped (responded or
    resolved) whether the target was met, or by how much it was missed."""
    if done is None:
        return countdown(due, now)
    if due is None or done <= due:
        return verb
    return f"{verb} late by {_span(int((done - due).total_seconds()))}"


def countdown(due: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """Wall-clock countdown text: "2 h 5 min left", "overdue by 40 min", or "paused"."""
    if due is None:
        return "paused"
    now = now or timezone.now()
    seconds = int((due - now).total_seconds())
    text = _span(seconds)
    return f"{text} left" if seconds >= 0 else f"overdue by {text}"
