"""Certification planner page (docs/DOMAIN.md §7): ranked proposals per technician, warnings on top.

Who: owner, sales and dispatcher see every technician; a technician sees only the rows of the
technician record linked to their login; client contacts get 404. Costs shown are training
costs (fees, and billable hours lost at the BILL rate), never a technician's cost rate.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sweetspot.core import permissions
from sweetspot.core.access import AuthedHttpRequest, permission_required
from sweetspot.core.models import Role

from . import cert_services

planner_required = permission_required(permissions.can_plan_certifications)
SHOWN_FIRST = 5  # proposals per technician before "more"


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@planner_required
@require_GET
def plan(request: AuthedHttpRequest) -> HttpResponse:
    visible = cert_services.scoped(cert_services.build_plan(), request.user)
    selected = _int_or_none(request.GET.get("technician"))
    shown = cert_services.narrowed(visible, selected)
    rows = [
        {
            "tech": t,
            "first": t.proposals[:SHOWN_FIRST],
            "more": t.proposals[SHOWN_FIRST:],
            "next": next((p for p in t.proposals if p.recommended), None),
            # nothing pays back yet: the cheapest one that would staff a thin service
            "closest": next((p for p in t.proposals if p.benefit.unlocks), None),
        }
        for t in shown.technicians
    ]
    return render(
        request,
        "growth/cert_plan.html",
        {
            "plan": shown,
            "rows": rows,
            "choices": [(t.technician_id, t.name) for t in visible.technicians],
            "selected": selected,
            "is_technician": request.user.role == Role.TECHNICIAN,
            "utilization_pct": shown.settings.target_utilization * 100,
            "share_pct": shown.settings.spend_warning_share * 100,
        },
    )
