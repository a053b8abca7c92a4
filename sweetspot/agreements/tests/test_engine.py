"""Promise check engine: a worked example per finding kind, a clean case, properties."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sweetspot.agreements import scenario
from sweetspot.agreements.engine import Member, PromiseSettings, Service, Terms, check

DESKTOP = Service("desktop", "Desktop support", {"windows-desktop": 2})
LAN = Service("lan", "LAN administration", {"lan": 3}, tier="network")
SQL = Service(
    "sql", "SQL Server development", {"sql-server": 4}, tier="specialist", subcontractable=True
)
TARA = Member("tara", "technician", "Tara", {"windows-desktop": 3, "lan": 2}, Decimal(40), False)
RAVI = Member("ravi", "technician", "Ravi", {"windows-desktop": 3, "lan": 4}, Decimal(40), True)
LEO = Member("leo", "technician", "Leo", {"windows-desktop": 2}, Decimal(24), True)
QUILL = Member("quill", "subcontractor", "Quill Data", {"sql-server": 5}, Decimal(0), False)
HARBOR = Terms(
    "harbor",
    "Harbor Dental",
    ("desktop", "lan"),
    Decimal(2),
    Decimal(6),
    Decimal(2),
    {"P1": 240, "P2": 480},
)


def kinds(result):
    return [(f.kind, f.severity, f.service) for f in result.findings]


def test_clean_case_has_no_findings():
    result = check([HARBOR], [TARA, RAVI, LEO], [DESKTOP, LAN])
    # LAN: Ravi only (Tara has lan 2 < 3) -> single point of failure, a warning only
    assert kinds(result) == [("single_point_of_failure", "warning", "lan")]
    assert result.ok
    strong = replace(TARA, skills={"windows-desktop": 3, "lan": 3})
    clean = check([HARBOR], [strong, RAVI, LEO], [DESKTOP, LAN])
    assert clean.findings == () and clean.ok
    # 2 half-days x 4 h + 6 + 2 = 16 h required; (40+40+24) x 52/12 x 0.75 = 338.00 h
    assert clean.required_hours == Decimal("16.00")
    assert clean.available_hours == Decimal("338.00")


def test_coverage_shortfall_with_a_training_remedy_for_the_closest():
    result = check([HARBOR], [TARA, LEO], [DESKTOP, LAN])
    coverage = [f for f in result.findings if f.kind == "coverage"]
    assert len(coverage) == 1 and coverage[0].service == "lan"
    assert coverage[0].agreements == ("harbor",) and not result.ok
    assert coverage[0].remedy.action == "train" and coverage[0].remedy.person == "tara"
    assert coverage[0].remedy.certification is None  # a scenario has no catalog


def test_single_point_of_failure_names_the_only_person():
    result = check([HARBOR], [TARA, RAVI], [DESKTOP, LAN])
    spof = [f for f in result.findings if f.kind == "single_point_of_failure"]
    assert [f.service for f in spof] == ["lan"] and "Only Ravi" in spof[0].detail
    assert spof[0].remedy.person == "tara"


def test_subcontractor_counts_only_where_subcontractable():
    deal = Terms("n", "Northwind", ("sql",))
    assert [f.kind for f in check([deal], [RAVI, QUILL], [SQL]).findings] == [
        "single_point_of_failure"
    ]
    not_sub = replace(SQL, subcontractable=False)
    result = check([deal], [RAVI, QUILL], [not_sub])
    assert [f.kind for f in result.findings] == ["coverage"]
    assert result.findings[0].remedy.action == "change_plan"


def test_capacity_shortfall_gives_both_numbers():
    big = replace(
        HARBOR, onsite_half_days_per_month=Decimal(30), expected_remote_hours_per_month=Decimal(20)
    )
    result = check([big], [LEO], [DESKTOP], PromiseSettings(min_on_call=1))
    cap = [f for f in result.findings if f.kind == "capacity"]
    # required 30 x 4 + 20 + 2 = 142; available 24 x 52/12 x 0.75 = 78.00
    assert result.required_hours == Decimal("142.00")
    assert result.available_hours == Decimal("78.00")
    assert "142.00" in cap[0].detail and "78.00" in cap[0].detail
    assert cap[0].remedy.action == "hire"


def test_response_shortfall_when_too_few_on_call():
    tight = replace(HARBOR, response_minutes={"P1": 60})
    result = check([tight], [TARA, RAVI], [DESKTOP], PromiseSettings(min_on_call=2))
    resp = [f for f in result.findings if f.kind == "response"]
    assert resp and resp[0].agreements == ("harbor",)
    assert "1 technician(s) on call, 2 needed" in resp[0].detail
    assert resp[0].remedy.action == "change_plan" and resp[0].remedy.person == "tara"
    relaxed = replace(HARBOR, response_minutes={"P1": 240})
    assert not [
        f for f in check([relaxed], [TARA, RAVI], [DESKTOP]).findings if f.kind == "response"
    ]


def test_findings_sorted_by_severity_kind_service():
    tight = replace(HARBOR, response_minutes={"P1": 30}, services=("desktop", "lan", "sql"))
    result = check([tight], [TARA, RAVI], [DESKTOP, LAN, SQL])
    keys = [
        (0 if f.severity == "shortfall" else 1, f.kind, f.service or "") for f in result.findings
    ]
    assert keys == sorted(keys)


def test_scenario_file_round_trip_and_errors():
    text = json.dumps(
        {
            "target_utilization": 0.75,
            "hours_per_half_day": 4,
            "response_threshold_minutes": 240,
            "min_on_call": 1,
            "people": [
                {
                    "id": "t1",
                    "kind": "technician",
                    "weekly_hours": 40,
                    "on_call": True,
                    "skills": {"lan": 3},
                }
            ],
            "services": [{"id": "s1", "requires": {"lan": 3}}],
            "agreements": [
                {
                    "id": 1,
                    "services": ["s1"],
                    "onsite_half_days_per_month": 2,
                    "expected_remote_hours_per_month": 4,
                    "expected_phone_hours_per_month": 1,
                    "response_minutes": {"P1": 120},
                }
            ],
        }
    )
    terms, members, services, s = scenario.parse(text)
    out = check(terms, members, services, s).to_json()
    assert out["ok"] is True and out["capacity"]["required_hours"] == 13.0
    assert [f["kind"] for f in out["findings"]] == ["single_point_of_failure"]
    assert set(out["findings"][0]["remedy"]) == {"action", "person", "certification", "text"}
    for bad, field in [
        ({"people": [{"id": 1, "kind": "robot"}]}, "people[0].kind"),
        ({"agreements": [{"id": 1, "services": ["nope"]}]}, "agreements[0].services[0]"),
        ({"target_utilization": 2}, "target_utilization"),
        ({"colour": 1}, "colour"),
    ]:
        with pytest.raises(scenario.ScenarioError) as exc:
            scenario.parse(json.dumps(bad))
        assert field in str(exc.value)


skills = st.dictionaries(st.sampled_from(["a", "b", "c"]), st.integers(0, 5), max_size=3)
members = st.lists(
    st.builds(
        Member,
        id=st.text("xyz", min_size=1, max_size=3),
        kind=st.sampled_from(["technician", "subcontractor"]),
        name=st.just("P"),
        skills=skills,
        weekly_hours=st.integers(0, 60).map(Decimal),
        on_call=st.booleans(),
    ),
    max_size=5,
    unique_by=lambda m: m.id,
)
services = st.lists(
    st.builds(
        Service,
        id=st.sampled_from(["s1", "s2", "s3"]),
        name=st.just("S"),
        requires=st.dictionaries(
            st.sampled_from(["a", "b", "c"]), st.integers(1, 5), min_size=1, max_size=2
        ),
        subcontractable=st.booleans(),
    ),
    min_size=1,
    max_size=3,
    unique_by=lambda s: s.id,
)


@settings(max_examples=80)
@given(members, services, st.integers(0, 10), st.booleans())
def test_adding_a_qualified_person_never_adds_a_finding(people, svcs, half_days, on_call):
    deal = Terms(
        "a", "A", tuple(s.id for s in svcs), Decimal(half_days), response_minutes={"P1": 60}
    )
    before = check([deal], people, svcs)
    expert = Member("new", "technician", "New", {"a": 5, "b": 5, "c": 5}, Decimal(0), on_call)
    after = check([deal], [*people, expert], svcs)
    assert len(after.findings) <= len(before.findings)


@settings(max_examples=80)
@given(members, services, st.integers(0, 40))
def test_doubling_capacity_never_adds_a_capacity_shortfall(people, svcs, half_days):
    deal = Terms("a", "A", tuple(s.id for s in svcs), Decimal(half_days))
    doubled = [replace(m, weekly_hours=m.weekly_hours * 2) for m in people]
    cap = lambda r: [f for f in r.findings if f.kind == "capacity"]  # noqa: E731
    assert len(cap(check([deal], doubled, svcs))) <= len(cap(check([deal], people, svcs)))
