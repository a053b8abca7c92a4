"""The client portal shows the client's view only (issue 14 item 3): Hana's company page and
GET /api/v1/companies/{own id} for her token showed the firm's internal sales data."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

INTERNAL_WORDS = [
    "Annual revenue",
    "Downtime cost",
    "IT budget",
    "Supported now by",
    "Sweet spot",
    "Qualification",
    "Fit score",
    "Environment",
]


def test_hanas_company_page_shows_her_view_not_the_firms_sales_data(full_demo, client_for, harbor):
    harbor.notes = "Owner is price-sensitive; upsell the backup."
    harbor.save(update_fields=["notes"])
    hana = client_for("hana")
    assert hana.get(f"/clients/{harbor.pk}/").url == "/my-company/"
    html = hana.get("/my-company/").content.decode()
    for word in [*INTERNAL_WORDS, "price-sensitive"]:
        assert word not in html, word
    # Her company's contacts and sites, her tickets with targets and who is on them,
    # agreements and invoices.
    for section in ["open-tickets", "agreements", "invoices", "contacts", "sites"]:
        assert f'id="{section}"' in html
    assert "Hana Hughes" in html and "12 Wharf Rd" in html
    assert "business hour" in html  # targets in business terms
    assert "Maple Law" not in html


def test_open_tickets_name_who_is_on_them_and_the_targets(full_demo, client_for, harbor):
    from sweetspot.desk.models import OPEN_STATUSES, Ticket

    assigned = (
        Ticket.objects.filter(company=harbor, status__in=OPEN_STATUSES, technician__isnull=False)
        .select_related("technician")
        .first()
    )
    assert assigned is not None
    html = client_for("hana").get("/my-company/").content.decode()
    row = html.split(f'href="/desk/portal/{assigned.pk}/"', 1)[1].split("</tr>", 1)[0]
    assert assigned.technician.name in row
    assert "within" in row


def test_the_api_gives_a_client_token_the_client_schema(demo, api_token, harbor):
    from django.test import Client

    hana = Client(HTTP_AUTHORIZATION=f"Bearer {api_token('hana')}")
    one = hana.get(f"/api/v1/companies/{harbor.pk}").json()
    assert set(one) == {"id", "name", "sites", "contacts"}
    assert one["contacts"][0]["name"] == "Hana Hughes"
    assert "monthly_it_budget" not in str(one) and "segment" not in str(one)
    listing = hana.get("/api/v1/companies").json()
    assert listing["count"] == 1 and set(listing["items"][0]) == {"id", "name", "sites", "contacts"}

    staff = Client(HTTP_AUTHORIZATION=f"Bearer {api_token('olivia')}")
    record = staff.get(f"/api/v1/companies/{harbor.pk}").json()
    assert {"segment", "annual_revenue", "monthly_it_budget", "notes"} <= set(record)


def test_staff_have_no_portal_page(demo, client_for):
    assert client_for("olivia").get("/my-company/").status_code == 404
