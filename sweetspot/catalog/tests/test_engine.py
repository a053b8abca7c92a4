"""The depth and gap engine: properties (hypothesis) and worked examples checked by hand."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from sweetspot.catalog.engine import (
    CertSpec,
    CompetitorSpec,
    Person,
    ServiceSpec,
    analyse,
    depth,
    missing_skills,
    plan_of_attack,
    qualifies,
)

SKILLS = ["desk", "lan", "sql", "fw", "mail"]

skill_maps = st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5), max_size=len(SKILLS))


@st.composite
def people_lists(draw: st.DrawFn) -> list[Person]:
    n = draw(st.integers(0, 6))
    return [
        Person(
            id=i,
            kind=draw(st.sampled_from(["technician", "subcontractor"])),
            name=f"P{i}",
            skills=draw(skill_maps),
            level=draw(st.sampled_from(["entry", "intermediate", "senior", "expert"])),
            bill_rate=Decimal(draw(st.integers(50, 200))),
        )
        for i in range(n)
    ]


@st.composite
def service_lists(draw: st.DrawFn) -> list[ServiceSpec]:
    n = draw(st.integers(1, 5))
    return [
        ServiceSpec(
            id=i,
            name=f"S{i}",
            requires=draw(skill_maps),
            tier=draw(st.sampled_from(["routine", "network", "specialist"])),
            subcontractable=draw(st.booleans()),
        )
        for i in range(n)
    ]


@st.composite
def cert_lists(draw: st.DrawFn) -> list[CertSpec]:
    return [
        CertSpec(
            code=f"C{i}",
            name=f"Cert {i}",
            level="entry",
            current=draw(st.booleans()),
            cost=Decimal(draw(st.integers(0, 5000))),
            study_hours=draw(st.integers(0, 200)),
            evidences=draw(skill_maps),
        )
        for i in range(draw(st.integers(0, 5)))
    ]


@settings(max_examples=200)
@given(service_lists(), people_lists())
def test_depth_is_never_negative_and_adds_up(services, people):
    for s in services:
        d = depth(s, people)
        assert len(d.in_house) >= 0 and len(d.outside) >= 0 and d.total >= 0
        assert d.total == len(d.in_house) + len(d.outside)
        assert all(p.kind == "technician" for p in d.in_house)
        assert all(p.kind == "subcontractor" for p in d.outside)
        if not s.subcontractable:
            assert d.outside == ()
        assert d.status == (
            "unstaffed" if d.total == 0 else "single_point_of_failure" if d.total == 1 else "ok"
        )


@settings(max_examples=200)
@given(service_lists(), people_lists(), cert_lists(), st.data())
def test_adding_a_qualified_technician_never_adds_staffing_gaps(services, people, certs, data):
    before = analyse(services, people, [], certs)
    target = data.draw(st.sampled_from(services))
    skills = {s: max(n, data.draw(st.integers(1, 5))) for s, n in target.requires.items()}
    newcomer = Person(id=999, kind="technician", name="New", skills=skills)
    assert qualifies(newcomer, target)
    after = analyse(services, [*people, newcomer], [], certs)
    assert len(after.staffing) <= len(before.staffing)
    assert {g.service_id for g in after.staffing} <= {g.service_id for g in before.staffing}
    for d_before, d_after in zip(before.depths, after.depths, strict=True):
        assert d_after.total >= d_before.total


@settings(max_examples=200)
@given(service_lists(), people_lists(), cert_lists())
def test_remedies_are_ranked_and_never_propose_a_retired_certification(services, people, certs):
    by_code = {c.code: c for c in certs}
    result = analyse(services, people, [], certs)
    for gap in result.staffing:
        assert gap.depth in (0, 1)
        assert [r.rank for r in gap.remedies] == list(range(1, len(gap.remedies) + 1))
        assert gap.remedies[-1].kind == "hire"
        service = next(s for s in services if s.id == gap.service_id)
        for r in gap.remedies:
            if r.kind == "train":
                cert = by_code[r.certification_code]
                assert cert.current
                trainee = next(
                    p for p in people if p.id == r.technician_id and p.kind == "technician"
                )
                short = missing_skills(trainee, service)
                assert short
                assert all(cert.evidences.get(s, 0) >= service.requires[s] for s in short)
            if r.kind == "subcontract" and r.subcontractor_id is not None:
                # a named firm qualifies but does not count yet (not subcontractable)
                sub = next(
                    p for p in people if p.id == r.subcontractor_id and p.kind == "subcontractor"
                )
                assert qualifies(sub, service) and not service.subcontractable
                assert r.bill_rate == sub.bill_rate


# --- worked examples --------------------------------------------------------------------------

TARA = Person(1, "technician", "Tara", {"desk": 3, "mail": 2}, "entry", Decimal(85))
RAVI = Person(
    2, "technician", "Ravi", {"lan": 4, "fw": 4, "desk": 3, "mail": 3}, "senior", Decimal(150)
)
QUILL = Person(7, "subcontractor", "Quill Data", {"sql": 5, "mail": 4}, "expert", Decimal(165))
TEAM = [TARA, RAVI, QUILL]

SQL_DEV = ServiceSpec(10, "SQL Server development", {"sql": 4}, "specialist", True)
FIREWALL = ServiceSpec(11, "Firewall management", {"fw": 3}, "network")
DESKTOP = ServiceSpec(12, "Desktop support", {"desk": 2}, "routine")
MAIL = ServiceSpec(13, "E-mail sync", {"mail": 2}, "routine", subcontractable=False)

CCNA = CertSpec("CCNA", "Cisco CCNA", "intermediate", True, Decimal(3300), 150, {"fw": 2})
SECPLUS = CertSpec("SEC+", "Security+", "intermediate", True, Decimal(2904), 100, {"fw": 3})
CYSA = CertSpec("CYSA+", "CySA+", "intermediate", True, Decimal(3204), 120, {"fw": 3})
OLD = CertSpec("OLDFW", "Old firewall cert", "entry", False, Decimal(100), 10, {"fw": 4})
CERTS = [CCNA, SECPLUS, CYSA, OLD]


def test_worked_example_specialist_service_one_in_house_one_outside():
    # Ravi learns SQL to 4: he qualifies in-house; Quill counts because it is subcontractable.
    ravi_sql = replace(RAVI, skills={**RAVI.skills, "sql": 4})
    d = depth(SQL_DEV, [TARA, ravi_sql, QUILL])
    assert [p.name for p in d.in_house] == ["Ravi"]
    assert [p.name for p in d.outside] == ["Quill Data"]
    assert (len(d.in_house), len(d.outside), d.total) == (1, 1, 2)


def test_outside_depth_is_zero_when_not_subcontractable():
    # Quill has mail 4 but e-mail sync is not subcontractable: Tara + Ravi = 2, not 3.
    d = depth(MAIL, TEAM)
    assert (len(d.in_house), len(d.outside), d.total) == (2, 0, 2)
    assert depth(replace(MAIL, subcontractable=True), TEAM).total == 3


def test_a_service_only_ravi_qualifies_for_is_a_single_point_of_failure():
    result = analyse([FIREWALL, DESKTOP], TEAM, [], CERTS, hourly_study_cost={1: Decimal(60)})
    assert [(g.service_name, g.kind, g.depth) for g in result.staffing] == [
        ("Firewall management", "single_point_of_failure", 1)
    ]
    gap = result.staffing[0]
    assert gap.detail == "Only Ravi can deliver it."
    train, hire = gap.remedies
    # Tara is the only other technician; she needs fw 3. CCNA evidences only fw 2, the retired
    # OLDFW is never proposed, and Security+ ($2,904) is cheaper than CySA+ ($3,204).
    assert train.kind == "train" and train.rank == 1
    assert train.technician_id == TARA.id
    assert train.certification_code == "SEC+"
    assert train.description == "Train Tara for Security+ (SEC+)"
    # exam + class $2,904 + 100 study hours x $60 (her hourly value passed in) = $8,904
    assert train.cost == Decimal("8904.00")
    assert hire.kind == "hire" and hire.rank == 2
    assert hire.description == "Hire an intermediate technician with fw 3+"


def test_retired_certifications_are_never_proposed():
    remedies = plan_of_attack(FIREWALL, TEAM, [OLD])
    assert [r.kind for r in remedies] == ["hire"]


def test_certification_already_held_is_not_proposed_again():
    tara = replace(TARA, certifications=frozenset({"SEC+"}))
    (train, _hire) = plan_of_attack(FIREWALL, [tara, RAVI], CERTS)
    assert train.certification_code == "CYSA+"


def test_train_picks_the_closest_technician():
    # Leo has fw 2 (one point short), Tara none (three short): Leo, though he costs more.
    leo = Person(3, "technician", "Leo", {"fw": 2}, "intermediate", Decimal(120))
    train = plan_of_attack(FIREWALL, [TARA, RAVI, leo], CERTS)[0]
    assert train.technician_id == leo.id


def test_equally_close_prefers_the_technician_not_overqualified_for_the_tier():
    # Routine e-mail work: Tara (entry) and Ravi (senior) are both one skill short by 2;
    # train the entry-level technician, not the senior one.
    phones = ServiceSpec(14, "Phone sync", {"mail": 2, "phone": 2}, "routine")
    cert = CertSpec("PH", "Phone cert", "entry", True, Decimal(300), 10, {"phone": 2})
    train = plan_of_attack(phones, [RAVI, TARA], [cert])[0]
    assert train.technician_id == TARA.id


def test_thin_specialist_work_lines_up_another_subcontractor_first():
    byte = Person(8, "subcontractor", "Byte Partners", {"sql": 5}, "expert", Decimal(140))
    sql = replace(SQL_DEV, requires={"sql": 5})
    (gap,) = analyse([sql], [TARA, RAVI, byte], [], CERTS).staffing
    # Byte Partners qualifies and counts (subcontractable): depth 1, outside only.
    assert gap.depth == 1 and gap.detail == "Only Byte Partners (subcontractor) can deliver it."
    assert [r.kind for r in gap.remedies] == ["subcontract", "hire"]
    assert gap.remedies[0].description == "Line up a second outside specialist with sql 5+"
    assert gap.remedies[0].subcontractor_id is None
    assert gap.remedies[1].description == "Hire a senior technician with sql 5+"


def test_subcontract_names_a_qualified_firm_that_does_not_count_yet_with_its_bill_rate():
    # Database support is not subcontractable: Quill (sql 5) and Byte (sql 5) qualify but do
    # not count, so nobody can deliver it; the plan names the cheaper firm with its bill rate.
    byte = Person(8, "subcontractor", "Byte Partners", {"sql": 5}, "expert", Decimal(140))
    db = ServiceSpec(20, "Database support", {"sql": 3}, "routine", subcontractable=False)
    (gap,) = analyse([db], [TARA, RAVI, QUILL, byte], [], CERTS).staffing
    assert gap.kind == "unstaffed" and gap.depth == 0
    assert gap.detail == (
        "Nobody can deliver it. Quill Data, Byte Partners could, but the service is not "
        "marked subcontractable."
    )
    sub, hire = gap.remedies
    assert sub.kind == "subcontract" and sub.subcontractor_id == byte.id
    assert sub.bill_rate == Decimal(140)
    assert (
        sub.description == "Subcontract to Byte Partners at $140/h (mark the service "
        "subcontractable)"
    )
    assert hire.description == "Hire an entry-level technician with sql 3+"
    # Other callers (the promise check) word that case themselves: not named by default.
    assert [r.kind for r in plan_of_attack(db, [TARA, QUILL, byte], CERTS)] == ["hire"]


def test_competitor_only_services_and_differentiators():
    granite = CompetitorSpec("Granite", frozenset({DESKTOP.id}), ("VoIP phone systems",))
    bytewise = CompetitorSpec(
        "Bytewise", frozenset({DESKTOP.id}), ("VoIP phone systems", "Website hosting")
    )
    result = analyse([DESKTOP, FIREWALL, MAIL], TEAM, [granite, bytewise], CERTS)
    assert [(g.service_name, g.kind) for g in result.competitor_only] == [
        ("VoIP phone systems", "competitor_only"),
        ("Website hosting", "competitor_only"),
    ]
    assert result.competitor_only[0].detail == "Offered by Bytewise, Granite; not in our catalog."
    assert [r.kind for r in result.competitor_only[0].remedies] == [
        "add_service",
        "subcontract",
        "hire",
    ]
    assert result.differentiators == ("E-mail sync", "Firewall management")
    assert result.gaps == result.staffing + result.competitor_only
    found = result.find("n:Website hosting", "add_service:::")
    assert found is not None and found[1].rank == 1
    assert result.find("s:11", "train:1:SEC+:") is not None
    assert result.find("s:11", "nope") is None
