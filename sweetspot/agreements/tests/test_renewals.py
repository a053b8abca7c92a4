"""Agreement renewals (issue 14 item 14): renew with the same terms or the plan's current
ones; a draft's end date follows a changed start date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from sweetspot.agreements import services
from sweetspot.agreements.models import AgreementStatus

from .test_pages import make_agreement, make_plan, no_agreements

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(demo, harbor):
    no_agreements()
    plan = make_plan("Standard", [], fee="1500.00")
    start = dt.date(2026, 3, 1)
    agreement = make_agreement(harbor, plan, start_date=start, end_date=dt.date(2027, 2, 28))
    return plan, agreement


def test_next_term_end_keeps_whole_months_and_otherwise_days():
    assert services.next_term_end(
        dt.date(2027, 3, 1), dt.date(2026, 3, 1), dt.date(2027, 2, 28)
    ) == dt.date(2028, 2, 29)
    assert services.next_term_end(
        dt.date(2026, 1, 10), dt.date(2025, 1, 1), dt.date(2025, 1, 15)
    ) == dt.date(2026, 1, 24)


def test_renew_with_the_same_terms_keeps_the_signed_fee(signed):
    plan, agreement = signed
    services.update_plan(None, plan, {"monthly_fee": Decimal("1800.00")}, None)
    draft = services.renew(None, agreement, "same")
    assert draft.status == AgreementStatus.DRAFT
    assert (draft.start_date, draft.end_date) == (dt.date(2027, 3, 1), dt.date(2028, 2, 29))
    assert draft.period_fee == agreement.period_fee
    signed_again = services.activate(None, draft)
    assert signed_again.period_fee == agreement.period_fee
    assert signed_again.terms["plan_name"] == agreement.terms["plan_name"]


def test_renew_with_the_plans_current_terms(signed):
    plan, agreement = signed
    services.update_plan(None, plan, {"monthly_fee": Decimal("1800.00")}, None)
    draft = services.activate(None, services.renew(None, agreement, "plan"))
    assert draft.period_fee == Decimal("1800.00") * (draft.period_fee / Decimal("1800.00"))
    assert draft.period_fee != agreement.period_fee


def test_a_second_renewal_and_open_ended_ones_are_refused(signed, harbor):
    plan, agreement = signed
    services.renew(None, agreement, "same")
    with pytest.raises(ValidationError, match="already has the next term"):
        services.renew(None, agreement, "same")
    open_ended = make_agreement(harbor, plan, activate=False)
    with pytest.raises(ValidationError):
        services.renew(None, open_ended, "same")


def test_a_drafts_end_date_follows_its_start_date(demo, harbor):
    no_agreements()
    plan = make_plan("Standard", [])
    draft = make_agreement(
        harbor, plan, activate=False, start_date=dt.date(2027, 1, 1), end_date=dt.date(2027, 12, 31)
    )
    services.update_draft(
        None, draft, {"start_date": dt.date(2027, 2, 1), "end_date": draft.end_date}
    )
    assert draft.end_date == dt.date(2028, 1, 31)
    services.update_draft(
        None, draft, {"start_date": dt.date(2027, 3, 1), "end_date": dt.date(2027, 6, 30)}
    )
    assert draft.end_date == dt.date(2027, 6, 30)  # a changed end date is kept


def test_the_renew_button(signed, client_for):
    _, agreement = signed
    olivia = client_for("olivia")
    page = olivia.get(f"/agreements/{agreement.pk}/").content.decode()
    assert "Renew" in page and "the plan's current terms" in page
    response = olivia.post(f"/agreements/{agreement.pk}/renew/", {"terms": "same"})
    assert response.status_code == 302
    assert client_for("tara").post(f"/agreements/{agreement.pk}/renew/").status_code == 404
