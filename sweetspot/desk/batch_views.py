"""Batch dispatch page (issue #7 item 5): preview the optimal plan for the unassigned queue,
then accept it. Owner and dispatcher only (others 404).

The solver runs inside the request, under the firm's time limit
(``Firm.dispatch_time_limit_seconds``). That is fine for queues of up to a few hundred
tickets; larger queues belong in a background job. ``build_preview`` is shared with the API
(``sweetspot.api.desk``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from sweetspot.core import permissions
from sweetspot.core.access import AuthedHttpRequest, permission_required
from sweetspot.core.models import Firm, User

from . import batch, engine, loaders, services
from .models import Ticket, TicketStatus

dispatch_required = permission_required(permissions.can_dispatch)


def unassigned_queue() -> list[Ticket]:
    return list(
        Ticket.objects.filter(
            status=TicketStatus.NEW, technician__isnull=True, subcontractor__isnull=True
        )
        .select_related("company", "service")
        .order_by("created_at", "pk")
    )


@dataclass
class Preview:
    tickets: list[Ticket]
    people: list[engine.Person]
    plan: batch.Plan
    greedy: batch.Plan
    rows: list[dict[str, Any]]
    left_over: list[dict[str, Any]]
    load: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        data = self.plan.to_json()
        data["greedy"] = {
            "assigned": len(self.greedy.assignments),
            "total_cost": str(self.greedy.total_cost),
        }
        data["queue"] = len(self.tickets)
        return data


def build_preview(time_limit: float | None = None, now: dt.datetime | None = None) -> Preview:
    now = now or timezone.now()
    firm = Firm.current()
    settings = loaders.dispatch_settings(firm)
    tickets = unassigned_queue()
    people = loaders.people(
        timezone.localdate(now), now=now, company_ids={t.company_id for t in tickets}
    )
    etickets = loaders.engine_tickets(tickets, now)
    plan = batch.plan(etickets, people, settings, time_limit=time_limit)
    greedy = batch.greedy_plan(etickets, people, settings)
    by_ticket = {str(t.pk): t for t in tickets}
    by_eticket = {t.id: t for t in etickets}
    by_person = {p.id: p for p in people}
    rows = []
    for tid, pid in plan.assignments.items():
        person = by_person[pid]
        et = by_eticket[tid]
        rows.append(
            {
                "ticket": by_ticket[tid],
                "person": person,
                "person_id": pid,
                "hours": et.estimate_hours,
                "cost": batch.pair_cost(person, et, settings),
            }
        )
    left_over = [{"ticket": by_ticket[tid], "reason": r} for tid, r in plan.unassigned.items()]
    used = plan.hours_by_person(etickets)
    load = [
        {"person": p, "hours": used.get(p.id, Decimal(0)), "free": p.free_hours}
        for p in people
        if p.id in used
    ]
    return Preview(tickets, people, plan, greedy, rows, left_over, load)


def accept(actor: User, time_limit: float | None = None) -> int:
    """Re-run the plan and assign each proposed ticket through services.assign (audited)."""
    preview = build_preview(time_limit)
    count = 0
    with transaction.atomic():
        for row in preview.rows:
            assignee = loaders.resolve_person(row["person_id"])
            if assignee is None:
                continue
            services.assign(actor, row["ticket"], assignee)
            count += 1
    return count


@dispatch_required
@require_GET
def batch_preview(request: AuthedHttpRequest) -> HttpResponse:
    preview = build_preview()
    return render(
        request,
        "desk/batch_preview.html",
        {"preview": preview, "plan": preview.plan, "greedy": preview.greedy},
    )


@dispatch_required
@require_POST
def batch_accept(request: AuthedHttpRequest) -> HttpResponse:
    count = accept(request.user)
    messages.success(request, f"{count} ticket{'' if count == 1 else 's'} assigned")
    return redirect("desk:batch_preview")
