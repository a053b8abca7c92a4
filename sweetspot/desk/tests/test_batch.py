"""Batch dispatch: worked examples, brute-force optimality on tiny queues, properties."""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from sweetspot.desk.batch import (
    NO_CAPACITY,
    NO_QUALIFIED,
    Plan,
    _build,
    _cheaper,
    _cost_relaxation,
    _feasible,
    _fill,
    _more_urgent,
    _restricted_cost,
    _restricted_urgency,
    _tight_urgency,
    _urgency_relaxation,
    _used_urgency,
    _value,
    greedy_plan,
    hour_units,
    pair_cost,
    plan,
    sla_boost,
    urgency_key,
    urgency_weight,
)
from sweetspot.desk.engine import LEVEL_RANK, DispatchSettings, Person, Ticket, candidates

from .test_engine import FIREWALL, OUTLOOK, RAVI, SQL_DEV, TARA, TEAM

FAST = DispatchSettings(time_limit_seconds=2)


def test_worked_queue_goes_tara_ravi_quill_with_the_cost_spelled_out():
    got = plan([OUTLOOK, FIREWALL, SQL_DEV], TEAM, FAST)
    assert got.assignments == {"t-outlook": "tara", "t-firewall": "ravi", "t-sql": "quill"}
    assert got.unassigned == {} and got.status == "optimal" and got.gap == 0
    # Tara 1 h x $85 + 1 surplus x $10; Ravi 3 h x $140 + 2 x $10;
    # Quill 8 h x $175 + (5-4 skill + expert vs senior 1) x $10
    assert got.total_cost == Decimal("95.00") + Decimal("440.00") + Decimal("1420.00")
    assert got.to_json()["total_cost"] == "1955.00"


def test_capacity_sends_the_second_outlook_job_to_ravi_and_urgency_decides_who_waits():
    busy_tara = replace(TARA, free_hours=Decimal(1))
    second = replace(OUTLOOK, id="t-outlook-2")
    got = plan([OUTLOOK, second], [busy_tara, RAVI], FAST)
    assert set(got.assignments.values()) == {"tara", "ravi"}
    # Only one hour anywhere: the P1 ticket gets it, the P4 one waits for capacity.
    lone = [busy_tara]
    p4 = replace(OUTLOOK, id="later", priority="P4")
    p1 = replace(OUTLOOK, id="now", priority="P1")
    got = plan([p4, p1], lone, FAST)
    assert got.assignments == {"now": "tara"} and got.unassigned == {"later": NO_CAPACITY}


def test_reason_codes():
    nobody = Ticket("x", "harbor", requires={"mainframe": 3})
    too_big = replace(OUTLOOK, id="big", estimate_hours=Decimal(40))
    got = plan([nobody, too_big], [TARA, RAVI], FAST)
    assert got.unassigned == {"x": NO_QUALIFIED, "big": NO_CAPACITY}
    assert got.assignments == {} and got.total_cost == 0


def test_solver_beats_greedy_when_the_best_ranked_person_is_needed_elsewhere():
    mia = Person("mia", "technician", "entry", Decimal(80), {"printers": 3}, free_hours=Decimal(2))
    ravi = replace(RAVI, skills={**RAVI.skills, "printers": 2}, free_hours=Decimal(2))
    urgent = Ticket(
        "a", "harbor", requires={"printers": 2}, estimate_hours=Decimal(2), priority="P1"
    )
    only_mia = Ticket(
        "b", "harbor", requires={"printers": 3}, estimate_hours=Decimal(2), priority="P2"
    )
    base = greedy_plan([urgent, only_mia], [mia, ravi], FAST)
    assert base.assignments == {"a": "mia"} and base.unassigned == {"b": NO_CAPACITY}
    got = plan([urgent, only_mia], [mia, ravi], FAST)
    assert got.assignments == {"a": "ravi", "b": "mia"} and got.status == "optimal"
    assert got.urgency_hours > base.urgency_hours


