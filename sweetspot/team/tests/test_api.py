"""Team API: owner-only costs (key absent for everyone else), 422s, CRUD, client 404s."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sweetspot.core.models import AuditLog
from sweetspot.team.models import Certification, Technician

from .conftest import send


def all_get_urls(tara, quill) -> list[str]:
    ccna = Certification.objects.get(code="CCNA")
    return [
        "/api/v1/technicians",
        f"/api/v1/technicians/{tara.pk}",
        "/api/v1/subcontractors",
        f"/api/v1/subcontractors/{quill.pk}",
        "/api/v1/skills",
        "/api/v1/certifications",
        f"/api/v1/certifications/{ccna.pk}",
    ]


def test_owner_gets_cost_rates(api_client_for, tara_tech, quill):
    c = api_client_for("olivia")
    listing = c.get("/api/v1/technicians").json()
    tara = next(t for t in listing["items"] if t["name"] == "Tara Tran")
    assert tara["cost_rate"] == "32.00" and tara["bill_rate"] == "85.00"
    assert c.get(f"/api/v1/technicians/{tara_tech.pk}").json()["cost_rate"] == "32.00"
    assert c.get(f"/api/v1/subcontractors/{quill.pk}").json()["cost_rate"] == "110.00"
    subs = c.get("/api/v1/subcontractors").json()["items"]
    assert subs[0]["cost_rate"] == "110.00" and subs[0]["outside"] is True


@pytest.mark.parametrize("who", ["dan", "tara", "sam"])
def test_others_never_get_the_cost_key_or_value(api_client_for, who, tara_tech, quill):
    c = api_client_for(who)
    for url in all_get_urls(tara_tech, quill):
        response = c.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "cost_rate" not in body, url
        assert "32.00" not in body and "60.00" not in body, url  # Tara's and Ravi's cost
        if "subcontractors" in url:
            assert "110.00" not in body, url  # Quill Data's cost (Leo bills 110.00)
    detail = c.get(f"/api/v1/technicians/{tara_tech.pk}").json()
    assert "cost_rate" not in detail and detail["bill_rate"] == "85.00"


def test_session_auth_hides_costs_too(client_for, tara_tech):
    body = client_for("dan").get(f"/api/v1/technicians/{tara_tech.pk}").content.decode()
    assert "cost_rate" not in body and "32.00" not in body


def test_client_contacts_get_404(api_client_for, tara_tech, quill):
    c = api_client_for("hana")
    for url in all_get_urls(tara_tech, quill):
        assert c.get(url).status_code == 404, url
    assert send(c, "post", "/api/v1/technicians", {"name": "Sneaky"}).status_code == 404
    assert not Technician.objects.filter(name="Sneaky").exists()


def test_only_the_owner_writes(api_client_for, tara_tech):
    c = api_client_for("dan")
    assert send(c, "post", "/api/v1/technicians", {"name": "X"}).status_code == 404
    assert (
        send(c, "patch", f"/api/v1/technicians/{tara_tech.pk}", {"bill_rate": "1"}).status_code
        == 404
    )
    assert c.delete(f"/api/v1/technicians/{tara_tech.pk}").status_code == 404
    put = send(c, "put", f"/api/v1/technicians/{tara_tech.pk}/skills/lan", {"proficiency": 3})
    assert put.status_code == 404


def test_technician_crud_and_skills(api_client_for, personas, team):
    c = api_client_for("olivia")
    created = send(
        c,
        "post",
        "/api/v1/technicians",
        {"name": "Nina North", "level": "intermediate", "bill_rate": "95.00", "cost_rate": "38.50"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["cost_rate"] == "38.50" and body["skills"] == [] and body["expires_soon"] is False
    pk = body["id"]
    patched = send(c, "patch", f"/api/v1/technicians/{pk}", {"on_call": True, "user_id": None})
    assert patched.json()["on_call"] is True
    put = send(
        c,
        "put",
        f"/api/v1/technicians/{pk}/skills/wan-vpn",
        {"proficiency": 3, "assessed_on": "2026-11-20"},
    )
    assert put.status_code == 200 and put.json() == {
        "skill": "wan-vpn",
        "name": "WAN and VPN",
        "group": "networking",
        "proficiency": 3,
        "assessed_on": "2026-11-20",
    }
    detail = c.get(f"/api/v1/technicians/{pk}").json()
    assert [s["skill"] for s in detail["skills"]] == ["wan-vpn"] and detail["skill_count"] == 1
    assert c.delete(f"/api/v1/technicians/{pk}/skills/wan-vpn").status_code == 204
    assert c.get(f"/api/v1/technicians/{pk}").json()["skills"] == []
    assert (
        send(c, "put", f"/api/v1/technicians/{pk}/skills/nope", {"proficiency": 2}).status_code
        == 404
    )
    archived = c.delete(f"/api/v1/technicians/{pk}")
    assert archived.status_code == 200 and archived.json()["archived_at"]
    names = [t["name"] for t in c.get("/api/v1/technicians").json()["items"]]
    assert "Nina North" not in names
    assert "Nina North" in [
        t["name"] for t in c.get("/api/v1/technicians?archived=only").json()["items"]
    ]
    actions = list(
        AuditLog.objects.filter(object_type="team.Technician", object_id=str(pk)).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == sorted(["create", "update", "update", "update", "archive"])


def fields_in(response) -> set[str]:
    return {str(e["loc"][-1]) for e in response.json()["detail"]}


def test_bad_input_is_422(api_client_for, tara_tech):
    c = api_client_for("olivia")
    bad = send(
        c,
        "post",
        "/api/v1/technicians",
        {"name": "", "level": "wizard", "cost_rate": "-1", "bill_rate": "1.234", "shoe": 9},
    )
    assert bad.status_code == 422
    assert fields_in(bad) >= {"name", "level", "cost_rate", "bill_rate", "shoe"}
    url = f"/api/v1/technicians/{tara_tech.pk}/skills/lan"
    assert fields_in(send(c, "put", url, {"proficiency": 7})) == {"proficiency"}
    assert send(c, "put", url, {"proficiency": 3, "extra": 1}).status_code == 422
    assert send(c, "put", url, {"proficiency": 3, "assessed_on": "soon"}).status_code == 422
    patch = send(c, "patch", f"/api/v1/technicians/{tara_tech.pk}", {"weekly_capacity_hours": -2})
    assert patch.status_code == 422
    taken = send(c, "post", "/api/v1/technicians", {"name": "Dup", "user_id": tara_tech.user_id})
    assert taken.status_code == 422 and "user" in fields_in(taken)
    assert (
        send(
            c, "post", "/api/v1/subcontractors", {"company_name": "Q", "cost_rate": -3}
        ).status_code
        == 422
    )
    assert c.get("/api/v1/technicians?archived=everything").status_code == 422


def test_subcontractor_crud(api_client_for):
    c = api_client_for("olivia")
    created = send(
        c,
        "post",
        "/api/v1/subcontractors",
        {"company_name": "Byte Forge", "bill_rate": "140.00", "cost_rate": "95.00"},
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert (
        send(c, "patch", f"/api/v1/subcontractors/{pk}", {"phone": "555"}).json()["phone"] == "555"
    )
    assert c.delete(f"/api/v1/subcontractors/{pk}").json()["archived_at"]
    dan = api_client_for("dan").get(f"/api/v1/subcontractors/{pk}").json()
    assert "cost_rate" not in dan and dan["bill_rate"] == "140.00"


def test_subcontractor_weekly_capacity_in_the_api(api_client_for, quill):
    c = api_client_for("olivia")
    url = f"/api/v1/subcontractors/{quill.pk}"
    assert c.get(url).json()["weekly_capacity_hours"] == "20.00"
    created = send(c, "post", "/api/v1/subcontractors", {"company_name": "Byte Forge"})
    assert created.status_code == 201 and created.json()["weekly_capacity_hours"] == "40.00"
    patched = send(c, "patch", url, {"weekly_capacity_hours": "12.50"})
    assert patched.status_code == 200 and patched.json()["weekly_capacity_hours"] == "12.50"
    log = AuditLog.objects.filter(object_type="team.Subcontractor").latest("pk")
    assert log.changes == {"weekly_capacity_hours": ["20.00", "12.50"]}
    for body in ({"weekly_capacity_hours": -1}, {"weekly_capacity_hours": "1.234"}):
        bad = send(c, "patch", url, body)
        assert bad.status_code == 422 and fields_in(bad) == {"weekly_capacity_hours"}
    bad = send(
        c, "post", "/api/v1/subcontractors", {"company_name": "Q", "weekly_capacity_hours": -4}
    )
    assert bad.status_code == 422 and fields_in(bad) == {"weekly_capacity_hours"}
    # Capacity is not a cost: every staff role reads it; only the owner writes it.
    dan = api_client_for("dan")
    listed = dan.get("/api/v1/subcontractors").json()["items"]
    quill_row = next(s for s in listed if s["id"] == quill.pk)
    assert quill_row["weekly_capacity_hours"] == "12.50" and "cost_rate" not in quill_row
    assert send(dan, "patch", url, {"weekly_capacity_hours": 30}).status_code == 404
    quill.refresh_from_db()
    assert quill.weekly_capacity_hours == Decimal("12.50")


def test_expiring_flag_in_the_api(api_client_for, team):
    items = api_client_for("dan").get("/api/v1/technicians").json()["items"]
    assert {t["name"] for t in items if t["expires_soon"]} == {"Maya Ortiz"}
    maya = next(t for t in items if t["name"] == "Maya Ortiz")
    detail = api_client_for("dan").get(f"/api/v1/technicians/{maya['id']}").json()
    soon = [x["code"] for x in detail["certifications"] if x["expires_soon"]]
    assert soon == ["Network+"]


def test_skills_and_certifications(api_client_for, team):
    c = api_client_for("tara")
    skills = c.get("/api/v1/skills").json()
    assert skills["count"] >= 26 and len(skills["items"]) == 25
    certs = c.get("/api/v1/certifications?vendor=Cisco&status=current").json()["items"]
    assert {x["code"] for x in certs} == {"CCNA", "CCNP-ENT", "CCIE-EI", "CCST"}
    ccna = next(x for x in certs if x["code"] == "CCNA")
    assert {e["skill"]: e["proficiency"] for e in ccna["evidence"]} == {
        "lan": 3,
        "wan-vpn": 3,
        "firewalls": 2,
    }
    assert ccna["estimated_on"] == "2026-11-25" and ccna["source"]
    detail = c.get(f"/api/v1/certifications/{ccna['id']}").json()
    assert [h["name"] for h in detail["holders"]] == ["Ravi Rao"]
    assert c.get("/api/v1/certifications?level=guru").status_code == 422
