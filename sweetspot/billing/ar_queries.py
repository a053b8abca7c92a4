"""Read side of receivables: invoices annotated with what was paid, credited, applied and
when they were last sent (correlated subqueries: a fixed number of queries for any list),
the aging per company, a company's client credit and its statement.

Scoping is billing's: ``queries.invoices_visible_to`` (billing staff: all; a client
contact: their own company's issued invoices).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Max, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from sweetspot.clients.models import Company

from . import ar
from .models import CreditApplication, CreditNote, Invoice, InvoiceSending, Payment

MONEY: DecimalField = DecimalField(max_digits=14, decimal_places=2)  # type: ignore[type-arg]


def _sum(model: Any, field: str) -> Coalesce:
    sub = (
        model.objects.filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(s=Sum(field))
        .values("s")
    )
    return Coalesce(Subquery(sub, output_field=MONEY), Value(Decimal("0.00")), output_field=MONEY)


def with_amounts(qs: QuerySet[Invoice]) -> QuerySet[Invoice]:
    last_sent = (
        InvoiceSending.objects.filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(m=Max("sent_at"))
        .values("m")
    )
    return qs.annotate(
        paid_sum=_sum(Payment, "amount"),
        credited_sum=_sum(CreditNote, "total"),
        applied_sum=_sum(CreditApplication, "amount"),
        last_sent_at=Subquery(last_sent),
    )


def amounts(invoice: Any) -> ar.Amounts:
    """The invoice's amounts from ``with_amounts`` annotations."""
    return ar.Amounts(
        total=ar.cents(Decimal(invoice.total)),
        paid=ar.cents(Decimal(invoice.paid_sum)),
        credited=ar.cents(Decimal(invoice.credited_sum)),
        applied=ar.cents(Decimal(invoice.applied_sum)),
    )


def decorate(invoices: list[Any], today: dt.date) -> list[Any]:
    """Set ``amounts``, ``balance``, ``ar_status`` (+ label) and ``overdue`` on each
    annotated invoice (pure arithmetic, no query)."""
    for inv in invoices:
        a = amounts(inv)
        inv.amounts = a
        inv.balance = a.balance
        inv.excess = a.excess
        inv.ar_status = ar.status(
            inv.status, a, inv.last_sent_at is not None, credited_in_full=inv.status == "credited"
        )
        inv.ar_status_label = ar.STATUS_LABELS[inv.ar_status]
        inv.overdue = ar.is_overdue(inv.status, a, inv.due_date, today)
    return invoices


def issued(qs: QuerySet[Invoice]) -> QuerySet[Invoice]:
    return qs.exclude(status="draft")


def company_invoices(company: Company, today: dt.date) -> list[Any]:
    qs = with_amounts(issued(Invoice.objects.filter(company=company))).order_by("date", "pk")
    return decorate(list(qs), today)


def client_credit(invoices: list[Any]) -> Decimal:
    """A company's unused credit, from its decorated invoices: Σ credit beyond each invoice's
    balance − Σ credit already applied (applications are counted in ``applied_sum``)."""
    excess = sum((i.excess for i in invoices), ar.ZERO)
    applied = sum((i.amounts.applied for i in invoices), ar.ZERO)
    return ar.cents(max(excess - applied, ar.ZERO))


def receivables(qs: QuerySet[Invoice], today: dt.date) -> dict[str, Any]:
    """Aged receivables over the invoices of ``qs`` (already scoped): rows per company
    (sorted by name) with the buckets, the client credit and the total row. Three queries."""
    invoices = decorate(list(with_amounts(issued(qs)).select_related("company")), today)
    by_company: dict[int, list[Any]] = {}
    names: dict[int, str] = {}
    for inv in invoices:
        by_company.setdefault(inv.company_id, []).append(inv)
        names[inv.company_id] = inv.company.name
    table = ar.aging(
        (ar.OpenItem(str(i.company_id), i.due_date, i.balance) for i in invoices), today
    )
    rows: list[dict[str, Any]] = []
    for cid, invs in by_company.items():
        credit = client_credit(invs)
        buckets = table.get(str(cid))
        if buckets is None and credit == ar.ZERO:
            continue
        buckets = buckets or (ar.empty_buckets() | {"total": ar.ZERO})
        rows.append(
            {
                "company_id": cid,
                "company": names[cid],
                "buckets": buckets,
                "credit": credit,
                "overdue": sum((buckets[k] for k in ar.BUCKETS if k != "current"), start=ar.ZERO),
            }
        )
    rows.sort(key=lambda r: (r["company"].lower(), r["company_id"]))
    return {
        "rows": rows,
        "total": ar.totals(r["buckets"] for r in rows),
        "credit": sum((r["credit"] for r in rows), ar.ZERO),
        "today": today,
    }


def statement(company: Company, today: dt.date) -> dict[str, Any]:
    """Invoices, credit notes and payments of the company, oldest first, with the running
    balance; plus the open invoices and the client credit."""
    invoices = company_invoices(company, today)
    ids = [i.pk for i in invoices]
    notes = list(CreditNote.objects.filter(invoice_id__in=ids).select_related("invoice"))
    payments = list(Payment.objects.filter(invoice_id__in=ids).select_related("invoice"))
    moves = [ar.Movement(i.date, "invoice", i.number or "", i.total, i.pk) for i in invoices]
    moves += [
        ar.Movement(n.date, "credit_note", f"{n.number} (on {n.invoice.number})", -n.total, n.pk)
        for n in notes
    ]
    moves += [
        ar.Movement(
            p.date,
            "payment",
            f"{p.get_method_display()}{' ' + p.reference if p.reference else ''}"
            f" (on {p.invoice.number})",
            -p.amount,
            p.pk,
        )
        for p in payments
    ]
    lines = ar.running(moves)
    return {
        "company": company,
        "lines": lines,
        "balance": lines[-1][1] if lines else ar.ZERO,
        "open": [i for i in invoices if i.balance > ar.ZERO],
        "credit": client_credit(invoices),
        "aging": ar.aging((ar.OpenItem("c", i.due_date, i.balance) for i in invoices), today).get(
            "c", ar.empty_buckets() | {"total": ar.ZERO}
        ),
        "today": today,
    }
