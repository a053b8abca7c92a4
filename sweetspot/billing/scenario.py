"""Billing scenario files (what-ifs and tests without the database), validated strictly.

``manage.py billing_run --scenario FILE`` reads this format, runs
:func:`sweetspot.billing.engine.run_billing` and prints :func:`to_json` of the result.

Input (unknown keys are rejected; every key is required except those marked optional)::

    {"month": "2026-12",                                    # the run's month M, YYYY-MM
     "rounding": {"increment_minutes": 15, "minimum_minutes": 15},   # optional: 15/15
     "tax_percent": {"fee": "0", "labor": "8.25", "item": "8.25"},   # percents, 0-100
     "payment_terms_days": 30,
     "people": [{"id", "bill_rate"}],
     "agreements": [{"id", "company", "cadence": "monthly"|"quarterly"|"annual",
                     "period_fee", "start": "YYYY-MM-DD", "end": "YYYY-MM-DD"|null (optional),
                     "hourly_only", "included_hours_per_month", "onsite_half_days_per_month",
                     "hours_per_half_day", "overage_rate", "rollover": "none"|"next_month",
                     "rounding": null|{"increment_minutes", "minimum_minutes"} (optional)}],
     "carried_in": {agreement id: hours},                     # optional
     "payment_terms_days_by_company": {company id: days},     # optional
     "entries": [{"id", "company", "agreement": id|null, "person",
                  "work_type": "remote"|"phone"|"onsite", "date", "minutes", "billable",
                  "out_of_scope", "billed"}],
     "items": [{"id", "company", "date", "description", "quantity", "unit_price",
                "billed"}]}

Optional keys may also be given as ``null`` (= left out). Ids are strings (integers are
accepted and read as their string). Money, hours, quantities and tax percents are decimals,
given as JSON numbers or numeric strings and read from the JSON text as ``Decimal`` (never
through float): finite, never negative, an item's quantity above 0, tax percents at most
100. Minutes, days and rounding figures are integers ≥ 0 (increment ≥ 1); flags are JSON
booleans; dates are ``YYYY-MM-DD``. An agreement's ``end`` is the last day of its term (a
cancelled agreement's: its cancellation date), not before ``start``. Ids are unique per
list; an entry must name a known person and, when it has one, a known agreement of the same
company; ``carried_in`` may only name known agreements. Duplicate JSON keys are rejected.

Output (:func:`to_json`)::

    {"month": "2026-12",
     "invoices": [{"company", "date", "due",
                   "lines": [{"kind": "fee"|"overage"|"out_of_scope"|"hourly"|"item",
                              "agreement": id|null, "description", "quantity", "rate",
                              "amount", "tax", "late": bool, "entries": [ids],
                              "items": [ids]}],
                   "subtotal", "tax", "total"}],
     "ledgers": [{"agreement", "month": "2026-11", "included_hours", "carried_in",
                  "onsite_hours", "used_included", "used_onsite", "overage_hours",
                  "remaining", "carried_out", "entries": [ids]}]}

Money, hours and quantities are strings with 2 decimals (hours rounded half-up for display;
money is already rounded half-up to the cent); dates ISO, months YYYY-MM. Invoices are
sorted by company id, ledgers by agreement id, lines by kind (fee, overage, out_of_scope,
hourly, item), then agreement id (null last), ordinary before late, rate as a number, item
id. A fee line has quantity "1.00" and rate = its amount. A line lists its entries in
(date, id) order; an entry the allowance covered entirely is on no line (its ledger lists
it); a split entry is only on its overage line.

Bad input raises :class:`ScenarioError` whose message has one ``path: reason`` line per
problem, e.g. ``entries[3].agreement: unknown agreement a9``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
)

from sweetspot.core.scenario import error_path

from . import engine


def _decimal(value: Any) -> Decimal:
    """A JSON number (already Decimal via parse_float, or int) or a numeric string."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        raise ValueError("must be a number or a numeric string")
    try:
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except InvalidOperation:
        raise ValueError("must be a number or a numeric string") from None
    if not number.is_finite():
        raise ValueError("must be a finite number")
    return number


