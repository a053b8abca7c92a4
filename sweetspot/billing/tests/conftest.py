"""A small billing world: one firm, Tara ($100/h), Quill Data ($175/h, subcontractor),
Harbor Dental on a monthly agreement (1,000.00, 10 included hours, overage 120.00/h,
signed 2026-01-01) and Fern Bakery without one (break-fix)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal as D
from typing import Any

import pytest
from django.utils import timezone

from sweetspot.agreements import services as agreement_services
from sweetspot.agreements.models import Agreement
from sweetspot.clients.models import Company
from sweetspot.core.models import Firm, Role, User
from sweetspot.desk.models import TimeEntry
from sweetspot.team.models import Subcontractor, Technician

DEC = dt.date(2026, 12, 1)
NOV = dt.date(2026, 11, 1)


@dataclass
class World:
    firm: Firm
    olivia: User
    tara: Technician
    quill: Subcontractor
    harbor: Company
    fern: Company
    agreement: Agreement

    def entry(
        self,
        day: dt.date,
        minutes: int,
        *,
        company: Company | None = None,
        agreement: Agreement | None | bool = True,
        sub: bool = False,
        **kw: Any,
    ) -> TimeEntry:
        company = company or self.harbor
        if agreement is True:
            agreement = self.agreement if company == self.harbor else None
        return TimeEntry.objects.create(
            technician=None if sub else self.tara,
            subcontractor=self.quill if sub else None,
            company=company,
            agreement=agreement or None,
            work_date=day,
            minutes=minutes,
            **kw,
        )


def make_agreement(company: Company, actor: User | None = None, **plan: Any) -> Agreement:
    data = {
        "name": plan.pop("name", f"Plan for {company.name}"),
        "monthly_fee": D("1000.00"),
        "included_hours_per_month": D("10"),
        "overage_rate": D("120.00"),
    } | plan
    p = agreement_services.create_plan(actor, data, [])
    draft = agreement_services.create_draft(
        actor, {"company": company, "plan": p, "start_date": dt.date(2026, 1, 1)}
    )
    signed = timezone.make_aware(dt.datetime(2026, 1, 1, 10))
    return agreement_services.activate(actor, draft, signed_at=signed)


@pytest.fixture
def world(db) -> World:
    firm = Firm.current()
    olivia = User.objects.create_user("olivia", password="x", role=Role.OWNER)
    tara = Technician.objects.create(name="Tara Tran", bill_rate=D("100.00"))
    quill = Subcontractor.objects.create(company_name="Quill Data", bill_rate=D("175.00"))
    harbor = Company.objects.create(name="Harbor Dental", status="client")
    fern = Company.objects.create(name="Fern Bakery", status="client")
    agreement = make_agreement(harbor, olivia, name="Premium")
    return World(firm, olivia, tara, quill, harbor, fern, agreement)
