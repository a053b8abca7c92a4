"""Certification planner engine (pure): worked examples by hand, and hypothesis properties."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from sweetspot.catalog.engine import Person, ServiceSpec
from sweetspot.growth import cert_engine as ce

TODAY = dt.date(2026, 3, 1)
D = Decimal


def cert(code, level="entry", current=True, exam="0", klass="0", hours=0, evidences=None, i=0):
    return ce.CertOption(
        id=i or abs(hash(code)) % 10_000,
        code=code,
        name=f"{code} certification",
        vendor="Vendor",
        level=level,
        current=current,
        exam_fee=D(exam),
        class_cost=D(klass),
        study_hours=hours,
        evidences=evidences or {},
    )


def tech(pid, name, rate="85", skills=None, holds=(), level="entry"):
    return Person(
        id=pid,
        kind="technician",
        name=name,
        skills=skills or {},
        level=level,
        bill_rate=D(rate),
        certifications=frozenset(holds),
    )


A_PLUS = cert("A+", "entry", exam="500", klass="0", hours=60, evidences={"windows-desktop": 3})
MCSA = cert(
    "MCSA", "intermediate", exam="330", klass="1200", hours=80, evidences={"windows-server": 3}
)
MCSE_OLD = cert(
    "MCSE-2003", "senior", current=False, exam="600", hours=120, evidences={"windows-server": 4}
)
CCNP = cert("CCNP", "senior", exam="700", klass="0", hours=100, evidences={"wan-vpn": 4})
CCIE = cert("CCIE", "expert", exam="1900", klass="0", hours=300, evidences={"wan-vpn": 5})

SERVER = ServiceSpec(1, "Server administration", {"windows-server": 3}, "network")
DESKTOP = ServiceSpec(2, "Desktop support", {"windows-desktop": 2}, "routine")


def inputs(technicians, certs, **kw):
    return ce.PlanInputs(
        technicians=tuple(technicians),
        services=tuple(kw.pop("services", (SERVER, DESKTOP))),
        certifications=tuple(certs),
        today=TODAY,
        **kw,
    )


def only(plan, tech_id):
    return next(t for t in plan.technicians if t.technician_id == tech_id)


def proposal(plan, tech_id, code):
    return next(p for p in only(plan, tech_id).proposals if p.certification.code == code)


# --- worked examples, computed by hand ------------------------------------------------------


def test_a_plus_for_a_technician_with_no_certification():
    # A+: exam $500 + class $0 + 60 h × $85 × 0.75 = 500 + 3,825 = $4,325.00
    # credibility $1,500 a year -> $125 a month -> 4,325 / 125 = 34.6 months
    nova = tech(1, "Nova")
    plan = ce.plan(inputs([nova], [A_PLUS]))
    p = proposal(plan, 1, "A+")
    assert p.cost.exam_fee == D("500.00")
    assert p.cost.class_cost == D("0.00")
    assert p.cost.lost_hours == D("45.00")
    assert p.cost.lost_billing == D("3825.00")
    assert p.cost.total == D("4325.00")
    assert p.benefit.credibility == D("1500.00")
    assert p.benefit.total == D("1500.00")
    assert p.payback_months == D("34.6")
    assert p.steered and p.recommended and p.rank == 1
    assert p.to_json()["cost"]["total"] == "4325.00"
    assert p.to_json()["payback_months"] == "34.6"


def test_credibility_only_for_a_first_entry_level_certification():
    tara = tech(1, "Tara", holds={"A+"})
    mcp = cert("MCP", "entry", exam="125", hours=20)
    plan = ce.plan(inputs([tara], [A_PLUS, mcp, MCSA]))
    assert proposal(plan, 1, "MCP").benefit.credibility == 0
    assert proposal(plan, 1, "MCP").payback_months is None
    assert not any(p.steered for p in only(plan, 1).proposals)


def test_sold_and_pipeline_work_on_a_thin_service():
    # Server administration: only Ravi qualifies (depth 1). Tara (windows-server 1) would
    # qualify with MCSA: cost 330 + 1,200 + 80 × 85 × 0.75 (= 5,100) = $6,630.00.
    # Sold $6,000/yr + pipeline $2,400/yr = $8,400/yr = $700/month -> 6,630 / 700 = 9.47 -> 9.5
    tara = tech(1, "Tara", skills={"windows-server": 1}, holds={"A+"})
    ravi = tech(2, "Ravi", rate="125", skills={"windows-server": 4}, holds={"MCSE-2003"})
    plan = ce.plan(
        inputs(
            [tara, ravi],
            [A_PLUS, MCSA, MCSE_OLD],
            sold_value={SERVER.id: D("6000")},
            pipeline_value={SERVER.id: D("2400")},
        )
    )
    p = proposal(plan, 1, "MCSA")
    assert p.cost.total == D("6630.00")
    assert p.benefit.work == D("8400.00")
    assert p.payback_months == D("9.5")
    assert [(u.service_name, u.depth) for u in p.benefit.unlocks] == [("Server administration", 1)]
    assert p.recommended and p.rank == 1
    # only sold: 6,630 / 500 = 13.26 -> 13.3
    plan = ce.plan(inputs([tara, ravi], [A_PLUS, MCSA], sold_value={SERVER.id: D("6000")}))
    assert proposal(plan, 1, "MCSA").payback_months == D("13.3")


def test_work_on_a_service_with_depth_two_is_not_counted():
    tara = tech(1, "Tara", skills={"windows-server": 1}, holds={"A+"})
    ravi = tech(2, "Ravi", skills={"windows-server": 4}, holds={"A+"})
    maya = tech(3, "Maya", skills={"windows-server": 3}, holds={"A+"})
    plan = ce.plan(inputs([tara, ravi, maya], [A_PLUS, MCSA], sold_value={SERVER.id: D(6000)}))
    p = proposal(plan, 1, "MCSA")
    assert p.benefit.total == 0 and p.payback_months is None and p.benefit.unlocks == ()


def test_subcontracting_replaced():
    # SQL work goes to Quill Data at $3,000 a year; a $1,000 course with no study hours:
    # 1,000 / 250 = 4.0 months.
    sql = ServiceSpec(3, "SQL Server development", {"sql-server": 4}, "specialist", True)
    quill = Person(9, "subcontractor", "Quill Data", {"sql-server": 5})
    dba = cert("DBA", "senior", klass="1000", evidences={"sql-server": 4})
    tara = tech(1, "Tara", holds={"A+"})
    plan = ce.plan(
        inputs(
            [tara],
            [A_PLUS, dba],
            services=(sql,),
            subcontractors=(quill,),
            subcontract_spend={sql.id: D(3000)},
        )
    )
    p = proposal(plan, 1, "DBA")
    assert p.benefit.subcontracting == D("3000.00")
    assert p.payback_months == D("4.0")
    assert p.benefit.unlocks[0].depth == 1  # Quill counts: the service is subcontractable


def test_rate_uplift_only_with_upper_segment_hours_and_above_the_held_level():
    # Ravi holds MCSE (senior). 200 upper-segment hours × $25 = $5,000/yr, for CCIE (expert)
    # only: CCNP is senior, no step up. CCIE: 1,900 + 300 × 125 × 0.75 (= 28,125) = $30,025.00
    # -> 30,025 / (5,000 / 12) = 72.06 -> 72.1 months.
    ravi = tech(2, "Ravi", rate="125", holds={"MCSE-2003"}, level="senior")
    certs = [MCSE_OLD, CCNP, CCIE]
    plan = ce.plan(inputs([ravi], certs, upper_hours={2: D(200)}))
    assert proposal(plan, 2, "CCNP").benefit.uplift == 0
    ccie = proposal(plan, 2, "CCIE")
    assert ccie.benefit.uplift == D("5000.00")
    assert ccie.cost.total == D("30025.00")
    assert ccie.payback_months == D("72.1")
    # no upper-segment hours: no uplift at all
    plan = ce.plan(inputs([ravi], certs))
    assert proposal(plan, 2, "CCIE").benefit.total == 0


def test_retired_certifications_evidence_but_are_never_proposed():
    ravi = tech(2, "Ravi", holds={"MCSE-2003"})
    nova = tech(3, "Nova")
    plan = ce.plan(inputs([ravi, nova], [A_PLUS, MCSE_OLD, MCSA]))
    for t in plan.technicians:
        assert "MCSE-2003" not in {p.certification.code for p in t.proposals}
    assert {p.certification.code for p in only(plan, 2).proposals} == {"A+", "MCSA"}


def test_no_certification_is_steered_to_one_or_two_entry_level_first():
    # An intermediate certification that unlocks sold work pays back faster (6,630 / 1,000 =
    # 6.6 months) than any entry one, yet a technician with none starts with entry-level ones.
    nova = tech(1, "Nova", skills={"windows-server": 1})
    ravi = tech(2, "Ravi", skills={"windows-server": 4}, holds={"MCSE-2003"})
    mcp = cert("MCP", "entry", exam="125", hours=20)
    cna = cert("CNA", "entry", exam="195", hours=40)
    itf = cert("ITF+", "entry", exam="134", hours=30)
    plan = ce.plan(
        inputs(
            [nova, ravi],
            [A_PLUS, MCSA, MCSE_OLD, mcp, cna, itf],
            sold_value={SERVER.id: D("12000")},
        )
    )
    ranked = only(plan, 1).proposals
    assert [p.certification.level for p in ranked[:2]] == ["entry", "entry"]
    assert all(p.steered for p in ranked[:2]) and not any(p.steered for p in ranked[2:])
    # MCP: 125 + 20 × 85 × .75 = 1,400 -> 11.2 months; ITF+: 134 + 1,912.50 = 2,046.50 -> 16.4
    assert [p.certification.code for p in ranked[:2]] == ["MCP", "ITF+"]
    assert ranked[0].payback_months == D("11.2") and ranked[1].payback_months == D("16.4")
    assert ranked[2].certification.code == "MCSA" and ranked[2].payback_months == D("6.6")
    assert ranked[0].recommended and not ranked[2].recommended
    # with no entry steering the faster MCSA would have come first
    plan = ce.plan(
        inputs(
            [nova, ravi],
            [A_PLUS, MCSA, MCSE_OLD, mcp, cna, itf],
            sold_value={SERVER.id: D("12000")},
            settings=ce.PlanSettings(entry_steer_count=0),
        )
    )
    assert only(plan, 1).proposals[0].certification.code == "MCSA"


# --- warnings ------------------------------------------------------------------------------

HEALTHY_BD = {"overdue_followups": 0, "pipeline_weighted_monthly": D("1200")}


def test_spend_with_no_revenue_on_record_warns():
    plan = ce.plan(inputs([tech(1, "Nova")], [A_PLUS], **HEALTHY_BD))
    assert plan.spend.planned == D("4325.00")
    assert [w.kind for w in plan.warnings] == ["no_revenue"]
    assert "no billable revenue on record yet" in plan.warnings[0].message
    assert "$4,325.00 planned" in plan.warnings[0].message


def test_recent_spend_counts_certifications_earned_in_the_last_twelve_months():
    tara = tech(1, "Tara", holds={"A+"})
    earned = (
        ce.Earned(1, "A+", TODAY - dt.timedelta(days=100), D("85")),  # 4,325.00
        ce.Earned(1, "MCSA", TODAY - dt.timedelta(days=400), D("85")),  # too old
    )
    plan = ce.plan(inputs([tara], [A_PLUS, MCSA], earned=earned, **HEALTHY_BD))
    assert plan.spend.recent == D("4325.00")
    assert plan.spend.planned == 0  # nothing of Tara's pays back on this data
    assert plan.warnings[0].kind == "no_revenue"
    assert "$4,325.00 in the last 12 months" in plan.warnings[0].message


def test_spend_above_the_share_of_trailing_revenue_warns():
    # planned $4,325.00; 10 % of $40,000 = $4,000 -> warn; of $50,000 = $5,000 -> quiet
    nova = tech(1, "Nova")
    plan = ce.plan(inputs([nova], [A_PLUS], trailing_revenue=D(40000), **HEALTHY_BD))
    assert plan.spend.threshold == D("4000.00")
    assert [w.kind for w in plan.warnings] == ["training_spend"]
    assert "10%" in plan.warnings[0].message
    plan = ce.plan(inputs([nova], [A_PLUS], trailing_revenue=D(50000), **HEALTHY_BD))
    assert plan.warnings == ()


def test_bd_neglect_warns_on_overdue_follow_ups_and_a_thin_pipeline():
    nova = tech(1, "Nova", holds={"A+"})
    quiet = ce.plan(inputs([nova], [A_PLUS], **HEALTHY_BD))
    assert quiet.warnings == ()
    overdue = ce.plan(
        inputs([nova], [A_PLUS], overdue_followups=2, pipeline_weighted_monthly=D("1200"))
    )
    assert [w.kind for w in overdue.warnings] == ["bd_neglect"]
    assert "2 overdue follow-ups" in overdue.warnings[0].message
    assert overdue.warnings[0].advice == ce.ADVICE
    assert "add certifications slowly" in overdue.warnings[0].advice
    thin = ce.plan(inputs([nova], [A_PLUS], pipeline_weighted_monthly=D("999.99")))
    assert "thin pipeline ($999.99 a month weighted" in thin.warnings[0].message
    assert "1 overdue" not in thin.warnings[0].message


# --- properties ----------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=50_000, places=2, allow_nan=False)
positive = st.decimals(min_value=D("0.01"), max_value=500_000, places=2, allow_nan=False)
SKILLS = ["windows-server", "windows-desktop", "wan-vpn", "sql-server"]
LEVELS = ["entry", "intermediate", "senior", "expert"]


@given(cost=money, b1=positive, b2=positive)
def test_payback_never_rises_as_benefit_rises(cost, b1, b2):
    low, high = sorted((b1, b2))
    assert ce.payback_months(cost, high) <= ce.payback_months(cost, low)
    assert ce.payback_months(cost, D(0)) is None


@given(
    exam=money,
    klass=money,
    hours=st.integers(0, 2000),
    rate=money,
    util=st.decimals(min_value=0, max_value=1, places=2),
)
def test_cost_is_never_negative(exam, klass, hours, rate, util):
    c = ce.training_cost(cert("X", exam=exam, klass=klass, hours=hours), rate, util)
    assert c.total >= 0 and c.lost_billing >= 0
    assert c.total == ce.cents(exam + klass + c.lost_billing)


@given(
    value=st.lists(money, min_size=2, max_size=2),
    credibility=money,
)
def test_payback_falls_as_the_work_unlocked_grows(value, credibility):
    low, high = sorted(value)
    nova = tech(1, "Nova", skills={"windows-server": 1})
    certs = [A_PLUS, MCSA]
    s = ce.PlanSettings(credibility_value=credibility)
    paybacks = []
    for v in (low, high):
        plan = ce.plan(inputs([nova], certs, sold_value={SERVER.id: v}, settings=s))
        paybacks.append(proposal(plan, 1, "MCSA").payback_months)
    if paybacks[0] is None:
        return
    assert paybacks[1] is not None and paybacks[1] <= paybacks[0]


cert_strategy = st.builds(
    lambda i, level, current, exam, hours, ev: cert(
        f"C{i}", level, current, exam=exam, hours=hours, evidences=ev, i=i + 1
    ),
    st.integers(0, 30),
    st.sampled_from(LEVELS),
    st.booleans(),
    money,
    st.integers(0, 200),
    st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5), max_size=3),
)


@settings(max_examples=60)
@given(
    certs=st.lists(cert_strategy, min_size=1, max_size=8, unique_by=lambda c: c.code),
    held=st.lists(st.sets(st.integers(0, 30), max_size=3), min_size=1, max_size=4),
    skills=st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5), max_size=3),
    sold=money,
)
def test_only_current_certifications_not_held_are_proposed(certs, held, skills, sold):
    technicians = [
        tech(i + 1, f"T{i}", skills=skills, holds={f"C{h}" for h in hs})
        for i, hs in enumerate(held)
    ]
    services = (ServiceSpec(1, "S", {"windows-server": 3}), SERVER, DESKTOP)
    plan = ce.plan(
        inputs(technicians, certs, services=services, sold_value={1: sold, SERVER.id: sold})
    )
    by_code = {c.code: c for c in certs}
    for t, person in zip(plan.technicians, technicians, strict=True):
        codes = [p.certification.code for p in t.proposals]
        assert all(by_code[c].current for c in codes)
        assert not set(codes) & person.certifications
        assert set(codes) == {c.code for c in certs if c.current} - person.certifications
        assert [p.rank for p in t.proposals] == list(range(1, len(codes) + 1))
        assert all(p.cost.total >= 0 for p in t.proposals)
        if not person.certifications and any(c.current and c.level == "entry" for c in certs):
            assert t.proposals[0].certification.level == "entry"
            assert t.proposals[0].steered


def test_trained_adds_evidenced_skills_without_lowering_any():
    p = tech(1, "T", skills={"windows-server": 5, "lan": 2})
    after = ce.trained(p, MCSA)
    assert after.skills == {"windows-server": 5, "lan": 2}
    assert "MCSA" in after.certifications
    assert ce.trained(replace(p, skills={}), MCSA).skills == {"windows-server": 3}


def test_among_never_paying_back_those_that_staff_a_thin_service_come_first():
    # Nothing is sold, so nothing pays back; MCSA would make Tara a second pair of hands on
    # Server administration (depth 1) and ranks above the cheaper certification that would not.
    tara = tech(1, "Tara", skills={"windows-server": 1}, holds={"A+"})
    ravi = tech(2, "Ravi", skills={"windows-server": 4}, holds={"A+"})
    cheap = cert("CHEAP", "entry", exam="50")
    plan = ce.plan(inputs([tara, ravi], [A_PLUS, MCSA, cheap]))
    assert [p.certification.code for p in only(plan, 1).proposals] == ["MCSA", "CHEAP"]
    assert all(p.payback_months is None for p in only(plan, 1).proposals)
    assert not any(p.recommended for p in only(plan, 1).proposals)


# --- the firm's payback horizon (issue 14 item 15) ------------------------------------------


def test_a_proposal_beyond_the_horizon_is_not_worth_it_now():
    # A+ pays back in 34.6 months (worked above): inside 36, outside 24.
    nova = tech(1, "Nova")
    inside = proposal(ce.plan(inputs([nova], [A_PLUS])), 1, "A+")
    assert inside.recommended and not inside.beyond_horizon
    assert inside.to_json()["worth_it_now"] is True

    tight = ce.PlanSettings(payback_horizon_months=24)
    plan = ce.plan(inputs([nova], [A_PLUS], settings=tight, trailing_revenue=D("1000")))
    p = proposal(plan, 1, "A+")
    assert p.beyond_horizon and not p.recommended  # never the next step
    assert p.to_json()["worth_it_now"] is False
    assert any("Not worth it now" in r and "24 months" in r for r in p.reasons)
    # ... and not in the planned spend, so no training-spend warning for it.
    assert plan.spend is not None and plan.spend.planned == D("0.00")
    assert not [w for w in plan.warnings if w.kind == "training_spend"]


def test_without_a_horizon_every_paying_proposal_can_be_the_next_step():
    nova = tech(1, "Nova")
    plan = ce.plan(inputs([nova], [A_PLUS], settings=ce.PlanSettings(payback_horizon_months=None)))
    assert proposal(plan, 1, "A+").recommended


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=120), st.integers(min_value=0, max_value=400))
def test_recommended_proposals_always_pay_back_within_the_horizon(horizon, hours):
    nova = tech(1, "Nova")
    a_plus = replace(A_PLUS, study_hours=hours)
    plan = ce.plan(
        inputs([nova], [a_plus], settings=ce.PlanSettings(payback_horizon_months=horizon))
    )
    for t in plan.technicians:
        for p in t.proposals:
            if p.recommended:
                assert p.payback_months is not None and p.payback_months <= horizon
            if p.beyond_horizon:
                assert not p.recommended
