"""The certification planner's revenue and upper-segment hours come from time entries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from sweetspot.agreements.tests.test_pages import make_agreement, make_plan, make_team
from sweetspot.clients.models import Company
from sweetspot.desk.models import TimeEntry
from sweetspot.growth import cert_services
from sweetspot.team.models import Technician

pytestmark = pytest.mark.django_db


def test_revenue_and_upper_hours_from_time_entries(maple, django_assert_num_queries):
    team = make_team()
    agreement = make_agreement(maple, make_plan("Cert plan", [team["desktop"]]))  # overage 125
    upper = Company.objects.create(name="Cert Upper Corp", segment="upper")
    tech = Technician.objects.create(name="Cert Tess", bill_rate=Decimal(100))
    today = timezone.localdate()
    before = cert_services._trailing_revenue(today)
    assert tech.pk not in cert_services._upper_hours(today)

    def entry(minutes: int, days_ago: int = 10, **extra: object) -> None:
        TimeEntry.objects.create(
            technician=tech,
            work_date=today - dt.timedelta(days=days_ago),
            minutes=minutes,
            **extra,  # type: ignore[arg-type]
        )

    entry(120, company=maple, agreement=agreement)  # 2 h × 100 = 200
    entry(60, company=maple, agreement=agreement, out_of_scope=True)  # 1 h × 125 overage
    entry(90, company=upper)  # 1.5 h × 100 = 150, upper
    entry(600, company=upper, billable=False)  # not billable
    entry(600, internal_category="training")  # internal
    entry(600, company=upper, days_ago=400)  # older than 12 months

    with django_assert_num_queries(1):
        after = cert_services._trailing_revenue(today)
    assert after - before == Decimal("475.00")
    with django_assert_num_queries(1):
        upper_hours = cert_services._upper_hours(today)
    assert upper_hours[tech.pk] == Decimal("1.50")

    inputs = cert_services.load_inputs(today)
    assert inputs.trailing_revenue == after
    assert inputs.upper_hours[tech.pk] == Decimal("1.50")
    assert inputs.subcontract_spend == {}
    assert any("time entries" in n for n in inputs.notes)
    assert any("Subcontractors log no time entries" in n for n in inputs.notes)
