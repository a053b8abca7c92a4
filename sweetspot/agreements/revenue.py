"""Recurring revenue from agreements: MRR, ARR, by segment, by client, the 12-month trend.

Money stays exact. Each agreement's monthly equivalent is its fee per billing period divided
by the months in the period, rounded half-up to the cent — the same number as
``services.monthly_equivalent``. The database computes it in integer cents so SQLite (which
keeps decimals as floating point) and PostgreSQL give the same, exact answer:

    cents   = ROUND(period_fee × 100)                       (exact for 2-decimal fees)
    monthly = (2 × cents + months) DIV (2 × months)         (= cents / months, half-up)

where ``months`` is a CASE on ``billing_cadence`` (monthly 1, quarterly 3, annual 12). MRR is
the SUM of that over the agreements **in force today** (DOMAIN.md §8: active, and today lies
between the start and end dates), ARR = MRR × 12. An active agreement signed for a later start
is not in MRR: it is listed as "starting on …" (``upcoming``) and the trend runs on to the
month it starts. Everything here is one aggregate query each; nothing loops over queries.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone

from sweetspot.core.money import CENT

from .models import MONTHS_IN_PERIOD, Agreement, AgreementStatus

# The trade's rule of thumb (docs/DOMAIN.md §5): eight agreement clients book about $165,000 a year.
RULE_CLIENTS = 8
RULE_ANNUAL = Decimal("165000.00")
RULE_MONTHLY_PER_CLIENT = (RULE_ANNUAL / RULE_CLIENTS / 12).quantize(
    CENT, rounding=ROUND_HALF_UP
)  # 1718.75


def months_in_period() -> Case:
    return Case(
        *[When(billing_cadence=c, then=Value(n)) for c, n in MONTHS_IN_PERIOD.items()],
        default=Value(1),
        output_field=BigIntegerField(),
    )


def monthly_cents() -> ExpressionWrapper:
    """The agreement's monthly equivalent in integer cents (see the module docstring)."""
    cents = Cast(
        Func(
            F("period_fee") * Value(100),
            function="ROUND",
            output_field=DecimalField(max_digits=16, decimal_places=0),
        ),
        BigIntegerField(),
    )
    months = months_in_period()
    return ExpressionWrapper(
        (cents * Value(2) + months) / (months * Value(2)), output_field=BigIntegerField()
    )