def test_urgency_weights_order_priority_then_sla():
    assert sla_boost(None) == 0 and sla_boost(-5) == 9 and sla_boost(10) == 8
    assert sla_boost(5000) == 0
    p1 = replace(OUTLOOK, priority="P1", sla_minutes_left=5000)
    p2 = replace(OUTLOOK, priority="P2", sla_minutes_left=-30)
    assert urgency_weight(p1) > urgency_weight(p2)
    assert urgency_key(p1) < urgency_key(p2)
    assert urgency_key(replace(p2, sla_minutes_left=10)) < urgency_key(
        replace(p2, sla_minutes_left=None)
    )


def test_a_spent_time_limit_still_returns_a_plan_no_worse_than_greedy():
    queue = [OUTLOOK, FIREWALL, SQL_DEV]
    got = plan(queue, TEAM, FAST, time_limit=1e-9)
    base = greedy_plan(queue, TEAM, FAST)
    assert got.status in ("time_limit", "greedy")
    assert got.urgency_hours >= base.urgency_hours


# --- properties ------------------------------------------------------------------------

SKILLS = ["lan", "printers"]
person_st = st.builds(
    Person,
    id=st.just(""),
    kind=st.sampled_from(["technician", "technician", "subcontractor"]),
    level=st.sampled_from(list(LEVEL_RANK)),
    bill_rate=st.integers(50, 200).map(Decimal),
    skills=st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5)),
    certified_skills=st.frozensets(st.sampled_from(SKILLS)),
    free_hours=st.sampled_from(["0", "1", "2.5", "4", "6"]).map(Decimal),
    clients=st.frozensets(st.sampled_from(["c1", "c2"])),
)
ticket_st = st.builds(
    Ticket,
    id=st.just(""),
    client=st.sampled_from(["c1", "c2"]),
    segment=st.sampled_from(["sweet_spot", "upper"]),
    requires=st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 4), max_size=2),
    tier=st.sampled_from(["routine", "network", "specialist"]),
    subcontractable=st.booleans(),
    estimate_hours=st.sampled_from(["0.5", "1", "1.5", "2", "3"]).map(Decimal),
    priority=st.sampled_from(["P1", "P2", "P3", "P4"]),
    sla_minutes_left=st.none() | st.integers(-60, 3000),
)


@st.composite
def queues(draw, max_tickets=5, max_people=3):
    people = draw(st.lists(person_st, min_size=1, max_size=max_people))
    tickets = draw(st.lists(ticket_st, min_size=1, max_size=max_tickets))
    people = [replace(p, id=f"p{i}") for i, p in enumerate(people)]
    tickets = [replace(t, id=f"t{i}") for i, t in enumerate(tickets)]
    return tickets, people


def _urgency(tickets, assignments):
    units = sum(
        urgency_weight(t) * hour_units(t.estimate_hours, ROUND_CEILING)
        for t in tickets
        if t.id in assignments
    )
    return Decimal(units) / 1000


def _check_capacity(tickets, people, assignments):
    est = {t.id: t.estimate_hours for t in tickets}
    for p in people:
        used = sum((est[tid] for tid, pid in assignments.items() if pid == p.id), Decimal(0))
        assert used <= p.free_hours


@settings(max_examples=60, deadline=None)
@given(queue=queues())
def test_batch_is_lexicographically_optimal_on_tiny_queues(queue):
    tickets, people = queue
    got = plan(tickets, people, FAST)
    assert got.status == "optimal"
    best = None
    options = [[None] + candidates(t, people, FAST) for t in tickets]
    cap = {p.id: hour_units(p.free_hours, ROUND_FLOOR) for p in people}
    for choice in itertools.product(*options):
        load = dict.fromkeys(cap, 0)
        for t, p in zip(tickets, choice, strict=True):
            if p is not None:
                load[p.id] += hour_units(t.estimate_hours, ROUND_CEILING)
        if any(load[k] > cap[k] for k in cap):
            continue
        chosen = {t.id: p for t, p in zip(tickets, choice, strict=True) if p is not None}
        value = (
            _urgency(tickets, chosen),
            -sum((pair_cost(p, t, FAST) for t in tickets if (p := chosen.get(t.id))), Decimal(0)),
        )
        best = value if best is None or value > best else best
    assert (got.urgency_hours, -got.total_cost) == best


