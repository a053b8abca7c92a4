"""Plans, agreements, the promise check, revenue and the agreement PDF.

Who may do what (404 for everyone else, never 403):

* plans: every staff role reads; the owner creates and edits;
* agreements: owner, dispatcher and sales read (commercial documents: fees, clients);
  owner and sales draft; only the owner signs (activates), cancels or expires;
* promise check: owner, dispatcher, sales; revenue: the owner alone;
* the PDF: owner, dispatcher, sales, and a client contact for their own company's ACTIVE
  agreements (agreements/mine/ lists them).

Reads start from sweetspot.agreements.queries (the scoping helpers); writes call services.py.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from sweetspot.catalog.models import Service
from sweetspot.clients.scoping import companies_visible_to
from sweetspot.core import permissions
from sweetspot.core.access import (
    AuthedHttpRequest,
    owner_required,
    permission_required,
    staff_required,
)
from sweetspot.core.models import Firm
from sweetspot.core.wording import PRIORITY_LABELS, business_day_minutes, business_duration
from sweetspot.core.writes import add_errors

from . import engine, pdf, promise, queries, revenue, services, usage
from .forms import RESOLUTION_FIELDS, RESPONSE_FIELDS, TERM_FIELDS, AgreementForm, PlanForm
from .models import PRIORITIES, Agreement, AgreementStatus

viewer_required = permission_required(permissions.can_view_agreements)
drafter_required = permission_required(permissions.can_draft_agreements)
pdf_reader_required = permission_required(permissions.can_read_agreement_pdf)
client_required = permission_required(permissions.is_client)

KIND_WORDS = {
    "coverage": "Coverage",
    "single_point_of_failure": "Single point of failure",
    "capacity": "Capacity",
    "response": "Response",
}


def _save(form: Any, save: Any) -> Any:
    """Run a service with a valid form; model validation errors become form errors."""
    try:
        with transaction.atomic():
            return save()
    except ValidationError as exc:
        add_errors(form, exc)
        return None


def _can(user: Any, roles: frozenset[str]) -> bool:
    return bool(user.role in roles)


# --- plans ---------------------------------------------------------------------------------


@staff_required
def plan_list(request: AuthedHttpRequest) -> HttpResponse:
    plans = list(queries.plan_list(request.user, request.GET))
    return render(
        request,
        "agreements/plan_list.html",
        {
            "plans": plans,
            "show_archived": request.GET.get("archived") == "all",
            "can_edit": request.user.is_owner,
        },
    )


@staff_required
def plan_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    plan = queries.get_plan_for(request.user, pk)
    plan = queries.with_plan_counts(queries.plans_visible_to(request.user)).get(pk=plan.pk)
    tier_rank = {"routine": 0, "network": 1, "specialist": 2}
    included = sorted(plan.services.all(), key=lambda s: (tier_rank.get(s.tier, 9), s.name))
    depths = queries.staffing_depths()
    rows = queries.service_rows(included, depths, {s.pk for s in included})
    agreements = list(
        plan.agreements.select_related("company")
        .filter(status__in=[AgreementStatus.DRAFT, AgreementStatus.ACTIVE])
        .order_by("status", "company__name")
    )
    day = business_day_minutes(Firm.current())
    return render(
        request,
        "agreements/plan_detail.html",
        {
            "plan": plan,
            "rows": rows,
            "agreements": agreements,
            "targets": [
                {
                    "priority": p,
                    "label": PRIORITY_LABELS[p],
                    "response": business_duration(plan.response_minutes()[p], day),
                    "resolution": business_duration(plan.resolution_minutes()[p], day),
                }
                for p in PRIORITIES
            ],
            "can_edit": request.user.is_owner,
            "can_see_agreements": _can(request.user, queries.AGREEMENT_VIEWERS),
            "can_draft": _can(request.user, queries.DRAFTERS) and not plan.archived_at,
        },
    )


def _plan_form_page(request: AuthedHttpRequest, plan: Any | None) -> HttpResponse:
    depths = queries.staffing_depths()
    current = set(plan.services.values_list("pk", flat=True)) if plan is not None else set()
    form = PlanForm(
        request.POST or None,
        instance=copy.copy(plan) if plan is not None else None,
        depths=depths,
        current_services=current,
    )
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["services"])
        if plan is None:
            saved = _save(
                form, lambda: services.create_plan(request.user, form.plan_data(), chosen)
            )
        else:
            saved = _save(
                form, lambda: services.update_plan(request.user, plan, form.plan_data(), chosen)
            )
        if saved is not None:
            thin = queries.unstaffed(chosen, depths)
            if thin:
                messages.warning(
                    request,
                    f"{saved.name} saved. It sells {', '.join(s.name for s in thin)}, which "
                    "nobody can deliver yet: see the promise check for the remedy.",
                )
            else:
                messages.success(request, f"{saved.name} saved.")
            return redirect("agreements:agreement_plan_detail", pk=saved.pk)
    return render(
        request,
        "agreements/plan_form.html",
        {
            "form": form,
            "plan": plan,
            "rows": form.service_rows(),
            "term_fields": [form[f] for f in TERM_FIELDS],
            "response_fields": [form[f] for f in RESPONSE_FIELDS],
            "resolution_fields": [form[f] for f in RESOLUTION_FIELDS],
        },
    )


@owner_required
@require_http_methods(["GET", "POST"])
def plan_create(request: AuthedHttpRequest) -> HttpResponse:
    return _plan_form_page(request, None)


@owner_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _plan_form_page(request, queries.get_plan_for(request.user, pk))


# --- agreements ----------------------------------------------------------------------------


@viewer_required
def agreement_list(request: AuthedHttpRequest) -> HttpResponse:
    visible = queries.agreements_visible_to(request.user)
    today = timezone.localdate()
    qs = queries.agreement_rows(queries.filter_agreements(visible, request.GET))
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = queries.with_money(page.object_list)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "agreements/agreement_list.html",
        {
            "page": page,
            "renewals": queries.renewals_due(visible, today),
            "filters": request.GET,
            "params": params.urlencode(),
            "statuses": AgreementStatus.choices,
            "clients": queries.client_choices(visible),
            "can_draft": _can(request.user, queries.DRAFTERS),
            "today": today,
        },
    )


SHOW_AGREEMENTS = 4


def _finding_rows(
    findings: Sequence[engine.Finding],
    extra: Sequence[Agreement] = (),
    focus: Agreement | None = None,
) -> list[dict[str, Any]]:
    """Findings with the agreements and service named (two queries, whatever the count).
    Long agreement lists show the first few (``focus`` first) and how many more."""
    ids = {int(a) for f in findings for a in f.agreements if a.isdigit()}
    by_id = {
        str(a.pk): a for a in Agreement.objects.filter(pk__in=ids).select_related("company", "plan")
    }
    for a in extra:
        by_id[str(a.pk)] = a
    service_ids = {int(f.service) for f in findings if f.service and f.service.isdigit()}
    names = dict(Service.objects.filter(pk__in=service_ids).values_list("pk", "name"))
    rows = []
    for f in findings:
        named = [by_id[a] for a in f.agreements if a in by_id]
        if focus is not None:
            named.sort(key=lambda a: a.pk != focus.pk)
        rows.append(
            {
                "finding": f,
                "kind": KIND_WORDS.get(f.kind, f.kind),
                "agreements": named
                if len(named) <= SHOW_AGREEMENTS + 1
                else named[:SHOW_AGREEMENTS],
                "more": len(named) - SHOW_AGREEMENTS if len(named) > SHOW_AGREEMENTS + 1 else 0,
                "service": names.get(int(f.service)) if f.service and f.service.isdigit() else "",
            }
        )
    return rows


def capacity_bar(required: Any, available: Any) -> dict[str, Any]:
    """Two horizontal bars, required and available hours a month, on one scale."""
    width = 420
    top = max(float(required), float(available), 1.0)
    return {
        "width": width + 190,
        "required": required,
        "available": available,
        "required_w": round(width * float(required) / top, 1),
        "available_w": round(width * float(available) / top, 1),
        "over": required > available,
        "bar_x": 150,
        "share": round(100 * float(required) / float(available)) if available else None,
    }


def promise_context(result: engine.Result) -> dict[str, Any]:
    return {
        "result": result,
        "rows": _finding_rows(result.findings),
        "shortfalls": sum(1 for f in result.findings if f.severity == "shortfall"),
        "warnings": sum(1 for f in result.findings if f.severity == "warning"),
        "capacity": capacity_bar(result.required_hours, result.available_hours),
    }


def _key(f: engine.Finding) -> tuple[Any, ...]:
    return (f.kind, f.severity, f.service, f.agreements if f.kind == "response" else ())


def what_if(draft: Agreement) -> dict[str, Any]:
    """The promise check with the draft signed, beside today's: the findings that name the
    draft, split into new ones and ones the live check already has."""
    live = promise.run()
    after = promise.run(extra=[draft])
    live_keys = {_key(f) for f in live.findings}
    mine = [f for f in after.findings if str(draft.pk) in f.agreements]
    new = [f for f in mine if _key(f) not in live_keys]
    known = [f for f in mine if _key(f) in live_keys]
    return {
        "new": _finding_rows(new, [draft], focus=draft),
        "known": _finding_rows(known, [draft], focus=draft),
        "new_shortfalls": sum(1 for f in new if f.severity == "shortfall"),
        "new_warnings": sum(1 for f in new if f.severity == "warning"),
        "live": live,
        "after": after,
        "capacity": capacity_bar(after.required_hours, after.available_hours),
    }


def live_check_for(agreement: Agreement) -> dict[str, Any]:
    result = promise.run()
    mine = [f for f in result.findings if str(agreement.pk) in f.agreements]
    return {
        "result": result,
        "rows": _finding_rows(mine, focus=agreement),
        "shortfalls": sum(1 for f in mine if f.severity == "shortfall"),
        "warnings": sum(1 for f in mine if f.severity == "warning"),
    }


@viewer_required
def agreement_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    agreement = queries.get_agreement_for(request.user, pk)
    doc = pdf.describe(agreement)
    context: dict[str, Any] = {
        "agreement": agreement,
        "doc": doc,
        "renewal_due": services.renewal_due(agreement, timezone.localdate()),
        "can_edit": agreement.status == AgreementStatus.DRAFT
        and _can(request.user, queries.DRAFTERS),
        "can_sign": request.user.is_owner,
        "can_renew": agreement.end_date is not None
        and agreement.status in {AgreementStatus.ACTIVE, AgreementStatus.EXPIRED}
        and permissions.can_draft_agreements(request.user),
        "history": list(
            Agreement.objects.filter(company=agreement.company)
            .exclude(pk=agreement.pk)
            .order_by("-pk")
        ),
    }
    if request.user.is_owner:
        # Fee ÷ hours delivered is margin information: decided here, owner only.
        context["effective_rate"] = usage.effective_rate(agreement)
    if agreement.status == AgreementStatus.DRAFT:
        context["what_if"] = what_if(agreement)
    elif agreement.status == AgreementStatus.ACTIVE:
        context["check"] = live_check_for(agreement)
    return render(request, "agreements/agreement_detail.html", context)


@drafter_required
@require_http_methods(["GET", "POST"])
def agreement_create(request: AuthedHttpRequest) -> HttpResponse:
    companies = companies_visible_to(request.user, include_archived=False)
    initial = AgreementForm.default_initial(timezone.localdate())
    for key in ("company", "plan"):
        raw = request.GET.get(key)
        if raw and raw.isdigit():
            initial[key] = int(raw)
    form = AgreementForm(request.POST or None, initial=initial, companies=companies)
    if request.method == "POST" and form.is_valid():
        saved = _save(form, lambda: services.create_draft(request.user, form.draft_data()))
        if saved is not None:
            messages.success(request, "Draft saved. Check the what-if before signing.")
            return redirect("agreements:agreement_detail", pk=saved.pk)
    return render(request, "agreements/agreement_form.html", {"form": form, "agreement": None})


@drafter_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    agreement = queries.get_agreement_for(request.user, pk)
    if agreement.status != AgreementStatus.DRAFT:
        messages.error(request, "Only a draft can be edited; signed terms do not change.")
        return redirect("agreements:agreement_detail", pk=agreement.pk)
    companies = companies_visible_to(request.user, include_archived=False)
    form = AgreementForm(request.POST or None, instance=copy.copy(agreement), companies=companies)
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form, lambda: services.update_draft(request.user, agreement, form.draft_data())
        )
        if saved is not None:
            messages.success(request, "Draft saved.")
            return redirect("agreements:agreement_detail", pk=agreement.pk)
    return render(request, "agreements/agreement_form.html", {"form": form, "agreement": agreement})


def _transition(request: AuthedHttpRequest, pk: int, change: Any, done: str) -> Agreement | None:
    agreement = queries.get_agreement_for(request.user, pk)
    try:
        change(request.user, agreement)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None
    messages.success(request, done.format(agreement=agreement))
    return agreement


@owner_required
@require_POST
def agreement_activate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Sign the draft, then run the promise check on the live data and say what it found."""
    agreement = _transition(request, pk, services.activate, "Signed: {agreement} is active.")
    if agreement is not None:
        result = promise.run()
        mine = [f for f in result.findings if str(agreement.pk) in f.agreements]
        short = [f for f in mine if f.severity == "shortfall"]
        if short:
            messages.warning(
                request,
                f"Promise check: {len(short)} shortfall(s) in what this agreement promises. "
                "See the remedies below.",
            )
        elif not result.ok:
            messages.warning(request, "Promise check: shortfalls elsewhere; see the check.")
        else:
            messages.info(request, "Promise check: the firm can keep every promise it has sold.")
    return redirect("agreements:agreement_detail", pk=pk)


