"""Certification planner (docs/DOMAIN.md §3, §7, §8). Pure: no ORM, no request.

For each technician × each CURRENT certification they do not hold (a retired one still counts
as held, and as evidence of its level, for the people who hold it, but is never proposed):

* **cost** = exam fee + class cost + study hours × the technician's BILL rate × the firm's
  target utilization (the billable hours the study time displaces), in cents.
* **benefit per year** =
  - *work it unlocks*: for every service that is sold (``sold_value``: service → annual value
    of agreement work) or in the weighted pipeline (``pipeline_value``: service → weighted
    annual value) and that lacks depth (total depth ≤ 1 by ``catalog.engine.depth``, the one
    definition of staffing depth), when the certification's evidenced skills would make the
    technician newly qualified, the value of that work;
  - *subcontracting it would replace*: ``subcontract_spend`` (service → annual subcontractor
    hours × cost rate) for every service the technician becomes qualified for;
  - *rate uplift*: only with upper-segment clients (whose IT managers know every level):
    ``upper_hours`` (technician → hours a year billed to upper-segment clients) × the uplift per
    hour, for a senior or expert certification above anything the technician already holds;
  - *credibility*: the firm's value of a FIRST entry-level certification, for a technician who
    holds none (a baseline credential is worth having even when it unlocks no work).
* **payback** in months = cost ÷ (benefit ÷ 12), to a tenth; ``None`` ("never") when the
  benefit is zero.
* **ranking** per technician: payback ascending, then cost, then code; "never" comes last, and
  among those the certifications that would staff a thin service come first. A technician
  with no certification is steered to one or two entry-level certifications first.
* **horizon**: a proposal whose payback is longer than the firm's horizon
  (``payback_horizon_months``, default 36) is "not worth it now": never the next step, so not
  in the planned spend either.
* **warnings**: training spend (the plan's recommended proposals, or certifications earned in
  the last 12 months) above the firm's share of trailing 12-month billable revenue, or any spend
  with no billable revenue on record; and neglected business development (overdue follow-ups,
  weighted pipeline below one sweet-spot agreement's low fee). The trade's advice: network and
  build billable hours first, add certifications slowly.

Inputs that do not exist yet in the data (agreements, time entries, subcontractor hours) are
passed as empty mappings / zero by the loader; the engine treats them like any other zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sweetspot.catalog.engine import LEVEL_RANK, Person, ServiceSpec, depth, qualifies
from sweetspot.core.money import CENT

TENTH = Decimal("0.1")
ZERO = Decimal("0.00")
MONTHS = Decimal(12)
SENIOR_LEVELS = frozenset({"senior", "expert"})
ADVICE = "Network and build billable hours first; add certifications slowly."


def cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    return f"{cents(value):.2f}"


# --- inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertOption:
    """A certification in the firm's catalog (current or retired)."""

    id: int
    code: str
    name: str
    vendor: str
    level: str  # entry | intermediate | senior | expert
    current: bool
    exam_fee: Decimal
    class_cost: Decimal
    study_hours: int
    evidences: Mapping[str, int] = field(default_factory=dict)  # skill slug -> proficiency

    def __post_init__(self) -> None:
        if self.exam_fee < 0 or self.class_cost < 0 or self.study_hours < 0:
            raise ValueError(f"{self.code}: fees and study hours cannot be negative")


@dataclass(frozen=True)
class Earned:
    """A certification a technician earned: its training cost counts as recent spend."""

    technician_id: int
    code: str
    earned_on: dt.date
    bill_rate: Decimal


