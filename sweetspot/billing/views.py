"""Billing pages: the run preview ("Prepare invoices for December"), invoices (list, detail
with draft edits, issue, credit), credit notes, the invoice PDF and items.

Who: billing staff (``can_run_billing``: the owner, a dispatcher the owner allowed) for
everything; a client contact reads their own company's issued invoices, their PDFs and
credit notes (``can_read_invoices`` + the scoping in queries.py). Everyone else gets 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from sweetspot.clients.scoping import companies_visible_to
from sweetspot.core.access import AuthedHttpRequest, permission_required
from sweetspot.core.permissions import can_read_invoices, can_run_billing, can_see_costs

from . import ar, ar_queries, loaders, pdf, queries, services
from .ar_forms import PaymentForm
from .forms import DiscountForm, ItemForm, LineForm, NotesForm
from .models import BilledWork, BillingRun, InvoiceStatus, Item

PAGE_SIZE = 25
billing_required = permission_required(can_run_billing)
readers_required = permission_required(can_read_invoices)


def _errors(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(
            f"{field}: {' '.join(m for e in errs for m in e.messages)}"
            if field != "__all__"
            else " ".join(m for e in errs for m in e.messages)
            for field, errs in exc.error_dict.items()
        )
    return " ".join(exc.messages)


def _form_errors(form: Any) -> str:
    return " ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())


# --- the run ---------------------------------------------------------------------------------


def _month_param(raw: str | None) -> dt.date:
    if not raw:
        return loaders.first_of(timezone.localdate())
    try:
        return services.parse_month(raw)
    except ValidationError as exc:
        raise Http404("Not found") from exc


@billing_required
def run_preview(request: AuthedHttpRequest) -> HttpResponse:
    month = _month_param(request.GET.get("month"))
    context = queries.preview(month) | {
        "month": month,
        "previous": loaders.add_months(month, -1),
        "next": loaders.add_months(month, 1),
        "usage_month": loaders.add_months(month, -1),
        "run": BillingRun.objects.filter(month=month).select_related("last_run_by").first(),
    }
    return render(request, "billing/run.html", context)


@billing_required
@require_POST
def run_prepare(request: AuthedHttpRequest) -> HttpResponse:
    raw = request.POST.get("month") or ""
    try:
        outcome = services.prepare_run(raw, request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("billing:billing_run")
    label = outcome.month.strftime("%B %Y")
    if outcome.changed:
        messages.success(
            request,
            f"{label}: {outcome.invoices_created} draft(s) created, "
            f"{outcome.invoices_extended} extended; {outcome.entries_billed} time entries and "
            f"{outcome.items_billed} items billed, {outcome.ledgers} ledger(s).",
        )
    else:
        messages.info(request, f"{label}: nothing new to bill.")
    return redirect(f"{reverse('billing:billing_run')}?month={outcome.month:%Y-%m}")


# --- invoices ----------------------------------------------------------------------------


@readers_required
def invoice_list(request: AuthedHttpRequest) -> HttpResponse:
    qs, filters = queries.filter_invoices(queries.invoices_visible_to(request.user), request.GET)
    page = Paginator(ar_queries.with_amounts(qs), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    page.object_list = ar_queries.decorate(list(page.object_list), today)
    staff = can_run_billing(request.user)
    account = None
    if not staff and request.user.company is not None:
        # The client portal: the company's balance, credit and statement (Billing II).
        invoices = ar_queries.company_invoices(request.user.company, today)
        account = {
            "company": request.user.company,
            "balance": sum((i.balance for i in invoices), start=ar.ZERO),
            "overdue": sum((i.balance for i in invoices if i.overdue), start=ar.ZERO),
            "credit": ar_queries.client_credit(invoices),
        }
    companies = (
        list(
            companies_visible_to(request.user)
            .filter(invoices__isnull=False)
            .distinct()
            .order_by("name")
            .values_list("pk", "name")
        )
        if staff
        else []
    )
    params = "&".join(f"{k}={v}" for k, v in filters.items())
    return render(
        request,
        "billing/invoice_list.html",
        {
            "page": page,
            "filters": filters,
            "params": params,
            "statuses": InvoiceStatus.choices,
            "companies": companies,
            "staff": staff,
            "account": account,
        },
    )


def _detail_context(request: AuthedHttpRequest, invoice: Any) -> dict[str, Any]:
    invoice = queries.invoice_detail(invoice)
    staff = can_run_billing(request.user)
    today = timezone.localdate()
    account = ar_queries.company_invoices(invoice.company, today) if not invoice.is_draft else []
    this = next((i for i in account if i.pk == invoice.pk), None)
    return {
        "ar": this,
        "client_credit": ar_queries.client_credit(account),
        "payments": list(invoice.payments.all()),
        "sendings": list(invoice.sendings.select_related("sent_by")),
        "payment_form": PaymentForm(initial={"amount": this.balance if this else None}),
        "invoice": invoice,
        "lines": list(invoice.lines.all()),
        "ledgers": list(invoice.ledgers.all()),
        "credit_notes": list(invoice.credit_notes.all()),
        "staff": staff,
        "editable": staff and invoice.status == InvoiceStatus.DRAFT,
        "creditable": staff and invoice.status == InvoiceStatus.ISSUED,
        "line_form": LineForm(),
        "discount_form": DiscountForm(),
        "notes_form": NotesForm(initial={"notes": invoice.notes}),
        "hx": bool(request.headers.get("HX-Request")),
    }


@readers_required
def invoice_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    invoice = queries.get_invoice_for(request.user, pk)
    return render(request, "billing/invoice_detail.html", _detail_context(request, invoice))


@readers_required
def invoice_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    invoice = queries.get_invoice_for(request.user, pk)
    response = HttpResponse(pdf.render_pdf(invoice), content_type="application/pdf")
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{pdf.filename(invoice)}"'
    return response


def _back(invoice: Any) -> HttpResponse:
    return redirect("billing:invoice_detail", invoice.pk)


def post_to_invoice(
    request: AuthedHttpRequest,
    invoice: Any,
    form: Any,
    act: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """A form posted against an invoice: its field errors, or the service's refusal, as an
    error message; else ``act`` runs with the cleaned data and its answer is the success
    message. Back to the invoice either way."""
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(invoice)
    try:
        done = act(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, done)
    return _back(invoice)


def _staff_invoice(request: AuthedHttpRequest, pk: int) -> Any:
    return queries.get_invoice_for(request.user, pk)


@billing_required
@require_POST
def invoice_add_line(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    invoice = _staff_invoice(request, pk)

    def add(data: dict[str, Any]) -> str:
        services.add_line(request.user, invoice, data)
        return "Line added."

    return post_to_invoice(request, invoice, LineForm(request.POST), add)


@billing_required
@require_POST
def invoice_discount(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    invoice = _staff_invoice(request, pk)

    def add(data: dict[str, Any]) -> str:
        services.add_discount(request.user, invoice, data)
        return "Discount added."

    return post_to_invoice(request, invoice, DiscountForm(request.POST), add)


@billing_required
@require_POST
def invoice_remove_line(request: AuthedHttpRequest, pk: int, line: int) -> HttpResponse:
    invoice = _staff_invoice(request, pk)
    row = invoice.lines.filter(pk=line).first()
    if row is None:
        raise Http404("Not found")
    try:
        services.remove_line(request.user, row)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"Removed “{row.description}”; its work is released.")
    return _back(invoice)


@billing_required
@require_POST
def invoice_notes(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    invoice = _staff_invoice(request, pk)
    form = NotesForm(request.POST)
    try:
        form.is_valid()
        services.set_notes(request.user, invoice, form.cleaned_data.get("notes") or "")
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, "Notes saved.")
    return _back(invoice)


@billing_required
@require_POST
def invoice_regenerate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    invoice = _staff_invoice(request, pk)
    try:
        fresh = services.regenerate(request.user, invoice)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return _back(invoice)
    if fresh is None:
        messages.info(request, "Nothing left to bill: the draft was removed.")
        return redirect(f"{reverse('billing:billing_run')}?month={invoice.run_month:%Y-%m}")
    messages.success(request, "Draft regenerated from the run.")
    return _back(fresh)


@billing_required
@require_POST
def invoice_issue(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    invoice = _staff_invoice(request, pk)
    try:
        issued = services.issue(request.user, invoice)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return _back(invoice)
    messages.success(request, f"Issued as {issued.number}.")
    return _back(issued)


@billing_required
@require_POST
def invoice_credit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    invoice = _staff_invoice(request, pk)
    raw = request.POST.getlist("lines")
    try:
        ids = [int(v) for v in raw] if request.POST.get("scope") != "all" else None
        note = services.credit(request.user, invoice, ids, request.POST.get("reason") or "")
    except (ValueError, ValidationError) as exc:
        messages.error(request, _errors(exc) if isinstance(exc, ValidationError) else "Bad line.")
        return _back(invoice)
    messages.success(request, f"Credit note {note.number} issued.")
    return redirect("billing:credit_note_detail", note.pk)


@readers_required
def credit_note_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    note = queries.get_credit_note_for(request.user, pk)
    return render(
        request,
        "billing/credit_note_detail.html",
        {"note": note, "lines": list(note.lines.all()), "staff": can_run_billing(request.user)},
    )


# --- items ---------------------------------------------------------------------------------


@billing_required
@require_http_methods(["GET", "POST"])
def item_list(request: AuthedHttpRequest) -> HttpResponse:
    companies = companies_visible_to(request.user, include_archived=False).order_by("name")
    form = ItemForm(
        request.POST if request.method == "POST" else None,
        companies=companies,
        initial={"date": timezone.localdate(), "quantity": 1},
    )
    if not can_see_costs(request.user):
        del form.fields["unit_cost"]  # what the firm paid is the owner's to see
    if request.method == "POST" and form.is_valid():
        try:
            item = services.create_item(request.user, form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, f"Added {item.description} for {item.company.name}.")
            return redirect("billing:billing_items")
    qs = Item.objects.select_related("company").order_by("-date", "-pk")
    company = request.GET.get("company") or ""
    if company.isdigit():
        qs = qs.filter(company_id=int(company))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page:
        item.margin = (item.unit_price - item.unit_cost) * item.quantity  # type: ignore[attr-defined]
    billed = set(
        BilledWork.objects.filter(
            item_id__in=[i.pk for i in page], released_at__isnull=True
        ).values_list("item_id", flat=True)
    )
    return render(
        request,
        "billing/items.html",
        {
            "form": form,
            "page": page,
            "billed": billed,
            "companies": companies,
            "company": company,
            "params": f"company={company}" if company.isdigit() else "",
            "see_costs": can_see_costs(request.user),
        },
    )


@billing_required
@require_POST
def item_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    item = Item.objects.filter(pk=pk, company__in=companies_visible_to(request.user)).first()
    if item is None:
        raise Http404("Not found")
    try:
        services.delete_item(request.user, item)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, "Item deleted.")
    return redirect("billing:billing_items")