@settings(max_examples=60, deadline=None)
@given(queue=queues(max_tickets=8, max_people=4))
def test_batch_respects_capacity_beats_greedy_and_is_reproducible(queue):
    tickets, people = queue
    got = plan(tickets, people, FAST)
    base = greedy_plan(tickets, people, FAST)
    _check_capacity(tickets, people, got.assignments)
    _check_capacity(tickets, people, base.assignments)
    by_id = {p.id: p for p in people}
    for t in tickets:
        allowed = {p.id for p in candidates(t, people, FAST)}
        if t.id in got.assignments:
            assert got.assignments[t.id] in allowed
        else:
            assert got.unassigned[t.id] == (NO_CAPACITY if allowed else NO_QUALIFIED)
    assert set(got.assignments) | set(got.unassigned) == {t.id for t in tickets}
    assert got.urgency_hours == _urgency(tickets, got.assignments)
    assert got.total_cost == sum(
        (pair_cost(by_id[pid], t, FAST) for t in tickets if (pid := got.assignments.get(t.id))),
        Decimal(0),
    )
    assert got.urgency_hours >= base.urgency_hours
    if set(got.assignments) == set(base.assignments):
        assert got.total_cost <= base.total_cost
    again = plan(tickets, people, FAST)
    assert (again.assignments, again.unassigned, again.total_cost) == (
        got.assignments,
        got.unassigned,
        got.total_cost,
    )


# --- warm starts, stages, progress (issue #18) --------------------------------------------


def test_urgency_warm_start_makes_room_by_passing_a_ticket_on():
    """Greedy gives the P1 ticket to Mia (best ranked) and leaves the P2 one nobody else can
    do; the warm start moves the P1 ticket to Ravi so Mia can take it."""
    mia = Person("mia", "technician", "entry", Decimal(80), {"printers": 3}, free_hours=Decimal(2))
    ravi = replace(RAVI, skills={**RAVI.skills, "printers": 2}, free_hours=Decimal(2))
    urgent = Ticket(
        "a", "harbor", requires={"printers": 2}, estimate_hours=Decimal(2), priority="P1"
    )
    only_mia = Ticket(
        "b", "harbor", requires={"printers": 3}, estimate_hours=Decimal(2), priority="P2"
    )
    prob = _build([urgent, only_mia], [mia, ravi], FAST)
    greedy = _fill(prob, [0] * len(prob.pairs))
    warm = _more_urgent(prob, greedy, time.perf_counter() + 5)
    assert _feasible(prob, warm) and _value(prob, warm)[0] > _value(prob, greedy)[0]
    assert {
        prob.tickets[t].id: prob.people[p].id
        for (t, p), on in zip(prob.pairs, warm, strict=True)
        if on
    } == {"a": "ravi", "b": "mia"}


def test_cost_warm_start_moves_work_to_the_cheaper_person_with_room():
    # Tara ($85) and Ravi ($140) both qualify; a plan that sends the Outlook job to Ravi is
    # made cheaper by moving it to Tara, who has the hours.
    prob = _build([OUTLOOK], [TARA, RAVI], FAST)
    to_ravi = [1 if prob.people[p].id == "ravi" else 0 for _, p in prob.pairs]
    urgency, cost = _value(prob, to_ravi)
    cheaper = _cheaper(prob, to_ravi, urgency, time.perf_counter() + 5)
    assert _feasible(prob, cheaper)
    assert _value(prob, cheaper)[0] >= urgency and _value(prob, cheaper)[1] < cost


