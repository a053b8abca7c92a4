"""The gap analysis page, accepting a remedy into the plan, and the plan list.

The page recomputes the analysis on every load (a fixed number of queries), so archiving a
technician or adding a skill shows at once. Accepting a remedy posts only which gap and
which remedy (their keys): the server recomputes and takes the remedy's details from the
engine, never from the browser.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sweetspot.core.access import AuthedHttpRequest, staff_required
from sweetspot.core.permissions import can_see_costs
from sweetspot.core.writes import save_form

from . import queries, report, services
from .engine import COMPETITOR_ONLY, Gap, Remedy
from .forms import AcceptRemedyForm, PlanStatusForm, default_due_date
from .models import PlanItem
from .views import _is_htmx, _posted, catalog_editor_required

SHORT_THEIRS = {
    "add_service": "Add it to our catalog, with the skills it needs, and staff it",
    "subcontract": "Offer it through a subcontractor",
    "hire": "Hire someone who can deliver it",
}
REMEDY_LABELS = {
    "train": "Train",
    "subcontract": "Subcontract",
    "hire": "Hire",
    "add_service": "Add service",
}


def _gap_text(gap: Gap) -> str:
    """The gap in words for the plan item (the service, when ours, is its own column)."""
    text = gap.detail if gap.service_id is not None else f"{gap.service_name}: {gap.detail}"
    return text[:300]


def _accept_url(gap: Gap, remedy: Remedy) -> str:
    return (
        reverse("catalog:remedy_accept") + "?" + urlencode({"gap": gap.key, "remedy": remedy.key})
    )


def _remedy_view(
    rep: report.Report,
    gap: Gap,
    remedy: Remedy,
    dom: str,
    show_costs: bool,
    in_plan: dict[tuple[str, int | None, str], PlanItem],
) -> dict[str, Any]:
    sub = rep.person("subcontractor", remedy.subcontractor_id)
    cost_rate = sub.cost_rate if (sub is not None and show_costs) else None
    return {
        "remedy": remedy,
        "label": REMEDY_LABELS.get(remedy.kind, remedy.kind),
        # On a competitor's service the card title names it: say the remedy short.
        "text": SHORT_THEIRS.get(remedy.kind, remedy.description)
        if gap.kind == COMPETITOR_ONLY
        else remedy.description,
        "dom": dom,
        "technician": rep.person("technician", remedy.technician_id),
        "cert": rep.cert(remedy.certification_code),
        "subcontractor": sub,
        # Bill rate is for every staff role; what we pay the subcontractor (and so the margin)
        # is the owner's alone.
        "cost_rate": cost_rate,
        "margin": sub.bill_rate - cost_rate
        if (sub is not None and cost_rate is not None)
        else None,
        "plan_item": in_plan.get(queries.plan_key(remedy.kind, gap.service_id, remedy.description)),
        "accept_url": _accept_url(gap, remedy),
    }


@staff_required
@require_GET
def gap_analysis(request: AuthedHttpRequest) -> HttpResponse:
    rep = report.build()
    analysis = rep.analysis
    show_costs = can_see_costs(request.user)
    open_items = queries.open_plan_items()
    in_plan = {queries.plan_key(i.kind, i.service_id, i.description): i for i in open_items}
    depths = {d.service.id: d for d in analysis.depths}

    def gap_view(n: int, gap: Gap) -> dict[str, Any]:
        d = depths.get(gap.service_id) if gap.service_id is not None else None
        return {
            "gap": gap,
            "dom": f"gap-{n}",
            "depth": d,
            "requires": [
                (rep.skill_names.get(slug, slug), level)
                for slug, level in sorted(d.service.requires.items())
            ]
            if d
            else [],
            "remedies": [
                _remedy_view(rep, gap, r, f"remedy-{n}-{r.rank}", show_costs, in_plan)
                for r in gap.remedies
            ],
        }

    staffing = [gap_view(n, g) for n, g in enumerate(analysis.staffing, start=1)]
    offset = len(staffing)
    theirs = [gap_view(offset + n, g) for n, g in enumerate(analysis.competitor_only, start=1)]
    by_name = {d.service.name: d for d in analysis.depths}
    differentiators = [
        {"name": name, "depth": by_name.get(name)} for name in analysis.differentiators
    ]
    summary = {
        "services": len(analysis.depths),
        "solid": sum(1 for d in analysis.depths if d.total >= 2),
        "single": sum(1 for d in analysis.depths if d.total == 1),
        "unstaffed": sum(1 for d in analysis.depths if d.total == 0),
        "theirs": len(analysis.competitor_only),
        "ours": len(analysis.differentiators),
        "open_items": len(open_items),
    }
    return render(
        request,
        "catalog/gap_analysis.html",
        {
            "staffing": staffing,
            "theirs": theirs,
            "differentiators": differentiators,
            "depths": analysis.depths,
            "summary": summary,
            "has_people": bool(rep.people),
            "can_edit": queries.can_edit_catalog(request.user),
            "show_costs": show_costs,
        },
    )


@catalog_editor_required
@require_http_methods(["GET", "POST"])
def remedy_accept(request: AuthedHttpRequest) -> HttpResponse:
    """GET: the small accept form (or, with cancel=1, the button again); POST: accept."""
    params = request.POST if request.method == "POST" else request.GET
    gap_key = params.get("gap", "")
    remedy_key = params.get("remedy", "")
    dom = params.get("dom", "")
    if not dom.replace("-", "").isalnum():
        dom = ""
    context: dict[str, Any] = {
        "gap_key": gap_key,
        "remedy_key": remedy_key,
        "dom": dom,
        "accept_url": reverse("catalog:remedy_accept")
        + "?"
        + urlencode({"gap": gap_key, "remedy": remedy_key}),
    }
    if request.method == "GET" and request.GET.get("cancel"):
        return render(request, "catalog/_accept_button.html", context)
    form = AcceptRemedyForm(
        _posted(request),
        initial={"owner": request.user.pk, "due_date": default_due_date()},
        auto_id=f"{dom or 'accept'}-%s",
    )
    found = report.build().analysis.find(gap_key, remedy_key)
    if found is None:
        stale = "This gap or remedy has changed since the page was loaded."
        if form.is_bound:
            form.add_error(None, stale)
        else:  # an unbound form cannot hold errors (it was a 500: issue 15 item 6)
            context["stale"] = stale
    else:
        context["gap"], context["remedy"] = found
    if request.method == "POST" and found is not None and form.is_valid():
        gap, remedy = found
        objects = queries.remedy_objects(gap.service_id, remedy)
        item = save_form(
            form,
            lambda data: services.accept_remedy(
                request.user,
                {
                    "kind": remedy.kind,
                    "gap": _gap_text(gap),
                    "description": remedy.description,
                    "owner": data["owner"],
                    "due_date": data["due_date"],
                    **objects,
                },
            ),
        )
        if item is not None:
            if not _is_htmx(request):
                messages.success(request, f"In plan: {item.description}.")
                return redirect("catalog:gap_analysis")
            return render(request, "catalog/_in_plan.html", {"item": item})
    context["form"] = form
    if not _is_htmx(request):
        return render(request, "catalog/accept_page.html", context)
    return render(request, "catalog/_accept_form.html", context)


@staff_required
@require_GET
def plan_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = queries.filter_plan_items(queries.plan_items(), request.GET)
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "catalog/plan_list.html",
        {
            "page": page,
            "params": params.urlencode(),
            "filters": request.GET,
            "statuses": PlanItem.Status.choices,
            "can_edit": queries.can_edit_catalog(request.user),
            "today": timezone.localdate(),
        },
    )


@catalog_editor_required
@require_POST
def plan_item_status(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    item = queries.get_plan_item(pk)
    form = PlanStatusForm(request.POST)
    if form.is_valid():
        saved = save_form(
            form,
            lambda data: services.update_plan_item_status(request.user, item, data["status"]),
        )
        if saved is not None and not _is_htmx(request):
            messages.success(request, f"{item.description}: {item.get_status_display()}.")
    elif not _is_htmx(request):
        messages.error(request, "Choose open, done or dropped.")
    if _is_htmx(request):
        item = queries.get_plan_item(pk)
        return render(
            request,
            "catalog/_plan_row.html",
            {"item": item, "can_edit": True, "today": timezone.localdate(), "errors": form.errors},
        )
    return redirect("catalog:plan_list")
