"""Human labels in the UI (issue 14 item 16): no `monthly_it_budget`, `no_capacity` or
`lan wan` on the pages."""

from __future__ import annotations

import pytest

from sweetspot.web.templatetags.sweetspot import words

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("lan_wan", "LAN/WAN"),
        ("monthly_it_budget", "monthly IT budget"),
        ("no_capacity", "nobody qualified has the hours left"),
        ("sweet_spot", "sweet spot"),
        ("not_a_fit", "not a fit"),
    ],
)
def test_words(key, label):
    assert words(key) == label


def test_the_assessment_reasons_name_signals_in_words(demo, client_for, harbor):
    html = client_for("sam").get(f"/growth/companies/{harbor.pk}/assess/").content.decode()
    assert "Monthly IT budget" in html or "Downtime cost per hour" in html
    body = html.split('id="result-card"', 1)[1]
    assert "monthly_it_budget" not in body and "downtime_cost_per_hour" not in body