@settings(max_examples=60, deadline=None)
@given(queue=queues(max_tickets=8, max_people=4))
def test_warm_starts_stay_feasible_and_only_improve(queue):
    tickets, people = queue
    prob = _build(tickets, people, FAST)
    greedy = _fill(prob, [0] * len(prob.pairs))
    warm = _more_urgent(prob, greedy, time.perf_counter() + 5)
    assert _feasible(prob, warm) and _value(prob, warm)[0] >= _value(prob, greedy)[0]
    urgency, cost = _value(prob, warm)
    cheaper = _cheaper(prob, warm, urgency, time.perf_counter() + 5)
    assert _feasible(prob, cheaper)
    assert _value(prob, cheaper)[0] >= urgency and _value(prob, cheaper)[1] <= cost
    # Deterministic: the same input gives the same plan.
    assert _more_urgent(prob, greedy, time.perf_counter() + 5) == warm


def test_plan_reports_its_parts_and_round_trips_through_its_record():
    seen: list[str] = []
    got = plan([OUTLOOK, FIREWALL, SQL_DEV], TEAM, FAST, progress=seen.append)
    assert seen == ["urgency", "cost"]
    assert {"build", "urgency", "cost"} <= set(got.stages)
    assert all(v >= 0 for v in got.stages.values())
    back = Plan.from_json(got.to_record())
    assert (back.assignments, back.unassigned, back.total_cost, back.urgency_hours) == (
        got.assignments,
        got.unassigned,
        got.total_cost,
        got.urgency_hours,
    )
    assert (back.status, back.gap, back.urgency_gap, back.cost_gap) == (
        got.status,
        got.gap,
        got.urgency_gap,
        got.cost_gap,
    )


@settings(max_examples=60, deadline=None)
@given(queue=queues(max_tickets=8, max_people=4))
def test_lp_bounds_hold_against_the_proven_optimum(queue):
    """The relaxations' bounds (read through their duals) never cut off the optimum: urgency
    bound ≥ the optimal urgency, cost bound ≤ the least cost at it."""
    tickets, people = queue
    best = plan(tickets, people, FAST)
    assert best.status == "optimal"
    prob = _build(tickets, people, FAST)
    units = int(best.urgency_hours * 1000)
    cents = int(best.total_cost * 100)
    relaxation = _urgency_relaxation(prob, time.perf_counter() + 5)
    upper, whole = relaxation.bound, relaxation.whole
    lower, reduced, price = _cost_relaxation(prob, units, time.perf_counter() + 5)
    if not prob.pairs:
        assert upper is None and lower is None
        return
    assert upper is not None and upper >= units - 1e-6
    assert lower is not None and lower <= cents + 1e-6
    assert whole is not None and _feasible(prob, whole)
    assert reduced is not None and len(reduced) == len(prob.pairs) and price >= 0


@settings(max_examples=60, deadline=None)
@given(queue=queues(max_tickets=8, max_people=4))
def test_restricted_models_return_feasible_plans_that_keep_the_urgency(queue):
    """The restricted models (large queues' first step) only ever return whole-problem plans
    that fit, and the cost one never drops below the urgency it was asked for."""
    tickets, people = queue
    prob = _build(tickets, people, FAST)
    if not prob.pairs:
        return
    greedy = _fill(prob, [0] * len(prob.pairs))
    urgency = _value(prob, greedy)[0]
    relaxation = _urgency_relaxation(prob, time.perf_counter() + 5)
    reduced, used = relaxation.reduced, relaxation.values
    more = _restricted_urgency(prob, greedy, time.perf_counter() + 5, reduced)
    assert more is None or _feasible(prob, more)
    more = _used_urgency(prob, greedy, time.perf_counter() + 5, used)
    assert more is None or _feasible(prob, more)
    _, reduced, price = _cost_relaxation(prob, urgency, time.perf_counter() + 5)
    for priced in (0.0, price * 3):
        cheaper = _restricted_cost(prob, greedy, urgency, time.perf_counter() + 5, reduced, priced)
        assert cheaper is None or (_feasible(prob, cheaper) and _value(prob, cheaper)[0] >= urgency)