@dataclass(frozen=True)
class PlanSettings:
    target_utilization: Decimal = Decimal("0.75")
    credibility_value: Decimal = Decimal("1500.00")  # $/year, first entry-level certification
    spend_warning_share: Decimal = Decimal("0.10")  # of trailing 12-month billable revenue
    thin_pipeline_monthly: Decimal = Decimal("1000.00")  # one sweet-spot agreement's low fee
    upper_uplift_per_hour: Decimal = Decimal("25.00")  # senior/expert, upper-segment hours only
    entry_steer_count: int = 2  # "one or two entry-level certifications first"
    # A proposal that pays back later than this is "not worth it now" (Firm setting); None: no
    # horizon.
    payback_horizon_months: int | None = 36

    def to_json(self) -> dict[str, Any]:
        return {
            "payback_horizon_months": self.payback_horizon_months,
            "target_utilization": str(self.target_utilization),
            "credibility_value": money(self.credibility_value),
            "spend_warning_share": str(self.spend_warning_share),
            "thin_pipeline_monthly": money(self.thin_pipeline_monthly),
            "upper_uplift_per_hour": money(self.upper_uplift_per_hour),
            "entry_steer_count": self.entry_steer_count,
        }


@dataclass(frozen=True)
class PlanInputs:
    technicians: tuple[Person, ...]  # kind "technician", as catalog.loaders builds them
    services: tuple[ServiceSpec, ...]
    certifications: tuple[CertOption, ...]  # current and retired
    today: dt.date
    subcontractors: tuple[Person, ...] = ()
    settings: PlanSettings = PlanSettings()
    sold_value: Mapping[int, Decimal] = field(default_factory=dict)
    pipeline_value: Mapping[int, Decimal] = field(default_factory=dict)
    subcontract_spend: Mapping[int, Decimal] = field(default_factory=dict)
    upper_hours: Mapping[int, Decimal] = field(default_factory=dict)
    earned: tuple[Earned, ...] = ()
    trailing_revenue: Decimal = ZERO
    overdue_followups: int = 0
    pipeline_weighted_monthly: Decimal = ZERO
    notes: tuple[str, ...] = ()


# --- outputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cost:
    exam_fee: Decimal
    class_cost: Decimal
    study_hours: int
    lost_hours: Decimal  # study hours that would otherwise have been billable
    lost_billing: Decimal  # lost hours × bill rate
    total: Decimal

    def to_json(self) -> dict[str, Any]:
        return {
            "exam_fee": money(self.exam_fee),
            "class_cost": money(self.class_cost),
            "study_hours": self.study_hours,
            "lost_hours": f"{self.lost_hours.quantize(TENTH, rounding=ROUND_HALF_UP)}",
            "lost_billing": money(self.lost_billing),
            "total": money(self.total),
        }


@dataclass(frozen=True)
class Unlock:
    """A thin (or subcontracted) service the technician would become qualified for."""

    service_id: int
    service_name: str
    depth: int  # total depth today
    sold: Decimal
    pipeline: Decimal
    subcontracting: Decimal

    def to_json(self) -> dict[str, Any]:
        return {
            "service_id": self.service_id,
            "service": self.service_name,
            "depth": self.depth,
            "sold": money(self.sold),
            "pipeline": money(self.pipeline),
            "subcontracting": money(self.subcontracting),
        }


@dataclass(frozen=True)
class Benefit:
    work: Decimal
    subcontracting: Decimal
    uplift: Decimal
    credibility: Decimal
    unlocks: tuple[Unlock, ...] = ()

    @property
    def total(self) -> Decimal:
        return cents(self.work + self.subcontracting + self.uplift + self.credibility)

    def to_json(self) -> dict[str, Any]:
        return {
            "work": money(self.work),
            "subcontracting": money(self.subcontracting),
            "uplift": money(self.uplift),
            "credibility": money(self.credibility),
            "total": money(self.total),
            "unlocks": [u.to_json() for u in self.unlocks],
        }


