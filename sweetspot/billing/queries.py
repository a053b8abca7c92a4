"""Read side of billing: the scoping doors to invoices and credit notes, list filters, and
the prefetches that keep the run preview and the invoice list at a fixed number of queries.

* Billing staff (``permissions.can_run_billing``) read every invoice, drafts included.
* A client contact reads the issued (or credited) invoices of their own company only, built
  on ``clients.scoping.companies_visible_to``; drafts are never shown to a client.
* Anyone else reads nothing; ``get_*_for`` answer 404 when the row is not the user's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from sweetspot.clients.scoping import companies_visible_to
from sweetspot.core import permissions

from .models import BilledWork, CreditNote, Invoice, InvoiceLine, InvoiceStatus, Ledger

CLIENT_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.CREDITED)
STATUS_FILTERS = frozenset(InvoiceStatus.values)


def _get(qs: QuerySet[Any], pk: Any) -> Any:
    try:
        return qs.get(pk=int(pk))
    except (ValueError, TypeError, qs.model.DoesNotExist) as exc:
        raise Http404("Not found") from exc


def invoices_visible_to(user: Any) -> QuerySet[Invoice]:
    qs = Invoice.objects.select_related("company")
    if permissions.can_run_billing(user):
        return qs
    if permissions.is_client(user):
        return qs.filter(company__in=companies_visible_to(user), status__in=CLIENT_STATUSES)
    return qs.none()


def get_invoice_for(user: Any, pk: Any) -> Invoice:
    return _get(invoices_visible_to(user), pk)  # type: ignore[no-any-return]


def credit_notes_visible_to(user: Any) -> QuerySet[CreditNote]:
    return CreditNote.objects.select_related("invoice__company").filter(
        invoice__in=invoices_visible_to(user)
    )


def get_credit_note_for(user: Any, pk: Any) -> CreditNote:
    return _get(  # type: ignore[no-any-return]
        credit_notes_visible_to(user).prefetch_related("lines__invoice_line"), pk
    )


def filter_invoices(qs: QuerySet[Invoice], params: Any) -> tuple[QuerySet[Invoice], dict[str, str]]:
    """Whitelisted filters: status (a known value) and company (an id)."""
    filters: dict[str, str] = {}
    status = str(params.get("status") or "")
    if status in STATUS_FILTERS:
        qs = qs.filter(status=status)
        filters["status"] = status
    company = str(params.get("company") or "")
    if company.isdigit():
        qs = qs.filter(company_id=int(company))
        filters["company"] = company
    return qs.order_by("-run_month", "company__name", "pk"), filters


def _work() -> Prefetch:  # type: ignore[type-arg]
    return Prefetch(
        "work",
        queryset=BilledWork.objects.select_related(
            "entry__ticket", "entry__technician", "entry__subcontractor", "item"
        ).order_by("entry__work_date", "entry_id", "item_id"),
    )


def lines_prefetch() -> Prefetch:  # type: ignore[type-arg]
    """An invoice's lines with the entries and items behind each (live or released)."""
    return Prefetch(
        "lines",
        queryset=InvoiceLine.objects.select_related("agreement", "credit_line__credit_note")
        .prefetch_related(_work())
        .order_by("position", "pk"),
    )


def invoice_detail(invoice: Invoice) -> Invoice:
    return (
        Invoice.objects.select_related("company", "issued_by")
        .prefetch_related(
            lines_prefetch(),
            "credit_notes",
            Prefetch("ledgers", queryset=ledgers_qs()),
        )
        .get(pk=invoice.pk)
    )


def ledgers_qs() -> QuerySet[Ledger]:
    return (
        Ledger.objects.select_related("agreement__company", "invoice")
        .prefetch_related(_work())
        .order_by("agreement__company__name", "agreement_id")
    )


def preview(month: dt.date) -> dict[str, Any]:
    """The run of ``month``: its invoices (drafts first) with lines and the entries behind
    them, and the ledgers it wrote (month − 1). A fixed number of queries."""
    invoices = list(
        Invoice.objects.filter(run_month=month)
        .select_related("company")
        .prefetch_related(lines_prefetch())
        .order_by("status", "company__name", "pk")
    )
    ledgers = list(ledgers_qs().filter(run_month=month))
    drafts = [i for i in invoices if i.status == InvoiceStatus.DRAFT]
    return {
        "invoices": invoices,
        "drafts": drafts,
        "issued": [i for i in invoices if i.status != InvoiceStatus.DRAFT],
        "ledgers": ledgers,
        "draft_total": sum((i.total for i in drafts), start=0),
    }
