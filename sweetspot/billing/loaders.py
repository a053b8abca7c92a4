"""Rows -> the billing engine's input (``engine.BillingInput``), in a fixed number of queries.

* People: technicians as ``t<pk>``, subcontractors as ``s<pk>`` (their bill rates).
* Agreements: every signed agreement (a draft was never signed: its entries are billed as
  break-fix work). The terms come from the signed snapshot (``agreements.services.terms_of``);
  ``rollover`` and ``rounding`` are read with defaults for agreements signed before they were
  part of the snapshot (none; the firm's rounding). A cancelled or expired agreement's term
  ends on the day it ended, if that is before its end date.
* Entries: billable, more than 0 minutes, stopped (a running timer is not work done yet), for
  a company, not billed, dated before the month. The agreement is the entry's own or its
  ticket's.
* Items: not billed (no live billing link), dated before the month.
* Carried-in hours: the carried-out hours of the ledgers of M−2; billed fee periods: fee lines
  no credit note reversed; closed ledgers: the ledgers of M−1 an earlier run of M wrote.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from sweetspot.agreements.models import Agreement, AgreementStatus
from sweetspot.agreements.services import terms_of
from sweetspot.clients.models import Company
from sweetspot.core.models import Firm
from sweetspot.desk.models import TimeEntry
from sweetspot.team.models import Subcontractor, Technician

from . import engine
from .models import BilledWork, InvoiceLine, Item, Ledger, LineKind


def first_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def firm_rounding(firm: Firm) -> engine.Rounding:
    return engine.Rounding(
        increment_minutes=firm.rounding_increment_minutes,
        minimum_minutes=firm.rounding_minimum_minutes,
    )


def rounding_of(terms: dict[str, Any], firm: Firm) -> engine.Rounding | None:
    """The signed terms' rounding override; a half-set override takes the firm's value for
    the missing half; no override (or an agreement signed before the key) -> None."""
    raw = terms.get("rounding")
    if not raw:
        return None
    increment = raw.get("increment_minutes") or firm.rounding_increment_minutes
    minimum = raw.get("minimum_minutes")
    if minimum is None:
        minimum = firm.rounding_minimum_minutes
    return engine.Rounding(increment_minutes=int(increment), minimum_minutes=int(minimum))


def people() -> tuple[engine.Person, ...]:
    techs = Technician.objects.values_list("pk", "bill_rate", "name")
    subs = Subcontractor.objects.values_list("pk", "bill_rate", "company_name")
    out = [engine.Person(id=f"t{pk}", bill_rate=rate, name=name) for pk, rate, name in techs]
    out += [engine.Person(id=f"s{pk}", bill_rate=rate, name=name) for pk, rate, name in subs]
    return tuple(out)


def _term_end(agreement: Agreement) -> dt.date | None:
    if agreement.status in {AgreementStatus.CANCELLED, AgreementStatus.EXPIRED} and (
        agreement.ended_at is not None
    ):
        return timezone.localtime(agreement.ended_at).date()
    return None


def to_engine_agreement(agreement: Agreement, firm: Firm) -> engine.Agreement:
    terms = terms_of(agreement)
    rollover = terms.get("rollover") or "none"
    return engine.Agreement(
        id=str(agreement.pk),
        company=str(agreement.company_id),
        cadence=agreement.billing_cadence,  # type: ignore[arg-type]
        period_fee=agreement.period_fee,
        start=agreement.start_date,
        end=agreement.end_date,
        hourly_only=bool(terms.get("hourly_only", False)),
        included_hours_per_month=Decimal(str(terms.get("included_hours_per_month", "0"))),
        onsite_half_days_per_month=Decimal(str(terms.get("onsite_half_days_per_month", "0"))),
        hours_per_half_day=firm.hours_per_half_day,
        overage_rate=Decimal(str(terms.get("overage_rate", "0"))),
        rollover="next_month" if rollover == "next_month" else "none",
        rounding=rounding_of(terms, firm),
        cancelled_on=_term_end(agreement),
        name=str(terms.get("plan_name", "")),
    )


def signed_agreements(company_id: int | None = None) -> list[Agreement]:
    qs = Agreement.objects.filter(signed_at__isnull=False).exclude(status=AgreementStatus.DRAFT)
    if company_id is not None:
        qs = qs.filter(company_id=company_id)
    return list(qs.select_related("plan").order_by("pk"))


def unbilled_entries(
    month: dt.date, signed: dict[int, int], company_id: int | None = None
) -> tuple[engine.Entry, ...]:
    """``signed``: agreement id -> its company id. An entry whose agreement is a draft, or
    another company's (desk prevents it; old rows might not), is billed as break-fix work."""
    qs = (
        TimeEntry.objects.filter(
            billable=True,
            minutes__gt=0,
            billed_at__isnull=True,
            work_date__lt=month,
        )
        .filter(Q(started_at__isnull=True) | Q(ended_at__isnull=False))
        .annotate(co=Coalesce(F("company_id"), F("ticket__company_id")))
        .annotate(ag=Coalesce(F("agreement_id"), F("ticket__agreement_id")))
        .filter(co__isnull=False)
    )
    if company_id is not None:
        qs = qs.filter(co=company_id)
    rows = qs.values_list(
        "pk",
        "co",
        "ag",
        "technician_id",
        "subcontractor_id",
        "work_type",
        "work_date",
        "minutes",
        "out_of_scope",
        "ticket_id",
    ).order_by("work_date", "pk")
    out = []
    for pk, co, ag, tech, sub, work_type, day, minutes, oos, ticket in rows.iterator(
        chunk_size=5000
    ):
        out.append(
            engine.Entry(
                id=str(pk),
                company=str(co),
                # An unsigned draft agreement promises nothing yet: break-fix work.
                agreement=str(ag) if ag is not None and signed.get(ag) == co else None,
                person=f"t{tech}" if tech is not None else f"s{sub}",
                work_type=work_type,  # type: ignore[arg-type]  # desk's WorkType values
                date=day,
                minutes=minutes,
                billable=True,
                out_of_scope=oos,
                ticket=str(ticket) if ticket is not None else None,
            )
        )
    return tuple(out)