@dataclass(frozen=True)
class Proposal:
    technician_id: int
    certification: CertOption
    cost: Cost
    benefit: Benefit
    payback_months: Decimal | None
    rank: int = 0
    steered: bool = False  # a first entry-level certification for someone who holds none
    recommended: bool = False  # the technician's next step (top rank, pays back in the horizon)
    beyond_horizon: bool = False  # pays back, but later than the firm's horizon: not worth it now
    reasons: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        c = self.certification
        return {
            "rank": self.rank,
            "certification": {
                "id": c.id,
                "code": c.code,
                "name": c.name,
                "vendor": c.vendor,
                "level": c.level,
            },
            "steered": self.steered,
            "recommended": self.recommended,
            "worth_it_now": not self.beyond_horizon and self.payback_months is not None,
            "cost": self.cost.to_json(),
            "benefit": self.benefit.to_json(),
            "payback_months": None if self.payback_months is None else str(self.payback_months),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class TechnicianPlan:
    technician_id: int
    name: str
    level: str
    bill_rate: Decimal
    holds: tuple[str, ...]  # certification codes held (any status)
    proposals: tuple[Proposal, ...]

    @property
    def has_no_certification(self) -> bool:
        return not self.holds

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.technician_id,
            "name": self.name,
            "level": self.level,
            "bill_rate": money(self.bill_rate),
            "holds": list(self.holds),
            "no_certification": self.has_no_certification,
            "proposals": [p.to_json() for p in self.proposals],
        }


@dataclass(frozen=True)
class Spend:
    planned: Decimal  # Σ cost of the recommended proposals
    recent: Decimal  # Σ training cost of certifications earned in the last 12 months
    trailing_revenue: Decimal
    threshold: Decimal  # share × trailing revenue

    def to_json(self) -> dict[str, Any]:
        return {
            "planned": money(self.planned),
            "recent": money(self.recent),
            "trailing_revenue": money(self.trailing_revenue),
            "threshold": money(self.threshold),
        }


@dataclass(frozen=True)
class Warning:
    kind: str  # "training_spend" | "no_revenue" | "bd_neglect"
    message: str
    advice: str = ADVICE

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "message": self.message, "advice": self.advice}


@dataclass(frozen=True)
class Plan:
    as_of: dt.date
    settings: PlanSettings
    technicians: tuple[TechnicianPlan, ...]
    spend: Spend | None  # None in a technician's view: it sums other people's training
    overdue_followups: int
    pipeline_weighted_monthly: Decimal
    warnings: tuple[Warning, ...]
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "settings": self.settings.to_json(),
            "technicians": [t.to_json() for t in self.technicians],
            "spend": None if self.spend is None else self.spend.to_json(),
            "business_development": {
                "overdue_followups": self.overdue_followups,
                "pipeline_weighted_monthly": money(self.pipeline_weighted_monthly),
            },
            "warnings": [w.to_json() for w in self.warnings],
            "notes": list(self.notes),
        }


# --- the rules ------------------------------------------------------------------------------


def training_cost(cert: CertOption, bill_rate: Decimal, utilization: Decimal) -> Cost:
    """Exam + class + study hours × bill rate × target utilization, in cents."""
    lost_hours = Decimal(cert.study_hours) * utilization
    lost_billing = cents(lost_hours * max(Decimal(bill_rate), ZERO))
    return Cost(
        exam_fee=cents(cert.exam_fee),
        class_cost=cents(cert.class_cost),
        study_hours=cert.study_hours,
        lost_hours=lost_hours,
        lost_billing=lost_billing,
        total=cents(cert.exam_fee + cert.class_cost + lost_billing),
    )


def payback_months(cost: Decimal, benefit_per_year: Decimal) -> Decimal | None:
    """Months for the benefit to repay the cost, to a tenth; None when it never does."""
    if benefit_per_year <= 0:
        return None
    return (Decimal(cost) / (Decimal(benefit_per_year) / MONTHS)).quantize(
        TENTH, rounding=ROUND_HALF_UP
    )


def trained(person: Person, cert: CertOption) -> Person:
    """The person as they would be holding the certification: its evidenced skills added."""
    skills = dict(person.skills)
    for slug, level in cert.evidences.items():
        skills[slug] = max(skills.get(slug, 0), level)
    return replace(person, skills=skills, certifications=person.certifications | {cert.code})


def _highest_rank(codes: frozenset[str], by_code: Mapping[str, CertOption]) -> int:
    return max((LEVEL_RANK.get(by_code[c].level, 0) for c in codes if c in by_code), default=0)


