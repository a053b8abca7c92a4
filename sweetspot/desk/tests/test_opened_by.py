"""Tickets record the contact and site who opened them: portal and API (issue 14 item 12)."""

from __future__ import annotations

import pytest
from django.test import Client

from sweetspot.desk.models import Ticket

pytestmark = pytest.mark.django_db


def test_a_portal_ticket_records_hana_and_harbors_site(personas, harbor):
    hana = Client()
    hana.force_login(personas["hana"])
    hana.post("/desk/portal/new/", {"subject": "Scanner offline", "priority": "P2"})
    ticket = Ticket.objects.get(subject="Scanner offline")
    assert ticket.contact is not None and ticket.contact.name == "Hana Hughes"
    assert ticket.site is not None and ticket.site.company_id == harbor.pk


def test_an_api_ticket_from_a_client_token_records_the_contact(personas, harbor, api_token):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token('hana')}")
    response = client.post(
        "/api/v1/tickets",
        {"subject": "VPN drops", "priority": "P3", "company_id": harbor.pk},
        content_type="application/json",
    )
    assert response.status_code in {200, 201}, response.content
    ticket = Ticket.objects.get(subject="VPN drops")
    assert ticket.contact_id == personas["hana"].contact_id
    assert ticket.site is not None
