"""The agreements API: strict bodies (422), roles (404), transitions, snapshot, revenue."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from sweetspot.agreements.models import Agreement, Plan

from .test_pages import make_agreement, make_plan, make_team, no_agreements

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def test_plans_crud_roles_and_strict_bodies(client_for):
    team = make_team()
    olivia = client_for("olivia")
    body = {"name": "API plan", "monthly_fee": "1500.00", "services": [team["desktop"].pk]}
    r = post(olivia, "/api/v1/plans", body)
    assert r.status_code == 201, r.content
    plan = r.json()
    assert plan["services"] == [{"id": team["desktop"].pk, "name": "Agr desktop support"}]
    assert plan["response_minutes"]["P1"] == 60
    for who in ["dan", "sam", "tara", "hana"]:
        assert post(client_for(who), "/api/v1/plans", {**body, "name": who}).status_code == 404
        assert patch(client_for(who), f"/api/v1/plans/{plan['id']}", {}).status_code == 404
    for who in ["dan", "sam", "tara"]:
        assert client_for(who).get(f"/api/v1/plans/{plan['id']}").status_code == 200
    assert client_for("hana").get("/api/v1/plans").status_code == 404

    for bad in [
        {**body, "name": "x", "colour": "red"},
        {**body, "name": "x", "monthly_fee": "1500.001"},
        {**body, "name": "x", "monthly_fee": "-1"},
        {**body, "name": "x", "billing_cadence": "weekly"},
        {**body, "name": "x", "p1_response_minutes": -5},
        {**body, "name": "x", "services": [999999]},
        {**body, "name": ""},
    ]:
        assert post(olivia, "/api/v1/plans", bad).status_code == 422, bad
    assert post(olivia, "/api/v1/plans", body).status_code == 422  # duplicate name
    assert patch(olivia, f"/api/v1/plans/{plan['id']}", {"nope": 1}).status_code == 422

    # Adding a service nobody can deliver needs the acknowledgement.
    url = f"/api/v1/plans/{plan['id']}"
    thin = {"services": [team["desktop"].pk, team["mainframe"].pk]}
    r = patch(olivia, url, thin)
    assert r.status_code == 422 and "Agr mainframe care" in r.content.decode()
    r = patch(olivia, url, {**thin, "acknowledge_unstaffed": True, "monthly_fee": "1600.00"})
    assert r.status_code == 200 and r.json()["monthly_fee"] == "1600.00"
    assert len(r.json()["services"]) == 2


def test_agreement_lifecycle_through_the_api(client_for, maple):
    team = make_team()
    plan = make_plan("API sign", [team["desktop"], team["mainframe"]], fee="1200.00")
    body = {"company_id": maple.pk, "plan_id": plan.pk, "start_date": "2026-03-01"}
    assert post(client_for("dan"), "/api/v1/agreements", body).status_code == 404
    r = post(client_for("sam"), "/api/v1/agreements", body)
    assert r.status_code == 201, r.content
    draft = r.json()
    assert draft["status"] == "draft" and draft["terms"]["monthly_fee"] == "1200.00"
    for bad in [
        {**body, "plan_id": 999999},
        {**body, "company_id": 999999},
        {**body, "renewal": "sometimes"},
        {**body, "end_date": "2026-01-01"},
        {**body, "extra": True},
    ]:
        assert post(client_for("sam"), "/api/v1/agreements", bad).status_code == 422, bad

    url = f"/api/v1/agreements/{draft['id']}"
    assert post(client_for("sam"), f"{url}/activate", {}).status_code == 404
    r = post(client_for("olivia"), f"{url}/expire", {})
    assert r.status_code == 422 and "cannot become expired" in r.content.decode()
    r = post(client_for("olivia"), f"{url}/activate", {})
    assert r.status_code == 200
    signed = r.json()
    assert signed["status"] == "active" and signed["signed_at"]
    assert signed["promise_check"]["ok"] is False
    assert any(
        f["kind"] == "coverage" and str(draft["id"]) in f["agreements"]
        for f in signed["promise_check"]["findings"]
    )
    assert post(client_for("olivia"), f"{url}/activate", {}).status_code == 422

    # A later plan edit does not change the signed terms.
    r = patch(client_for("olivia"), f"/api/v1/plans/{plan.pk}", {"monthly_fee": "1999.00"})
    assert r.status_code == 200
    got = client_for("dan").get(url).json()
    assert got["terms"]["monthly_fee"] == "1200.00" and got["period_fee"] == "1200.00"
    assert got["monthly_equivalent"] == "1200.00"

    assert post(client_for("olivia"), f"{url}/expire", {}).json()["status"] == "expired"
    assert post(client_for("olivia"), f"{url}/cancel", {}).status_code == 422
    for who in ["tara", "milo", "hana"]:
        assert client_for(who).get(url).status_code == 404
        assert client_for(who).get("/api/v1/agreements").status_code == 404


def test_agreement_list_filters(client_for, maple, harbor):
    no_agreements()
    plan = make_plan("API list", [])
    a = make_agreement(maple, plan)
    d = make_agreement(harbor, plan, activate=False)
    dan = client_for("dan")
    ids = lambda q: [x["id"] for x in dan.get(f"/api/v1/agreements{q}").json()["items"]]  # noqa: E731
    assert ids("?status=active") == [a.pk]
    assert ids(f"?company={harbor.pk}") == [d.pk]
    assert dan.get("/api/v1/agreements?status=bogus").status_code == 422
    assert Agreement.objects.count() == 2 and Plan.objects.filter(name="API list").exists()


def test_promise_check_endpoint_equals_the_command(client_for, maple):
    team = make_team()
    make_agreement(maple, make_plan("API check", [team["lan"], team["mainframe"]]))
    out = StringIO()
    call_command("promise_check", "--json", stdout=out)
    r = client_for("sam").get("/api/v1/promise-check")
    assert r.status_code == 200 and r.json() == json.loads(out.getvalue())
    assert r.json()["ok"] is False
    for who in ["tara", "hana"]:
        assert client_for(who).get("/api/v1/promise-check").status_code == 404
