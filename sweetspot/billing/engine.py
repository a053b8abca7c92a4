"""The monthly billing run: a pure engine (frozen dataclasses in, frozen dataclasses out).

No ORM, no Django, Decimal only. ``services.py`` loads rows into :class:`BillingInput`,
calls :func:`run_billing` and saves the :class:`BillingResult`; ``scenario.py`` does the
same from a JSON file. The trade's rules are docs/DOMAIN.md §6; the precise run rules are below.

The run for month M (``BillingInput.month``, the first day of M; invoice date = that day):

1. **Fees in advance** (:func:`fee_period`, :func:`fee_amount`). Every agreement that is not
   hourly-only bills the period that starts in M: monthly → every month, quarterly /
   annual → months 0, 3, 6… / 0, 12… counted from the start month. Periods are whole
   calendar months. The term is start … :attr:`Agreement.term_end` (both included; a
   cancellation date ends it). Partly covered period: fee × covered days ÷ period days,
   half-up to the cent; no overlap → no fee; a 0.00 fee makes no line.
2. **Usage in arrears**: billable, unbilled entries of more than 0 minutes dated before M.
   Each is rounded (:func:`billed_minutes`, the agreement's rounding else the firm's) and
   the rounded minutes are what it draws and bills. An agreement *has an allowance* for
   M−1 (:func:`has_allowance`) when it is not hourly-only and its term overlaps M−1: on-site
   half-days × hours per half-day, and included hours + carried-in hours (rollover "next
   month" only; otherwise carried-in is ignored and shown as 0). Entries of M−1 inside the
   term draw in (date, id) order — on-site entries from on-site hours first, then included;
   included hours = carried-in first, then the month's own. What one entry cannot cover is
   overage (the entry is split; its remainder is not rounded again). Out-of-scope entries
   go to the out-of-scope line at the overage rate; hourly-only agreements bill every entry
   at their overage rate on an hourly line; entries without an agreement bill at their
   person's bill rate on an hourly line per rate. Late entries (dated before M−1) draw
   nothing: with an allowance for M−1 they form a separate overage line marked late
   (late out-of-scope entries stay on the out-of-scope line); otherwise they join the
   ordinary line.
3. **Items** not billed and dated before M: one line each, amount = quantity × unit price.
4. **Money**: labor line hours = billed minutes ÷ 60 (exact here; output rounds to 2
   places), amount = minutes × rate ÷ 60 half-up to the cent; tax per line = amount ×
   the category's percent (fee; labor = overage, out-of-scope, hourly; item) ÷ 100, half-up
   to the cent; subtotal = Σ amounts, total = subtotal + Σ taxes.
5. One invoice per company holding anything; due = invoice date + payment terms (the
   company's override else the firm's).
6. A :class:`Ledger` for every agreement with an allowance for M−1: its own included hours,
   carried-in, on-site hours, used included (carried-in counted here) and on-site, ordinary
   overage hours, remaining = included + carried-in − used included, carried out = the
   month's own included hours left (0 unless rollover is "next month"), and the entries it
   covered entirely.

Decisions where the issue is silent:

* ``billed`` entries and items in the input were billed by an earlier run: skipped, they
  draw on nothing. ``billed_fee_periods`` and ``closed_ledgers`` make a re-run of a month
  bill nothing more: a fee period already billed is skipped, and an agreement whose ledger
  for M−1 already exists gets no second ledger — its newly found M−1 entries are overage
  (the month's allowance was settled and its carry-over handed on).
* Entries dated in M−1 but outside the term of an agreement that has an allowance are on
  the ordinary overage line and count in the ledger's overage hours (the ledger's overage
  = the hours of that line). An agreement without an allowance for M−1 gets no ledger; all
  its entries are on its ordinary overage line ("hours at the overage rate").
* Allowance pools are exact Decimal minutes (e.g. 1.33 h = 79.8 min); a split remainder
  may therefore be a fraction of a minute and is billed as such. ``Line.minutes`` is exact.
* A late line is only ever an overage line; late hourly and break-fix entries join their
  ordinary hourly line (same rate), late out-of-scope their out-of-scope line.
* Break-fix hourly lines are one per company and rate: two people with the same bill rate
  share a line. Out-of-scope on hourly-only or break-fix work changes nothing.
* Item lines are kept even at 0.00 (a free item is still shown and marked billed); only
  fee lines at 0.00 and labor lines without minutes are left out.
* Descriptions (free text): fee "<agreement>: monthly fee, December 2026" (quarterly /
  annual name the span, "December 2026 – February 2027"), plus ", prorated 17 of 31 days
  (2026-12-15 – 2026-12-31)" when prorated; overage "<agreement>: hours beyond the
  agreement, November 2026"; late "<agreement>: late hours beyond the agreement, dated
  before November 2026"; no allowance "<agreement>: hours at the overage rate";
  out-of-scope "<agreement>: out-of-scope work"; hourly-only "<agreement>: hourly work";
  break-fix "Hourly work without an agreement at 150.00 an hour"; item: its description.
  ``<agreement>`` is the agreement's name, else "Agreement <id>".
* Inconsistent input (unknown agreement or person, an entry whose company differs from its
  agreement's, duplicate agreement ids, a month not on the 1st) raises ``ValueError``.
* Rounding with an increment below 1 means exact minutes (the minimum still applies).
  Break-fix entries (no agreement) take the firm's rounding.
* Ids are compared as strings everywhere: (date, id) order puts "10" before "9".
* Hours in :class:`Ledger` and labor quantities are exact Decimals (20 min = 0.333…);
  only display rounds. ``carried_out`` is exact too: store it with enough places (or
  round it half-up to the hundredth, as the scenario output shows it) before it comes back
  as next month's ``carried_in``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
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


# --------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------

CENT = Decimal("0.01")
_KIND_ORDER: dict[str, int] = {"fee": 0, "overage": 1, "out_of_scope": 2, "hourly": 3, "item": 4}
_CADENCE_MONTHS: dict[str, int] = {"monthly": 1, "quarterly": 3, "annual": 12}
_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def money(value: Decimal) -> Decimal:
    """Round half-up to the cent."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_label(first: dt.date) -> str:
    return f"{_MONTH_NAMES[first.month - 1]} {first.year}"


