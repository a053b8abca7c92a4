from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from sweetspot.agreements import promise, revenue
from sweetspot.clients.scoping import companies_visible_to
from sweetspot.core import engine_cache, permissions
from sweetspot.core.access import any_role_required
from sweetspot.growth import queries as bd
from sweetspot.team.models import TechnicianCertification

from . import home as home_data


def _firm_facts(user: Any) -> dict[str, Any]:
    """A few cheap aggregates for the dashboard (a fixed number of queries)."""

    today = timezone.localdate()
    followups = (
        bd.activities_visible_to(user)
        .filter(owner=user, done_date__isnull=True)
        .aggregate(
            overdue=Count("pk", filter=Q(due_date__lt=today)),
            due_today=Count("pk", filter=Q(due_date=today)),
        )
    )
    board = bd.pipeline_board(user, engine_cache.firm())
    result = promise.run()  # kept until its inputs change (core.engine_cache)
    facts: dict[str, Any] = {
        "overdue": followups["overdue"],
        "due_today": followups["due_today"],
        "pipeline_monthly": board.weighted_monthly,
        "open_opportunities": board.open_count,
        "promise_ok": result.ok,
        "promise_findings": len(result.findings),
        "spof": sum(1 for f in result.findings if f.kind == "single_point_of_failure"),
        "required_hours": result.required_hours,
        "available_hours": result.available_hours,
        "expiring": TechnicianCertification.objects.filter(
            technician__archived_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + dt.timedelta(days=90),
        ).count(),
    }
    if permissions.can_see_revenue(user):
        facts["mrr"] = revenue.mrr()
        facts["arr"] = facts["mrr"] * 12
    return facts


@any_role_required
def home(request: HttpRequest) -> HttpResponse:
    """A home page per role (issue 14 item 4): the owner's numbers and charts, the
    dispatcher's queue at a glance, the technician's day, the salesperson's follow-ups."""
    user = request.user
    if user.is_client_contact:  # type: ignore[union-attr]
        return redirect("clients:company_detail", pk=user.company_id)  # type: ignore[union-attr]
    if permissions.is_owner(user):
        counts = companies_visible_to(user, include_archived=False).aggregate(
            total=Count("pk"),
            clients=Count("pk", filter=Q(status="client")),
            prospects=Count("pk", filter=Q(status="prospect")),
            sweet_spot=Count("pk", filter=Q(segment="sweet_spot")),
        )
        context = {"counts": counts, "facts": _firm_facts(user), **home_data.owner_charts()}
        return render(request, "web/home.html", context)
    if permissions.can_dispatch(user):
        return render(request, "web/home_dispatcher.html", home_data.dispatcher_home(user))
    if permissions.does_service_work(user):
        return render(request, "web/home_technician.html", home_data.technician_home(user))
    return render(request, "web/home_sales.html", home_data.sales_home(user))