def benefit_of(
    person: Person,
    cert: CertOption,
    inputs: PlanInputs,
    depth_of: Mapping[int, int],
    by_code: Mapping[str, CertOption],
) -> Benefit:
    after = trained(person, cert)
    unlocks: list[Unlock] = []
    for service in inputs.services:
        if qualifies(person, service) or not qualifies(after, service):
            continue
        total_depth = depth_of[service.id]
        thin = total_depth <= 1
        sold = cents(inputs.sold_value.get(service.id, ZERO)) if thin else ZERO
        pipe = cents(inputs.pipeline_value.get(service.id, ZERO)) if thin else ZERO
        sub = cents(inputs.subcontract_spend.get(service.id, ZERO))
        if thin or sub > 0:
            unlocks.append(Unlock(service.id, service.name, total_depth, sold, pipe, sub))
    uplift = ZERO
    if cert.level in SENIOR_LEVELS and LEVEL_RANK[cert.level] > _highest_rank(
        person.certifications, by_code
    ):
        hours = inputs.upper_hours.get(person.id, ZERO)
        uplift = cents(hours * inputs.settings.upper_uplift_per_hour)
    credibility = (
        cents(inputs.settings.credibility_value)
        if cert.level == "entry" and not person.certifications
        else ZERO
    )
    return Benefit(
        work=cents(sum((u.sold + u.pipeline for u in unlocks), ZERO)),
        subcontracting=cents(sum((u.subcontracting for u in unlocks), ZERO)),
        uplift=uplift,
        credibility=credibility,
        unlocks=tuple(unlocks),
    )


def _reasons(p: Proposal, horizon: int | None = None) -> tuple[str, ...]:
    out: list[str] = []
    if p.beyond_horizon:
        out.append(
            f"Not worth it now: pays back in {p.payback_months} months, beyond the firm's "
            f"horizon of {horizon} months."
        )
    if p.steered:
        out.append("No certification yet: start with one or two entry-level ones.")
    if p.benefit.credibility > 0:
        out.append("A first entry-level certification is worth having for credibility.")
    for u in p.benefit.unlocks:
        if u.depth == 0:
            out.append(f"Would staff {u.service_name} (nobody can today).")
        elif u.depth == 1:
            out.append(f"Would be a second pair of hands for {u.service_name} (one today).")
        else:
            out.append(f"Would bring {u.service_name} in-house (subcontracted today).")
    if p.benefit.uplift > 0:
        out.append("Upper-segment clients pay more for this level.")
    if p.payback_months is None and not p.benefit.unlocks:
        out.append("Staffs no thin service and unlocks no sold or pipeline work.")
    return tuple(out)


def _rank_key(p: Proposal) -> tuple[Any, ...]:
    """Steered first; then payback ascending, then cost. Among those that never pay back on
    current data (all tied at "never"), the ones that would staff a thin service come first
    (cheapest first): they are what the gap analysis asks for once the work is sold."""
    never = p.payback_months is None
    thin = never and not any(u.depth <= 1 for u in p.benefit.unlocks)
    return (
        not p.steered,
        never,
        p.payback_months or ZERO,
        thin,
        p.cost.total,
        p.certification.code,
    )


def plan_for(
    person: Person,
    inputs: PlanInputs,
    depth_of: Mapping[int, int],
    by_code: Mapping[str, CertOption],
) -> TechnicianPlan:
    s = inputs.settings
    proposals: list[Proposal] = []
    for cert in inputs.certifications:
        if not cert.current or cert.code in person.certifications:
            continue
        cost = training_cost(cert, person.bill_rate, s.target_utilization)
        benefit = benefit_of(person, cert, inputs, depth_of, by_code)
        proposals.append(
            Proposal(person.id, cert, cost, benefit, payback_months(cost.total, benefit.total))
        )
    if not person.certifications:
        entry = sorted((p for p in proposals if p.certification.level == "entry"), key=_rank_key)
        steered = {p.certification.code for p in entry[: max(s.entry_steer_count, 0)]}
        proposals = [replace(p, steered=p.certification.code in steered) for p in proposals]
    proposals.sort(key=_rank_key)
    ranked = []
    horizon = s.payback_horizon_months
    for i, p in enumerate(proposals, start=1):
        beyond = (
            horizon is not None
            and p.payback_months is not None
            and p.payback_months > Decimal(horizon)
        )
        p = replace(
            p,
            rank=i,
            beyond_horizon=beyond,
            recommended=i == 1 and p.payback_months is not None and not beyond,
        )
        ranked.append(replace(p, reasons=_reasons(p, horizon)))
    return TechnicianPlan(
        technician_id=person.id,
        name=person.name,
        level=person.level,
        bill_rate=cents(person.bill_rate),
        holds=tuple(sorted(person.certifications)),
        proposals=tuple(ranked),
    )


