"""Read side: costs are absent for non-owners, archived people count for nothing at once."""

from __future__ import annotations

import datetime as dt

from sweetspot.catalog import loaders
from sweetspot.catalog.engine import ServiceSpec, depth
from sweetspot.team import queries, services

WAN = ServiceSpec(1, "Site-to-site VPN", {"wan-vpn": 3, "firewalls": 3}, tier="network")
SQL = ServiceSpec(2, "SQL Server work", {"sql-server": 4}, tier="specialist", subcontractable=True)


def test_cost_rate_is_only_selected_for_the_owner(team, personas):
    owner_rows = list(queries.technician_rows(personas["olivia"]))
    assert all("cost_rate" in r for r in owner_rows)
    for who in ("dan", "tara", "sam"):
        rows = list(queries.technician_rows(personas[who]))
        assert rows and all("cost_rate" not in r for r in rows), who
        assert all("cost_rate" not in r for r in queries.subcontractor_rows(personas[who]))
        tara = next(r for r in rows if r["name"] == "Tara Tran")
        assert "cost_rate" not in queries.technician_row(personas[who], tara["id"])
    for who in ("hana", "milo"):
        assert not queries.technician_rows(personas[who]).exists()
        assert not queries.subcontractor_rows(personas[who]).exists()
        assert queries.matrix(personas[who])["people"] == []


def test_archived_technician_drops_out_of_lists_matrix_and_depth(ravi_tech, personas):
    olivia = personas["olivia"]
    people = loaders.people()
    assert [p.name for p in depth(WAN, people).in_house] == ["Ravi Rao"]
    services.archive_technician(olivia, ravi_tech)
    assert depth(WAN, loaders.people()).total == 0
    names = [r["name"] for r in queries.technician_rows(olivia)]
    assert "Ravi Rao" not in names and len(names) == 3
    assert "Ravi Rao" not in [p["name"] for p in queries.matrix(olivia)["people"]]
    archived = [r["name"] for r in queries.technician_rows(olivia, {"archived": "only"})]
    assert archived == ["Ravi Rao"]
    services.restore_technician(olivia, ravi_tech)
    assert depth(WAN, loaders.people()).total == 1


def test_subcontractors_count_only_where_subcontractable(quill, personas):
    people = loaders.people()
    sql = depth(SQL, people)
    assert sql.in_house == () and [p.name for p in sql.outside] == ["Quill Data"]
    not_sub = ServiceSpec(3, "SQL in-house", {"sql-server": 4}, subcontractable=False)
    assert depth(not_sub, people).total == 0
    services.archive_subcontractor(personas["olivia"], quill)
    assert depth(SQL, loaders.people()).total == 0


def test_engine_people_carry_skills_and_held_certifications(team):
    tara = next(p for p in loaders.people() if p.name == "Tara Tran")
    assert tara.certifications == frozenset({"A+", "MCP"}) and tara.skills["printing"] == 3


def test_expiry_facts():
    on = dt.date(2026, 11, 25)
    assert queries.expiry_facts(None, on) == {
        "expires_in": None,
        "expires_soon": False,
        "expired": False,
    }
    assert queries.expiry_facts(dt.date(2027, 2, 23), on)["expires_soon"]  # 90 days
    assert not queries.expiry_facts(dt.date(2027, 2, 24), on)["expires_soon"]  # 91 days
    past = queries.expiry_facts(dt.date(2026, 11, 24), on)
    assert past["expired"] and not past["expires_soon"] and past["expires_in"] == -1


def test_matrix_shape(team, personas):
    data = queries.matrix(personas["dan"])
    names = [p["name"] for p in data["people"]]
    assert names == ["Leo Park", "Maya Ortiz", "Ravi Rao", "Tara Tran", "Quill Data"]
    assert data["first_outside"] == 4
    wan = next(s for s in data["skills"] if s["slug"] == "wan-vpn")
    assert wan["strong"] == 1 and wan["cells"] == [0, 2, 4, 0, 0]
    sql = next(s for s in data["skills"] if s["slug"] == "sql-server")
    assert sql["strong"] == 0 and sql["strong_outside"] == 1
    maya = data["people"][1]
    assert any(c["code"] == "Network+" and c["expires_soon"] for c in maya["certs"])
