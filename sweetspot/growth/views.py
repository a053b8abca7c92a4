"""Assessment page (live htmx recompute), prospects list, firm qualification settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sweetspot.clients.scoping import companies_visible_to, get_company_for
from sweetspot.core import permissions
from sweetspot.core.access import (
    AuthedHttpRequest,
    owner_required,
    permission_required,
    staff_required,
)
from sweetspot.core.models import Firm, Role

from . import charts, contract, engine, prospect_queries, services
from .forms import AssessmentForm, SettingsForm
from .models import DEFAULT_STAGE_PROBABILITIES, Assessment

assessor_required = permission_required(permissions.can_assess)


def card_context(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "result": result,
        "chart": charts.reasons_chart(result["reasons"]),
        "gauge": charts.gauge(result["fit_score"]),
    }


@staff_required
def prospects(request: AuthedHttpRequest) -> HttpResponse:
    qs = prospect_queries.prospects(
        companies_visible_to(request.user, include_archived=False), request.GET
    )
    qs, sort = prospect_queries.sort_prospects(qs, request.GET.get("sort"))
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    sort_params = params.copy()
    sort_params.pop("sort", None)
    return render(
        request,
        "growth/prospects.html",
        {
            "page": page,
            "sort": sort,
            "params": params.urlencode(),
            "sort_params": sort_params.urlencode(),
            "filters": request.GET,
            "verdicts": [("ready", "Ready"), ("nurture", "Nurture"), ("not_a_fit", "Not a fit")],
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def assess_company(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """GET: the form prefilled from the record, and the latest stored result.
    POST (owner, sales): store an assessment of the submitted inputs."""
    company = get_company_for(request.user, pk)
    can_assess = request.user.role in {Role.OWNER, Role.SALES}
    latest = company.assessments.select_related("created_by").first()
    if request.method == "POST":
        if not can_assess:
            raise Http404("Not found")
        form = AssessmentForm(request.POST)
        if form.is_valid():
            try:
                row = services.assess_company(request.user, company, form.to_contract())
            except contract.ContractError as exc:
                for err in exc.errors:
                    field = err["field"] if err["field"] in form.fields else None
                    form.add_error(field, err["msg"])
            else:
                messages.success(request, f"Assessment saved: {row.fit_score} ({row.verdict}).")
                return redirect("growth:company_assessment", pk=company.pk)
        preview = None
    else:
        inputs = latest.inputs if latest else services.inputs_from_company(company)
        try:
            parsed = contract.parse(inputs)
            form = AssessmentForm(initial=AssessmentForm.initial_from_inputs(inputs))
        except (contract.ContractError, AttributeError, KeyError, TypeError, ValueError):
            # A stored assessment from before a contract change (issue 15 item 6: a 500):
            # start from the company's record instead, and say so.
            messages.info(
                request,
                "The last assessment's inputs no longer fit the current questions; the form "
                "starts from the company's record.",
            )
            inputs = services.inputs_from_company(company)
            parsed = contract.parse(inputs)
            form = AssessmentForm(initial=AssessmentForm.initial_from_inputs(inputs))
        firm = Firm.current()
        assert not isinstance(parsed, list)
        preview = engine.assess(parsed.signals(), services.qualification_settings(firm)).to_json()
    history = list(company.assessments.select_related("created_by")[:10])
    context = {
        "company": company,
        "form": form,
        "can_assess": can_assess,
        "latest": latest,
        "history": history,
    }
    if preview is not None:
        context.update(card_context(preview))
    return render(request, "growth/assess.html", context)


@assessor_required
@require_POST
def assess_preview(request: AuthedHttpRequest) -> HttpResponse:
    """htmx: recompute the result card from the form as it changes; nothing is stored."""
    form = AssessmentForm(request.POST)
    if not form.is_valid():
        return render(request, "growth/_assessment_card.html", {"form_errors": form.errors})
    try:
        parsed = contract.parse(form.to_contract())
    except contract.ContractError as exc:
        return render(request, "growth/_assessment_card.html", {"form_errors": exc.errors})
    assert not isinstance(parsed, list)
    result = engine.assess(
        parsed.signals(), services.qualification_settings(Firm.current())
    ).to_json()
    return render(request, "growth/_assessment_card.html", card_context(result))


@staff_required
def assessment_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A stored assessment with the inputs and settings it used: history stays explainable."""
    row = get_object_or_404(
        Assessment.objects.select_related("company", "created_by").filter(
            company__in=companies_visible_to(request.user)
        ),
        pk=pk,
    )
    context = {"row": row, **card_context(row.result)}
    return render(request, "growth/assessment_detail.html", context)


@owner_required
@require_http_methods(["GET", "POST"])
def firm_settings(request: AuthedHttpRequest) -> HttpResponse:
    firm = Firm.current()
    current = services.qualification_settings(firm)
    stages = {**DEFAULT_STAGE_PROBABILITIES, **(firm.stage_probabilities or {})}
    form = SettingsForm(request.POST or None, current=current, stages=stages)
    if request.method == "POST" and form.is_valid():
        services.update_qualification_settings(request.user, firm, form.settings())
        services.update_stage_probabilities(request.user, firm, form.stages())
        messages.success(
            request,
            "Settings saved. New assessments use them; stored ones keep "
            "the settings they were made with.",
        )
        return redirect("growth:settings")
    return render(request, "growth/settings.html", {"form": form, "firm": firm})
