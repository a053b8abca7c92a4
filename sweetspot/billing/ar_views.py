"""Billing II pages: send an invoice, record a payment, apply client credit, aged
receivables (with a chart), client statements (PDF), accounting exports, the billing
settings, and profitability (owner only).

Who: billing staff (``can_run_billing``) for sending, payments, receivables, exports and
settings; the owner (``can_see_costs``) for profitability; a client contact reads their own
company's statement (``can_read_invoices`` + scoping). Everyone else gets 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from sweetspot.clients.scoping import get_company_for
from sweetspot.core.access import AuthedHttpRequest, permission_required
from sweetspot.core.permissions import can_see_costs

from . import ar, ar_queries, ar_services, charts, profitability, queries, statement
from .ar_forms import ApplyCreditForm, BillingSettingsForm, ExportForm, PaymentForm
from .models import BillingSettings, ExportBatch
from .views import (
    _back,
    _errors,
    _form_errors,
    billing_required,
    post_to_invoice,
    readers_required,
)

owner_costs_required = permission_required(can_see_costs)


@billing_required
@require_POST
def invoice_send(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    invoice = queries.get_invoice_for(request.user, pk)
    try:
        sending = ar_services.send_invoice(request.user, invoice)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"Invoice {invoice.number} sent to {sending.to_email}.")
    return _back(invoice)


@billing_required
@require_POST
def invoice_payment(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    invoice = queries.get_invoice_for(request.user, pk)

    def record(data: dict[str, Any]) -> str:
        payment = ar_services.record_payment(request.user, invoice, data)
        return f"Payment of ${payment.amount:,.2f} recorded."

    return post_to_invoice(request, invoice, PaymentForm(request.POST), record)


@billing_required
@require_POST
def invoice_apply_credit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    invoice = queries.get_invoice_for(request.user, pk)

    def apply(data: dict[str, Any]) -> str:
        applied = ar_services.apply_credit(request.user, invoice, data["amount"])
        return f"${applied.amount:,.2f} of client credit applied."

    return post_to_invoice(request, invoice, ApplyCreditForm(request.POST), apply)


@billing_required
def receivables(request: AuthedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    data = ar_queries.receivables(queries.invoices_visible_to(request.user), today)
    return render(
        request,
        "billing/receivables.html",
        data
        | {
            "buckets": [(k, ar.BUCKET_LABELS[k]) for k in ar.BUCKETS],
            "chart": charts.aging_chart(data["total"]),
        },
    )


@readers_required
def statement_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    company = get_company_for(request.user, pk)
    response = HttpResponse(statement.render_pdf(company), content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{statement.filename(company)}"'
    return response


@billing_required
@require_http_methods(["GET", "POST"])
def export_list(request: AuthedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    last = today.replace(day=1) - dt.timedelta(days=1)
    form = ExportForm(
        request.POST or None,
        initial={"date_from": last.replace(day=1), "date_to": last},
    )
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                batch = ar_services.create_export(
                    request.user,
                    d["format"],
                    d["date_from"],
                    d["date_to"],
                    include_exported=d["include_exported"],
                )
            except ValidationError as exc:
                messages.error(request, _errors(exc))
            else:
                messages.success(
                    request,
                    f"Exported {batch.invoice_count} invoice(s), {batch.credit_note_count} "
                    f"credit note(s), {batch.payment_count} payment(s): {batch.filename}.",
                )
                return redirect("billing:export_list")
        else:
            messages.error(request, _form_errors(form))
    batches = ExportBatch.objects.select_related("created_by").defer("content")
    page = Paginator(batches, 25).get_page(request.GET.get("page"))
    return render(request, "billing/exports.html", {"form": form, "page": page})


@billing_required
def export_download(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    batch = ExportBatch.objects.filter(pk=pk).first()
    if batch is None:
        raise Http404("Not found")
    kind = "text/csv" if batch.filename.endswith(".csv") else "application/octet-stream"
    response = HttpResponse(batch.content.encode("utf-8"), content_type=f"{kind}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.filename}"'
    return response


@billing_required
@require_http_methods(["GET", "POST"])
def billing_settings(request: AuthedHttpRequest) -> HttpResponse:
    row = BillingSettings.current()
    form = BillingSettingsForm(request.POST or None, instance=row)
    if request.method == "POST":
        if form.is_valid():
            try:
                ar_services.update_settings(request.user, form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, _errors(exc))
            else:
                messages.success(request, "Billing settings saved.")
                return redirect("billing:billing_settings")
        else:
            messages.error(request, _form_errors(form))
    return render(request, "billing/settings.html", {"form": form})


@owner_costs_required
def profitability_page(request: AuthedHttpRequest) -> HttpResponse:
    raw = request.GET.get("period") or profitability.last_month(timezone.localdate())
    try:
        start, end, label = profitability.parse_period(raw)
    except ValueError as exc:
        # A mistyped period is the user's to fix: say so and show last month.
        messages.error(request, f"period: {exc}")
        raw = profitability.last_month(timezone.localdate())
        start, end, label = profitability.parse_period(raw)
    data = profitability.report(start, end)
    return render(
        request,
        "billing/profitability.html",
        data
        | {
            "period": raw,
            "label": label,
            "chart": profitability.margin_chart(data["segments"]),
        },
    )
