"""Catalog API: roles, strict input (422), cost rates for the owner only, and the gap
analysis document equal to `manage.py gap_analysis --json`."""

from __future__ import annotations

import io
import json

from django.core.management import call_command

from sweetspot.catalog.models import Competitor, PlanItem, Service
from sweetspot.core.models import AuditLog

from .conftest import send


def test_service_crud_and_roles(api_client_for, client_for, cobol):
    dan = api_client_for("dan")
    body = {
        "name": "COBOL audits",
        "tier": "specialist",
        "subcontractable": True,
        "typical_duration_hours": "8.00",
        "requirements": [{"skill": "test-cobol", "min_proficiency": 4}],
    }
    created = send(dan, "post", "/api/v1/services", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["requirements"] == [
        {"skill": "test-cobol", "skill_name": "COBOL (test)", "min_proficiency": 4}
    ]
    pk = data["id"]
    assert AuditLog.objects.filter(object_type="catalog.Service", object_id=str(pk)).exists()

    patched = send(
        dan,
        "patch",
        f"/api/v1/services/{pk}",
        {"requirements": [{"skill": "test-cics", "min_proficiency": 2}]},
    )
    assert patched.status_code == 200
    assert [r["skill"] for r in patched.json()["requirements"]] == ["test-cics"]
    assert patched.json()["typical_duration_hours"] == "8.00"

    listing = api_client_for("tara").get("/api/v1/services").json()
    assert "COBOL audits" in [s["name"] for s in listing["items"]]
    assert api_client_for("sam").get(f"/api/v1/services/{pk}").status_code == 200
    # sales and technicians read but do not write; client contacts see nothing
    assert send(api_client_for("sam"), "post", "/api/v1/services", body).status_code == 404
    assert (
        send(api_client_for("tara"), "patch", f"/api/v1/services/{pk}", {"name": "x"}).status_code
        == 404
    )
    assert api_client_for("hana").get("/api/v1/services").status_code == 404
    assert api_client_for("hana").get(f"/api/v1/services/{pk}").status_code == 404

    archived = dan.delete(f"/api/v1/services/{pk}")
    assert archived.status_code == 200 and archived.json()["archived_at"]
    assert Service.objects.filter(pk=pk).exists()


def test_strict_input_is_422(api_client_for, cobol):
    dan = api_client_for("dan")
    for body, field in [
        ({"name": "X", "colour": "red"}, "colour"),
        ({"name": "X", "tier": "galactic"}, "tier"),
        ({"name": ""}, "name"),
        ({"name": "X", "typical_duration_hours": "-1"}, "typical_duration_hours"),
        (
            {"name": "X", "requirements": [{"skill": "test-cobol", "min_proficiency": 6}]},
            "min_proficiency",
        ),
        (
            {"name": "X", "requirements": [{"skill": "no-such-skill", "min_proficiency": 2}]},
            "requirements",
        ),
        ({"name": "COBOL maintenance"}, "name"),  # unique
    ]:
        response = send(dan, "post", "/api/v1/services", body)
        assert response.status_code == 422, (body, response.content)
        locs = [d["loc"][-1] for d in response.json()["detail"]]
        assert field in locs, (body, locs)
    assert not Service.objects.filter(name="X").exists()


def test_depth_endpoint_shows_cost_rates_to_the_owner_only(api_client_for, cobol):
    url = f"/api/v1/services/{cobol['cics_dev'].pk}/depth"
    owner = api_client_for("olivia").get(url).json()
    assert (owner["in_house"], owner["outside"], owner["total"]) == (1, 1, 2)
    assert owner["status"] == "ok"
    by_name = {p["name"]: p for p in owner["qualified"]}
    assert by_name["Mainframe Ltd"]["cost_rate"] == "110.00"
    assert by_name["Mainframe Ltd"]["bill_rate"] == "165.00"
    for who in ["dan", "tara", "sam"]:
        data = api_client_for(who).get(url).json()
        assert all("cost_rate" not in p for p in data["qualified"]), who
        assert "110.00" not in json.dumps(data)
    assert api_client_for("hana").get(url).status_code == 404


def test_competitors(api_client_for, cobol):
    dan = api_client_for("dan")
    body = {
        "name": "Big Iron Co",
        "segment_focus": "upper",
        "service_ids": [cobol["maintenance"].pk],
        "other_services": ["Mainframe hosting"],
    }
    created = send(dan, "post", "/api/v1/competitors", body)
    assert created.status_code == 201, created.content
    offerings = created.json()["offerings"]
    assert {(o["service_id"], o["name"]) for o in offerings} == {
        (cobol["maintenance"].pk, "COBOL maintenance"),
        (None, "Mainframe hosting"),
    }
    pk = created.json()["id"]
    patched = send(dan, "patch", f"/api/v1/competitors/{pk}", {"other_services": []})
    assert [o["name"] for o in patched.json()["offerings"]] == ["COBOL maintenance"]
    assert (
        send(
            dan, "post", "/api/v1/competitors", body | {"name": "Other", "service_ids": [999999]}
        ).status_code
        == 422
    )
    assert (
        send(
            dan, "post", "/api/v1/competitors", body | {"name": "Other", "segment_focus": "huge"}
        ).status_code
        == 422
    )
    assert not Competitor.objects.filter(name="Other").exists()
    assert api_client_for("tara").get(f"/api/v1/competitors/{pk}").status_code == 200
    assert api_client_for("milo").get("/api/v1/competitors").status_code == 404
    assert dan.delete(f"/api/v1/competitors/{pk}").json()["archived_at"]


def test_gap_analysis_json_equals_the_command(api_client_for, cobol):
    rival = Competitor.objects.create(name="Rival")
    rival.offerings.create(name="Mainframe hosting")
    rival.offerings.create(service=cobol["maintenance"])
    out = io.StringIO()
    call_command("gap_analysis", "--json", stdout=out)
    from_command = json.loads(out.getvalue())
    for who in ["olivia", "dan", "tara"]:
        response = api_client_for(who).get("/api/v1/gap-analysis")
        assert response.status_code == 200
        assert response.json() == from_command
    assert api_client_for("hana").get("/api/v1/gap-analysis").status_code == 404

    services = {s["name"]: s for s in from_command["services"]}
    assert services["CICS development"] | {"qualified": None} == {
        "id": cobol["cics_dev"].pk,
        "name": "CICS development",
        "tier": "specialist",
        "subcontractable": True,
        "requires": {"test-cics": 4, "test-cobol": 4},
        "in_house": 1,
        "outside": 1,
        "total": 2,
        "status": "ok",
        "qualified": None,
    }
    gap = next(g for g in from_command["gaps"] if g["service_name"] == "CICS support")
    assert gap["kind"] == "single_point_of_failure" and gap["depth"] == 1
    assert [r["kind"] for r in gap["remedies"]] == ["train", "subcontract", "hire"]
    assert gap["remedies"][1]["bill_rate"] == "165.00"
    assert "Mainframe hosting" in [g["service_name"] for g in from_command["gaps"]]
    assert "CICS development" in from_command["differentiators"]
    assert "COBOL maintenance" not in from_command["differentiators"]
    # never a cost rate: Mainframe Ltd's 110.00 appears nowhere
    assert "cost_rate" not in json.dumps(from_command)
    assert "110.00" not in json.dumps(from_command)


def test_gap_analysis_text_summary(cobol):
    out = io.StringIO()
    call_command("gap_analysis", stdout=out)
    text = out.getvalue()
    assert "CICS support" in text and "SINGLE POINT" in text
    assert "Train Cy Test for Certified COBOL-PRO (COBOL-PRO)" in text


def test_plan_items(api_client_for, personas, cobol):
    dan = api_client_for("dan")
    body = {
        "kind": "train",
        "service_id": cobol["cics_support"].pk,
        "gap": "Only Bo Test can deliver it.",
        "technician_id": cobol["cy"].pk,
        "certification_id": cobol["pro"].pk,
        "description": "Train Cy Test for COBOL-PRO",
        "owner_id": personas["dan"].pk,
        "due_date": "2099-01-31",
    }
    created = send(dan, "post", "/api/v1/plan-items", body)
    assert created.status_code == 201, created.content
    item = PlanItem.objects.get(pk=created.json()["id"])
    assert item.technician == cobol["cy"] and item.status == "open"
    assert AuditLog.objects.filter(object_type="catalog.PlanItem", object_id=str(item.pk))
    dup = send(dan, "post", "/api/v1/plan-items", body)
    assert dup.status_code == 422
    for bad, field in [
        (body | {"kind": "pray"}, "kind"),
        (body | {"owner_id": personas["hana"].pk, "description": "x"}, "owner"),
        (body | {"technician_id": 999999, "description": "y"}, "technician_id"),
        (body | {"extra": 1}, "extra"),
        (body | {"kind": "train", "technician_id": None, "description": "z"}, "technician"),
    ]:
        response = send(dan, "post", "/api/v1/plan-items", bad)
        assert response.status_code == 422, (bad, response.content)
        assert field in [d["loc"][-1] for d in response.json()["detail"]], response.json()
    listing = api_client_for("sam").get("/api/v1/plan-items").json()
    assert [i["id"] for i in listing["items"]] == [item.pk]
    done = send(dan, "patch", f"/api/v1/plan-items/{item.pk}", {"status": "done"})
    assert done.json()["status"] == "done"
    assert send(dan, "patch", f"/api/v1/plan-items/{item.pk}", {"status": "won"}).status_code == 422
    assert send(api_client_for("sam"), "post", "/api/v1/plan-items", body).status_code == 404
    assert api_client_for("hana").get("/api/v1/plan-items").status_code == 404