@settings(max_examples=80, deadline=None)
@given(queue=queues(max_tickets=8, max_people=4))
def test_the_model_at_the_relaxations_bound_finds_the_optimum_exactly_when_it_reaches_it(queue):
    """``_tight_urgency`` keeps every plan as urgent as the relaxation's bound (rounded
    down): where the proven optimum reaches that bound it returns a plan as urgent, and
    otherwise nothing; what it returns always fits."""
    tickets, people = queue
    prob = _build(tickets, people, FAST)
    if not prob.pairs:
        return
    best = plan(tickets, people, FAST)
    assert best.status == "optimal"
    units = int(best.urgency_hours * 1000)
    relaxation = _urgency_relaxation(prob, time.perf_counter() + 5)
    assert relaxation.bound is not None
    got = _tight_urgency(prob, relaxation, time.perf_counter() + 5)
    if units == math.floor(relaxation.bound + 1e-6):
        assert got is not None and _feasible(prob, got) and _value(prob, got)[0] == units
    else:
        assert got is None


def test_the_model_at_the_bound_is_infeasible_where_no_plan_reaches_it():
    """4 free hours, jobs of 2 and 3 hours: the relaxation packs all 4 hours (the 2-hour job
    and two thirds of the other), whole jobs at most 3. Nothing reaches the bound, and the
    model at it says so; the plan is still optimal."""
    tara = replace(TARA, free_hours=Decimal("4"))
    jobs = [
        replace(OUTLOOK, id="two", estimate_hours=Decimal("2")),
        replace(OUTLOOK, id="three", estimate_hours=Decimal("3")),
    ]
    prob = _build(jobs, [tara], FAST)
    relaxation = _urgency_relaxation(prob, time.perf_counter() + 5)
    weight = urgency_weight(OUTLOOK)
    assert relaxation.bound is not None and abs(relaxation.bound - 400 * weight) < 1e-6
    assert _tight_urgency(prob, relaxation, time.perf_counter() + 5) is None
    got = plan(jobs, [tara], FAST)
    assert got.assignments == {"three": tara.id} and got.status == "optimal"


def test_capacity_is_rounded_down_to_what_whole_tickets_can_use():
    """2.6 free hours hold at most 2.5 hours of half-hour jobs: the plan is the same (five
    jobs), and the relaxation no longer counts the unusable tenth, so its bound is exact."""
    tara = replace(TARA, free_hours=Decimal("2.6"))
    jobs = [replace(OUTLOOK, id=f"o{i}", estimate_hours=Decimal("0.5")) for i in range(8)]
    prob = _build(jobs, [tara], FAST)
    assert prob.capacity == [250]
    got = plan(jobs, [tara], FAST)
    assert len(got.assignments) == 5 and got.status == "optimal"
    upper = _urgency_relaxation(prob, time.perf_counter() + 5).bound
    assert upper is not None and abs(upper - float(got.urgency_hours * 1000)) < 1e-6


def test_the_printed_plan_keeps_its_contract_keys():
    """Scenario mode and the API print ``to_json``: exactly these keys, in this order; the
    diagnostics (urgency-weighted hours, seconds per stage) stay in the job record only."""
    got = plan([OUTLOOK, FIREWALL, SQL_DEV], TEAM, FAST)
    printed = got.to_json()
    assert list(printed) == ["assignments", "unassigned", "total_cost", "solver"]
    assert list(printed["solver"]) == ["status", "gap", "urgency_gap", "cost_gap", "seconds"]
    assert "stages" in got.to_record()["solver"] and "urgency_hours" in got.to_record()
