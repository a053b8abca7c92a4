"""MRR, ARR, by segment and client, the 12-month trend, the demo seed; owner only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sweetspot.agreements import revenue, services
from sweetspot.agreements.models import MONTHS_IN_PERIOD, Agreement, AgreementStatus, Plan
from sweetspot.clients.models import Company

from .test_pages import make_agreement, make_plan, no_agreements

pytestmark = pytest.mark.django_db

fees = st.decimals(
    min_value=Decimal("0.00"),
    max_value=Decimal("250000.00"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
rows = st.lists(
    st.tuples(
        fees,
        st.sampled_from(list(MONTHS_IN_PERIOD)),
        st.sampled_from([s.value for s in AgreementStatus]),
    ),
    max_size=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=rows)
def test_mrr_is_the_sum_of_active_monthly_equivalents(db, rows):
    """The SQL aggregate (integer cents, half-up per agreement) equals Python's Decimal sum of
    ``services.monthly_equivalent`` over active agreements; annual and quarterly fees are
    normalised; drafts, expired and cancelled agreements do not count."""
    with transaction.atomic():
        plan = Plan.objects.create(name="Hypothesis plan")
        company = Company.objects.create(name="Hypothesis Co", segment="sweet_spot")
        for fee, cadence, status in rows:
            Agreement.objects.create(
                company=company,
                plan=plan,
                status=status,
                start_date=dt.date(2026, 1, 1),
                period_fee=fee,
                billing_cadence=cadence,
            )
        expected = sum(
            (
                services.monthly_equivalent(fee, cadence)
                for fee, cadence, status in rows
                if status == AgreementStatus.ACTIVE
            ),
            Decimal("0.00"),
        )
        mrr = revenue.mrr()
        assert isinstance(mrr, Decimal)
        assert mrr == expected
        totals = revenue.totals()
        assert totals["mrr"] == expected and totals["arr"] == expected * 12
        assert sum((r["mrr"] for r in revenue.by_client()), Decimal("0.00")) == expected
        assert sum((r["mrr"] for r in revenue.by_segment()), Decimal("0.00")) == expected
        transaction.set_rollback(True)


def test_worked_example_annual_and_quarterly_are_normalised(db):
    plan = Plan.objects.create(name="Worked")
    acme = Company.objects.create(name="Acme", segment="sweet_spot")
    big = Company.objects.create(name="Big", segment="upper")
    for company, fee, cadence in [
        (acme, "1500.00", "monthly"),
        (acme, "3000.00", "quarterly"),  # 1000.00 a month
        (big, "20000.00", "annual"),  # 1666.666… → 1666.67 a month
        (big, "100.01", "quarterly"),  # 33.336… → 33.34
    ]:
        Agreement.objects.create(
            company=company,
            plan=plan,
            status="active",
            start_date=dt.date(2026, 1, 1),
            period_fee=Decimal(fee),
            billing_cadence=cadence,
        )
    assert revenue.mrr() == Decimal("4200.01")
    t = revenue.totals()
    assert t["arr"] == Decimal("50400.12") and t["clients"] == 2
    assert t["average_monthly_fee"] == Decimal("2100.01")  # 4200.01 / 2, half-up
    seg = {r["segment"]: r["mrr"] for r in revenue.by_segment()}
    assert seg == {"sweet_spot": Decimal("2500.00"), "upper": Decimal("1700.01")}
    assert [r["company"] for r in revenue.by_client()] == ["Acme", "Big"]


def test_hourly_only_clients_are_counted_apart_from_the_average(db):
    hourly = Plan.objects.create(name="Hourly", hourly_only=True, overage_rate=Decimal(125))
    retainer = Plan.objects.create(name="Retainer", monthly_fee=Decimal("1500.00"))
    a = Company.objects.create(name="A")
    b = Company.objects.create(name="B")
    make_agreement(a, retainer)
    make_agreement(b, hourly)
    t = revenue.totals()
    assert t["clients"] == 2 and t["retainer_clients"] == 1 and t["hourly_only_clients"] == 1
    assert t["average_monthly_fee"] == Decimal("1500.00")


def test_trend_counts_agreements_in_force_at_each_month_end(db):
    today = dt.date(2026, 11, 25)
    plan = Plan.objects.create(name="Trend", monthly_fee=Decimal("1000.00"))
    co = Company.objects.create(name="Trend Co")

    def signed(start: dt.date, ended: dt.date | None = None, status: str = "active") -> None:
        tz = timezone.get_current_timezone()
        Agreement.objects.create(
            company=co,
            plan=plan,
            status=status,
            start_date=start,
            period_fee=Decimal("1000.00"),
            signed_at=dt.datetime.combine(start, dt.time(9), tzinfo=tz),
            ended_at=dt.datetime.combine(ended, dt.time(17), tzinfo=tz) if ended else None,
        )

    signed(dt.date(2025, 6, 1))  # before the window: counts in every month
    signed(dt.date(2026, 3, 31))  # counts from March (signed on the month end itself)
    signed(dt.date(2026, 2, 10), ended=dt.date(2026, 8, 15), status="expired")  # Feb–Jul
    signed(dt.date(2026, 11, 20))  # this month only
    Agreement.objects.create(  # a draft never counts
        company=co, plan=plan, start_date=dt.date(2026, 1, 1), period_fee=Decimal("1000.00")
    )
    points = revenue.trend(today)
    assert [p["month"] for p in points][:2] == ["2025-12", "2026-01"]
    assert points[-1]["month_end"] == today and len(points) == 12
    got = {p["month"]: p["mrr"] for p in points}
    assert got["2025-12"] == Decimal("1000.00")
    assert got["2026-01"] == Decimal("1000.00")
    assert got["2026-02"] == Decimal("2000.00")
    assert got["2026-03"] == Decimal("3000.00")
    assert got["2026-07"] == Decimal("3000.00")
    assert got["2026-08"] == Decimal("2000.00")
    assert got["2026-10"] == Decimal("2000.00")
    assert got["2026-11"] == Decimal("3000.00")
    chart = revenue.trend_chart(points)
    assert len(chart["bars"]) == 12 and chart["bars"][-1]["last"]
    assert chart["grid"][-1]["label"] == "$3,000"


def test_month_ends_cross_year_and_february():
    ends = revenue.month_ends(dt.date(2028, 3, 10), 4)
    assert ends == [
        dt.date(2027, 12, 31),
        dt.date(2028, 1, 31),
        dt.date(2028, 2, 29),
        dt.date(2028, 3, 10),
    ]


def test_revenue_is_the_owners_alone(client_for, maple):
    no_agreements()
    make_agreement(maple, make_plan("Owner plan", [], fee="1950.00"))
    page = client_for("olivia").get("/agreements/revenue/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "$1,950" in html and "$23,400" in html and "<svg" in html and "$165,000" in html
    api = client_for("olivia").get("/api/v1/revenue").json()
    assert api["mrr"] == "1950.00" and api["arr"] == "23400.00"
    assert len(api["trend"]) == 12 and api["rule"]["monthly_per_client"] == "1718.75"
    for who in ["dan", "sam", "tara", "hana", "milo"]:
        assert client_for(who).get("/agreements/revenue/").status_code == 404, who
        assert client_for(who).get("/api/v1/revenue").status_code == 404, who


def test_demo_seed_books_about_165k_and_is_idempotent(demo):
    from sweetspot.agreements.seed import seed_agreements
    from sweetspot.catalog.seed import seed_catalog
    from sweetspot.team.seed import seed_team

    seed_team()
    seed_catalog()
    first = seed_agreements()
    assert seed_agreements() == first
    t = revenue.totals()
    assert t["mrr"] == Decimal("13850.00") and t["arr"] == Decimal("166200.00")
    assert t["clients"] == 8 and abs(t["arr"] - revenue.RULE_ANNUAL) < Decimal("2500")
    trend = [p["mrr"] for p in revenue.trend()]
    assert trend == sorted(trend) and trend[0] < trend[-1]
    assert Agreement.objects.filter(status="draft", company__name="Lakeside Manufacturing").exists()
    premium = Plan.objects.get(name="Premium")
    names = set(premium.services.values_list("name", flat=True))
    assert {"Desktop support", "LAN administration", "Firewall management"} <= names
    assert Plan.objects.get(name="Hourly break-fix").hourly_only
    from sweetspot.agreements.queries import renewals_due

    due = [a.company.name for a in renewals_due(Agreement.objects.all(), timezone.localdate())]
    assert "Harbor Dental" in due
    sold = revenue.sold_value_by_service()
    assert sum(sold.values()) == pytest.approx(t["arr"], abs=Decimal("1.00"))


def test_mrr_counts_only_agreements_in_force_today(client_for, maple, harbor):
    """Issue 14 item 10: an agreement signed today for a start next quarter counted in MRR and
    ARR at once. Only agreements in force today count (DOMAIN.md §8); a later start shows as
    "starting on …" and in the trend from its month."""
    no_agreements()
    today = timezone.localdate()
    plan = make_plan("In force plan", [], fee="1000.00")
    make_agreement(maple, plan)
    later = today + dt.timedelta(days=70)
    future = make_agreement(harbor, make_plan("Later plan", [], fee="2500.00"), start_date=later)
    assert future.status == AgreementStatus.ACTIVE
    ended = make_agreement(maple, plan, start_date=today - dt.timedelta(days=400))
    Agreement.objects.filter(pk=ended.pk).update(end_date=today - dt.timedelta(days=1))

    assert revenue.mrr() == Decimal("1000.00")
    data = revenue.summary(today)
    assert data["mrr"] == Decimal("1000.00") and data["arr"] == Decimal("12000.00")
    assert data["agreements"] == 1 and [r["company"] for r in data["by_client"]] == ["Maple Law"]
    assert [(u["company"], u["start_date"], u["mrr"]) for u in data["upcoming"]] == [
        ("Harbor Dental", later, Decimal("2500.00"))
    ]
    past = [p for p in data["trend"] if not p["ahead"]]
    ahead = [p for p in data["trend"] if p["ahead"]]
    assert len(past) == 12 and past[-1]["mrr"] == Decimal("1000.00")
    assert ahead and ahead[-1]["month"] == later.strftime("%Y-%m")
    assert ahead[-1]["mrr"] == Decimal("3500.00")  # from the month it starts
    assert all(p["mrr"] == Decimal("1000.00") for p in ahead if p["month_end"] < later)

    html = client_for("olivia").get("/agreements/revenue/").content.decode()
    assert f"starting on {later:%B} {later.day}, {later.year}" in html
    api = client_for("olivia").get("/api/v1/revenue").json()
    assert api["mrr"] == "1000.00" and api["upcoming"][0]["start_date"] == later.isoformat()
    detail = client_for("olivia").get(f"/agreements/{future.pk}/").content.decode()
    assert f"starting on {later:%B} {later.day}, {later.year}" in detail
    listing = client_for("olivia").get("/agreements/").content.decode()
    assert "starting on" in listing