def unbilled_items(month: dt.date, company_id: int | None = None) -> tuple[engine.Item, ...]:
    qs = Item.objects.filter(date__lt=month).exclude(
        pk__in=BilledWork.objects.filter(item__isnull=False, released_at__isnull=True).values(
            "item_id"
        )
    )
    if company_id is not None:
        qs = qs.filter(company_id=company_id)
    return tuple(
        engine.Item(
            id=str(i.pk),
            company=str(i.company_id),
            date=i.date,
            description=i.description,
            quantity=i.quantity,
            unit_price=i.unit_price,
            unit_cost=i.unit_cost,
        )
        for i in qs.order_by("pk")
    )


def billing_input(
    month: dt.date, firm: Firm | None = None, company_id: int | None = None
) -> engine.BillingInput:
    """The engine's input for the run of ``month`` (any day in it), optionally one company."""
    month = first_of(month)
    firm = firm or Firm.current()
    agreements = signed_agreements(company_id)
    signed = {a.pk: a.company_id for a in agreements}
    previous = add_months(month, -1)
    carried = {
        str(ag): hours
        for ag, hours in Ledger.objects.filter(
            month=add_months(month, -2), agreement_id__in=list(signed)
        ).values_list("agreement_id", "carried_out")
    }
    fee_periods = frozenset(
        (str(ag), start)
        for ag, start in InvoiceLine.objects.filter(
            period_start__isnull=False,
            kind=LineKind.FEE,
            credited_at__isnull=True,
            agreement_id__in=list(signed),
            period_start__gte=add_months(month, -12),
        ).values_list("agreement_id", "period_start")
        if start is not None
    )
    closed = frozenset(
        str(ag)
        for ag in Ledger.objects.filter(month=previous, agreement_id__in=list(signed)).values_list(
            "agreement_id", flat=True
        )
    )
    terms_by_company = Company.objects.filter(payment_terms_days__isnull=False)
    if company_id is not None:
        terms_by_company = terms_by_company.filter(pk=company_id)
    return engine.BillingInput(
        month=month,
        rounding=firm_rounding(firm),
        tax_percent=engine.TaxPercent(
            fee=firm.tax_percent_fee, labor=firm.tax_percent_labor, item=firm.tax_percent_item
        ),
        payment_terms_days=firm.payment_terms_days,
        people=people(),
        agreements=tuple(to_engine_agreement(a, firm) for a in agreements),
        carried_in=carried,
        payment_terms_by_company={
            str(pk): int(days or 0)
            for pk, days in terms_by_company.values_list("pk", "payment_terms_days")
        },
        entries=unbilled_entries(month, signed, company_id),
        items=unbilled_items(month, company_id),
        billed_fee_periods=fee_periods,
        closed_ledgers=closed,
    )
