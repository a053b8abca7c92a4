"""`manage.py dispatch_plan --scenario FILE`: output shape and strict errors (no database)."""

from __future__ import annotations

import copy
import io
import json

import pytest
from django.core.management import call_command

SCENARIO = {
    "require_certification_for_upper": True,
    "people": [
        {
            "id": "tara",
            "kind": "technician",
            "level": "entry",
            "bill_rate": "85.00",
            "skills": {"outlook-exchange-admin": 3, "firewalls": 1},
            "certified_skills": ["outlook-exchange-admin"],
            "free_hours": 20,
            "clients": ["harbor"],
        },
        {
            "id": "ravi",
            "kind": "technician",
            "level": "senior",
            "bill_rate": 140,
            "skills": {"outlook-exchange-admin": 4, "firewalls": 4, "sql-server": 2},
            "certified_skills": ["firewalls"],
            "free_hours": 16,
            "clients": ["harbor", "northwind"],
        },
        {
            "id": 7,
            "kind": "subcontractor",
            "level": "expert",
            "bill_rate": 175,
            "skills": {"sql-server": 5},
            "certified_skills": ["sql-server"],
            "free_hours": 24,
            "clients": [],
        },
    ],
    "tickets": [
        {
            "id": 1,
            "client": "harbor",
            "segment": "sweet_spot",
            "requires": {"outlook-exchange-admin": 2},
            "tier": "routine",
            "subcontractable": False,
            "estimate_hours": 1,
            "priority": "P3",
        },
        {
            "id": 2,
            "client": "maple",
            "segment": "sweet_spot",
            "requires": {"firewalls": 3},
            "tier": "network",
            "subcontractable": False,
            "estimate_hours": 3,
            "priority": "P2",
            "sla_minutes_left": 90,
        },
        {
            "id": 3,
            "client": "northwind",
            "segment": "upper",
            "requires": {"sql-server": 4},
            "tier": "specialist",
            "subcontractable": True,
            "estimate_hours": 8,
            "priority": "P2",
        },
        {
            "id": 4,
            "client": "fern",
            "segment": "micro",
            "requires": {"mainframe": 2},
            "tier": "specialist",
            "subcontractable": False,
            "estimate_hours": 2,
            "priority": "P4",
        },
    ],
}


def run(tmp_path, data, *extra):
    path = tmp_path / "scenario.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    out = io.StringIO()
    call_command("dispatch_plan", "--scenario", str(path), "--time-limit", "2", *extra, stdout=out)
    return json.loads(out.getvalue())


def test_scenario_prints_suggestions_and_the_plan(tmp_path):
    got = run(tmp_path, SCENARIO)
    assert list(got) == ["suggestions", "assignments", "unassigned", "total_cost", "solver"]
    assert [s["id"] for s in got["suggestions"]["1"]] == ["tara", "ravi"]
    assert [s["id"] for s in got["suggestions"]["2"]] == ["ravi"]
    assert [s["id"] for s in got["suggestions"]["3"]] == ["7"]
    assert got["suggestions"]["4"] == []
    first = got["suggestions"]["1"][0]
    assert set(first) == {"id", "kind", "surplus", "reasons"}
    assert first["surplus"] == 1 and "outlook-exchange-admin 3 ≥ 2" in first["reasons"]
    assert got["assignments"] == {"1": "tara", "2": "ravi", "3": "7"}
    assert got["unassigned"] == {"4": "no_qualified"}
    # 85 + 10; 3 x 140 + 2 x 10; 8 x 175 + 2 x 10
    assert got["total_cost"] == "1955.00"
    assert got["solver"]["status"] == "optimal" and got["solver"]["gap"] == 0
    assert got["solver"]["seconds"] >= 0


def test_certification_rule_off_lets_the_uncertified_in(tmp_path):
    data = copy.deepcopy(SCENARIO)
    data["require_certification_for_upper"] = False
    data["people"][1]["skills"]["sql-server"] = 4
    got = run(tmp_path, data)
    assert [s["id"] for s in got["suggestions"]["3"]] == ["ravi", "7"]


def bad(tmp_path, capsys, data):
    with pytest.raises(SystemExit) as exc:
        run(tmp_path, data)
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["tickets"][3].update(priority="P9"), "tickets[3].priority:"),
        (lambda d: d["tickets"][0].update(colour="red"), "tickets[0].colour:"),
        (lambda d: d.update(extra=1), "extra:"),
        (lambda d: d["people"][0].update(level="guru"), "people[0].level:"),
        (lambda d: d["people"][1]["skills"].update(lan=7), "people[1].skills.lan:"),
        (lambda d: d["people"][1].update(bill_rate=-1), "people[1].bill_rate:"),
        (lambda d: d["people"][2].pop("free_hours"), "people[2].free_hours:"),
        (lambda d: d["tickets"][2].update(estimate_hours=0), "tickets[2].estimate_hours:"),
        (lambda d: d["tickets"][1]["requires"].update(lan=0), "tickets[1].requires.lan:"),
        (lambda d: d["tickets"][1].update(subcontractable="yes"), "tickets[1].subcontractable:"),
        (lambda d: d["tickets"][1].update(id=1), "tickets[1].id: duplicate id 1"),
        (lambda d: d["people"][2].update(id="tara"), "people[2].id: duplicate id tara"),
    ],
)
def test_bad_files_exit_2_naming_the_field(tmp_path, capsys, change, field):
    data = copy.deepcopy(SCENARIO)
    change(data)
    assert field in bad(tmp_path, capsys, data)


def test_not_json_and_missing_file(tmp_path, capsys):
    assert "(file): not valid JSON" in bad(tmp_path, capsys, "{nope")
    with pytest.raises(SystemExit) as exc:
        call_command("dispatch_plan", "--scenario", str(tmp_path / "missing.json"))
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "(file): cannot read" in captured.err
