"""The monthly billing run: a pure engine (frozen dataclasses in, frozen dataclasses out).

No ORM, no Django, Decimal only. ``services.py`` loads rows into :class:`BillingInput`,
calls :func:`run_billing` and saves the :class:`BillingResult`; ``scenario.py`` does the
same from a JSON file. The rules are issue 12 "Billing I" and DOMAIN.md §6 "Getting paid".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Cadence = Literal["monthly", "quarterly", "annual"]
Rollover = Literal["none", "next_month"]
WorkType = Literal["remote", "phone", "onsite"]
LineKind = Literal["fee", "overage", "out_of_scope", "hourly", "item"]


# --------------------------------------------------------------------------------------
# Input
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rounding:
    """Billed minutes = max(minimum_minutes, ⌈minutes ÷ increment⌉ × increment)."""

    increment_minutes: int = 15
    minimum_minutes: int = 15


@dataclass(frozen=True)
class TaxPercent:
    """Tax rate per line category, as a percent (``Decimal("8.25")`` = 8.25 %)."""

    fee: Decimal = Decimal(0)
    labor: Decimal = Decimal(0)
    item: Decimal = Decimal(0)


@dataclass(frozen=True)
class Person:
    """Whoever logs time: a technician or a subcontractor.

    Ids must be unique across both kinds (a loader prefixes them, e.g. ``"t7"`` / ``"s7"``).
    ``bill_rate`` is what a client without an agreement (break-fix) pays per hour.
    """

    id: str
    bill_rate: Decimal
    name: str = ""


@dataclass(frozen=True)
class Agreement:
    """An agreement's signed terms, as billing needs them.

    ``end`` is the last day of the term (``None``: open-ended). ``cancelled_on``, when set,
    ends the term on that day (both days included); the term's last day is
    :attr:`term_end` = the earlier of the two. ``rounding`` overrides the firm's default.
    """

    id: str
    company: str
    cadence: Cadence
    period_fee: Decimal
    start: dt.date
    end: dt.date | None
    hourly_only: bool
    included_hours_per_month: Decimal
    onsite_half_days_per_month: Decimal
    hours_per_half_day: Decimal
    overage_rate: Decimal
    rollover: Rollover = "none"
    rounding: Rounding | None = None
    cancelled_on: dt.date | None = None
    name: str = ""

    @property
    def term_end(self) -> dt.date | None:
        ends = [d for d in (self.end, self.cancelled_on) if d is not None]
        return min(ends) if ends else None


@dataclass(frozen=True)
class Entry:
    """A time entry. ``agreement`` is already resolved: the entry's own or its ticket's.

    ``billed`` entries were billed by an earlier run and are skipped.
    """

    id: str
    company: str
    agreement: str | None
    person: str
    work_type: WorkType
    date: dt.date
    minutes: int
    billable: bool = True
    out_of_scope: bool = False
    billed: bool = False
    ticket: str | None = None


@dataclass(frozen=True)
class Item:
    """A one-off line: hardware/software resale or a project fee. ``billed``: skipped."""

    id: str
    company: str
    date: dt.date
    description: str
    quantity: Decimal
    unit_price: Decimal
    billed: bool = False
    unit_cost: Decimal | None = None


@dataclass(frozen=True)
class BillingInput:
    """Everything one run for ``month`` (the first day of M) looks at.

    ``carried_in``: agreement id → hours carried into M−1 (the carried_out of the ledger
    of M−2). ``payment_terms_by_company``: company id → days, overriding
    ``payment_terms_days``. ``billed_fee_periods``: (agreement id, period start) pairs whose
    fee an earlier run already billed (not billed again). ``closed_ledgers``: agreement ids
    whose ledger for M−1 an earlier run of M already wrote: they get no new ledger and
    their entries of M−1 draw nothing (the month's allowance is settled).
    """

    month: dt.date
    rounding: Rounding = field(default_factory=Rounding)
    tax_percent: TaxPercent = field(default_factory=TaxPercent)
    payment_terms_days: int = 30
    people: tuple[Person, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    carried_in: Mapping[str, Decimal] = field(default_factory=dict)
    payment_terms_by_company: Mapping[str, int] = field(default_factory=dict)
    entries: tuple[Entry, ...] = ()
    items: tuple[Item, ...] = ()
    billed_fee_periods: frozenset[tuple[str, dt.date]] = frozenset()
    closed_ledgers: frozenset[str] = frozenset()


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One invoice line. ``quantity`` is exact (hours = billed minutes ÷ 60; display rounds).

    ``amount`` and ``tax`` are rounded half-up to the cent. ``minutes``: billed minutes on a
    labor line (a split entry counts its remainder only), 0 otherwise. ``period_start`` /
    ``period_end``: the fee's billing period (fee lines only).
    """

    kind: LineKind
    agreement: str | None
    description: str
    quantity: Decimal
    rate: Decimal
    amount: Decimal
    tax: Decimal
    late: bool = False
    entries: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    minutes: Decimal = Decimal(0)
    period_start: dt.date | None = None
    period_end: dt.date | None = None


@dataclass(frozen=True)
class Invoice:
    company: str
    date: dt.date
    due: dt.date
    lines: tuple[Line, ...]
    subtotal: Decimal
    tax: Decimal
    total: Decimal


@dataclass(frozen=True)
class Ledger:
    """An agreement's included-hours ledger for ``month`` (the first day of M−1). Hours exact."""

    agreement: str
    month: dt.date
    included_hours: Decimal
    carried_in: Decimal
    onsite_hours: Decimal
    used_included: Decimal
    used_onsite: Decimal
    overage_hours: Decimal
    remaining: Decimal
    carried_out: Decimal
    entries: tuple[str, ...] = ()


@dataclass(frozen=True)
class BillingResult:
    """Invoices sorted by company id, ledgers by agreement id.

    ``billed_minutes``: entry id → its billed (rounded) minutes, for every entry this run
    used (on a line or on a ledger).
    """

    month: dt.date
    invoices: tuple[Invoice, ...]
    ledgers: tuple[Ledger, ...]
    billed_minutes: Mapping[str, int] = field(default_factory=dict)


def run_billing(inp: BillingInput) -> BillingResult:
    """Bill month ``inp.month`` (not implemented yet)."""
    raise NotImplementedError