def billed_minutes(minutes: int, rounding: Rounding) -> int:
    """Rounding rule: max(minimum, ⌈minutes ÷ increment⌉ × increment).

    An increment below 1 means "no rounding" (exact minutes); the minimum still applies.
    """
    rounded = minutes
    if rounding.increment_minutes >= 1:
        rounded = -(-minutes // rounding.increment_minutes) * rounding.increment_minutes
    return max(rounding.minimum_minutes, rounded)


def _overlap_days(a0: dt.date, a1: dt.date | None, b0: dt.date, b1: dt.date) -> int:
    """Days (both ends included) shared by [a0, a1] (a1 None: open-ended) and [b0, b1]."""
    lo = max(a0, b0)
    hi = b1 if a1 is None else min(a1, b1)
    return max(0, (hi - lo).days + 1)


def fee_period(agreement: Agreement, month: dt.date) -> tuple[dt.date, dt.date] | None:
    """Rule 1, cadence: the billing period of ``agreement`` that starts in ``month``, if any.

    Monthly → every month; quarterly / annual → months 0, 3, 6… / 0, 12… counted from the
    start month. A period spans whole calendar months: (first day, last day).
    """
    length = _CADENCE_MONTHS[agreement.cadence]
    since = (month.year - agreement.start.year) * 12 + month.month - agreement.start.month
    if since < 0 or since % length:
        return None
    return month, add_months(month, length) - dt.timedelta(days=1)


def fee_amount(agreement: Agreement, start: dt.date, end: dt.date) -> tuple[Decimal, int, int]:
    """Rule 1, proration: (amount, covered days, days in period).

    The period fee when the term covers the whole period; else period fee × covered days ÷
    days in the period, rounded half-up to the cent; 0 when the term misses the period.
    """
    days = (end - start).days + 1
    covered = _overlap_days(agreement.start, agreement.term_end, start, end)
    if covered == days:
        return money(agreement.period_fee), covered, days
    return money(agreement.period_fee * covered / days), covered, days


def has_allowance(agreement: Agreement, prev_month: dt.date) -> bool:
    """Not hourly-only and the term overlaps the month starting ``prev_month`` (M−1)."""
    if agreement.hourly_only:
        return False
    last = add_months(prev_month, 1) - dt.timedelta(days=1)
    return _overlap_days(agreement.start, agreement.term_end, prev_month, last) > 0


def _in_term(agreement: Agreement, day: dt.date) -> bool:
    end = agreement.term_end
    return agreement.start <= day and (end is None or day <= end)


def _label(agreement: Agreement) -> str:
    return agreement.name or f"Agreement {agreement.id}"


@dataclass
class _Bucket:
    """A labor line being collected: minutes (exact) and (date, id) of its entries."""

    kind: LineKind
    agreement: str | None
    rate: Decimal
    late: bool
    description: str
    minutes: Decimal = Decimal(0)
    entries: list[tuple[dt.date, str]] = field(default_factory=list)


@dataclass
class _Pool:
    """Allowance of one agreement for M−1, in exact Decimal minutes."""

    onsite: Decimal
    carried: Decimal
    own: Decimal
    used_onsite: Decimal = Decimal(0)
    used_carried: Decimal = Decimal(0)
    used_own: Decimal = Decimal(0)
    covered: list[tuple[dt.date, str]] = field(default_factory=list)

    def draw(self, entry: Entry, minutes: int) -> Decimal:
        """Draw ``minutes``; return the remainder (overage).

        On-site entries draw on-site minutes first, then included; remote and phone only
        included; included = carried-in minutes first, then the month's own.
        """
        need = Decimal(minutes)
        if entry.work_type == "onsite":
            take = min(need, self.onsite - self.used_onsite)
            self.used_onsite += take
            need -= take
        take = min(need, self.carried - self.used_carried)
        self.used_carried += take
        need -= take
        take = min(need, self.own - self.used_own)
        self.used_own += take
        need -= take
        return need


def _sort_entries(entries: list[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.date, e.id))


def _check(inp: BillingInput) -> tuple[dict[str, Agreement], dict[str, Person]]:
    agreements = {a.id: a for a in inp.agreements}
    people = {p.id: p for p in inp.people}
    if len(agreements) != len(inp.agreements):
        raise ValueError("agreement ids must be unique")
    if inp.month.day != 1:
        raise ValueError("month must be the first day of a month")
    for e in inp.entries:
        if e.agreement is not None:
            if e.agreement not in agreements:
                raise ValueError(f"entry {e.id}: unknown agreement {e.agreement}")
            if agreements[e.agreement].company != e.company:
                raise ValueError(f"entry {e.id}: company differs from its agreement's")
        if e.person not in people:
            raise ValueError(f"entry {e.id}: unknown person {e.person}")
        if e.minutes < 0:
            raise ValueError(f"entry {e.id}: negative minutes")
    return agreements, people


def run_billing(inp: BillingInput) -> BillingResult:
    """Bill month M = ``inp.month``: fees in advance for M, usage and items before M.

    See the module docstring for every rule. Raises ``ValueError`` on inconsistent input
    (unknown agreement or person, an entry whose company differs from its agreement's).
    """
    agreements, people = _check(inp)
    month = inp.month
    prev = add_months(month, -1)
    prev_label = month_label(prev)
    lines: dict[str, list[Line]] = {}

    def tax_of(kind: LineKind, amount: Decimal) -> Decimal:
        pct = {"fee": inp.tax_percent.fee, "item": inp.tax_percent.item}.get(
            kind, inp.tax_percent.labor
        )
        return money(amount * pct / 100)

    # 1. Fees in advance.
    for a in inp.agreements:
        if a.hourly_only:
            continue
        period = fee_period(a, month)
        if period is None or (a.id, period[0]) in inp.billed_fee_periods:
            continue
        amount, covered, days = fee_amount(a, *period)
        if amount == 0:
            continue
        what = month_label(period[0])
        if a.cadence != "monthly":
            what += f" – {month_label(add_months(period[0], _CADENCE_MONTHS[a.cadence] - 1))}"
        text = f"{_label(a)}: {a.cadence} fee, {what}"
        if covered != days:
            first = max(a.start, period[0])
            last = period[1] if a.term_end is None else min(a.term_end, period[1])
            text += f", prorated {covered} of {days} days ({first} – {last})"
        lines.setdefault(a.company, []).append(
            Line(
                kind="fee",
                agreement=a.id,
                description=text,
                quantity=Decimal(1),
                rate=amount,
                amount=amount,
                tax=tax_of("fee", amount),
                period_start=period[0],
                period_end=period[1],
            )
        )

    # 2. Usage in arrears.
    usable = _sort_entries(
        [e for e in inp.entries if not e.billed and e.billable and e.minutes > 0 and e.date < month]
    )
    pools: dict[str, _Pool] = {}
    for a in sorted(inp.agreements, key=lambda a: a.id):
        if has_allowance(a, prev) and a.id not in inp.closed_ledgers:
            hours = a.onsite_half_days_per_month * a.hours_per_half_day
            carried = inp.carried_in.get(a.id, Decimal(0)) if a.rollover == "next_month" else 0
            pools[a.id] = _Pool(
                onsite=hours * 60,
                carried=Decimal(carried) * 60,
                own=a.included_hours_per_month * 60,
            )
    buckets: dict[tuple[str, LineKind, str | None, bool, Decimal], _Bucket] = {}
    used: dict[str, int] = {}
    ordinary_overage: dict[str, Decimal] = {}

    def put(
        e: Entry,
        kind: LineKind,
        ag: Agreement | None,
        rate: Decimal,
        late: bool,
        minutes: Decimal,
        text: str,
    ) -> None:
        agreement_id = None if ag is None else ag.id
        key = (e.company, kind, agreement_id, late, rate)
        bucket = buckets.get(key)
        if bucket is None:
            bucket = buckets[key] = _Bucket(kind, agreement_id, rate, late, text)
        bucket.minutes += minutes
        bucket.entries.append((e.date, e.id))

    for e in usable:
        ag = agreements[e.agreement] if e.agreement is not None else None
        rounding = (ag.rounding if ag is not None else None) or inp.rounding
        minutes = billed_minutes(e.minutes, rounding)
        used[e.id] = minutes
        whole = Decimal(minutes)
        late = e.date < prev
        if ag is None:
            rate = people[e.person].bill_rate
            text = f"Hourly work without an agreement at {money(rate)} an hour"
            put(e, "hourly", None, rate, False, whole, text)
        elif ag.hourly_only:
            put(e, "hourly", ag, ag.overage_rate, False, whole, f"{_label(ag)}: hourly work")
        elif e.out_of_scope:
            text = f"{_label(ag)}: out-of-scope work"
            put(e, "out_of_scope", ag, ag.overage_rate, False, whole, text)
        elif late and has_allowance(ag, prev):
            text = f"{_label(ag)}: late hours beyond the agreement, dated before {prev_label}"
            put(e, "overage", ag, ag.overage_rate, True, whole, text)
        else:
            pool = pools.get(ag.id)
            rest = whole
            if pool is not None and not late and _in_term(ag, e.date):
                rest = pool.draw(e, minutes)
                if rest == 0:
                    pool.covered.append((e.date, e.id))
                    continue
            if pool is not None:
                ordinary_overage[ag.id] = ordinary_overage.get(ag.id, Decimal(0)) + rest
                text = f"{_label(ag)}: hours beyond the agreement, {prev_label}"
            else:
                text = f"{_label(ag)}: hours at the overage rate"
            put(e, "overage", ag, ag.overage_rate, False, rest, text)

    for key, b in buckets.items():
        if b.minutes <= 0:
            continue
        amount = money(b.minutes * b.rate / 60)
        lines.setdefault(key[0], []).append(
            Line(
                kind=b.kind,
                agreement=b.agreement,
                description=b.description,
                quantity=b.minutes / 60,
                rate=b.rate,
                amount=amount,
                tax=tax_of(b.kind, amount),
                late=b.late,
                entries=tuple(i for _, i in sorted(b.entries)),
                minutes=b.minutes,
            )
        )

    # 3. Items.
    for item in inp.items:
        if item.billed or item.date >= month:
            continue
        amount = money(item.quantity * item.unit_price)
        lines.setdefault(item.company, []).append(
            Line(
                kind="item",
                agreement=None,
                description=item.description,
                quantity=item.quantity,
                rate=item.unit_price,
                amount=amount,
                tax=tax_of("item", amount),
                items=(item.id,),
            )
        )

    # 4–5. One invoice per company, lines in their order.
    invoices = []
    for company in sorted(lines):
        ordered = tuple(sorted(lines[company], key=_line_key))
        subtotal = sum((ln.amount for ln in ordered), Decimal("0.00"))
        tax = sum((ln.tax for ln in ordered), Decimal("0.00"))
        days = inp.payment_terms_by_company.get(company, inp.payment_terms_days)
        invoices.append(
            Invoice(
                company=company,
                date=month,
                due=month + dt.timedelta(days=days),
                lines=ordered,
                subtotal=subtotal,
                tax=tax,
                total=subtotal + tax,
            )
        )

    # 6. Ledgers.
    ledgers = []
    for agreement_id, pool in sorted(pools.items()):
        a = agreements[agreement_id]
        included = a.included_hours_per_month
        carried_in = pool.carried / 60
        used_included = (pool.used_carried + pool.used_own) / 60
        ledgers.append(
            Ledger(
                agreement=a.id,
                month=prev,
                included_hours=included,
                carried_in=carried_in,
                onsite_hours=pool.onsite / 60,
                used_included=used_included,
                used_onsite=pool.used_onsite / 60,
                overage_hours=ordinary_overage.get(a.id, Decimal(0)) / 60,
                remaining=included + carried_in - used_included,
                carried_out=(pool.own - pool.used_own) / 60
                if a.rollover == "next_month"
                else Decimal(0),
                entries=tuple(i for _, i in sorted(pool.covered)),
            )
        )
    return BillingResult(
        month=month, invoices=tuple(invoices), ledgers=tuple(ledgers), billed_minutes=used
    )


def _line_key(line: Line) -> tuple[int, bool, str, bool, Decimal, str]:
    """Kind, agreement id (none last), ordinary before late, rate as a number, item id."""
    return (
        _KIND_ORDER[line.kind],
        line.agreement is None,
        line.agreement or "",
        line.late,
        line.rate,
        line.items[0] if line.items else "",
    )
