"""Time entries feed the promise check's capacity history and the owner's effective rate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from sweetspot.agreements import engine, promise, usage
from sweetspot.agreements.models import Agreement
from sweetspot.agreements.tests.test_pages import make_agreement, make_plan, make_team
from sweetspot.core.models import Firm
from sweetspot.desk.models import Ticket, TimeEntry
from sweetspot.team.models import Technician

pytestmark = pytest.mark.django_db


def _entry(agreement: Agreement | None, minutes: int, days_ago: int = 5, **extra: Any) -> TimeEntry:
    tech = Technician.objects.get(name="Una Agr")
    return TimeEntry.objects.create(
        technician=tech,
        agreement=agreement,
        company=agreement.company if agreement else extra.pop("company", None),
        work_date=timezone.localdate() - dt.timedelta(days=days_ago),
        minutes=minutes,
        **extra,
    )


def _required(agreement: Agreement) -> Decimal:
    firm = Firm.current()
    return engine.check(
        promise.terms_for([agreement]),
        promise.load_members(),
        promise.load_services(),
        promise.settings_for(firm),
        promise.load_certs(),
    ).required_hours


def test_capacity_uses_plan_defaults_without_history(maple):
    team = make_team()
    agreement = make_agreement(maple, make_plan("Usage plan", [team["desktop"]]))
    [terms] = promise.terms_for([agreement])
    assert terms.expected_remote_hours_per_month == Decimal(4)
    assert terms.expected_phone_hours_per_month == Decimal(1)
    half_day = Firm.current().hours_per_half_day
    assert _required(agreement) == engine._hours(2 * half_day + 4 + 1)


def test_capacity_follows_time_entry_history(maple, django_assert_max_num_queries):
    team = make_team()
    agreement = make_agreement(maple, make_plan("Usage plan", [team["desktop"]]))
    other = make_agreement(maple, make_plan("Other plan", [team["desktop"]]))
    _entry(agreement, 540, work_type="remote")  # 9 h over 3 months → 3 h a month
    _entry(agreement, 60, work_type="onsite")  # not remote or phone
    _entry(agreement, 600, days_ago=120, work_type="remote")  # outside the 90 days
    ticket = Ticket.objects.create(
        company=maple, agreement=agreement, subject="Printer", created_at=timezone.now()
    )
    _entry(None, 360, company=maple, ticket=ticket, work_type="phone")  # via the ticket: 2 h
    with django_assert_max_num_queries(1):
        measured = usage.measured_hours([agreement.pk, other.pk])
    assert measured == {agreement.pk: usage.Measured(Decimal("3.00"), Decimal("2.00"))}

    terms, other_terms = promise.terms_for([agreement, other])
    assert terms.expected_remote_hours_per_month == Decimal("3.00")
    assert terms.expected_phone_hours_per_month == Decimal("2.00")
    assert other_terms.expected_remote_hours_per_month == Decimal(4)  # no history: defaults
    half_day = Firm.current().hours_per_half_day
    assert _required(agreement) == engine._hours(2 * half_day + 3 + 2)


def test_drafts_keep_plan_defaults(maple):
    team = make_team()
    draft = make_agreement(maple, make_plan("Draft plan", [team["desktop"]]), activate=False)
    _entry(draft, 540, work_type="remote")
    [terms] = promise.terms_for([draft])
    assert terms.expected_remote_hours_per_month == Decimal(4)


def test_effective_rate_owner_only(maple, client_for):
    team = make_team()
    agreement = make_agreement(maple, make_plan("Rate plan", [team["desktop"]], fee="1500.00"))
    url = f"/agreements/{agreement.pk}/"

    page = client_for("olivia").get(url).content.decode()
    assert 'data-testid="effective-rate"' in page
    assert "no hours recorded" in page

    _entry(agreement, 1800)  # 30 h
    _entry(agreement, 600, out_of_scope=True)  # billed at overage: not under the fee
    r = client_for("olivia").get(url)
    assert r.context["effective_rate"].rate == Decimal("150.00")  # 4,500 ÷ 30 h
    assert "$150.00/h" in r.content.decode()

    for who in ["dan", "sam"]:
        r = client_for(who).get(url)
        assert r.status_code == 200
        assert "effective_rate" not in r.context
        page = r.content.decode()
        assert "effective-rate" not in page
        assert "Effective hourly rate" not in page
