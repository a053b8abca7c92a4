"""Issue 15 item 6: each class of crafted input that answered 500 now answers 4xx (and the
page that crashed renders). Runs on SQLite and PostgreSQL (NUL bytes matter there)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from sweetspot.catalog.models import Competitor, Service
from sweetspot.clients.models import Company
from sweetspot.desk.models import Ticket, TicketComment

pytestmark = pytest.mark.django_db

LIST_ENDPOINTS = [
    "/api/v1/companies",
    "/api/v1/tickets",
    "/api/v1/services",
    "/api/v1/competitors",
    "/api/v1/technicians",
    "/api/v1/time-entries",
]


@pytest.fixture
def api(api_token: Any) -> Any:
    def make(persona: str) -> Client:
        return Client(headers={"Authorization": f"Bearer {api_token(persona)}"})

    return make


def send(client: Client, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("url", LIST_ENDPOINTS)
def test_a_huge_page_number_is_a_422(full_demo, api, url):
    r = api("olivia").get(url, {"page": "16766963786794874808827904"})
    assert r.status_code == 422
    assert api("olivia").get(url, {"page": "0"}).status_code == 422
    assert api("olivia").get(url, {"page": "1"}).status_code == 200


def test_out_of_range_integers_are_a_422(full_demo, api):
    assert api("dan").get("/api/v1/tickets", {"client": str(2**70)}).status_code == 422
    r = send(api("olivia"), "post", "/api/v1/competitors", {"name": "X", "service_ids": [2**70]})
    assert r.status_code == 422
    assert not Competitor.objects.filter(name="X").exists()


def test_null_for_non_null_text_is_a_422(full_demo, api):
    harbor = Company.objects.get(name="Harbor Dental")
    service = Service.objects.order_by("pk").first()
    competitor = Competitor.objects.order_by("pk").first()
    assert service is not None and competitor is not None
    olivia = api("olivia")
    cases = [
        (f"/api/v1/companies/{harbor.pk}", {"industry": None}),
        (f"/api/v1/services/{service.pk}", {"description": None}),
        (f"/api/v1/competitors/{competitor.pk}", {"notes": None}),
    ]
    for url, body in cases:
        r = send(olivia, "patch", url, body)
        assert r.status_code == 422, (url, r.status_code, r.content[:300])


def test_a_nul_byte_from_a_client_contact_is_a_422(full_demo, api):
    ticket = Ticket.objects.filter(company__name="Harbor Dental").order_by("pk").first()
    assert ticket is not None
    before = TicketComment.objects.count()
    r = send(api("hana"), "post", f"/api/v1/tickets/{ticket.pk}/comments", {"body": "hi\x00"})
    assert r.status_code == 422
    r = send(api("hana"), "post", "/api/v1/tickets", {"subject": "a\x00b", "description": "x"})
    assert r.status_code == 422
    r = api("dan").get("/api/v1/tickets", {"assignee": "t1\x00"})
    assert r.status_code == 422
    assert TicketComment.objects.count() == before


def test_the_gap_accept_form_with_unknown_keys_renders(full_demo, client_for):
    r = client_for("dan").get("/catalog/gaps/accept/", {"gap": "x", "remedy": "y"})
    assert r.status_code in (200, 404)
    if r.status_code == 200:
        assert "has changed since the page was loaded" in r.content.decode()


def test_a_stored_assessment_that_no_longer_fits_the_contract_renders(
    full_demo, client_for, personas
):
    from sweetspot.growth.models import Assessment

    harbor = Company.objects.get(name="Harbor Dental")
    row = Assessment.objects.filter(company=harbor).order_by("-pk").first()
    assert row is not None
    Assessment.objects.filter(pk=row.pk).update(inputs={"pcs": "many", "retired_question": 1})
    r = client_for("sam").get(f"/growth/companies/{harbor.pk}/assess/")
    assert r.status_code == 200
    assert "no longer fit the current questions" in r.content.decode()


def test_a_month_before_year_one_is_a_422(full_demo, api):
    r = api("olivia").get("/api/v1/billing/run", {"month": "0000-01"})
    assert r.status_code in (404, 422)
    r = send(api("olivia"), "post", "/api/v1/billing/run", {"month": "0000-01"})
    assert r.status_code in (404, 422)
