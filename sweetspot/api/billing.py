"""Billing over HTTP: the run (preview and prepare), invoices (list, detail, issue, credit).

The same doors as the pages (sweetspot.billing.views): billing staff (``can_run_billing``:
the owner, a dispatcher the owner allowed) do everything; a client contact reads the issued
invoices of their own company (``billing.queries.invoices_visible_to``); anyone else 404.
Bad input (an unknown key, a month that is not YYYY-MM, a line of another invoice, issuing
twice) answers 422 naming the field.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from sweetspot.billing import ar, ar_queries, queries, services
from sweetspot.billing.models import Invoice, InvoiceStatus
from sweetspot.core.access import AuthedHttpRequest
from sweetspot.core.permissions import can_read_invoices, can_run_billing

from .auth import require
from .pagination import Pages as PageNumberPagination  # bounded ?page= (issue 15)
from .schemas import Strict

router = Router(tags=["billing"])
PAGE_SIZE = 25
MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


class WorkOut(Schema):
    entry_id: int | None
    item_id: int | None
    work_date: dt.date | None
    ticket_id: int | None
    minutes: int | None
    billed_minutes: Decimal
    released: bool

    @staticmethod
    def resolve_work_date(obj: Any) -> dt.date | None:
        return obj.entry.work_date if obj.entry_id else obj.item.date

    @staticmethod
    def resolve_ticket_id(obj: Any) -> int | None:
        return obj.entry.ticket_id if obj.entry_id else None

    @staticmethod
    def resolve_minutes(obj: Any) -> int | None:
        return obj.entry.minutes if obj.entry_id else None

    @staticmethod
    def resolve_released(obj: Any) -> bool:
        return obj.released_at is not None


class LineOut(Schema):
    id: int
    position: int
    kind: str
    agreement_id: int | None
    description: str
    quantity: Decimal
    rate: Decimal
    amount: Decimal
    tax_category: str
    tax: Decimal
    late: bool
    credited: bool
    work: list[WorkOut]

    @staticmethod
    def resolve_credited(obj: Any) -> bool:
        return obj.credited_at is not None

    @staticmethod
    def resolve_work(obj: Any) -> list[Any]:
        return list(obj.work.all())


class InvoiceOut(Schema):
    id: int
    number: str | None
    status: str
    company_id: int
    company_name: str
    run_month: str
    date: dt.date
    due_date: dt.date
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    notes: str
    balance: Decimal | None = Field(None, description="Derived; lists only (Billing II).")
    payment_status: str | None = Field(
        None, description="issued, sent, partly_paid, paid, credited (lists only)."
    )
    overdue: bool | None = None

    @staticmethod
    def resolve_company_name(obj: Any) -> str:
        return obj.company.name  # type: ignore[no-any-return]

    @staticmethod
    def resolve_balance(obj: Any) -> Decimal | None:
        return ar_queries.amounts(obj).balance if hasattr(obj, "paid_sum") else None

    @staticmethod
    def resolve_payment_status(obj: Any) -> str | None:
        if not hasattr(obj, "paid_sum"):
            return None
        a = ar_queries.amounts(obj)
        sent = obj.last_sent_at is not None
        return ar.status(obj.status, a, sent, credited_in_full=obj.status == "credited")

    @staticmethod
    def resolve_overdue(obj: Any) -> bool | None:
        if not hasattr(obj, "paid_sum"):
            return None
        return ar.is_overdue(
            obj.status, ar_queries.amounts(obj), obj.due_date, timezone.localdate()
        )

    @staticmethod
    def resolve_run_month(obj: Any) -> str:
        return f"{obj.run_month:%Y-%m}"


class LedgerOut(Schema):
    agreement_id: int
    company_name: str
    month: str
    included_hours: Decimal
    carried_in: Decimal
    onsite_hours: Decimal
    used_included: Decimal
    used_onsite: Decimal
    overage_hours: Decimal
    remaining: Decimal
    carried_out: Decimal
    entries: list[int]

    @staticmethod
    def resolve_company_name(obj: Any) -> str:
        return obj.agreement.company.name  # type: ignore[no-any-return]

    @staticmethod
    def resolve_month(obj: Any) -> str:
        return f"{obj.month:%Y-%m}"

    @staticmethod
    def resolve_entries(obj: Any) -> list[int]:
        return [w.entry_id for w in obj.work.all() if w.entry_id]


class InvoiceDetailOut(InvoiceOut):
    lines: list[LineOut]
    ledgers: list[LedgerOut]
    credit_notes: list[str]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_ledgers(obj: Any) -> list[Any]:
        return list(obj.ledgers.all())

    @staticmethod
    def resolve_credit_notes(obj: Any) -> list[str]:
        return [n.number for n in obj.credit_notes.all()]


class DraftOut(InvoiceOut):
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class PreviewOut(Schema):
    month: str
    drafts: list[DraftOut]
    issued: list[InvoiceOut]
    ledgers: list[LedgerOut]


class RunIn(Strict):
    month: str = Field(pattern=MONTH, description="YYYY-MM")


class RunOut(Schema):
    month: str
    invoices_created: int
    invoices_extended: int
    lines: int
    ledgers: int
    entries_billed: int
    items_billed: int


class CreditIn(Strict):
    lines: list[int] | None = Field(
        None, description="Line ids to credit; omit (or null) to credit every open line."
    )
    reason: str = Field("", max_length=300)


class CreditNoteOut(Schema):
    id: int
    number: str
    invoice_id: int
    date: dt.date
    reason: str
    subtotal: Decimal
    tax: Decimal
    total: Decimal


class MonthQuery(Schema):
    month: str = Field(pattern=MONTH, description="YYYY-MM")


class InvoiceFilters(Schema):
    status: InvoiceStatus | None = None
    company_id: int | None = None


def _preview(month: dt.date) -> dict[str, Any]:
    data = queries.preview(month)
    return {
        "month": f"{month:%Y-%m}",
        "drafts": data["drafts"],
        "issued": data["issued"],
        "ledgers": data["ledgers"],
    }


@router.get("/billing/run", response=PreviewOut)
def preview_billing_run(request: AuthedHttpRequest, filters: Query[MonthQuery]) -> Any:
    require(request, can_run_billing)
    return _preview(services.parse_month(filters.month))


@router.post("/billing/run", response=RunOut)
def prepare_billing_run(request: AuthedHttpRequest, payload: RunIn) -> Any:
    require(request, can_run_billing)
    outcome = services.prepare_run(payload.month, request.user)
    return {
        "month": f"{outcome.month:%Y-%m}",
        "invoices_created": outcome.invoices_created,
        "invoices_extended": outcome.invoices_extended,
        "lines": outcome.lines,
        "ledgers": outcome.ledgers,
        "entries_billed": outcome.entries_billed,
        "items_billed": outcome.items_billed,
    }


@router.get("/invoices", response=list[InvoiceOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_invoices(request: AuthedHttpRequest, filters: Query[InvoiceFilters]) -> QuerySet[Invoice]:
    require(request, can_read_invoices)
    params = {"status": filters.status or "", "company": filters.company_id or ""}
    qs, _ = queries.filter_invoices(queries.invoices_visible_to(request.user), params)
    return ar_queries.with_amounts(qs)


@router.get("/invoices/{invoice_id}", response=InvoiceDetailOut)
def get_invoice(request: AuthedHttpRequest, invoice_id: int) -> Any:
    require(request, can_read_invoices)
    return queries.invoice_detail(queries.get_invoice_for(request.user, invoice_id))


@router.post("/invoices/{invoice_id}/issue", response=InvoiceDetailOut)
def issue_invoice(request: AuthedHttpRequest, invoice_id: int) -> Any:
    require(request, can_run_billing)
    invoice = queries.get_invoice_for(request.user, invoice_id)
    return queries.invoice_detail(services.issue(request.user, invoice))


@router.post("/invoices/{invoice_id}/credit", response={201: CreditNoteOut})
def credit_invoice(request: AuthedHttpRequest, invoice_id: int, payload: CreditIn) -> Any:
    require(request, can_run_billing)
    invoice = queries.get_invoice_for(request.user, invoice_id)
    note = services.credit(request.user, invoice, payload.lines, payload.reason)
    return Status(201, note)
