"""Profitability (owner only: ``permissions.can_see_costs``) per agreement, per client and
per segment for a month or a quarter.

* **Revenue**: the amounts of the lines (not credited) of issued invoices dated in the
  period, on the line's agreement (lines without one: the client's "no agreement" row).
* **Cost**: time worked in the period for the client (billable or not) × the person's cost
  rate (technician) or the subcontractor's cost rate, on the entry's agreement (its own,
  else its ticket's); plus the unit cost × quantity of the items billed (not credited) on
  those same invoices, so an item's cost meets its price.
* **Margin** = revenue − cost; **effective hourly rate** = revenue ÷ hours worked.

Revenue follows the invoice date and labour cost the work date, as the books do: the fee
billed in advance and last month's overage land in the month invoiced. A quarter evens
that out. Seven queries for any number of clients.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.db.models.functions import Coalesce

from sweetspot.agreements.models import Agreement
from sweetspot.clients.models import Company, Segment
from sweetspot.desk.models import TimeEntry
from sweetspot.team.models import Subcontractor, Technician

from . import ar
from .models import BilledWork, InvoiceLine, InvoiceStatus

PERIOD = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")
SEGMENTS = [(Segment.MICRO.value, "Micro"), (Segment.SWEET_SPOT.value, "Sweet spot"),
            (Segment.UPPER.value, "Upper"), ("", "No segment")]  # fmt: skip


def parse_period(raw: str) -> tuple[dt.date, dt.date, str]:
    """``YYYY-MM`` or ``YYYY-Qn`` → (first day, last day, label). ValueError otherwise."""
    m = PERIOD.match(raw or "")
    if not m or int(m.group(1)) < 1:  # year 0000 was a 500 (issue 15 item 6)
        raise ValueError("Give a month as YYYY-MM or a quarter as YYYY-Q1..Q4.")
    year = int(m.group(1))
    if m.group(2):
        first_month, months = int(m.group(2)), 1
    else:
        first_month, months = (int(m.group(3)) - 1) * 3 + 1, 3
    start = dt.date(year, first_month, 1)
    end_month = first_month + months
    end = (
        dt.date(year + 1, 1, 1) if end_month > 12 else dt.date(year, end_month, 1)
    ) - dt.timedelta(days=1)
    label = start.strftime("%B %Y") if months == 1 else f"Q{m.group(3)} {year}"
    return start, end, label


def last_month(today: dt.date) -> str:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return f"{first:%Y-%m}"


def report(start: dt.date, end: dt.date) -> dict[str, Any]:
    profits: dict[tuple[int, int | None], ar.Profit] = {}

    def add(key: tuple[int, int | None], p: ar.Profit) -> None:
        profits[key] = profits.get(key, ar.Profit()) + p

    revenue = (
        InvoiceLine.objects.filter(
            invoice__date__gte=start,
            invoice__date__lte=end,
            credited_at__isnull=True,
        )
        .exclude(invoice__status=InvoiceStatus.DRAFT)
        .values("invoice__company_id", "agreement_id")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    for r in revenue:
        revenue_cents = ar.cents(Decimal(r["s"] or 0))
        add((r["invoice__company_id"], r["agreement_id"]), ar.Profit(revenue=revenue_cents))

    tech_rates = dict(Technician.objects.values_list("pk", "cost_rate"))
    sub_rates = dict(Subcontractor.objects.values_list("pk", "cost_rate"))
    time = (
        TimeEntry.objects.filter(work_date__gte=start, work_date__lte=end)
        .annotate(
            co=Coalesce(F("company_id"), F("ticket__company_id")),
            ag=Coalesce(F("agreement_id"), F("ticket__agreement_id")),
        )
        .filter(co__isnull=False)
        .values("co", "ag", "technician_id", "subcontractor_id")
        .annotate(m=Sum("minutes"))
        .order_by()
    )
    for r in time:
        minutes = int(r["m"] or 0)
        if r["subcontractor_id"]:
            rate = sub_rates.get(r["subcontractor_id"], ar.ZERO)
            p = ar.Profit(sub_cost=ar.labor_cost(minutes, rate), minutes=minutes)
        else:
            rate = tech_rates.get(r["technician_id"], ar.ZERO)
            p = ar.Profit(labor_cost=ar.labor_cost(minutes, rate), minutes=minutes)
        add((r["co"], r["ag"]), p)

    # Items cost when they are billed (the same invoice as their revenue), not when bought.
    cost_expr = ExpressionWrapper(
        F("item__quantity") * F("item__unit_cost"),
        output_field=DecimalField(max_digits=20, decimal_places=4),
    )
    items = (
        BilledWork.objects.filter(
            item__isnull=False,
            released_at__isnull=True,
            line__invoice__date__gte=start,
            line__invoice__date__lte=end,
        )
        .exclude(line__invoice__status=InvoiceStatus.DRAFT)
        .values("item__company_id")
        .annotate(c=Sum(cost_expr))
        .order_by()
    )
    for r in items:
        add((r["item__company_id"], None), ar.Profit(item_cost=ar.cents(Decimal(r["c"] or 0))))

    companies = {
        c.pk: c
        for c in Company.objects.filter(pk__in={k[0] for k in profits}).only(
            "pk", "name", "segment"
        )
    }
    ids = {k[1] for k in profits if k[1]}
    agreements = {a.pk: a for a in Agreement.objects.select_related("company").filter(pk__in=ids)}
    by_client: dict[int, dict[str, Any]] = {}
    for (cid, aid), p in profits.items():
        company = companies[cid]
        row = by_client.setdefault(
            cid,
            {"company": company, "segment": company.segment, "profit": ar.Profit(),
             "agreements": []},
        )  # fmt: skip
        row["profit"] = row["profit"] + p
        row["agreements"].append({"agreement": agreements.get(aid) if aid else None, "profit": p})
    clients = sorted(by_client.values(), key=lambda r: (r["company"].name.lower(), r["company"].pk))
    for row in clients:
        row["agreements"].sort(key=lambda a: (a["agreement"] is None, str(a["agreement"] or "")))
    segments = []
    for value, label in SEGMENTS:
        members = [c for c in clients if (c["segment"] or "") == value]
        if not members and value == "":
            continue
        total = sum((c["profit"] for c in members), ar.Profit())
        segments.append({"segment": value, "label": label, "clients": len(members),
                         "profit": total})  # fmt: skip
    return {
        "start": start,
        "end": end,
        "clients": clients,
        "segments": segments,
        "total": sum((c["profit"] for c in clients), ar.Profit()),
    }


def margin_chart(segments: list[dict[str, Any]]) -> dict[str, Any]:
    """Vertical bars of margin by segment around a zero line (server-rendered SVG)."""
    height, top, bar, gap, left = 180, 20, 90, 50, 60
    values = [s["profit"].margin for s in segments]
    biggest = max([abs(v) for v in values] + [Decimal(1)])
    negatives = any(v < 0 for v in values)
    zero_y = top + (height // 2 if negatives else height)
    span = Decimal(height // 2 if negatives else height)
    bars = []
    for i, s in enumerate(segments):
        v = s["profit"].margin
        length = int(span * abs(v) / biggest)
        x = left + i * (bar + gap)
        bars.append(
            {
                "x": x,
                "y": zero_y - length if v >= 0 else zero_y,
                "width": bar,
                "height": max(length, 1),
                "label": s["label"],
                "value": v,
                "percent": s["profit"].margin_percent,
                "kind": "pos" if v >= 0 else "neg",
                "label_x": x + bar // 2,
                "value_y": (zero_y - length - 6) if v >= 0 else (zero_y + length + 14),
            }
        )
    return {
        "bars": bars,
        "zero_y": zero_y,
        "width": left + len(segments) * (bar + gap),
        "height": top + height + 40,
        "label_y": top + height + 24,
        "left": left,
    }
