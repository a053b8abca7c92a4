"""Renewals over the API (issue 14): POST /api/v1/agreements/{id}/renew drafts the next term
with the page's service and permission; a term that cannot be renewed answers 409 naming
why, and nothing is drafted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sweetspot.agreements import services
from sweetspot.agreements.models import Agreement, AgreementStatus

from .test_pages import make_agreement, make_plan, no_agreements

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(demo, harbor):
    no_agreements()
    plan = make_plan("Standard", [], fee="1500.00")
    agreement = make_agreement(
        harbor, plan, start_date=dt.date(2026, 3, 1), end_date=dt.date(2027, 2, 28)
    )
    return plan, agreement


def _renew(client, pk, body=None):
    return client.post(
        f"/api/v1/agreements/{pk}/renew", body or {}, content_type="application/json"
    )


def test_sales_renews_with_the_plans_current_terms(signed, client_for):
    plan, agreement = signed
    services.update_plan(None, plan, {"monthly_fee": Decimal("1800.00")}, None)
    r = _renew(client_for("sam"), agreement.pk, {"terms": "plan"})
    assert r.status_code == 201, r.content
    body = r.json()
    draft = Agreement.objects.get(pk=body["id"])
    assert draft.pk != agreement.pk and draft.status == AgreementStatus.DRAFT
    assert (body["status"], body["start_date"], body["end_date"]) == (
        "draft",
        "2027-03-01",
        "2028-02-29",
    )
    assert Decimal(body["monthly_equivalent"]) == Decimal("1800.00")
    assert "renewal_of" not in body["terms"]


def test_the_same_terms_are_the_default_and_keep_the_signed_fee(signed, client_for):
    plan, agreement = signed
    services.update_plan(None, plan, {"monthly_fee": Decimal("1800.00")}, None)
    r = _renew(client_for("olivia"), agreement.pk)
    assert r.status_code == 201, r.content
    body = r.json()
    assert Decimal(body["period_fee"]) == agreement.period_fee
    assert body["terms"]["renewal_of"] == agreement.pk


def test_a_term_that_cannot_be_renewed_answers_409_naming_why(signed, harbor, client_for):
    plan, agreement = signed
    c = client_for("sam")
    assert _renew(c, agreement.pk).status_code == 201
    drafts = Agreement.objects.count()
    again = _renew(c, agreement.pk)
    assert again.status_code == 409
    assert "already has the next term" in again.json()["detail"]
    open_ended = make_agreement(harbor, plan, start_date=dt.date(2026, 1, 1))
    r = _renew(c, open_ended.pk)
    assert r.status_code == 409 and "open-ended" in r.json()["detail"]
    draft = make_agreement(harbor, plan, activate=False, end_date=dt.date(2030, 1, 1))
    r = _renew(c, draft.pk)
    assert r.status_code == 409 and "Only an active or expired" in r.json()["detail"]
    assert Agreement.objects.count() == drafts + 2  # the two made here, no renewal


def test_bad_terms_are_422_and_roles_follow_the_page(signed, client_for):
    _, agreement = signed
    r = _renew(client_for("sam"), agreement.pk, {"terms": "cheaper"})
    assert r.status_code == 422
    r = _renew(client_for("sam"), agreement.pk, {"terms": "same", "fee": "1"})
    assert r.status_code == 422
    # Dispatchers read agreements but do not draft them; client contacts never see them here.
    for persona in ("dan", "tara", "hana"):
        assert _renew(client_for(persona), agreement.pk).status_code == 404, persona
    assert _renew(client_for("sam"), 999_999).status_code == 404
    assert Agreement.objects.count() == 1
