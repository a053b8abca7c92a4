"""Included hours used and left this month, for the agreement page and the client portal.

The same engine as the run, asked early: the month so far is billed as if the run of next
month happened now (this agreement, its unbilled entries of this month, the hours carried
in from last month's ledger) and the ledger it would write is read back. Nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from sweetspot.agreements.models import Agreement
from sweetspot.core.models import Firm

from . import engine, loaders
from .models import Ledger

CENT = Decimal("0.01")


@dataclass(frozen=True)
class HoursLeft:
    month: dt.date
    included: Decimal  # this month's own included hours plus hours carried in
    carried_in: Decimal
    used: Decimal
    left: Decimal
    onsite: Decimal
    onsite_used: Decimal
    overage: Decimal


def _h(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def hours_left(agreement: Agreement, today: dt.date | None = None) -> HoursLeft | None:
    """None when the agreement has no allowance this month (hourly-only, a draft, or a term
    that does not cover the month)."""
    if agreement.signed_at is None:
        return None
    today = today or timezone.localdate()
    month = loaders.first_of(today)
    firm = Firm.current()
    inp = loaders.billing_input(loaders.add_months(month, 1), firm, agreement.company_id)
    mine = str(agreement.pk)
    carried = (
        Ledger.objects.filter(agreement=agreement, month=loaders.add_months(month, -1))
        .values_list("carried_out", flat=True)
        .first()
    )
    inp = replace(
        inp,
        agreements=tuple(a for a in inp.agreements if a.id == mine),
        entries=tuple(e for e in inp.entries if e.agreement == mine and e.date >= month),
        items=(),
        carried_in={mine: carried} if carried is not None else {},
        closed_ledgers=frozenset(),
    )
    ledger = next((lg for lg in engine.run_billing(inp).ledgers if lg.agreement == mine), None)
    if ledger is None:
        return None
    total = ledger.included_hours + ledger.carried_in
    return HoursLeft(
        month=month,
        included=_h(total),
        carried_in=_h(ledger.carried_in),
        used=_h(ledger.used_included),
        left=_h(ledger.remaining),
        onsite=_h(ledger.onsite_hours),
        onsite_used=_h(ledger.used_onsite),
        overage=_h(ledger.overage_hours),
    )
