"""Batch dispatch: assign a whole queue at once under capacity (docs/DOMAIN.md §6). Pure: no ORM.

The problem is a generalised assignment problem. Each person's ``free_hours`` is a capacity,
each ticket's ``estimate_hours`` its demand. A ticket may go only to the people
``engine.candidates`` lists for it (the qualified, with subcontractors where the rule lets
them in); a pair whose estimate exceeds the person's whole capacity is dropped.

**Units** (all integers, so the two stages and the checks are exact): hours in hundredths
(demand rounded up, capacity rounded down, so a plan never exceeds a capacity), money in
cents.

**Urgency weight** of a ticket, per hundredth of an hour:
``PRIORITY_WEIGHT[priority] × (10 + sla_boost)`` with P1 1000, P2 100, P3 10, P4 1 and
``sla_boost`` 0–9 growing as the SLA clock runs out (``SLA_STEPS``: 9 when overdue, 8 with
≤ 15 min left, … 1 with ≤ 32 h, 0 beyond or without a clock). One P1 hour outweighs at least
5.2 P2 hours (10 000 vs 1 900), and the SLA orders tickets within a priority.
*Urgency-weighted hours* = Σ over assigned tickets of weight × hours / 10.

**Cost** of giving ticket t to person p, in dollars:
``cost(p, t) = bill_rate(p) × estimate_hours(t)  +  surplus_weight × surplus(p, t)``.
The first term is what the client is billed for the work; the second prices the margin lost
by sending someone more skilled than the work needs (``surplus`` from ``engine``; the firm
setting ``surplus_weight``, default $10 per surplus point per assignment). Both terms are
dollars, so they compare directly: one surplus point costs as much as six minutes at $100/h.
Total cost = Σ over assignments, each term rounded to the cent.

**Objective, lexicographic.** First maximise the urgency-weighted work assigned; then, among
plans that assign that much, minimise the total cost. Solved in two stages with HiGHS (MIP):

1. max Σ w_t·h_t·x_pt subject to Σ_p x_pt ≤ 1 per ticket, Σ_t h_t·x_pt ≤ cap_p per person,
   x binary over candidate pairs only. Its value U₁ is an integer.
2. min Σ cost_pt·x_pt subject to the same rows plus Σ_t w_t·h_t·y_t ≥ U₁ − ½, with
   y_t = Σ_p x_pt (the row is written over the per-ticket y_t rather than the several times
   longer row over x, which keeps presolve fast). Since the left side is an integer,
   ≥ U₁ − ½ means ≥ U₁ exactly, whatever the solver's tolerances; the plan is re-checked in
   integers anyway.

A single objective M·urgency − cost preserves the order only with M above the largest
possible total cost in cents (~10⁸ on a 1,000-ticket queue); times urgency values of ~10¹⁰
that is ~10¹⁸, past the 2⁵³ ≈ 9·10¹⁵ a double holds exactly and far past the tolerances of a
floating-point MIP solver. So the stages are kept apart.

**Capacity in whole tickets.** A person's hours beyond the largest multiple of the common
divisor of their tickets' estimates can never be used (with estimates in half hours, 14.6
free hours hold 14.5 hours of work), so ``_build`` rounds each capacity down to it. The
integer plans are the same; the linear relaxation becomes tight: on the 1,000 × 50
benchmark queue, at the urgency of the improved greedy plan, its cost bound rose from
$145,994 to $147,186, 0.3 % under the best plan known there ($147,705), and its urgency
bound is the optimal urgency itself.

**Local searches.** ``_more_urgent`` improves a plan's urgency: each left-over ticket, most
urgent first, goes to a candidate with room, else to a candidate who makes room by passing
one of their tickets to another candidate with room, else in place of a less valuable
ticket. ``_cheaper`` lowers the cost without losing urgency: move a ticket to a cheaper
candidate with room, swap two tickets between two people, or put a left-over ticket in
place of an assigned one when that is cheaper and keeps the urgency. ``_fill`` gives each
left-over ticket, most urgent first, to its best-ranked candidate with room. All are
deterministic and only ever improve a plan lexicographically.

**Small queues** (stage 1 proves its optimum within its share of the limit, always so up to
50 tickets): stage 1 from the improved greedy plan, then stage 2 from the cheaper of it
and greedy; both to proven optimality in well under a second.

**Large queues** (issue #18; stage 1 not proven within ``STAGE1_SHARE`` of the limit).
Solving either stage on the whole model spends seconds in HiGHS's root before its
heuristics find good plans, so each stage first solves a *restricted* model: the pairs its
linear relaxation prices best (least reduced cost, ``RESTRICTED_PAIRS`` per ticket) plus the
current plan's, a MIP a fifth the size whose heuristics find good plans in a fraction of a
second. Its plan is only a start: it proves nothing about the whole problem, and every
bound comes from the whole model.

1. Urgency: the relaxation gives the bound and its whole assignments (filled and improved,
   a second start). Then stage 1 *at the bound* (``_tight_urgency``, ``TIGHT_SHARE`` of the
   time left): the bound's multipliers say which tickets, people and pairs every plan that
   reaches it must assign, fill, take or leave, and the model over the rest either finds
   such a plan, the optimal urgency, proven by the bound itself, or is infeasible. On the
   1,000 × 50 benchmark queue it finds the optimum in 0.09 s (the other models below took
   about a second), so the cost stage starts at the optimal urgency, where its bound is
   tight: at 2 s the proven gap is 0.1–0.2 % (was 3.3 %). On queues whose optimum is below
   the bound it costs a few thousandths of a second and the models below do the work.
   With a time limit of ``SUPPORT_MIN_LIMIT`` or more, stage 1 over the
   pairs the relaxation *uses* (value > 0) and the plan's gets ``SUPPORT_SHARE`` of the time
   left (``_used_urgency``): the reduced costs rank those pairs poorly (on the benchmark
   queue 6,038 of 8,273 pairs tie at 0), and this small model packs the benchmark queue to
   its optimal urgency in about a second, where the cost bound becomes tight (10 s: proven
   gap 2.7 % → 0.1 %). Under 5 s the cost stage needs that time more (measured at 2 s:
   worse on every split tried). Then the restricted stage-1 model, from the better start,
   gets ``RESTRICTED_URGENCY_SHARE`` of the time left, unless the plan was already within
   ``URGENCY_CLOSE`` of the bound before that: there the time does more good on the cost.
2. Cost: the plan is made cheaper, and filled again wherever that freed room (the target
   urgency rises with it: more work is always better, lexicographically). The relaxation at
   the target gives a cost bound, its reduced costs and the urgency's marginal cost μ; the
   restricted stage-2 model then minimises cost − ``PRICE_FACTOR``·μ·urgency for
   ``RESTRICTED_SHARE`` of the time left. The price lets it take more work where that costs
   little, rather than leave room that the next fill would hand out at greedy's prices; a
   more urgent plan it finds is lexicographically better and becomes the target. Then the
   whole stage-2 model runs from the best plan for the time left.

**Solver discipline.** Single-threaded, seeded (``DispatchSettings.seed``), under one time
limit (``DispatchSettings.time_limit_seconds``, default 10 s; the whole stage-1 model gets
up to ``STAGE1_SHARE`` of it, ``RESERVE_SHARE`` is held back for the closing below), with
HiGHS's cut pool capped and its root reduced-cost heuristic off (a sub-MIP that took over
a second on the benchmark queue, the restricted models do that job). When the limit stops a
stage, the gaps are reported against proven bounds:

* ``urgency_gap`` = (bound on urgency − urgency assigned) / urgency assigned;
* ``cost_gap`` = (cost − bound on cost) / cost, where the bound is the largest of the
  bounds proven on the least cost of plans at least as urgent as some target stage 2 was
  given; the lexicographic optimum is at least as urgent as every plan found, so each of
  them bounds its cost and this bounds the distance to it too;
* ``gap`` = the larger of the two.

Bounds come from the whole MIP when it gets that far, and from the linear relaxations
(read through their row duals as Lagrangian bounds, so solver tolerances cannot overstate
them: ``_urgency_relaxation``, ``_cost_relaxation``), which take a tenth of a second on the
benchmark queue. So a gap is always reported; it is None only when even the relaxation did
not finish in time.

After stage 2 a last fill may add work again (its reshuffles freed hours): the plan is then
made cheaper at its new urgency and bounded there by the relaxation, and a closing run of
stage 2 at that urgency uses what is left of the reserve. The result is compared with the
greedy plan and greedy is returned if it is lexicographically better, so the plan is never
worse than greedy: at least as much urgency-weighted work, and where both assign the same
tickets (so the same urgency) no more cost. A plan is reproducible for a given input
whenever the solve finishes within its limit (always on ≤ 50-ticket queues); a solve
stopped by the wall-clock limit can stop at a different point on a busier machine (HiGHS
has no deterministic work limit).

``Plan.stages`` has the wall-clock seconds of each part (build: candidates, costs and
greedy; urgency; cost; closing) and ``plan(progress=…)`` is told each part as it starts, for
the background job's progress (``batch_views``).

Tickets left over carry a reason code: ``no_qualified`` (nobody may take it at all) or
``no_capacity`` (someone may, but not within the hours left).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import reduce
from typing import Any, NamedTuple

import highspy
import numpy as np

from . import engine
from .engine import CENT, DispatchSettings, Person, Ticket

PRIORITY_WEIGHT = {"P1": 1000, "P2": 100, "P3": 10, "P4": 1}
SLA_STEPS = (0, 15, 30, 60, 120, 240, 480, 960, 1920)  # minutes left → boost 9, 8, … 1
NO_QUALIFIED = "no_qualified"
NO_CAPACITY = "no_capacity"
# Time shares and sizes of the solve (module docstring; measured on the 1,000 × 50 benchmark
# queue, bench/dispatch.py).
SUPPORT_MIN_LIMIT = 5.0  # time limits from this long also try the relaxation's own pairs
SUPPORT_SHARE = 0.15  # ...for this share of the time left
TIGHT_SHARE = 0.2  # of the time left, for stage 1 at the relaxation's bound (_tight_urgency)
STAGE1_SHARE = 0.1  # of the limit, for the whole stage-1 model (small queues finish in it)
RESERVE_SHARE = 0.1  # of the limit (at most 1 s), held back for the closing
RESTRICTED_PAIRS = 1.5  # pairs kept per ticket in a restricted model
RESTRICTED_URGENCY_SHARE = 0.25  # of the time left, for the restricted stage-1 model
URGENCY_CLOSE = 0.0025  # ...which is skipped when the plan is this close to its bound
RESTRICTED_SHARE = 0.8  # of the time left, for the restricted stage-2 model
PRICE_FACTOR = 3.0  # × the relaxation's marginal cost of urgency, in that model
FILL_ROUNDS = 10  # make cheaper, fill the room it freed, at most this many times


def sla_boost(minutes_left: int | None) -> int:
    if minutes_left is None:
        return 0
    for i, limit in enumerate(SLA_STEPS):
        if minutes_left <= limit:
            return 9 - i
    return 0


def urgency_weight(ticket: Ticket) -> int:
    """Weight per hundredth of an hour (see the module docstring)."""
    return PRIORITY_WEIGHT[ticket.priority] * (10 + sla_boost(ticket.sla_minutes_left))


def urgency_key(ticket: Ticket) -> tuple[int, float]:
    """Most urgent first: priority, then least SLA time left (no clock last)."""
    left = ticket.sla_minutes_left
    return (engine.PRIORITIES.index(ticket.priority), math.inf if left is None else left)


def hour_units(hours: Decimal, rounding: str) -> int:
    return max(0, int((hours * 100).to_integral_value(rounding=rounding)))


def pair_cost(person: Person, ticket: Ticket, settings: DispatchSettings) -> Decimal:
    """bill rate × estimate hours + surplus weight × surplus, in dollars to the cent."""
    work = (person.bill_rate * ticket.estimate_hours).quantize(CENT, rounding=ROUND_HALF_UP)
    extra = (settings.surplus_weight * engine.surplus(person, ticket)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )
    return work + extra


@dataclass(frozen=True)
class Plan:
    assignments: dict[str, str]  # ticket id -> person id, in the queue's order
    unassigned: dict[str, str]  # ticket id -> "no_qualified" | "no_capacity"
    total_cost: Decimal
    urgency_hours: Decimal  # urgency-weighted hours assigned
    status: str  # "optimal" | "time_limit" | "greedy" (greedy was better) | "baseline"
    gap: float | None = None
    urgency_gap: float | None = None
    cost_gap: float | None = None
    seconds: float = 0.0
    # wall-clock seconds per part: "build" (candidates, costs, greedy), "urgency" (stage 1),
    # "cost" (stage 2), "closing" (the closing run, when one was needed)
    stages: dict[str, float] = field(default_factory=dict)

    def hours_by_person(self, tickets: Sequence[Ticket]) -> dict[str, Decimal]:
        est = {t.id: t.estimate_hours for t in tickets}
        out: dict[str, Decimal] = {}
        for tid, pid in self.assignments.items():
            out[pid] = out.get(pid, Decimal(0)) + est[tid]
        return out

    def to_json(self) -> dict[str, Any]:
        """The plan as the scenario mode and the API print it: a contract (same keys, same
        order), so the diagnostics below are not in it."""
        return {
            "assignments": dict(self.assignments),
            "unassigned": dict(self.unassigned),
            "total_cost": str(self.total_cost),
            "solver": {
                "status": self.status,
                "gap": self.gap,
                "urgency_gap": self.urgency_gap,
                "cost_gap": self.cost_gap,
                "seconds": round(self.seconds, 3),
            },
        }

    def to_record(self) -> dict[str, Any]:
        """``to_json`` plus the urgency-weighted hours and the seconds per stage: what a
        background run keeps in its job row (``from_json`` reads either)."""
        data = self.to_json()
        data["urgency_hours"] = str(self.urgency_hours)
        data["solver"]["stages"] = {k: round(v, 3) for k, v in self.stages.items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        """The inverse of ``to_record`` (a plan kept in a background job's result)."""
        solver = data["solver"]
        return cls(
            assignments=dict(data["assignments"]),
            unassigned=dict(data["unassigned"]),
            total_cost=Decimal(data["total_cost"]),
            urgency_hours=Decimal(data.get("urgency_hours", "0")),
            status=solver["status"],
            gap=solver["gap"],
            urgency_gap=solver["urgency_gap"],
            cost_gap=solver["cost_gap"],
            seconds=solver["seconds"],
            stages=dict(solver.get("stages", {})),
        )


@dataclass
class _Problem:
    tickets: list[Ticket]
    people: list[Person]
    settings: DispatchSettings
    candidates: list[list[int]]  # per ticket: person indexes, best first (all qualified)
    demand: list[int]  # per ticket, hundredths of an hour
    weight: list[int]  # per ticket, urgency weight per hundredth
    capacity: list[int]  # per person, hundredths of an hour
    pairs: list[tuple[int, int]]  # (ticket, person) variables: candidates that can fit
    cost: list[int]  # per pair, cents
    pair_cost: list[Decimal]  # per pair, dollars


def _build(
    tickets: Sequence[Ticket], people: Sequence[Person], settings: DispatchSettings
) -> _Problem:
    for what, ids in (("ticket", [t.id for t in tickets]), ("person", [p.id for p in people])):
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate {what} id")
    people = list(people)
    index = {p.id: i for i, p in enumerate(people)}
    capacity = [hour_units(p.free_hours, ROUND_FLOOR) for p in people]
    prob = _Problem(list(tickets), people, settings, [], [], [], capacity, [], [], [])
    # Only people meeting every required skill can qualify (engine.qualified), so ranking
    # those alone gives the same list as ranking everyone, at a fraction of the checks; the
    # skill check itself is one comparison per ticket over a people × skills matrix.
    skills = sorted({s for t in prob.tickets for s in t.requires})
    column = {s: j for j, s in enumerate(skills)}
    level = np.array([[p.skills.get(s, 0) for s in skills] for p in people], dtype=np.int64)
    level = level.reshape(len(people), len(skills))
    for ti, ticket in enumerate(prob.tickets):
        demand = hour_units(ticket.estimate_hours, ROUND_CEILING)
        prob.demand.append(demand)
        prob.weight.append(urgency_weight(ticket))
        needs = list(ticket.requires.items())
        if needs:
            cols = [column[s] for s, _ in needs]
            ok = np.all(level[:, cols] >= np.array([n for _, n in needs]), axis=1)
            skilled = [people[i] for i in np.flatnonzero(ok).tolist()]
        else:
            skilled = people
        ranked = [index[p.id] for p in engine.candidates(ticket, skilled, settings)]
        prob.candidates.append(ranked)
        for pi in ranked:
            if demand <= capacity[pi]:
                money = pair_cost(people[pi], ticket, settings)
                prob.pairs.append((ti, pi))
                prob.pair_cost.append(money)
                prob.cost.append(int(money * 100))
    # A person's hours beyond the largest multiple of their tickets' common divisor can
    # never be used (estimates in half hours leave 14.6 h as 14.5 h of work), so capacity is
    # rounded down to it: the same integer plans, a much tighter linear relaxation.
    step = [0] * len(people)
    for ti, pi in prob.pairs:
        step[pi] = math.gcd(step[pi], prob.demand[ti])
    prob.capacity = [cap - cap % g if g else cap for cap, g in zip(capacity, step, strict=True)]
    return prob


def _reachable(bound: float) -> int:
    """The most urgency a plan can have under a proven bound: urgency is an integer, and the
    bound a float that may sit a hair under the integer it proves."""
    return math.floor(bound + 1e-6)


def _value(prob: _Problem, x: Sequence[int]) -> tuple[int, int]:
    """(urgency units, cost in cents) of a 0/1 vector over pairs."""
    urgency = cost = 0
    for k, on in enumerate(x):
        if on:
            ti = prob.pairs[k][0]
            urgency += prob.weight[ti] * prob.demand[ti]
            cost += prob.cost[k]
    return urgency, cost


def _feasible(prob: _Problem, x: Sequence[int]) -> bool:
    if len(x) != len(prob.pairs) or any(v not in (0, 1) for v in x):
        return False
    taken = [0] * len(prob.tickets)
    load = [0] * len(prob.people)
    for k, on in enumerate(x):
        if on:
            ti, pi = prob.pairs[k]
            taken[ti] += 1
            load[pi] += prob.demand[ti]
    return max(taken, default=0) <= 1 and all(
        used <= cap for used, cap in zip(load, prob.capacity, strict=True)
    )


def _fill(prob: _Problem, x: list[int]) -> list[int]:
    """Give each unassigned ticket, most urgent first, to its best-ranked candidate with
    enough hours left. From an empty plan this is the greedy baseline."""
    x = list(x)
    pair_of = {pair: k for k, pair in enumerate(prob.pairs)}
    left = list(prob.capacity)
    done = [False] * len(prob.tickets)
    for k, on in enumerate(x):
        if on:
            ti, pi = prob.pairs[k]
            left[pi] -= prob.demand[ti]
            done[ti] = True
    order = sorted(range(len(prob.tickets)), key=lambda i: urgency_key(prob.tickets[i]))
    for ti in order:
        if done[ti]:
            continue
        for pi in prob.candidates[ti]:
            pair = pair_of.get((ti, pi))
            if pair is not None and left[pi] >= prob.demand[ti]:
                x[pair] = 1
                left[pi] -= prob.demand[ti]
                break
    return x


class _Moves:
    """A plan as who-does-what with hours left, for the local searches below. Every move
    keeps it feasible (each ticket once, within each person's hours)."""

    def __init__(self, prob: _Problem, x: Sequence[int]) -> None:
        self.prob = prob
        self.pairs_of: list[list[int]] = [[] for _ in prob.tickets]
        self.pair_at: dict[tuple[int, int], int] = {}
        for k, (ti, pi) in enumerate(prob.pairs):
            self.pairs_of[ti].append(k)
            self.pair_at[ti, pi] = k
        self.value = [w * d for w, d in zip(prob.weight, prob.demand, strict=True)]
        self.who = [-1] * len(prob.tickets)  # ticket -> its pair, or -1
        self.left = list(prob.capacity)
        self.on: list[list[int]] = [[] for _ in prob.people]  # person -> tickets, in order
        for k, v in enumerate(x):
            if v:
                self.put(k)

    def put(self, k: int) -> None:
        ti, pi = self.prob.pairs[k]
        self.who[ti] = k
        self.left[pi] -= self.prob.demand[ti]
        self.on[pi].append(ti)

    def take(self, ti: int) -> None:
        pi = self.prob.pairs[self.who[ti]][1]
        self.who[ti] = -1
        self.left[pi] += self.prob.demand[ti]
        self.on[pi].remove(ti)

    def x(self) -> list[int]:
        out = [0] * len(self.prob.pairs)
        for k in self.who:
            if k >= 0:
                out[k] = 1
        return out


def _more_urgent(prob: _Problem, x: list[int], until: float, passes: int = 20) -> list[int]:
    """Local search for more urgency-weighted work (a warm start for stage 1): each left-over
    ticket, most urgent first, goes to a candidate with room, else to a candidate who makes
    room by passing one of their tickets to someone else with room, else in place of a
    less valuable ticket of a candidate. Deterministic; each move adds urgency."""
    m = _Moves(prob, x)
    demand = prob.demand
    order = sorted(range(len(prob.tickets)), key=lambda i: urgency_key(prob.tickets[i]))
    for _ in range(passes):
        moved = False
        for ti in order:
            if m.who[ti] >= 0 or not m.pairs_of[ti] or time.perf_counter() > until:
                continue
            fits = [k for k in m.pairs_of[ti] if m.left[prob.pairs[k][1]] >= demand[ti]]
            if fits:
                m.put(fits[0])
                moved = True
                continue
            relay = next(
                (
                    (k, other, k2)
                    for k in m.pairs_of[ti]
                    for other in m.on[prob.pairs[k][1]]
                    if m.left[prob.pairs[k][1]] + demand[other] >= demand[ti]
                    for k2 in m.pairs_of[other]
                    if prob.pairs[k2][1] != prob.pairs[k][1]
                    and m.left[prob.pairs[k2][1]] >= demand[other]
                ),
                None,
            )
            if relay is not None:
                k, other, k2 = relay
                m.take(other)
                m.put(k2)
                m.put(k)
                moved = True
                continue
            swaps = [
                (m.value[ti] - m.value[other], k, other)
                for k in m.pairs_of[ti]
                for other in m.on[prob.pairs[k][1]]
                if m.value[other] < m.value[ti]
                and m.left[prob.pairs[k][1]] + demand[other] >= demand[ti]
            ]
            if swaps:
                _, k, other = max(swaps, key=lambda s: (s[0], -s[1]))
                m.take(other)
                m.put(k)
                moved = True
        if not moved:
            break
    return m.x()


def _cheaper(
    prob: _Problem, x: list[int], urgency: int, until: float, passes: int = 20
) -> list[int]:
    """Local search for a cheaper plan with at least ``urgency`` (a warm start for stage 2,
    and a polish after it): move a ticket to a cheaper candidate with room, swap two tickets
    between two people when both fit and the pair costs less, or put a left-over ticket in
    place of an assigned one on the same person when that costs less and keeps the urgency.
    Deterministic; each move lowers the cost."""
    m = _Moves(prob, x)
    demand, cost, pairs = prob.demand, prob.cost, prob.pairs
    total = sum(m.value[ti] for ti, k in enumerate(m.who) if k >= 0)
    for _ in range(passes):
        moved = False
        for ti in range(len(prob.tickets)):
            k = m.who[ti]
            if k < 0 or time.perf_counter() > until:
                continue
            pi = pairs[k][1]
            for k2 in m.pairs_of[ti]:
                qi = pairs[k2][1]
                if cost[k2] >= cost[k] or qi == pi:
                    continue
                if m.left[qi] >= demand[ti]:
                    m.take(ti)
                    m.put(k2)
                    moved = True
                    break
                swap = next(
                    (
                        (other, back)
                        for other in m.on[qi]
                        if (back := m.pair_at.get((other, pi))) is not None
                        and cost[k] + cost[m.who[other]] > cost[k2] + cost[back]
                        and m.left[qi] + demand[other] >= demand[ti]
                        and m.left[pi] + demand[ti] >= demand[other]
                    ),
                    None,
                )
                if swap is not None:
                    other, back = swap
                    m.take(ti)
                    m.take(other)
                    m.put(k2)
                    m.put(back)
                    moved = True
                    break
        for ui in range(len(prob.tickets)):
            if m.who[ui] >= 0 or time.perf_counter() > until:
                continue
            best: tuple[int, int, int] | None = None
            for ku in m.pairs_of[ui]:
                pi = pairs[ku][1]
                for ti in m.on[pi]:
                    gain = cost[m.who[ti]] - cost[ku]
                    if (
                        gain > 0
                        and total - m.value[ti] + m.value[ui] >= urgency
                        and m.left[pi] + demand[ti] >= demand[ui]
                        and (best is None or gain > best[0])
                    ):
                        best = (gain, ku, ti)
            if best is not None:
                _, ku, ti = best
                total += m.value[ui] - m.value[ti]
                m.take(ti)
                m.put(ku)
                moved = True
        if not moved:
            break
    return m.x()


def _plan(
    prob: _Problem,
    x: Sequence[int],
    status: str,
    seconds: float,
    bounds: tuple[float | None, float | None] = (None, None),
    stages: dict[str, float] | None = None,
) -> Plan:
    assigned: dict[int, int] = {}
    total = Decimal(0)
    for k, on in enumerate(x):
        if on:
            ti, pi = prob.pairs[k]
            assigned[ti] = k
            total += prob.pair_cost[k]
    assignments: dict[str, str] = {}
    unassigned: dict[str, str] = {}
    for ti, ticket in enumerate(prob.tickets):
        if ti in assigned:
            assignments[ticket.id] = prob.people[prob.pairs[assigned[ti]][1]].id
        else:
            unassigned[ticket.id] = NO_CAPACITY if prob.candidates[ti] else NO_QUALIFIED
    urgency, cost = _value(prob, x)
    urgency_bound, cost_bound = bounds
    urgency_gap = cost_gap = None
    if urgency_bound is not None:
        urgency_gap = max(0.0, _reachable(urgency_bound) - urgency) / max(urgency, 1)
    if cost_bound is not None:
        cost_gap = max(0.0, cost - math.ceil(cost_bound - 1e-6)) / max(cost, 1)
    gaps = [g for g in (urgency_gap, cost_gap) if g is not None]
    unknown = len(gaps) < 2  # a stage the time limit cut short before it had a bound
    return Plan(
        assignments=assignments,
        unassigned=unassigned,
        total_cost=total,
        urgency_hours=Decimal(urgency) / 1000,
        status=status,
        gap=None if unknown else max(gaps),
        urgency_gap=urgency_gap,
        cost_gap=cost_gap,
        seconds=seconds,
        stages=dict(stages or {}),
    )


@dataclass(frozen=True)
class _Stage:
    x: list[int] | None  # None when the stage did not run or found nothing usable
    optimal: bool
    bound: float | None  # the solver's proven bound on the stage's objective


def _solver(prob: _Problem, until: float) -> Any:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", prob.settings.seed)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.5)  # both objectives take integer values
    h.setOptionValue("mip_pool_soft_limit", 50)
    h.setOptionValue("mip_heuristic_run_root_reduced_cost", False)
    h.setOptionValue("time_limit", max(0.01, until - time.perf_counter()))
    return h


def _add_columns(h: Any, n: int, cost: Sequence[float]) -> None:
    cols = np.arange(n, dtype=np.int32)
    h.addVars(n, np.zeros(n), np.ones(n))
    h.changeColsCost(n, cols, np.array(cost, dtype=float))
    h.changeColsIntegrality(n, cols, np.full(n, highspy.HighsVarType.kInteger))


def _add_rows(h: Any, rows: list[tuple[float, float, list[int], list[float]]]) -> None:
    if not rows:
        return
    starts: list[int] = []
    index: list[int] = []
    value: list[float] = []
    for _, _, cols, coefs in rows:
        starts.append(len(index))
        index.extend(cols)
        value.extend(coefs)
    h.addRows(
        len(rows),
        np.array([r[0] for r in rows], dtype=float),
        np.array([r[1] for r in rows], dtype=float),
        len(index),
        np.array(starts, dtype=np.int32),
        np.array(index, dtype=np.int32),
        np.array(value, dtype=float),
    )


def _structure(
    prob: _Problem,
) -> tuple[dict[int, list[int]], list[tuple[Any, ...]], list[int]]:
    """Pairs per ticket, the capacity rows that can bind, and whose rows they are."""
    by_ticket: dict[int, list[int]] = {}
    by_person: dict[int, list[int]] = {}
    for k, (ti, pi) in enumerate(prob.pairs):
        by_ticket.setdefault(ti, []).append(k)
        by_person.setdefault(pi, []).append(k)
    capacity_rows: list[tuple[Any, ...]] = []
    people: list[int] = []
    for pi, ks in sorted(by_person.items()):
        demands = [float(prob.demand[prob.pairs[k][0]]) for k in ks]
        if sum(demands) > prob.capacity[pi]:
            capacity_rows.append((-highspy.kHighsInf, float(prob.capacity[pi]), ks, demands))
            people.append(pi)
    return by_ticket, capacity_rows, people


def _run(h: Any, start: Sequence[int | float], n_pairs: int) -> _Stage:
    n = len(start)
    h.setSolution(n, np.arange(n, dtype=np.int32), np.array(start, dtype=float))
    h.run()
    info = h.getInfo()
    optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    x: list[int] | None = None
    if info.primal_solution_status == 2:  # kSolutionStatusFeasible
        x = [int(round(v)) for v in list(h.getSolution().col_value)[:n_pairs]]
    bound = float(info.mip_dual_bound)
    return _Stage(x, optimal and x is not None, bound if math.isfinite(bound) else None)


def _solve_urgency(prob: _Problem, start: list[int], until: float) -> _Stage:
    """Stage 1: max Σ w·h·x under the assignment and capacity rows."""
    if until - time.perf_counter() <= 0.01:
        return _Stage(None, False, None)
    h = _solver(prob, until)
    n = len(prob.pairs)
    _add_columns(h, n, [prob.weight[ti] * prob.demand[ti] for ti, _ in prob.pairs])
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    by_ticket, capacity_rows, _ = _structure(prob)
    rows = [(-highspy.kHighsInf, 1.0, ks, [1.0] * len(ks)) for ks in by_ticket.values()]
    _add_rows(h, [r for r in rows if len(r[2]) > 1] + capacity_rows)
    return _run(h, start, n)


def _solve_cost(
    prob: _Problem, start: list[int], urgency: int, until: float, price: float = 0.0
) -> _Stage:
    """Stage 2: min Σ cost·x keeping at least ``urgency`` (over y_t = Σ_p x_pt). With a
    ``price`` the objective is cost − price × urgency (in the urgency row's units): a
    heuristic for more urgent plans that cost little more, whose bound proves nothing."""
    if until - time.perf_counter() <= 0.01:
        return _Stage(None, False, None)
    h = _solver(prob, until)
    n = len(prob.pairs)
    tickets = _cost_model(h, prob, urgency, price).tickets
    taken = {prob.pairs[k][0] for k, on in enumerate(start) if on}
    return _run(h, [*start, *(1 if ti in taken else 0 for ti in tickets)], n)


class _CostModel(NamedTuple):
    tickets: list[int]  # the tickets with pairs, in the order of their y columns and rows
    people: list[int]  # the people whose capacity row can bind, in the order of those rows
    g: int  # the urgency row's coefficients are w·h/g


def _cost_model(h: Any, prob: _Problem, urgency: int, price: float = 0.0) -> _CostModel:
    """Stage 2's columns (x per pair, then y per ticket with pairs, costing −price × its
    urgency in the urgency row's units) and rows (one per such ticket, the urgency row,
    then the capacity rows that can bind) in ``h``."""
    n = len(prob.pairs)
    by_ticket, capacity_rows, people = _structure(prob)
    tickets = sorted(by_ticket)
    coefs = [prob.weight[ti] * prob.demand[ti] for ti in tickets]
    g = reduce(math.gcd, coefs, 0) or 1
    _add_columns(h, n + len(tickets), prob.cost + [-price * (c // g) for c in coefs])
    rows = [
        (0.0, 0.0, [*by_ticket[ti], n + j], [1.0] * len(by_ticket[ti]) + [-1.0])
        for j, ti in enumerate(tickets)
    ]
    rows.append(
        (
            -(-urgency // g) - 0.5,  # Σ (w·h/g)·y is an integer: at least ⌈urgency/g⌉
            math.inf,
            [n + j for j in range(len(tickets))],
            [float(c // g) for c in coefs],
        )
    )
    _add_rows(h, rows + capacity_rows)
    return _CostModel(tickets, people, g)


def _restricted(
    prob: _Problem, start: list[int], order: Any
) -> tuple[_Problem, list[int], list[int]] | None:
    """The problem over the first RESTRICTED_PAIRS pairs per ticket of ``order`` (pairs,
    best first by a relaxation's reduced costs) and the pairs of ``start``, so that it
    stays feasible: a MIP a fifth the size, whose heuristics find good plans in a fraction
    of the full model's time. Returns it, the kept pairs and the start over them; None when
    it would keep every pair."""
    size = int(RESTRICTED_PAIRS * len({ti for ti, _ in prob.pairs}))
    return _over(prob, start, set(order[:size].tolist()))


def _over(
    prob: _Problem, start: list[int], pairs: set[int]
) -> tuple[_Problem, list[int], list[int]] | None:
    """The problem over ``pairs`` and the pairs of ``start``, the kept pairs and the start
    over them; None when that is every pair."""
    kept = sorted(pairs | {k for k, on in enumerate(start) if on})
    if len(kept) >= len(prob.pairs):
        return None
    sub = replace(
        prob,
        pairs=[prob.pairs[k] for k in kept],
        cost=[prob.cost[k] for k in kept],
        pair_cost=[prob.pair_cost[k] for k in kept],
    )
    return sub, kept, [start[k] for k in kept]


def _widen(prob: _Problem, kept: list[int], x: list[int] | None) -> list[int] | None:
    """A restricted problem's plan over the whole problem's pairs."""
    if x is None:
        return None
    out = [0] * len(prob.pairs)
    for j, on in enumerate(x):
        if on:
            out[kept[j]] = 1
    return out


def _restricted_urgency(
    prob: _Problem, start: list[int], until: float, reduced: Any
) -> list[int] | None:
    """A more urgent plan, fast: stage 1 over the pairs its relaxation prices best
    (``_restricted``). It proves nothing about the full problem."""
    found = _restricted(prob, start, np.argsort(-reduced, kind="stable"))
    if found is None:
        return None
    sub, kept, sub_start = found
    return _widen(prob, kept, _solve_urgency(sub, sub_start, until).x)


def _used_urgency(prob: _Problem, start: list[int], until: float, values: Any) -> list[int] | None:
    """A more urgent plan: stage 1 over the pairs the relaxation uses (``values`` > 0) and
    the pairs of ``start``. On the 1,000 × 50 benchmark queue that is 623 pairs, 1,001 with
    the plan's (of 8,273), and HiGHS packs them to the optimal urgency in about a second;
    where the relaxation's own pairs are too few for a good packing it proves its small
    optimum in hundredths. It proves nothing about the full problem."""
    found = _over(prob, start, set(np.flatnonzero(values > 1e-6).tolist()))
    if found is None:
        return None
    sub, kept, sub_start = found
    return _widen(prob, kept, _solve_urgency(sub, sub_start, until).x)


def _restricted_cost(
    prob: _Problem, start: list[int], urgency: int, until: float, reduced: Any, price: float
) -> list[int] | None:
    """A cheap plan at least ``urgency`` urgent, fast: stage 2 over the pairs its relaxation
    at that urgency prices best (``_restricted``), with the urgency ``price`` (see
    ``_solve_cost``). It proves nothing about the full problem."""
    found = _restricted(prob, start, np.argsort(reduced, kind="stable"))
    if found is None:
        return None
    sub, kept, sub_start = found
    return _widen(prob, kept, _solve_cost(sub, sub_start, urgency, until, price).x)


def _cost_relaxation(prob: _Problem, urgency: int, until: float) -> tuple[float | None, Any, float]:
    """Stage 2's linear relaxation: a proven lower bound on the cost of any plan at least
    ``urgency`` urgent, and the reduced cost of each pair (both None when it did not finish
    in time). With capacities rounded down to what whole tickets can use (``_build``) it is
    tight: on the 1,000 × 50 benchmark queue within 0.5 % of the best plans' cost, in a
    tenth of a second.

    The bound is the Lagrangian value of the row duals rather than the LP's reported
    optimum, so solver tolerances cannot overstate it: for any multipliers α per ticket row
    (Σ x − y = 0), μ ≥ 0 on the urgency row (Σ (w·h/g)·y ≥ R, R = ⌈urgency/g⌉) and λ ≥ 0
    per capacity row, μ·R − Σ λ·cap + Σ_pairs min(0, cost + λ·h − α) + Σ_tickets min(0,
    α − μ·w·h/g) is at most the cost of every such plan."""
    if until - time.perf_counter() <= 0.01 or not prob.pairs:
        return None, None, 0.0
    h = _solver(prob, until)
    n = len(prob.pairs)
    model = _cost_model(h, prob, urgency)
    h.setOptionValue("solve_relaxation", True)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None, None, 0.0
    solution = h.getSolution()
    dual = np.array(solution.row_dual, dtype=float)
    reduced = np.array(solution.col_dual, dtype=float)[:n]
    nt = len(model.tickets)
    row_of = {ti: j for j, ti in enumerate(model.tickets)}
    ticket_row = np.array([row_of[ti] for ti, _ in prob.pairs], dtype=np.int64)
    cap_row = {pi: j for j, pi in enumerate(model.people)}
    pair_cap = np.array([cap_row.get(pi, -1) for _, pi in prob.pairs], dtype=np.int64)
    cost = np.array(prob.cost, dtype=float)
    demand = np.array([prob.demand[ti] for ti, _ in prob.pairs], dtype=float)
    value = np.array([prob.weight[ti] * prob.demand[ti] for ti in model.tickets], dtype=float)
    capacity = np.array([prob.capacity[pi] for pi in model.people], dtype=float)
    need = float(-(-urgency // model.g))
    best: float | None = None
    for sign in (1.0, -1.0):  # whichever sign convention the duals come in
        alpha = sign * dual[:nt]
        mu = max(0.0, sign * dual[nt])
        lam = np.append(np.maximum(0.0, -sign * dual[nt + 1 :]), 0.0)  # [-1]: no row
        bound = mu * need - float(lam[:-1] @ capacity)
        bound += float(np.minimum(0.0, cost + lam[pair_cap] * demand - alpha[ticket_row]).sum())
        bound += float(np.minimum(0.0, alpha - mu * value / model.g).sum())
        best = bound if best is None else max(best, bound)
    return best, reduced, abs(float(dual[nt]))


class _UrgencyRelaxation(NamedTuple):
    bound: float | None
    whole: list[int] | None
    reduced: Any
    values: Any
    # the multipliers of the bound: u per ticket, λ per person, and per pair its margin
    # d = w·h − u − λ·h (``_tight_urgency``)
    duals: tuple[Any, Any, Any] | None = None


def _urgency_relaxation(prob: _Problem, until: float) -> _UrgencyRelaxation:
    """Stage 1's linear relaxation: a proven upper bound on the urgency of any plan, the
    plan of its whole assignments (every pair the relaxation takes whole; a warm start once
    filled and improved), the reduced costs of the pairs and their values in the
    relaxation, all None when it did not finish in time.

    The bound is the Lagrangian value of its row duals rather than the LP's reported
    optimum, so solver tolerances cannot overstate it: for any non-negative multipliers u
    per ticket and λ per person, Σ u + Σ λ·cap + Σ_pairs max(0, w·h − u − λ·h) is at least
    the urgency of every plan."""
    if until - time.perf_counter() <= 0.01 or not prob.pairs:
        return _UrgencyRelaxation(None, None, None, None)
    h = _solver(prob, until)
    n, nt, npp = len(prob.pairs), len(prob.tickets), len(prob.people)
    ti = np.array([t for t, _ in prob.pairs], dtype=np.int64)
    pi = np.array([p for _, p in prob.pairs], dtype=np.int64)
    demand = np.array(prob.demand, dtype=float)[ti]
    value = np.array(prob.weight, dtype=float)[ti] * demand
    capacity = np.array(prob.capacity, dtype=float)
    h.addVars(n, np.zeros(n), np.ones(n))
    h.changeColsCost(n, np.arange(n, dtype=np.int32), value)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    by_ticket: list[list[int]] = [[] for _ in range(nt)]
    by_person: list[list[int]] = [[] for _ in range(npp)]
    for k, (t, p) in enumerate(prob.pairs):
        by_ticket[t].append(k)
        by_person[p].append(k)
    rows = [(-highspy.kHighsInf, 1.0, ks, [1.0] * len(ks)) for ks in by_ticket]
    rows += [
        (-highspy.kHighsInf, float(prob.capacity[p]), ks, [float(demand[k]) for k in ks])
        for p, ks in enumerate(by_person)
    ]
    _add_rows(h, rows)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return _UrgencyRelaxation(None, None, None, None)
    solution = h.getSolution()
    dual = np.array(solution.row_dual, dtype=float)
    best: float | None = None
    duals: tuple[Any, Any, Any] | None = None
    for sign in (1.0, -1.0):  # whichever sign convention the duals come in
        u = np.maximum(0.0, sign * dual[:nt])
        lam = np.maximum(0.0, sign * dual[nt : nt + npp])
        margin = value - u[ti] - lam[pi] * demand
        bound = float(u.sum() + lam @ capacity + np.maximum(0.0, margin).sum())
        if best is None or bound < best:
            best, duals = bound, (u, lam, margin)
    values = np.array(solution.col_value[:n], dtype=float)
    whole = (values > 1 - 1e-6).astype(int).tolist()
    reduced = np.array(solution.col_dual, dtype=float)
    return _UrgencyRelaxation(
        best, whole if _feasible(prob, whole) else None, reduced, values, duals
    )


def _tight_urgency(
    prob: _Problem, relaxation: _UrgencyRelaxation, until: float
) -> list[int] | None:
    """A plan as urgent as the relaxation's bound (rounded down), which is then optimal, or
    None: found or ruled out in a tenth of a second on the 1,000 × 50 benchmark queue (None
    also when the time given runs out first).

    For any plan x, with the bound's multipliers (``_urgency_relaxation``): bound − urgency(x)
    = Σ_t u_t·(1 − y_t) + Σ_p λ_p·(cap_p − load_p) + Σ_pairs (max(0, d) − d·x), every term
    non-negative. A plan within ``room`` = bound − ⌊bound⌋ of the bound (plus 10⁻⁹ of the
    bound for floating point) can afford no term larger than that, so it assigns every
    ticket with u_t > room, fills every person with λ_p > room to capacity, takes every pair
    with d > room and none with d < −room. Stage 1 over what is left: on the benchmark
    queue 6,081 of 8,273 pairs, 43 of them fixed, and HiGHS finds the optimum in 0.09 s.
    Where the relaxation's bound is not reached by any plan (integer optimum below it) this
    model is infeasible, which HiGHS shows in thousandths."""
    if relaxation.duals is None or relaxation.bound is None:
        return None
    if until - time.perf_counter() <= 0.01:
        return None
    u, lam, margin = relaxation.duals
    room = relaxation.bound - _reachable(relaxation.bound) + 1e-9 * relaxation.bound
    kept = np.flatnonzero(margin >= -room)
    n = len(kept)
    if n == 0:
        return None
    h = _solver(prob, until)
    cols = np.arange(n, dtype=np.int32)
    h.addVars(n, (margin[kept] > room).astype(float), np.ones(n))
    value = [prob.weight[prob.pairs[k][0]] * prob.demand[prob.pairs[k][0]] for k in kept]
    h.changeColsCost(n, cols, np.array(value, dtype=float))
    h.changeColsIntegrality(n, cols, np.full(n, highspy.HighsVarType.kInteger))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    by_ticket: dict[int, list[int]] = {}
    by_person: dict[int, list[int]] = {}
    for j, k in enumerate(kept.tolist()):
        ti, pi = prob.pairs[k]
        by_ticket.setdefault(ti, []).append(j)
        by_person.setdefault(pi, []).append(j)
    if any(u[ti] > room and ti not in by_ticket for ti in range(len(prob.tickets))):
        return None  # a ticket every such plan assigns has no pair left
    rows = [
        (1.0 if u[ti] > room else -highspy.kHighsInf, 1.0, js, [1.0] * len(js))
        for ti, js in sorted(by_ticket.items())
    ]
    for pi, js in sorted(by_person.items()):
        cap = float(prob.capacity[pi])
        low = cap if lam[pi] > room else -highspy.kHighsInf
        rows.append((low, cap, js, [float(prob.demand[prob.pairs[kept[j]][0]]) for j in js]))
    _add_rows(h, rows)
    h.run()
    if h.getInfo().primal_solution_status != 2:  # kSolutionStatusFeasible
        return None
    x = [0] * len(prob.pairs)
    for j, v in enumerate(h.getSolution().col_value[:n]):
        if v > 0.5:
            x[int(kept[j])] = 1
    # Each term is at most ``room`` here, but several together can be more: a plan of this
    # model that falls short of the bound proves nothing, and is not returned.
    return x if _value(prob, x)[0] >= _reachable(relaxation.bound) else None


def _cheapest(prob: _Problem, x: list[int], found: Sequence[int] | None, urgency: int) -> list[int]:
    """``found`` when it is a feasible plan at least ``urgency`` urgent and cheaper than
    ``x``, else ``x``."""
    if found is None or not _feasible(prob, found):
        return x
    u, c = _value(prob, found)
    return list(found) if u >= urgency and c < _value(prob, x)[1] else x


def _better(prob: _Problem, x: list[int], found: Sequence[int] | None) -> list[int]:
    """``found`` when it is a feasible plan lexicographically better than ``x`` (more
    urgent, or as urgent and cheaper), else ``x``."""
    if found is None or not _feasible(prob, found):
        return x
    u, c = _value(prob, found)
    ux, cx = _value(prob, x)
    return list(found) if (u, -c) > (ux, -cx) else x


def _settle(
    prob: _Problem,
    x: list[int],
    target: int,
    until: float,
    cost_bounds: list[float | None] | None = None,
    rounds: int = 1,
) -> tuple[list[int], int]:
    """Fill ``x``; when that adds work, the plan is more urgent than ``target``: make it
    cheaper at its new urgency (a swap in that search may add work too), and again, up to
    ``rounds`` times, while the cheaper plan leaves room for more. With ``cost_bounds``, bound
    the cost at the urgency reached too (the relaxation's bound at the higher urgency is the
    tighter one). Returns the plan and its urgency, the new target."""
    start = target
    for _ in range(rounds):
        filled = _fill(prob, x)
        more = _value(prob, filled)[0]
        if more <= target:
            break
        x = _cheaper(prob, filled, more, until)
        target = _value(prob, x)[0]
    if cost_bounds is not None and target > start:
        cost_bounds.append(_cost_relaxation(prob, target, until)[0])
    return x, target


def greedy_plan(
    tickets: Sequence[Ticket], people: Sequence[Person], settings: DispatchSettings | None = None
) -> Plan:
    """The baseline: tickets by urgency, each to the best-ranked qualified person (the
    ``engine.suggest`` order) who still has enough free hours."""
    start = time.perf_counter()
    prob = _build(tickets, people, settings or DispatchSettings())
    x = _fill(prob, [0] * len(prob.pairs))
    return _plan(prob, x, "baseline", time.perf_counter() - start)


def plan(
    tickets: Sequence[Ticket],
    people: Sequence[Person],
    settings: DispatchSettings | None = None,
    time_limit: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> Plan:
    """The optimal (or, past the time limit, the best found) lexicographic plan.

    ``progress``, when given, is called with the name of each part as it starts ("urgency",
    "cost", "closing"): a background job shows it."""
    start = time.perf_counter()
    settings = settings or DispatchSettings()
    limit = settings.time_limit_seconds if time_limit is None else time_limit
    prob = _build(tickets, people, settings)
    greedy = _fill(prob, [0] * len(prob.pairs))
    ug, cg = _value(prob, greedy)
    clock = {"build": time.perf_counter() - start}
    if not prob.pairs:
        return _plan(prob, greedy, "optimal", time.perf_counter() - start, (0.0, 0.0), clock)

    def part(name: str) -> float:
        if progress is not None:
            progress(name)
        return time.perf_counter()

    deadline = start + limit
    reserve = min(1.0, limit * RESERVE_SHARE)  # for the closing run and bounds, when needed
    began = part("urgency")
    until1 = min(deadline - reserve, start + limit * STAGE1_SHARE)
    warm = _more_urgent(prob, greedy, deadline - reserve)
    stage1 = _solve_urgency(prob, warm, until1)
    x1 = stage1.x if stage1.x is not None and _feasible(prob, stage1.x) else warm
    urgency_bound = stage1.bound
    if not stage1.optimal:
        # The relaxation's bound, in case it beats the solver's so far, and its whole
        # assignments, filled and improved: often a more urgent start than greedy's.
        relaxation = _urgency_relaxation(prob, deadline - reserve)
        relaxed, whole, reduced, used = relaxation[:4]
        if relaxed is not None:
            urgency_bound = relaxed if urgency_bound is None else min(urgency_bound, relaxed)
        if whole is not None:
            x1 = _better(prob, x1, _more_urgent(prob, _fill(prob, whole), deadline - reserve))
        if relaxed is not None and _reachable(relaxed) > _value(prob, x1)[0]:
            now = time.perf_counter()
            until = now + (deadline - reserve - now) * TIGHT_SHARE
            x1 = _better(prob, x1, _tight_urgency(prob, relaxation, until))
        # Decided on the plan so far, the one at the bound included: the restricted model
        # below runs whenever it did before, unless that plan reached the bound.
        far = relaxed is not None and relaxed > (1 + URGENCY_CLOSE) * _value(prob, x1)[0]
        short = relaxed is not None and _reachable(relaxed) > _value(prob, x1)[0]
        if used is not None and short and limit >= SUPPORT_MIN_LIMIT:
            now = time.perf_counter()
            until = now + (deadline - reserve - now) * SUPPORT_SHARE
            x1 = _better(prob, x1, _used_urgency(prob, _fill(prob, x1), until, used))
        if reduced is not None and far:
            now = time.perf_counter()
            until = now + (deadline - reserve - now) * RESTRICTED_URGENCY_SHARE
            x1 = _better(prob, x1, _restricted_urgency(prob, _fill(prob, x1), until, reduced))
    x1 = _fill(prob, x1)  # a no-op when stage 1 is optimal
    clock["urgency"] = time.perf_counter() - began
    u1, c1 = _value(prob, x1)
    if ug > u1:  # cannot happen with a warm start, but never trust it
        x1, u1, c1 = greedy, ug, cg
    start2 = greedy if (ug == u1 and cg < c1) else x1
    began = part("cost")
    x2 = _cheaper(prob, start2, u1, deadline - reserve)
    # The urgency stage 2 keeps: u1, or more where the cheaper plan leaves room for work.
    x2, target = _settle(prob, x2, u1, deadline - reserve, rounds=FILL_ROUNDS)
    # Lower bounds on the cost of the lexicographic optimum: each bounds the cost of every
    # plan at least as urgent as the urgency it was proven for, which the optimum is.
    cost_bounds: list[float | None] = []
    if not stage1.optimal:
        # A hard queue. The relaxation at the target bounds the cost whatever happens next,
        # and its reduced costs pick the pairs of a smaller model that finds a cheap plan
        # quickly.
        relaxed, reduced, price = _cost_relaxation(prob, target, deadline - reserve)
        cost_bounds.append(relaxed)
        if reduced is not None:
            now = time.perf_counter()
            until = now + (deadline - reserve - now) * RESTRICTED_SHARE
            found = _restricted_cost(prob, x2, target, until, reduced, price * PRICE_FACTOR)
            x2 = _better(prob, x2, found)
        x2, target = _settle(prob, x2, target, deadline - reserve, cost_bounds)
    stage2 = _solve_cost(prob, x2, target, deadline - reserve)
    x2 = _cheapest(prob, x2, stage2.x, target)
    cost_bounds.append(stage2.bound)
    if not stage2.optimal:
        x2 = _cheaper(prob, x2, target, deadline - reserve)
    optimal = stage1.optimal and stage2.optimal
    status = "optimal" if optimal else "time_limit"
    clock["cost"] = time.perf_counter() - began
    filled = _fill(prob, x2)
    if _value(prob, filled)[0] > target:
        # The cheaper reshuffles left room for more work: the plan is more urgent than stage
        # 2 was asked for. Made cheaper at its own urgency and bounded there (the reserve).
        began = part("closing")
        filled, target = _settle(prob, filled, target, deadline - reserve / 4, cost_bounds)
        closing = _solve_cost(prob, filled, target, deadline - reserve / 8)
        filled = _cheapest(prob, filled, closing.x, target)
        cost_bounds.append(closing.bound)
        clock["closing"] = time.perf_counter() - began
    uf, cf = _value(prob, filled)
    proven = [b for b in cost_bounds if b is not None]
    cost_bound = float(_value(prob, x2)[1]) if optimal else max(proven, default=None)
    if (ug, -cg) > (uf, -cf):
        filled, status = greedy, "greedy"
    bounds = (float(u1) if stage1.optimal else urgency_bound, cost_bound)
    return _plan(prob, filled, status, time.perf_counter() - start, bounds, clock)