def money(cents: int | None) -> Decimal:
    return (Decimal(cents or 0) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def active(qs: QuerySet[Agreement] | None = None) -> QuerySet[Agreement]:
    """Active agreements, including those signed for a later start (sold work)."""
    qs = Agreement.objects.all() if qs is None else qs
    return qs.filter(status=AgreementStatus.ACTIVE)


def in_force_on(day: dt.date) -> Q:
    """Active and ``day`` between the start and end dates (DOMAIN.md §8)."""
    return Q(status=AgreementStatus.ACTIVE, start_date__lte=day) & (
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )


def in_force(
    qs: QuerySet[Agreement] | None = None, today: dt.date | None = None
) -> QuerySet[Agreement]:
    qs = Agreement.objects.all() if qs is None else qs
    return qs.filter(in_force_on(today or timezone.localdate()))


def mrr(qs: QuerySet[Agreement] | None = None, today: dt.date | None = None) -> Decimal:
    """Sum of the monthly equivalents of the agreements in force today (one query)."""
    return money(in_force(qs, today).aggregate(c=Sum(monthly_cents()))["c"])


def upcoming(today: dt.date | None = None) -> list[dict[str, Any]]:
    """Active agreements signed for a later start: "starting on …" (one query)."""
    today = today or timezone.localdate()
    rows = (
        active()
        .filter(start_date__gt=today)
        .annotate(c=monthly_cents())
        .values("pk", "company_id", "company__name", "start_date", "c")
        .order_by("start_date", "company__name", "pk")
    )
    return [
        {
            "agreement_id": r["pk"],
            "company_id": r["company_id"],
            "company": r["company__name"],
            "start_date": r["start_date"],
            "mrr": money(r["c"]),
        }
        for r in rows
    ]


def totals(qs: QuerySet[Agreement] | None = None, today: dt.date | None = None) -> dict[str, Any]:
    row = in_force(qs, today).aggregate(
        c=Sum(monthly_cents()),
        agreements=Count("pk"),
        clients=Count("company", distinct=True),
        retainer_clients=Count("company", distinct=True, filter=Q(period_fee__gt=0)),
    )
    m = money(row["c"])
    retainer = row["retainer_clients"] or 0
    average = (m / retainer).quantize(CENT, rounding=ROUND_HALF_UP) if retainer else Decimal("0.00")
    return {
        "mrr": m,
        "arr": m * 12,
        "agreements": row["agreements"] or 0,
        "clients": row["clients"] or 0,
        "retainer_clients": retainer,
        "hourly_only_clients": (row["clients"] or 0) - retainer,
        "average_monthly_fee": average,
        "rule": {
            "clients": RULE_CLIENTS,
            "annual": RULE_ANNUAL,
            "monthly_per_client": RULE_MONTHLY_PER_CLIENT,
        },
        "vs_rule_pct": round(100 * average / RULE_MONTHLY_PER_CLIENT) if retainer else 0,
        "arr_vs_rule_pct": round(100 * m * 12 / RULE_ANNUAL),
        # Clients at the firm's average fee needed to book the rule's $165k a year.
        "clients_for_rule": (
            int((RULE_ANNUAL / 12 / average).to_integral_value(rounding="ROUND_CEILING"))
            if average
            else None
        ),
    }


def by_segment(
    qs: QuerySet[Agreement] | None = None, today: dt.date | None = None
) -> list[dict[str, Any]]:
    rows = (
        in_force(qs, today)
        .values("company__segment")
        .annotate(c=Sum(monthly_cents()), clients=Count("company", distinct=True))
        .order_by("-c", "company__segment")
    )
    return [
        {
            "segment": r["company__segment"] or "",
            "mrr": money(r["c"]),
            "arr": money(r["c"]) * 12,
            "clients": r["clients"],
        }
        for r in rows
    ]


def by_client(
    qs: QuerySet[Agreement] | None = None, today: dt.date | None = None
) -> list[dict[str, Any]]:
    rows = (
        in_force(qs, today)
        .values("company_id", "company__name", "company__segment")
        .annotate(c=Sum(monthly_cents()), agreements=Count("pk"))
        .order_by("-c", "company__name", "company_id")
    )
    return [
        {
            "company_id": r["company_id"],
            "company": r["company__name"],
            "segment": r["company__segment"] or "",
            "agreements": r["agreements"],
            "mrr": money(r["c"]),
            "arr": money(r["c"]) * 12,
        }
        for r in rows
    ]


def month_ends(today: dt.date, months: int = 12) -> list[dt.date]:
    """The last day of each of the previous ``months - 1`` months, then today."""
    ends = [today]
    first = today.replace(day=1)
    for _ in range(months - 1):
        end = first - dt.timedelta(days=1)
        ends.append(end)
        first = end.replace(day=1)
    return list(reversed(ends))


def _day_after(day: dt.date) -> dt.datetime:
    """Midnight starting the next day, in the current time zone (aware)."""
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _month_end(day: dt.date) -> dt.date:
    nxt = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def trend(
    today: dt.date | None = None, months: int = 12, until: dt.date | None = None
) -> list[dict[str, Any]]:
    """MRR at each month end from the agreements in force then: signed and started on or
    before it, not past its end date and not ended (expired or cancelled) before it. With
    ``until`` after today (the latest "starting on" date), the trend runs on to the end of
    that month (at most 12 months ahead) from the active agreements, marked ``ahead``. One
    query."""
    today = today or timezone.localdate()
    ends = month_ends(today, months)
    ahead: list[dt.date] = []
    if until is not None and until > today:
        last = _month_end(min(until, today + dt.timedelta(days=366)))
        end = _month_end(today)
        if end == today:
            end = _month_end(today + dt.timedelta(days=1))
        while len(ahead) < 12 and end <= last:
            ahead.append(end)
            end = _month_end(end + dt.timedelta(days=1))
    sums = {}
    for i, end in enumerate(ends):
        cutoff = _day_after(end)
        in_force_then = (
            Q(signed_at__lt=cutoff, start_date__lte=end)
            & (Q(ended_at__isnull=True) | Q(ended_at__gte=cutoff))
            & (Q(end_date__isnull=True) | Q(end_date__gte=end))
        )
        sums[f"m{i}"] = Sum(monthly_cents(), filter=in_force_then)
    for i, end in enumerate(ahead):
        sums[f"a{i}"] = Sum(monthly_cents(), filter=in_force_on(end))
    row = Agreement.objects.filter(signed_at__isnull=False).aggregate(**sums)
    return [
        {
            "month": end.strftime("%Y-%m"),
            "month_end": end,
            "mrr": money(row[f"m{i}"]),
            "ahead": False,
        }
        for i, end in enumerate(ends)
    ] + [
        {
            "month": end.strftime("%Y-%m"),
            "month_end": end,
            "mrr": money(row[f"a{i}"]),
            "ahead": True,
        }
        for i, end in enumerate(ahead)
    ]


def summary(today: dt.date | None = None) -> dict[str, Any]:
    """Everything the revenue page and GET /revenue show (five queries)."""
    today = today or timezone.localdate()
    starting = upcoming(today)
    until = max((u["start_date"] for u in starting), default=None)
    return {
        **totals(today=today),
        "by_segment": by_segment(today=today),
        "by_client": by_client(today=today),
        "upcoming": starting,
        "trend": trend(today, until=until),
        "today": today,
    }


# --- the trend chart (server-rendered SVG geometry) ---------------------------------------

CHART_W, CHART_H = 760, 260
PAD_L, PAD_R, PAD_T, PAD_B = 70, 16, 16, 30
STEPS = [Decimal(s) for s in (100, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 25000, 50000)]


def _step(top: Decimal) -> Decimal:
    for s in STEPS:
        if top / s <= 5:
            return s
    step = STEPS[-1]
    while top / step > 5:
        step *= 2
    return step


def trend_chart(points: list[dict[str, Any]]) -> dict[str, Any]:
    """Bars for MRR at each month end, a y axis with round gridlines, month labels."""
    top = max([p["mrr"] for p in points] + [Decimal(1)])
    step = _step(top)
    ceiling = step * ((top / step).to_integral_value(rounding="ROUND_CEILING"))
    plot_w = CHART_W - PAD_L - PAD_R
    plot_h = CHART_H - PAD_T - PAD_B
    slot = plot_w / max(len(points), 1)
    bar_w = slot * 0.62
    bars = []
    for i, p in enumerate(points):
        h = float(p["mrr"] / ceiling) * plot_h if ceiling else 0.0
        x = PAD_L + i * slot + (slot - bar_w) / 2
        bars.append(
            {
                "x": round(x, 1),
                "y": round(PAD_T + plot_h - h, 1),
                "w": round(bar_w, 1),
                "h": round(h, 1),
                "cx": round(x + bar_w / 2, 1),
                "label": p["month_end"].strftime("%b %y"),
                "mrr": p["mrr"],
                "value_y": round(PAD_T + plot_h - h - 5, 1),
                "ahead": p.get("ahead", False),
                # The bar for today, which carries its value.
                "last": not p.get("ahead", False)
                and (i == len(points) - 1 or points[i + 1].get("ahead", False)),
            }
        )
    grid = []
    n = int(ceiling / step)
    for k in range(n + 1):
        value = step * k
        y = PAD_T + plot_h - float(value / ceiling) * plot_h
        grid.append({"y": round(y, 1), "label": f"${value:,.0f}"})
    return {
        "width": CHART_W,
        "height": CHART_H,
        "bars": bars,
        "grid": grid,
        "left": PAD_L,
        "right": CHART_W - PAD_R,
        "axis_y": PAD_T + plot_h,
        "label_y": CHART_H - 10,
    }


# --- sold work per service (for the certification planner) --------------------------------


def sold_value_by_service() -> dict[int, Decimal]:
    """Annual value of the work active agreements include, per service: each agreement's
    ARR split evenly over the services in its signed terms. The certification planner can
    pass this as ``sold_value`` (service -> annual value). One query."""
    out: dict[int, Decimal] = {}
    rows = active().annotate(mc=monthly_cents()).values_list("terms", "mc")
    for terms, cents in rows:
        services = [s["id"] for s in (terms or {}).get("services", [])]
        if not services:
            continue
        share = (money(cents) * 12 / len(services)).quantize(CENT, rounding=ROUND_HALF_UP)
        for sid in services:
            out[sid] = out.get(sid, Decimal("0.00")) + share
    return out
