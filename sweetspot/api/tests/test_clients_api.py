"""API: CRUD with the same scoping as the pages, 422 with field errors, pagination."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from sweetspot.clients.models import Company
from sweetspot.core.models import AuditLog


@pytest.fixture
def dan_api(api_token):
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token('dan')}")


def post(c: Client, url: str, body: object, method: str = "post"):
    return getattr(c, method)(url, data=json.dumps(body), content_type="application/json")


def fields_in(response) -> set[str]:
    return {str(e["loc"][-1]) for e in response.json()["detail"]}


def test_create_read_update_archive_company(dan_api, personas):
    created = post(
        dan_api,
        "/api/v1/companies",
        {
            "name": "Api Dental",
            "pcs": 25,
            "monthly_it_budget": "1500.00",
            "network": "client_server",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["segment"] == "sweet_spot" and body["monthly_it_budget"] == "1500.00"
    pk = body["id"]
    assert dan_api.get(f"/api/v1/companies/{pk}").json()["name"] == "Api Dental"
    patched = post(dan_api, f"/api/v1/companies/{pk}", {"pcs": 70}, "patch")
    assert patched.json()["segment"] == "upper"
    archived = dan_api.delete(f"/api/v1/companies/{pk}")
    assert archived.status_code == 200 and archived.json()["archived_at"]
    assert Company.objects.filter(pk=pk).exists()
    assert (
        AuditLog.objects.filter(
            object_type="clients.Company", object_id=str(pk), actor=personas["dan"]
        ).count()
        == 3
    )


def test_invalid_input_is_422_naming_each_field(dan_api):
    response = post(
        dan_api,
        "/api/v1/companies",
        {
            "name": "",
            "pcs": -1,
            "network": "token_ring",
            "status": "friend",
            "monthly_it_budget": "12.345",
            "colour": "blue",
        },
    )
    assert response.status_code == 422
    assert fields_in(response) >= {
        "name",
        "pcs",
        "network",
        "status",
        "monthly_it_budget",
        "colour",
    }
    assert not Company.objects.filter(name="").exists()
    assert post(dan_api, "/api/v1/companies", ["not", "an", "object"]).status_code == 422
    bad_json = dan_api.post("/api/v1/companies", data="{nope", content_type="application/json")
    assert bad_json.status_code in {400, 422}
    assert dan_api.get("/api/v1/companies/abc").status_code == 422


def test_sites_and_contacts(dan_api, harbor, maple):
    site = post(dan_api, f"/api/v1/companies/{harbor.pk}/sites", {"name": "Lab", "pcs": 2})
    assert site.status_code == 201
    site_id = site.json()["id"]
    contact = post(
        dan_api,
        f"/api/v1/companies/{harbor.pk}/contacts",
        {"name": "Lab Tech", "email": "lab@harbordental.example", "site_id": site_id},
    )
    assert contact.status_code == 201 and contact.json()["site_id"] == site_id
    bad_email = post(
        dan_api, f"/api/v1/companies/{harbor.pk}/contacts", {"name": "X", "email": "not-an-email"}
    )
    assert bad_email.status_code == 422 and "email" in fields_in(bad_email)
    # a site of another company is refused with a field error
    wrong = post(
        dan_api,
        f"/api/v1/companies/{harbor.pk}/contacts",
        {"name": "Y", "site_id": maple.sites.first().pk},
    )
    assert wrong.status_code == 422 and "site" in fields_in(wrong)
    listing = dan_api.get(f"/api/v1/companies/{harbor.pk}/sites").json()
    assert "Lab" in [s["name"] for s in listing["items"]]


def test_list_is_paginated_and_filtered(dan_api):
    first = dan_api.get("/api/v1/companies").json()
    assert first["count"] == 30 and len(first["items"]) == 25
    second = dan_api.get("/api/v1/companies?page=2").json()
    assert len(second["items"]) == 5
    clients = dan_api.get("/api/v1/companies?status=client&sort=-pcs").json()["items"]
    assert all(c["status"] == "client" for c in clients)
    assert [c["pcs"] for c in clients] == sorted((c["pcs"] for c in clients), reverse=True)


def test_client_contact_token_is_scoped(api_token, harbor, maple):
    hana = Client(HTTP_AUTHORIZATION=f"Bearer {api_token('hana')}")
    assert [c["name"] for c in hana.get("/api/v1/companies").json()["items"]] == ["Harbor Dental"]
    assert hana.get(f"/api/v1/companies/{maple.pk}").status_code == 404
    assert post(hana, f"/api/v1/companies/{harbor.pk}", {"pcs": 1}, "patch").status_code == 404


def test_openapi_schema_describes_the_api(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/companies" in schema["paths"]
    assert "bearerAuth" in json.dumps(schema["components"]) or "TokenAuth" in json.dumps(
        schema["components"]
    )
