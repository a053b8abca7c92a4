"""Billing II over HTTP: sending an invoice, payments, client credit, aged receivables,
accounting exports and profitability.

The same doors as the pages (sweetspot.billing.ar_views): billing staff
(``can_run_billing``) send, record payments, apply credit, read receivables and export;
the owner alone (``can_see_costs``) reads profitability; a client contact reads the
payments of their own company's invoices (``billing.queries.invoices_visible_to``).
Everyone else 404. Bad input answers 422 naming the field (an amount over the balance is
``amount``).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from sweetspot.billing import ar, ar_queries, ar_services, profitability, queries
from sweetspot.billing.models import ExportBatch, ExportFormat, Payment, PaymentMethod
from sweetspot.core.access import AuthedHttpRequest
from sweetspot.core.permissions import can_read_invoices, can_run_billing, can_see_costs

from .auth import require
from .pagination import Pages as PageNumberPagination  # bounded ?page= (issue 15)
from .schemas import Strict

router = Router(tags=["receivables"])
PAGE_SIZE = 25
PERIOD = r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$"


class SendingOut(Schema):
    id: int
    invoice_id: int
    sent_at: dt.datetime
    to_email: str
    to_name: str


class PaymentIn(Strict):
    date: dt.date | None = None
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    method: PaymentMethod = PaymentMethod.CHECK
    reference: str = Field("", max_length=100)


class PaymentOut(Schema):
    id: int
    invoice_id: int
    date: dt.date
    amount: Decimal
    method: str
    reference: str


class ApplyCreditIn(Strict):
    amount: Decimal | None = Field(None, gt=0, max_digits=12, decimal_places=2)


class CreditApplicationOut(Schema):
    id: int
    invoice_id: int
    date: dt.date
    amount: Decimal


class BucketsOut(Schema):
    current: Decimal
    days_1_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    days_90_plus: Decimal
    total: Decimal


class ReceivableRowOut(Schema):
    company_id: int
    company_name: str
    buckets: BucketsOut
    client_credit: Decimal


class ReceivablesOut(Schema):
    as_of: dt.date
    clients: list[ReceivableRowOut]
    total: BucketsOut
    client_credit: Decimal


class ExportIn(Strict):
    format: ExportFormat
    date_from: dt.date
    date_to: dt.date
    include_exported: bool = False


class ExportOut(Schema):
    id: int
    format: str
    date_from: dt.date
    date_to: dt.date
    include_exported: bool
    filename: str
    invoice_count: int
    credit_note_count: int
    payment_count: int
    created_at: dt.datetime


class ProfitOut(Schema):
    revenue: Decimal
    labor_cost: Decimal
    subcontractor_cost: Decimal
    item_cost: Decimal
    cost: Decimal
    margin: Decimal
    margin_percent: Decimal | None
    hours: Decimal
    effective_rate: Decimal | None


class AgreementProfitOut(Schema):
    agreement_id: int | None
    agreement: str | None
    profit: ProfitOut


class ClientProfitOut(Schema):
    company_id: int
    company_name: str
    segment: str
    profit: ProfitOut
    agreements: list[AgreementProfitOut]


class SegmentProfitOut(Schema):
    segment: str
    label: str
    clients: int
    profit: ProfitOut


class ProfitabilityOut(Schema):
    period: str
    start: dt.date
    end: dt.date
    clients: list[ClientProfitOut]
    segments: list[SegmentProfitOut]
    total: ProfitOut


class PeriodQuery(Schema):
    period: str = Field(pattern=PERIOD, description="YYYY-MM or YYYY-Q1..Q4")


def _buckets(b: dict[str, Decimal]) -> dict[str, Decimal]:
    return {
        "current": b["current"],
        "days_1_30": b["1_30"],
        "days_31_60": b["31_60"],
        "days_61_90": b["61_90"],
        "days_90_plus": b["90_plus"],
        "total": b["total"],
    }


def _profit(p: ar.Profit) -> dict[str, Any]:
    return {
        "revenue": p.revenue,
        "labor_cost": p.labor_cost,
        "subcontractor_cost": p.sub_cost,
        "item_cost": p.item_cost,
        "cost": p.cost,
        "margin": p.margin,
        "margin_percent": p.margin_percent,
        "hours": p.hours,
        "effective_rate": p.effective_rate,
    }


@router.post("/invoices/{invoice_id}/send", response={201: SendingOut})
def send_invoice(request: AuthedHttpRequest, invoice_id: int) -> Any:
    require(request, can_run_billing)
    invoice = queries.get_invoice_for(request.user, invoice_id)
    return Status(201, ar_services.send_invoice(request.user, invoice))


@router.get("/invoices/{invoice_id}/payments", response=list[PaymentOut])
def list_payments(request: AuthedHttpRequest, invoice_id: int) -> QuerySet[Payment]:
    require(request, can_read_invoices)
    invoice = queries.get_invoice_for(request.user, invoice_id)
    return invoice.payments.order_by("date", "pk")


@router.post("/invoices/{invoice_id}/payments", response={201: PaymentOut})
def record_payment(request: AuthedHttpRequest, invoice_id: int, payload: PaymentIn) -> Any:
    require(request, can_run_billing)
    invoice = queries.get_invoice_for(request.user, invoice_id)
    return Status(201, ar_services.record_payment(request.user, invoice, payload.dict()))


@router.post("/invoices/{invoice_id}/apply-credit", response={201: CreditApplicationOut})
def apply_credit(request: AuthedHttpRequest, invoice_id: int, payload: ApplyCreditIn) -> Any:
    require(request, can_run_billing)
    invoice = queries.get_invoice_for(request.user, invoice_id)
    return Status(201, ar_services.apply_credit(request.user, invoice, payload.amount))


@router.get("/receivables", response=ReceivablesOut)
def receivables_api(request: AuthedHttpRequest) -> Any:
    require(request, can_run_billing)
    data = ar_queries.receivables(queries.invoices_visible_to(request.user), timezone.localdate())
    return {
        "as_of": data["today"],
        "clients": [
            {
                "company_id": r["company_id"],
                "company_name": r["company"],
                "buckets": _buckets(r["buckets"]),
                "client_credit": r["credit"],
            }
            for r in data["rows"]
        ],
        "total": _buckets(data["total"]),
        "client_credit": data["credit"],
    }


@router.get("/exports", response=list[ExportOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_exports(request: AuthedHttpRequest) -> QuerySet[ExportBatch]:
    require(request, can_run_billing)
    return ExportBatch.objects.defer("content").order_by("-created_at", "-pk")


@router.post("/exports", response={201: ExportOut})
def create_export(request: AuthedHttpRequest, payload: ExportIn) -> Any:
    require(request, can_run_billing)
    batch = ar_services.create_export(
        request.user,
        payload.format,
        payload.date_from,
        payload.date_to,
        include_exported=payload.include_exported,
    )
    return Status(201, batch)


@router.get("/exports/{export_id}/file")
def export_file(request: AuthedHttpRequest, export_id: int) -> HttpResponse:
    require(request, can_run_billing)
    batch = get_object_or_404(ExportBatch, pk=export_id)
    kind = "text/csv" if batch.filename.endswith(".csv") else "application/octet-stream"
    response = HttpResponse(batch.content.encode("utf-8"), content_type=f"{kind}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.filename}"'
    return response


@router.get("/profitability", response=ProfitabilityOut)
def profitability_report(request: AuthedHttpRequest, filters: Query[PeriodQuery]) -> Any:
    require(request, can_see_costs)
    try:
        start, end, _ = profitability.parse_period(filters.period)
    except ValueError as exc:  # e.g. year 0000, which the pattern lets through
        raise ValidationError({"period": str(exc)}) from exc
    data = profitability.report(start, end)
    return {
        "period": filters.period,
        "start": start,
        "end": end,
        "clients": [
            {
                "company_id": c["company"].pk,
                "company_name": c["company"].name,
                "segment": c["segment"] or "",
                "profit": _profit(c["profit"]),
                "agreements": [
                    {
                        "agreement_id": a["agreement"].pk if a["agreement"] else None,
                        "agreement": str(a["agreement"]) if a["agreement"] else None,
                        "profit": _profit(a["profit"]),
                    }
                    for a in c["agreements"]
                ],
            }
            for c in data["clients"]
        ],
        "segments": [
            {
                "segment": s["segment"],
                "label": s["label"],
                "clients": s["clients"],
                "profit": _profit(s["profit"]),
            }
            for s in data["segments"]
        ],
        "total": _profit(data["total"]),
    }
