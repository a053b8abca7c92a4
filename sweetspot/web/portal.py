"""The client portal's company page (issue 14 item 3): what a client contact may read about
their own company, and nothing of the firm's internal sales data (segment, revenue, downtime
cost, IT budget, current support, needs, notes, assessments).

It sits in web (above every app) because it gathers the company's contacts and sites
(clients), tickets with their target times and who works on them (desk), agreements
(agreements) and issued invoices (billing), each read through that app's scoped query.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from sweetspot.agreements.queries import agreements_visible_to
from sweetspot.billing import ar_queries
from sweetspot.billing.queries import invoices_visible_to
from sweetspot.clients.scoping import get_company_for
from sweetspot.core.access import AuthedHttpRequest, permission_required
from sweetspot.core.models import Firm
from sweetspot.core.permissions import is_client
from sweetspot.core.wording import business_day_minutes, business_duration
from sweetspot.desk.models import OPEN_STATUSES
from sweetspot.desk.queries import tickets_visible_to

OPEN_SHOWN = 25
CLOSED_SHOWN = 10


@permission_required(is_client)
def my_company(request: AuthedHttpRequest) -> HttpResponse:
    if request.user.company_id is None:  # pragma: no cover - a check constraint forbids it
        raise Http404("Not found")
    company = get_company_for(request.user, request.user.company_id)
    tickets = tickets_visible_to(request.user).select_related("technician", "subcontractor")
    is_open = Q(status__in=OPEN_STATUSES)
    open_tickets = list(tickets.filter(is_open).order_by("created_at", "pk")[:OPEN_SHOWN])
    recent = list(tickets.exclude(is_open).order_by("-created_at", "-pk")[:CLOSED_SHOWN])
    agreements = list(
        agreements_visible_to(request.user).select_related("plan").order_by("-start_date", "pk")
    )
    day = business_day_minutes(Firm.current())
    for t in open_tickets:
        t.response_target_text = business_duration(t.response_target_minutes, day)  # type: ignore[attr-defined]
        t.resolution_target_text = business_duration(t.resolution_target_minutes, day)  # type: ignore[attr-defined]
    today = timezone.localdate()
    invoices = ar_queries.decorate(
        list(
            ar_queries.with_amounts(invoices_visible_to(request.user)).order_by("-date", "-pk")[:12]
        ),
        today,
    )
    return render(
        request,
        "web/my_company.html",
        {
            "company": company,
            "sites": list(company.sites.filter(archived_at__isnull=True)),
            "contacts": list(
                company.contacts.filter(archived_at__isnull=True).select_related("site")
            ),
            "open_tickets": open_tickets,
            "recent_tickets": recent,
            "agreements": agreements,
            "invoices": invoices,
            "now": timezone.now(),
        },
    )
