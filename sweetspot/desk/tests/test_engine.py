"""Dispatch ranking: the worked examples of the issue, reasons, and properties."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from sweetspot.desk.engine import (
    LEVEL_RANK,
    TIER_LEVEL,
    DispatchSettings,
    Person,
    Ticket,
    qualified,
    rank_key,
    suggest,
    surplus,
    why_not,
)

TARA = Person(
    "tara",
    "technician",
    level="entry",
    bill_rate=Decimal(85),
    skills={"outlook-exchange-admin": 3, "windows-desktop": 3, "firewalls": 1, "lan": 2},
    certified_skills=frozenset({"windows-desktop", "outlook-exchange-admin"}),  # A+, MCP
    free_hours=Decimal(20),
    clients=frozenset({"harbor"}),
    name="Tara",
)
RAVI = Person(
    "ravi",
    "technician",
    level="senior",
    bill_rate=Decimal(140),
    skills={
        "outlook-exchange-admin": 4,
        "windows-desktop": 4,
        "firewalls": 4,
        "lan": 4,
        "windows-server": 4,
        "sql-server": 2,
    },
    certified_skills=frozenset({"firewalls", "lan", "windows-server"}),  # CCNA, MCSE
    free_hours=Decimal(16),
    clients=frozenset({"harbor", "northwind"}),
    name="Ravi",
)
# In-house SQL skills, but no certification evidencing them.
LEO = Person(
    "leo",
    "technician",
    level="senior",
    bill_rate=Decimal(120),
    skills={"sql-server": 4, "windows-server": 3},
    free_hours=Decimal(10),
    name="Leo",
)
QUILL = Person(
    "quill",
    "subcontractor",
    level="expert",
    bill_rate=Decimal(175),
    skills={"sql-server": 5, "outlook-exchange-admin": 4},
    certified_skills=frozenset({"sql-server"}),
    free_hours=Decimal(24),
    name="Quill Data",
)
TEAM = [RAVI, TARA, LEO, QUILL]

OUTLOOK = Ticket(
    "t-outlook",
    "harbor",
    "sweet_spot",
    {"outlook-exchange-admin": 2},
    "routine",
    estimate_hours=Decimal(1),
    priority="P3",
)
FIREWALL = Ticket(
    "t-firewall", "maple", "sweet_spot", {"firewalls": 3}, "network", estimate_hours=Decimal(3)
)
SQL_DEV = Ticket(
    "t-sql",
    "northwind",
    "upper",
    {"sql-server": 4},
    "specialist",
    subcontractable=True,
    estimate_hours=Decimal(8),
    priority="P2",
)


def ids(suggestions):
    return [s.person_id for s in suggestions]


def test_outlook_problem_goes_to_tara_not_ravi():
    got = suggest(OUTLOOK, TEAM)
    assert ids(got) == ["tara", "ravi"]  # Quill is not proposed: in-house qualifies
    tara, ravi = got
    assert tara.surplus == 1 and ravi.surplus == 2 + 2  # 4-2 skill, senior vs entry
    assert tara.reasons[0] == "outlook-exchange-admin 3 ≥ 2"
    assert "surplus 1: skills +1, level entry for routine work (needs entry) +0" in tara.reasons
    # No client name (as in a scenario file): the reason names the client by its id.
    assert "rate $85.00/h" in tara.reasons
    assert "knows client harbor (recent tickets or visits)" in tara.reasons
    assert tara.to_json() == {
        "id": "tara",
        "kind": "technician",
        "surplus": 1,
        "reasons": list(tara.reasons),
    }


def test_firewall_job_tara_cannot_do_goes_to_ravi():
    assert not qualified(TARA, FIREWALL)
    assert why_not(TARA, FIREWALL) == ["firewalls 1 < 3"]
    got = suggest(FIREWALL, TEAM)
    assert ids(got) == ["ravi"]
    assert got[0].surplus == 1 + 1  # 4-3, senior for network work (intermediate)
    assert "firewalls 4 ≥ 3" in got[0].reasons and "new to client maple" in got[0].reasons


def test_reasons_name_the_client_when_the_name_is_known():
    named = replace(OUTLOOK, client_name="Harbor Dental")
    tara = suggest(named, TEAM)[0]
    assert "knows Harbor Dental (recent tickets or visits)" in tara.reasons
    assert ids(suggest(named, TEAM)) == ids(suggest(OUTLOOK, TEAM))  # the name is only wording
    assert (
        "new to Maple Law" in suggest(replace(FIREWALL, client_name="Maple Law"), TEAM)[0].reasons
    )


def test_sql_server_at_northwind_with_nobody_certified_in_house_goes_to_quill():
    assert not qualified(LEO, SQL_DEV)
    assert why_not(LEO, SQL_DEV) == [
        "no certification evidencing sql-server (upper-segment client)"
    ]
    got = suggest(SQL_DEV, TEAM)
    assert ids(got) == ["quill"]
    assert got[0].kind == "subcontractor" and got[0].billed_difference is None
    assert "subcontractor: nobody in-house qualifies" in got[0].reasons
    assert "certified for sql-server (upper-segment client)" in got[0].reasons


def test_specialist_subcontractable_work_shows_subcontractor_beside_in_house():
    off = DispatchSettings(require_certification_for_upper=False)
    got = suggest(SQL_DEV, TEAM, off)
    assert ids(got) == ["leo", "quill"]
    # (175 - 120) x 8 h billed more with Quill
    assert got[1].billed_difference == Decimal("440.00")
    assert "client billed $440.00 more than with Leo ($175.00 vs $120.00/h × 8 h)" in (
        got[1].reasons
    )
    # Not subcontractable: in-house only; nobody in-house and not subcontractable: nobody.
    assert ids(suggest(replace(SQL_DEV, subcontractable=False), TEAM, off)) == ["leo"]
    assert suggest(replace(SQL_DEV, subcontractable=False), TEAM) == ()


def test_upper_segment_rule_applies_only_when_set_and_only_to_upper():
    sweet = replace(SQL_DEV, client="harbor", segment="sweet_spot")
    assert qualified(LEO, sweet)
    assert qualified(LEO, SQL_DEV, DispatchSettings(require_certification_for_upper=False))
    assert not qualified(LEO, SQL_DEV, DispatchSettings(require_certification_for_upper=True))


def test_ties_break_on_rate_then_familiarity_then_free_hours_then_id():
    base = Person("b", "technician", "entry", Decimal(90), {"lan": 2}, free_hours=Decimal(5))
    ticket = Ticket("t", "acme", requires={"lan": 2})
    cheaper = replace(base, id="z-cheap", bill_rate=Decimal(80))
    familiar = replace(base, id="y-knows", clients=frozenset({"acme"}))
    freer = replace(base, id="x-free", free_hours=Decimal(30))
    later = replace(base, id="w-same")
    got = ids(suggest(ticket, [later, freer, familiar, cheaper, base]))
    assert got == ["z-cheap", "y-knows", "x-free", "b", "w-same"]


SKILLS = ["lan", "firewalls", "sql-server"]
people_st = st.lists(
    st.builds(
        Person,
        id=st.text("abcdef", min_size=1, max_size=3),
        kind=st.sampled_from(["technician", "subcontractor"]),
        level=st.sampled_from(list(LEVEL_RANK)),
        bill_rate=st.integers(50, 200).map(Decimal),
        skills=st.dictionaries(st.sampled_from(SKILLS), st.integers(0, 5)),
        certified_skills=st.frozensets(st.sampled_from(SKILLS)),
        free_hours=st.integers(0, 20).map(Decimal),
        clients=st.frozensets(st.sampled_from(["c1", "c2"])),
    ),
    max_size=6,
    unique_by=lambda p: p.id,
)
ticket_st = st.builds(
    Ticket,
    id=st.just("t"),
    client=st.sampled_from(["c1", "c2"]),
    segment=st.sampled_from(["micro", "sweet_spot", "upper"]),
    requires=st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5), max_size=2),
    tier=st.sampled_from(list(TIER_LEVEL)),
    subcontractable=st.booleans(),
    estimate_hours=st.integers(1, 8).map(Decimal),
)


@settings(max_examples=150, deadline=None)
@given(people=people_st, ticket=ticket_st, rule=st.booleans())
def test_a_suggested_person_always_meets_every_requirement(people, ticket, rule):
    config = DispatchSettings(require_certification_for_upper=rule)
    got = suggest(ticket, people, config)
    by_id = {p.id: p for p in people}
    for s in got:
        person = by_id[s.person_id]
        for skill, need in ticket.requires.items():
            assert person.skills.get(skill, 0) >= need
            if rule and ticket.segment == "upper":
                assert skill in person.certified_skills
        assert s.surplus == surplus(person, ticket) >= 0
        assert len(s.reasons) >= len(ticket.requires) + 3
        if person.outside:
            assert ticket.subcontractable
    # Every qualified technician is listed, best first; subcontractors after them.
    in_house = [p for p in people if not p.outside and qualified(p, ticket, config)]
    listed = [by_id[s.person_id] for s in got if s.kind == "technician"]
    assert listed == sorted(in_house, key=lambda p: rank_key(p, ticket))
    kinds = [s.kind for s in got]
    assert kinds == sorted(kinds, key=lambda k: k == "subcontractor")
    if not in_house and ticket.subcontractable:
        assert {s.person_id for s in got} == {
            p.id for p in people if p.outside and qualified(p, ticket, config)
        }