@owner_required
@require_POST
def agreement_cancel(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _transition(request, pk, services.cancel, "{agreement} cancelled.")
    return redirect("agreements:agreement_detail", pk=pk)


@drafter_required
@require_POST
def agreement_renew(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The next term as a draft, with the same terms or the plan's current ones."""
    agreement = queries.get_agreement_for(request.user, pk)
    try:
        draft = services.renew(request.user, agreement, request.POST.get("terms", "same"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("agreements:agreement_detail", pk=pk)
    messages.success(
        request,
        f"Renewal drafted: {draft.start_date:%Y-%m-%d} to {draft.end_date:%Y-%m-%d}. "
        "Check it and sign it.",
    )
    return redirect("agreements:agreement_detail", pk=draft.pk)


@owner_required
@require_POST
def agreement_expire(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _transition(request, pk, services.expire, "{agreement} expired.")
    return redirect("agreements:agreement_detail", pk=pk)


@pdf_reader_required
def agreement_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    agreement = queries.get_agreement_for(request.user, pk)
    response = HttpResponse(pdf.render_pdf(agreement), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename(agreement)}"'
    return response


@client_required
def my_agreements(request: AuthedHttpRequest) -> HttpResponse:
    agreements = list(
        queries.agreements_visible_to(request.user)
        .select_related("company", "plan")
        .order_by("-start_date", "pk")
    )
    return render(request, "agreements/mine.html", {"agreements": agreements})


# --- promise check and revenue -------------------------------------------------------------


@viewer_required
def promise_check(request: AuthedHttpRequest) -> HttpResponse:
    result = promise.run()
    context = promise_context(result)
    context["agreements"] = len(promise.active_agreements())
    return render(request, "agreements/promise_check.html", context)


@viewer_required
def promise_summary(request: AuthedHttpRequest) -> HttpResponse:
    """htmx: the live promise check in one line, re-run when a technician or skill changes."""
    return render(request, "agreements/_promise_summary.html", {"result": promise.run()})


@owner_required
def revenue_page(request: AuthedHttpRequest) -> HttpResponse:
    data = revenue.summary()
    return render(
        request,
        "agreements/revenue.html",
        {"data": data, "chart": revenue.trend_chart(data["trend"])},
    )
