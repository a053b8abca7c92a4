"""Service catalog and competitor pages.

Who: every staff role reads; owner and dispatcher edit (permissions.can_edit_catalog); client
contacts get 404 everywhere. Cost rates are decided here through permissions.can_see_costs,
never in templates.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sweetspot.core import permissions
from sweetspot.core.access import AuthedHttpRequest, permission_required, staff_required
from sweetspot.core.permissions import can_see_costs
from sweetspot.core.writes import save_form

from . import loaders, queries, services
from .engine import closest_trainees, depth, missing_skills, qualifies
from .forms import CompetitorForm, RequirementRow, RequirementRows, ServiceForm, skill_groups
from .models import Service, Tier

catalog_editor_required = permission_required(permissions.can_edit_catalog)


def _is_htmx(request: AuthedHttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _posted(request: AuthedHttpRequest) -> Any:
    """Bind forms on POST even when the body is empty, so an empty POST shows field errors."""
    return request.POST if request.method == "POST" else None


def _person_row(person: Any, show_costs: bool) -> dict[str, Any]:
    return {
        "person": person,
        "bill_rate": person.bill_rate,
        "cost_rate": person.cost_rate if show_costs else None,
    }


# --- services ---------------------------------------------------------------------------------


@staff_required
@require_GET
def service_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = queries.filter_services(queries.services_with_requirements(), request.GET)
    people = loaders.people()
    found = list(qs)
    depths = [depth(loaders.spec_for(s), people) for s in found]
    rows = [{"service": s, "depth": d} for s, d in zip(found, depths, strict=True)]
    summary = {
        "count": len(rows),
        "unstaffed": sum(1 for d in depths if d.total == 0),
        "single": sum(1 for d in depths if d.total == 1),
    }
    return render(
        request,
        "catalog/service_list.html",
        {
            "rows": rows,
            "summary": summary,
            "filters": request.GET,
            "tiers": Tier.choices,
            "can_edit": queries.can_edit_catalog(request.user),
            "has_people": bool(people),
        },
    )


@staff_required
@require_GET
def service_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    service = queries.get_service(pk)
    spec = loaders.spec_for(service)
    people = loaders.people()
    d = depth(spec, people)
    show_costs = can_see_costs(request.user)
    names = loaders.skill_names()
    closest = [
        {
            "person": p,
            "short": [
                (names.get(slug, slug), points) for slug, points in missing_skills(p, spec).items()
            ],
        }
        for p in closest_trainees(spec, people)
    ]
    # Subcontractors who qualify but do not count (the service is not subcontractable).
    uncounted = (
        []
        if spec.subcontractable
        else [p for p in people if p.kind == loaders.SUBCONTRACTOR and qualifies(p, spec)]
    )
    return render(
        request,
        "catalog/service_detail.html",
        {
            "service": service,
            "depth": d,
            "in_house": [_person_row(p, show_costs) for p in d.in_house],
            "outside": [_person_row(p, show_costs) for p in d.outside],
            "uncounted": uncounted,
            "closest": closest[:3],
            "show_costs": show_costs,
            "competitors": queries.competitors_offering(service),
            "plan_items": list(queries.plan_items().filter(service=service)),
            "can_edit": queries.can_edit_catalog(request.user),
        },
    )


def _service_form_page(request: AuthedHttpRequest, service: Service | None) -> HttpResponse:
    form = ServiceForm(_posted(request), instance=copy.copy(service) if service else None)
    rows = RequirementRows(_posted(request), service=service)
    if request.method == "POST":
        form_ok = form.is_valid()
        rows_ok = rows.is_valid()
        if form_ok and rows_ok:
            if service is None:
                saved = save_form(
                    form, lambda data: services.create_service(request.user, data, rows.cleaned)
                )
            else:
                saved = save_form(
                    form,
                    lambda data: services.update_service(request.user, service, data, rows.cleaned),
                )
            if saved is not None:
                messages.success(request, f"{saved.name} saved.")
                return redirect("catalog:service_detail", pk=saved.pk)
    if not rows.rows:
        rows.rows.append(RequirementRow())
    return render(
        request,
        "catalog/service_form.html",
        {
            "form": form,
            "rows": rows.rows,
            "row_errors": rows.bound and bool(rows.errors),
            "skill_groups": skill_groups(),
            "service": service,
            "proficiencies": range(1, 6),
        },
    )


@catalog_editor_required
@require_http_methods(["GET", "POST"])
def service_create(request: AuthedHttpRequest) -> HttpResponse:
    return _service_form_page(request, None)


@catalog_editor_required
@require_http_methods(["GET", "POST"])
def service_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _service_form_page(request, queries.get_service(pk))


@catalog_editor_required
@require_GET
def requirement_row(request: AuthedHttpRequest) -> HttpResponse:
    """One blank "required skill" row for the service form (htmx appends it)."""
    return render(
        request,
        "catalog/_requirement_row.html",
        {"row": RequirementRow(), "skill_groups": skill_groups(), "proficiencies": range(1, 6)},
    )


@catalog_editor_required
@require_POST
def service_archive(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    service = queries.get_service(pk)
    services.archive_service(request.user, service)
    messages.success(request, f"{service.name} archived; it no longer counts in the analysis.")
    return redirect("catalog:service_detail", pk=service.pk)


@catalog_editor_required
@require_POST
def service_restore(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    service = queries.get_service(pk)
    services.restore_service(request.user, service)
    messages.success(request, f"{service.name} restored.")
    return redirect("catalog:service_detail", pk=service.pk)


# --- competitors ------------------------------------------------------------------------------


@staff_required
@require_GET
def competitor_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = queries.filter_competitors(queries.competitors_with_offerings(), request.GET)
    return render(
        request,
        "catalog/competitor_list.html",
        {
            "competitors": list(qs),
            "filters": request.GET,
            "can_edit": queries.can_edit_catalog(request.user),
        },
    )


@staff_required
@require_GET
def competitor_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    competitor = queries.get_competitor(pk)
    offerings = list(competitor.offerings.all())
    theirs = {o.service_id for o in offerings if o.service_id}
    ours_only = [s for s in Service.objects.filter(archived_at__isnull=True) if s.pk not in theirs]
    return render(
        request,
        "catalog/competitor_detail.html",
        {
            "competitor": competitor,
            "shared": [o for o in offerings if o.service and o.service.archived_at is None],
            "theirs_only": [
                o for o in offerings if o.service is None or o.service.archived_at is not None
            ],
            "ours_only": ours_only,
            "can_edit": queries.can_edit_catalog(request.user),
        },
    )


def _competitor_form_page(request: AuthedHttpRequest, competitor: Any) -> HttpResponse:
    form = CompetitorForm(_posted(request), instance=copy.copy(competitor) if competitor else None)
    if request.method == "POST" and form.is_valid():

        def save(data: dict[str, Any]) -> Any:
            if competitor is None:
                saved = services.create_competitor(request.user, data)
            else:
                saved = services.update_competitor(request.user, competitor, data)
            services.set_offerings(request.user, saved, data["services"], data["other_services"])
            return saved

        saved = save_form(form, save)
        if saved is not None:
            messages.success(request, f"{saved.name} saved.")
            return redirect("catalog:competitor_detail", pk=saved.pk)
    return render(
        request,
        "catalog/competitor_form.html",
        {"form": form, "competitor": competitor},
    )


@catalog_editor_required
@require_http_methods(["GET", "POST"])
def competitor_create(request: AuthedHttpRequest) -> HttpResponse:
    return _competitor_form_page(request, None)


@catalog_editor_required
@require_http_methods(["GET", "POST"])
def competitor_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _competitor_form_page(request, queries.get_competitor(pk))


@catalog_editor_required
@require_POST
def competitor_archive(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    competitor = queries.get_competitor(pk)
    services.archive_competitor(request.user, competitor)
    messages.success(request, f"{competitor.name} archived.")
    return redirect("catalog:competitor_list")
