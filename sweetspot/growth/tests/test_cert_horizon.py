"""The cert planner honours the firm's payback horizon on the page (issue 14 item 15)."""

from __future__ import annotations

import pytest

from sweetspot.core.models import Firm

pytestmark = pytest.mark.django_db


def test_a_short_horizon_shows_not_worth_it_now_and_no_next_step(full_demo, client_for):
    olivia = client_for("olivia")
    before = olivia.get("/growth/certifications/plan/").content.decode()
    assert "next step" in before
    Firm.objects.update(cert_payback_horizon_months=1)
    after = olivia.get("/growth/certifications/plan/").content.decode()
    assert "not worth it now" in after
    rows = after.split("<tr")
    assert not [r for r in rows if "next step" in r and "not worth it now" in r]
    assert after.count("next step") < before.count("next step")
