"""The SLA scan: at risk and breached, each stage once per ticket.

For every open ticket whose response (not yet responded) or resolution (not paused) clock
has passed its at-risk or due instant (stored by desk's services), one ``SlaAlert`` row per
stage; the assignee and the dispatchers (owner and dispatcher roles) are mailed. A ticket
first seen already breached gets the breach alert only (its at-risk stage is recorded as
passed over, never mailed later). The unique (ticket, stage) constraint keeps two scans
running at once from alerting twice.

Runs every minute in the Huey worker (``tasks.sla_scan``) and as ``manage.py sla_scan``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from sweetspot.core.models import User
from sweetspot.core.permissions import DISPATCHERS
from sweetspot.desk.models import OPEN_STATUSES, Ticket, TicketStatus

from .models import Notification, SlaAlert, SlaStage
from .notify import assignee_address, deliver, ticket_link

# (at-risk stage, breached stage, at-risk field, due field)
CLOCKS = (
    (
        SlaStage.RESPONSE_AT_RISK,
        SlaStage.RESPONSE_BREACHED,
        "response_at_risk_at",
        "response_due_at",
    ),
    (
        SlaStage.RESOLUTION_AT_RISK,
        SlaStage.RESOLUTION_BREACHED,
        "resolution_at_risk_at",
        "resolution_due_at",
    ),
)


def _candidates(now: dt.datetime) -> list[Ticket]:
    response = Q(responded_at__isnull=True, response_at_risk_at__lte=now)
    resolution = ~Q(status=TicketStatus.WAITING) & Q(resolution_at_risk_at__lte=now)
    return list(
        Ticket.objects.filter(status__in=OPEN_STATUSES)
        .filter(response | resolution)
        .select_related("company", "technician__user", "subcontractor")
        .order_by("pk")
    )


def dispatcher_addresses() -> list[str]:
    return list(
        User.objects.filter(role__in=DISPATCHERS, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )


def _due_stages(ticket: Ticket, now: dt.datetime) -> list[tuple[str, str, str]]:
    """(stage, passed-over lower stage or "", due field) the ticket has reached now."""
    out: list[tuple[str, str, str]] = []
    for at_risk, breached, risk_field, due_field in CLOCKS:
        if at_risk == SlaStage.RESPONSE_AT_RISK and ticket.responded_at is not None:
            continue
        if at_risk == SlaStage.RESOLUTION_AT_RISK and ticket.status == TicketStatus.WAITING:
            continue
        due = getattr(ticket, due_field)
        risk = getattr(ticket, risk_field)
        if due is not None and due <= now:
            out.append((breached, at_risk, due_field))
        elif risk is not None and risk <= now:
            out.append((at_risk, "", due_field))
    return out


def _claim(ticket: Ticket, stage: str, now: dt.datetime, mailed: bool = True) -> bool:
    try:
        with transaction.atomic():
            SlaAlert.objects.create(ticket=ticket, stage=stage, alerted_at=now, mailed=mailed)
    except IntegrityError:
        return False
    return True


def scan(now: dt.datetime | None = None, send: bool = True) -> dict[str, int]:
    """Alert every stage reached and not alerted yet; returns counts per stage.
    ``send=False`` records the stages as passed without mail (the demo's history)."""
    now = now or timezone.now()
    tickets = _candidates(now)
    done: dict[int, set[str]] = defaultdict(set)
    for ticket_id, stage in SlaAlert.objects.filter(ticket__in=tickets).values_list(
        "ticket_id", "stage"
    ):
        done[ticket_id].add(stage)
    dispatchers: list[str] | None = None
    labels = dict(SlaStage.choices)
    counts: dict[str, int] = defaultdict(int)
    for ticket in tickets:
        for stage, passed_over, due_field in _due_stages(ticket, now):
            if stage in done[ticket.pk]:
                continue
            if passed_over and passed_over not in done[ticket.pk]:
                _claim(ticket, passed_over, now, mailed=False)
            if not _claim(ticket, stage, now, mailed=send):
                continue
            counts[stage] += 1
            if not send:
                continue
            if dispatchers is None:
                dispatchers = dispatcher_addresses()
            assignee = ticket.technician or ticket.subcontractor
            deliver(
                Notification.SLA,
                [assignee_address(ticket), *dispatchers],
                f"{labels[stage]}: {ticket.subject} ({ticket.company.name}, {ticket.priority})",
                "sla",
                {
                    "stage_label": labels[stage],
                    "due_label": "Response due" if "response" in stage else "Resolution due",
                    "due": getattr(ticket, due_field),
                    "assignee": str(assignee) if assignee else "",
                    "link": ticket_link(ticket),
                },
                ticket,
                now=now,
            )
    return dict(counts)