def _iso_date(value: Any) -> dt.date:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("must be a date YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("must be a valid date YYYY-MM-DD") from None


def _month(value: Any) -> dt.date:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise ValueError("must be a month YYYY-MM")
    return dt.date(int(value[:4]), int(value[5:]), 1)


def _id(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("must be a string id")
    text = str(value)
    if not text:
        raise ValueError("must not be empty")
    return text


Id = Annotated[str, BeforeValidator(_id)]
Number = Annotated[Decimal, BeforeValidator(_decimal)]
Amount = Annotated[Decimal, BeforeValidator(_decimal), Field(ge=0)]
Percent = Annotated[Decimal, BeforeValidator(_decimal), Field(ge=0, le=100)]
Count = Annotated[StrictInt, Field(ge=0)]
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
Month = Annotated[dt.date, BeforeValidator(_month)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoundingIn(_Strict):
    increment_minutes: Annotated[StrictInt, Field(ge=1)]
    minimum_minutes: Count


class TaxIn(_Strict):
    fee: Percent
    labor: Percent
    item: Percent


class PersonIn(_Strict):
    id: Id
    bill_rate: Amount


class AgreementIn(_Strict):
    id: Id
    company: Id
    cadence: Literal["monthly", "quarterly", "annual"]
    period_fee: Amount
    start: IsoDate
    end: IsoDate | None = None
    hourly_only: StrictBool
    included_hours_per_month: Amount
    onsite_half_days_per_month: Amount
    hours_per_half_day: Amount
    overage_rate: Amount
    rollover: Literal["none", "next_month"]
    rounding: RoundingIn | None = None


class EntryIn(_Strict):
    id: Id
    company: Id
    agreement: Id | None
    person: Id
    work_type: Literal["remote", "phone", "onsite"]
    date: IsoDate
    minutes: Count
    billable: StrictBool
    out_of_scope: StrictBool
    billed: StrictBool


class ItemIn(_Strict):
    id: Id
    company: Id
    date: IsoDate
    description: StrictStr
    quantity: Annotated[Decimal, BeforeValidator(_decimal), Field(gt=0)]
    unit_price: Amount
    billed: StrictBool


class ScenarioIn(_Strict):
    month: Month
    rounding: RoundingIn | None = None
    tax_percent: TaxIn
    payment_terms_days: Count
    people: list[PersonIn]
    agreements: list[AgreementIn]
    carried_in: dict[Id, Amount] | None = None
    payment_terms_days_by_company: dict[Id, Count] | None = None
    entries: list[EntryIn]
    items: list[ItemIn]


class ScenarioError(Exception):
    """Bad scenario: the message has one ``path: reason`` line per problem."""


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"duplicate key {key!r}")
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def load(text: str) -> Any:
    """JSON text → Python, numbers with a fraction or exponent as ``Decimal``."""
    try:
        return json.loads(
            text,
            parse_float=Decimal,
            parse_constant=_no_constant,
            object_pairs_hook=_no_duplicate_keys,
        )
    except ValueError as exc:
        raise ScenarioError(f"(file): not valid JSON: {exc}") from exc


def _rounding(r: RoundingIn | None) -> engine.Rounding | None:
    if r is None:
        return None
    return engine.Rounding(increment_minutes=r.increment_minutes, minimum_minutes=r.minimum_minutes)


def _check(sc: ScenarioIn) -> list[str]:
    errors: list[str] = []
    for where, ids in (
        ("people", [p.id for p in sc.people]),
        ("agreements", [a.id for a in sc.agreements]),
        ("entries", [e.id for e in sc.entries]),
        ("items", [i.id for i in sc.items]),
    ):
        seen: set[str] = set()
        for i, key in enumerate(ids):
            if key in seen:
                errors.append(f"{where}[{i}].id: duplicate id {key}")
            seen.add(key)
    agreements = {a.id: a for a in sc.agreements}
    people = {p.id for p in sc.people}
    for i, a in enumerate(sc.agreements):
        if a.end is not None and a.end < a.start:
            errors.append(f"agreements[{i}].end: before start {a.start.isoformat()}")
    for key in sc.carried_in or {}:
        if key not in agreements:
            errors.append(f"carried_in.{key}: unknown agreement {key}")
    for i, e in enumerate(sc.entries):
        if e.person not in people:
            errors.append(f"entries[{i}].person: unknown person {e.person}")
        if e.agreement is not None:
            found = agreements.get(e.agreement)
            if found is None:
                errors.append(f"entries[{i}].agreement: unknown agreement {e.agreement}")
            elif found.company != e.company:
                errors.append(
                    f"entries[{i}].company: {e.company} differs from agreement "
                    f"{e.agreement}'s company {found.company}"
                )
    return errors


def parse(text: str) -> engine.BillingInput:
    """Validate scenario JSON text into the engine's input; :class:`ScenarioError` if bad."""
    data = load(text)
    try:
        sc = ScenarioIn.model_validate(data)
    except ValidationError as exc:
        lines = [
            f"{error_path(tuple(e['loc']))}: {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        ]
        raise ScenarioError("\n".join(lines)) from exc
    errors = _check(sc)
    if errors:
        raise ScenarioError("\n".join(errors))
    return engine.BillingInput(
        month=sc.month,
        rounding=_rounding(sc.rounding) or engine.Rounding(),
        tax_percent=engine.TaxPercent(
            fee=sc.tax_percent.fee, labor=sc.tax_percent.labor, item=sc.tax_percent.item
        ),
        payment_terms_days=sc.payment_terms_days,
        people=tuple(engine.Person(id=p.id, bill_rate=p.bill_rate) for p in sc.people),
        agreements=tuple(
            engine.Agreement(
                id=a.id,
                company=a.company,
                cadence=a.cadence,
                period_fee=a.period_fee,
                start=a.start,
                end=a.end,
                hourly_only=a.hourly_only,
                included_hours_per_month=a.included_hours_per_month,
                onsite_half_days_per_month=a.onsite_half_days_per_month,
                hours_per_half_day=a.hours_per_half_day,
                overage_rate=a.overage_rate,
                rollover=a.rollover,
                rounding=_rounding(a.rounding),
            )
            for a in sc.agreements
        ),
        carried_in=dict(sc.carried_in or {}),
        payment_terms_by_company=dict(sc.payment_terms_days_by_company or {}),
        entries=tuple(
            engine.Entry(
                id=e.id,
                company=e.company,
                agreement=e.agreement,
                person=e.person,
                work_type=e.work_type,
                date=e.date,
                minutes=e.minutes,
                billable=e.billable,
                out_of_scope=e.out_of_scope,
                billed=e.billed,
            )
            for e in sc.entries
        ),
        items=tuple(
            engine.Item(
                id=i.id,
                company=i.company,
                date=i.date,
                description=i.description,
                quantity=i.quantity,
                unit_price=i.unit_price,
                billed=i.billed,
            )
            for i in sc.items
        ),
    )


def fmt(value: Decimal) -> str:
    """Two decimals, rounded half-up: ``Decimal("0.3333…")`` → ``"0.33"``."""
    rounded = value.quantize(engine.CENT, rounding=ROUND_HALF_UP)
    return str(abs(rounded) if rounded == 0 else rounded)  # never "-0.00"


def _line(line: engine.Line) -> dict[str, Any]:
    return {
        "kind": line.kind,
        "agreement": line.agreement,
        "description": line.description,
        "quantity": fmt(line.quantity),
        "rate": fmt(line.rate),
        "amount": fmt(line.amount),
        "tax": fmt(line.tax),
        "late": line.late,
        "entries": list(line.entries),
        "items": list(line.items),
    }


def to_json(result: engine.BillingResult) -> dict[str, Any]:
    """The scenario output (see the module docstring), keys in the documented order."""
    return {
        "month": result.month.strftime("%Y-%m"),
        "invoices": [
            {
                "company": inv.company,
                "date": inv.date.isoformat(),
                "due": inv.due.isoformat(),
                "lines": [_line(ln) for ln in inv.lines],
                "subtotal": fmt(inv.subtotal),
                "tax": fmt(inv.tax),
                "total": fmt(inv.total),
            }
            for inv in sorted(result.invoices, key=lambda i: i.company)
        ],
        "ledgers": [
            {
                "agreement": lg.agreement,
                "month": lg.month.strftime("%Y-%m"),
                "included_hours": fmt(lg.included_hours),
                "carried_in": fmt(lg.carried_in),
                "onsite_hours": fmt(lg.onsite_hours),
                "used_included": fmt(lg.used_included),
                "used_onsite": fmt(lg.used_onsite),
                "overage_hours": fmt(lg.overage_hours),
                "remaining": fmt(lg.remaining),
                "carried_out": fmt(lg.carried_out),
                "entries": list(lg.entries),
            }
            for lg in sorted(result.ledgers, key=lambda g: g.agreement)
        ],
    }


def run(text: str) -> dict[str, Any]:
    """Parse, bill and render: the whole scenario mode. :class:`ScenarioError` if bad."""
    inp = parse(text)
    try:
        result = engine.run_billing(inp)
    except ValueError as exc:  # the checks above should have caught it; still name it
        raise ScenarioError(f"(file): {exc}") from exc
    return to_json(result)
