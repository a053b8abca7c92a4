"""Receivables rules (Billing II), pure: no ORM, Decimal only.

* **Balance** of an issued invoice = total − Σ payments − Σ credit-note totals − Σ client
  credit applied to it. Nothing stores it: ``ar_queries`` sums the three in SQL and this
  module does the arithmetic. A balance below zero is never shown as owed: the part beyond
  zero is **client credit** (``excess``), which the company's next invoices can apply.
* **Status** (derived): draft; credited (credited in full, nothing left owed); paid
  (balance 0); partly paid (something paid or applied, a balance left); sent (e-mailed at
  least once); issued. **Overdue** is a flag beside it: a balance left after the due date.
* **Aging** by days past due on the balance: current (not yet due), 1–30, 31–60, 61–90,
  90+.
* **Statement**: invoices add, credit notes and payments subtract; the running balance is
  what the client owes (negative = credit in their favour). Credit applied from one invoice
  to another moves nothing on a statement (the credit note already counted).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
BUCKETS = ("current", "1_30", "31_60", "61_90", "90_plus")
BUCKET_LABELS = {
    "current": "Current",
    "1_30": "1–30 days",
    "31_60": "31–60 days",
    "61_90": "61–90 days",
    "90_plus": "90+ days",
}
STATUS_LABELS = {
    "draft": "Draft",
    "issued": "Issued",
    "sent": "Sent",
    "partly_paid": "Partly paid",
    "paid": "Paid",
    "credited": "Credited",
}


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Amounts:
    total: Decimal
    paid: Decimal = ZERO
    credited: Decimal = ZERO
    applied: Decimal = ZERO

    @property
    def raw(self) -> Decimal:
        return self.total - self.paid - self.credited - self.applied

    @property
    def balance(self) -> Decimal:
        """What is still owed on the invoice, never below zero."""
        return max(self.raw, ZERO)

    @property
    def excess(self) -> Decimal:
        """Credit beyond the invoice's balance: the client's credit."""
        return max(-self.raw, ZERO)


def status(stored: str, amounts: Amounts, sent: bool, *, credited_in_full: bool = False) -> str:
    if stored == "draft":
        return "draft"
    if amounts.balance == ZERO:
        if credited_in_full or (amounts.paid + amounts.applied == ZERO):
            return "credited"
        return "paid"
    if amounts.paid + amounts.applied > ZERO:
        return "partly_paid"
    return "sent" if sent else "issued"


def is_overdue(stored: str, amounts: Amounts, due: dt.date, today: dt.date) -> bool:
    return stored != "draft" and amounts.balance > ZERO and due < today


def bucket(due: dt.date, today: dt.date) -> str:
    days = (today - due).days
    if days <= 0:
        return "current"
    if days <= 30:
        return "1_30"
    if days <= 60:
        return "31_60"
    if days <= 90:
        return "61_90"
    return "90_plus"


def empty_buckets() -> dict[str, Decimal]:
    return dict.fromkeys(BUCKETS, ZERO)


@dataclass(frozen=True)
class OpenItem:
    company: str
    due: dt.date
    balance: Decimal


def aging(items: Iterable[OpenItem], today: dt.date) -> dict[str, dict[str, Decimal]]:
    """Per company: the balances by bucket (and ``total``)."""
    out: dict[str, dict[str, Decimal]] = {}
    for item in items:
        if item.balance <= ZERO:
            continue
        row = out.setdefault(item.company, empty_buckets() | {"total": ZERO})
        row[bucket(item.due, today)] += item.balance
        row["total"] += item.balance
    return out


def totals(rows: Iterable[dict[str, Decimal]]) -> dict[str, Decimal]:
    out = empty_buckets() | {"total": ZERO}
    for row in rows:
        for key in out:
            out[key] += row.get(key, ZERO)
    return out


@dataclass(frozen=True)
class Movement:
    date: dt.date
    kind: str  # invoice, credit_note, payment
    reference: str
    amount: Decimal  # positive: the client owes more
    order: int = 0


KIND_ORDER = {"invoice": 0, "credit_note": 1, "payment": 2}


def running(movements: Iterable[Movement]) -> list[tuple[Movement, Decimal]]:
    """Movements in (date, invoice before credit before payment, order) order with the
    running balance after each."""
    balance = ZERO
    out = []
    for m in sorted(movements, key=lambda m: (m.date, KIND_ORDER.get(m.kind, 9), m.order)):
        balance += m.amount
        out.append((m, balance))
    return out


# --- profitability ------------------------------------------------------------------------


@dataclass(frozen=True)
class Profit:
    revenue: Decimal = ZERO
    labor_cost: Decimal = ZERO
    sub_cost: Decimal = ZERO
    item_cost: Decimal = ZERO
    minutes: int = 0

    @property
    def cost(self) -> Decimal:
        return self.labor_cost + self.sub_cost + self.item_cost

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost

    @property
    def margin_percent(self) -> Decimal | None:
        if self.revenue == ZERO:
            return None
        return (self.margin * 100 / self.revenue).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def effective_rate(self) -> Decimal | None:
        """Revenue per hour worked (None without time)."""
        if not self.minutes:
            return None
        return cents(self.revenue * 60 / Decimal(self.minutes))

    def __add__(self, other: Profit) -> Profit:
        return Profit(
            self.revenue + other.revenue,
            self.labor_cost + other.labor_cost,
            self.sub_cost + other.sub_cost,
            self.item_cost + other.item_cost,
            self.minutes + other.minutes,
        )


def labor_cost(minutes: int, cost_rate: Decimal) -> Decimal:
    return cents(Decimal(minutes) * cost_rate / 60)
