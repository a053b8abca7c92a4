"""The agreement PDF: it renders, it says what was sold, and it reaches the right people."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sweetspot.agreements import pdf, services
from sweetspot.agreements.models import Plan
from sweetspot.core.testing import pdf_text

from .test_pages import make_agreement, make_plan, make_team

pytestmark = pytest.mark.django_db


def test_the_pdf_has_the_fee_and_every_included_service(client_for, harbor):
    team = make_team()
    plan = make_plan(
        "PDF Premium",
        [team["desktop"], team["lan"], team["mainframe"]],
        fee="1950.00",
        p1_response_minutes=60,
        overage_rate=Decimal("115.00"),
    )
    agreement = make_agreement(
        harbor, plan, renewal="automatic", notice_days=45, end_date=dt.date(2099, 12, 31)
    )
    r = client_for("olivia").get(f"/agreements/{agreement.pk}/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert f"agreement-harbor-dental-{agreement.pk}.pdf" in r["Content-Disposition"]
    text = pdf_text(r.content)
    assert "$1,950.00 per month" in text and "$115.00 per hour" in text
    for name in ["Agr desktop support", "Agr LAN care", "Agr mainframe care"]:
        assert name in text, name
    assert "Agr LAN care, in plain words." in text  # the catalog's plain-language description
    assert "Brightline IT" in text and "Harbor Dental" in text
    assert "Hana Hughes" in text  # the primary contact
    assert "P1 Emergency" in text and "1 business hour" in text
    assert "2 scheduled half-days on site each month" in text
    assert "renews automatically" in text and "45 days" in text
    assert "Signatures" in text and "DRAFT" not in text


def test_signed_pdf_keeps_the_signed_terms(client_for, harbor):
    plan = make_plan("PDF Snap", [], fee="1500.00")
    agreement = make_agreement(harbor, plan)
    services.update_plan(None, Plan.objects.get(pk=plan.pk), {"monthly_fee": Decimal("1700.00")})
    text = pdf_text(client_for("dan").get(f"/agreements/{agreement.pk}/pdf/").content)
    assert "$1,500.00 per month" in text and "1,700" not in text


def test_draft_and_hourly_pdfs(harbor):
    hourly = make_plan(
        "PDF Hourly", [], fee="0.00", hourly_only=True, onsite_half_days_per_month=Decimal(0)
    )
    draft = make_agreement(harbor, hourly, activate=False)
    text = pdf_text(pdf.render_pdf(draft))
    assert "DRAFT" in text and "draft for discussion" in text
    assert "Hourly: $125.00 per hour" in text and "As needed" in text


def test_who_may_download(client_for, harbor, maple):
    plan = make_plan("PDF Who", [])
    harbor_active = make_agreement(harbor, plan)
    harbor_draft = make_agreement(harbor, plan, activate=False)
    maple_active = make_agreement(maple, plan)
    assert client_for("hana").get(f"/agreements/{harbor_active.pk}/pdf/").status_code == 200
    assert client_for("hana").get(f"/agreements/{maple_active.pk}/pdf/").status_code == 404
    assert client_for("hana").get(f"/agreements/{harbor_draft.pk}/pdf/").status_code == 404
    assert client_for("milo").get(f"/agreements/{maple_active.pk}/pdf/").status_code == 200
    assert client_for("tara").get(f"/agreements/{harbor_active.pk}/pdf/").status_code == 404
    for staff in ["olivia", "dan", "sam"]:
        assert client_for(staff).get(f"/agreements/{harbor_draft.pk}/pdf/").status_code == 200


def test_targets_are_in_business_terms_on_the_pdf_and_page(client_for, harbor):
    """Issue 14 item 11: a 1,440-minute P4 target read "1 day" although the clock counts
    business minutes (24 business hours = 2.7 business days of 9 hours); the PDF now says so
    and states that targets run in business hours."""
    plan = make_plan("PDF Business", [], p4_response_minutes=1440, p3_response_minutes=540)
    agreement = make_agreement(harbor, plan)
    text = " ".join(
        pdf_text(client_for("hana").get(f"/agreements/{agreement.pk}/pdf/").content).split()
    )
    assert "24 business hours (2.7 business days)" in text
    assert "1 business day (9 business hours)" in text
    assert "Targets run in business hours" in text
    assert "1 day" not in text
    page = client_for("olivia").get(f"/agreements/{agreement.pk}/").content.decode()
    assert "24 business hours (2.7 business days)" in page
    assert "Targets run in business hours" in page