def _recent_spend(inputs: PlanInputs, by_code: Mapping[str, CertOption]) -> Decimal:
    since = inputs.today - dt.timedelta(days=365)
    total = ZERO
    for e in inputs.earned:
        cert = by_code.get(e.code)
        if cert is not None and since < e.earned_on <= inputs.today:
            total += training_cost(cert, e.bill_rate, inputs.settings.target_utilization).total
    return cents(total)


def _warnings(inputs: PlanInputs, spend: Spend) -> tuple[Warning, ...]:
    s = inputs.settings
    out: list[Warning] = []
    share = f"{(s.spend_warning_share * 100).normalize():f}%"
    spent = []
    if spend.planned > 0:
        spent.append(f"${spend.planned:,.2f} planned")
    if spend.recent > 0:
        spent.append(f"${spend.recent:,.2f} in the last 12 months")
    if spent and spend.trailing_revenue <= 0:
        out.append(
            Warning(
                "no_revenue",
                f"Training spend of {' and '.join(spent)}, but no billable revenue on record yet.",
                "Build billable hours first; add certifications slowly.",
            )
        )
    else:
        over = []
        if spend.planned > spend.threshold:
            over.append(f"planned training spend (${spend.planned:,.2f})")
        if spend.recent > spend.threshold:
            over.append(f"training spend in the last 12 months (${spend.recent:,.2f})")
        if over:
            out.append(
                Warning(
                    "training_spend",
                    f"{' and '.join(over).capitalize()} exceeds {share} of trailing 12-month "
                    f"billable revenue (${spend.threshold:,.2f} of "
                    f"${spend.trailing_revenue:,.2f}).",
                    "Build billable hours first; add certifications slowly.",
                )
            )
    neglect = []
    if inputs.overdue_followups > 0:
        n = inputs.overdue_followups
        neglect.append(f"{n} overdue follow-up{'s' if n != 1 else ''}")
    if cents(inputs.pipeline_weighted_monthly) < cents(s.thin_pipeline_monthly):
        neglect.append(
            f"a thin pipeline (${cents(inputs.pipeline_weighted_monthly):,.2f} a month weighted, "
            f"less than one sweet-spot agreement at ${cents(s.thin_pipeline_monthly):,.2f})"
        )
    if neglect:
        out.append(
            Warning(
                "bd_neglect",
                f"Business development is being neglected: {' and '.join(neglect)}.",
            )
        )
    return tuple(out)


def plan(inputs: PlanInputs) -> Plan:
    people = tuple(inputs.technicians) + tuple(inputs.subcontractors)
    depth_of = {svc.id: depth(svc, people).total for svc in inputs.services}
    by_code = {c.code: c for c in inputs.certifications}
    technicians = tuple(
        plan_for(p, inputs, depth_of, by_code)
        for p in sorted(inputs.technicians, key=lambda p: (p.name, p.id))
    )
    s = inputs.settings
    revenue = cents(max(inputs.trailing_revenue, ZERO))
    spend = Spend(
        planned=cents(
            sum((p.cost.total for t in technicians for p in t.proposals if p.recommended), ZERO)
        ),
        recent=_recent_spend(inputs, by_code),
        trailing_revenue=revenue,
        threshold=cents(revenue * s.spend_warning_share),
    )
    return Plan(
        as_of=inputs.today,
        settings=s,
        technicians=technicians,
        spend=spend,
        overdue_followups=inputs.overdue_followups,
        pipeline_weighted_monthly=cents(inputs.pipeline_weighted_monthly),
        warnings=_warnings(inputs, spend),
        notes=inputs.notes,
    )
