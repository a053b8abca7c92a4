"""Staffing depth and gap analysis (docs/DOMAIN.md §4, §8). Pure: no ORM, no request.

One definition of depth serves the gap analysis, the promise check and dispatch:
a person is *qualified* for a service when they meet every required skill at its minimum
proficiency; in-house depth counts qualified technicians, outside depth counts qualified
subcontractors only where the service is subcontractable; total = in-house + outside.
Depth 0 is unstaffed, depth 1 a single point of failure.

Plan of attack for a thin service, ranked:

* **train** the in-house technician closest to qualifying (fewest proficiency points short,
  then fewest skills short, then least overqualified for the tier — routine work should not
  be trained into the senior network technician — then cheapest to train, then lowest bill
  rate) by the cheapest *current* certification
  that evidences every missing skill at the service's minimum and that they do not already
  hold. Retired certifications still evidence skills for people who hold them (the loaders
  keep them on the person) but are never proposed. Cost = exam + class + study hours valued
  at the technician's hourly rate (the caller passes bill rate × target utilization: the
  billable hours lost; the bill rate alone when nothing is passed).
* **subcontract** to the cheapest qualified outside firm that does not count yet (the service
  is not marked subcontractable: marking it would), named with its bill rate (the gap
  analysis asks for this; the promise check words it as a change of plan); for
  subcontractable work with no such firm on file, line one up (or a second).
* **hire** someone at the level the tier needs (routine → entry, network → intermediate,
  specialist → senior) with the required skills.

Training comes first, except for specialist subcontractable work with a subcontractor at
hand: there the trade's advice is to hand very technical work to an outside specialist.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from sweetspot.core.money import CENT

LEVEL_RANK = {"entry": 1, "intermediate": 2, "senior": 3, "expert": 4}
TIER_LEVEL = {"routine": "entry", "network": "intermediate", "specialist": "senior"}
HIRE_LEVEL_WORDS = {
    "entry": "an entry-level",
    "intermediate": "an intermediate",
    "senior": "a senior",
}

UNSTAFFED = "unstaffed"
SINGLE_POINT = "single_point_of_failure"
COMPETITOR_ONLY = "competitor_only"


@dataclass(frozen=True)
class Person:
    id: int
    kind: str  # "technician" | "subcontractor"
    name: str
    skills: dict[str, int]  # skill slug -> proficiency 1-5
    level: str = "entry"
    bill_rate: Decimal = Decimal(0)
    cost_rate: Decimal = Decimal(0)
    certifications: frozenset[str] = frozenset()  # certification codes held (any status)
    # Extras for the engines that plan hours (promise check, dispatch).
    weekly_hours: Decimal = Decimal(0)
    on_call: bool = False

    @property
    def outside(self) -> bool:
        return self.kind == "subcontractor"


@dataclass(frozen=True)
class ServiceSpec:
    id: int
    name: str
    requires: dict[str, int]  # skill slug -> minimum proficiency
    tier: str = "routine"
    subcontractable: bool = False


@dataclass(frozen=True)
class CertSpec:
    code: str
    name: str
    level: str
    current: bool
    cost: Decimal  # exam + class (what it costs before study hours)
    study_hours: int
    evidences: dict[str, int]  # skill slug -> proficiency it evidences


@dataclass(frozen=True)
class CompetitorSpec:
    name: str
    service_ids: frozenset[int]
    unmatched: tuple[str, ...] = ()  # services they offer that we have no entry for


def qualifies(person: Person, service: ServiceSpec) -> bool:
    return all(person.skills.get(skill, 0) >= need for skill, need in service.requires.items())


def missing_skills(person: Person, service: ServiceSpec) -> dict[str, int]:
    """skill -> points short of the minimum (empty when qualified)."""
    return {
        skill: need - person.skills.get(skill, 0)
        for skill, need in service.requires.items()
        if person.skills.get(skill, 0) < need
    }


@dataclass(frozen=True)
class Depth:
    service: ServiceSpec
    in_house: tuple[Person, ...]
    outside: tuple[Person, ...]

    @property
    def total(self) -> int:
        return len(self.in_house) + len(self.outside)

    @property
    def status(self) -> str:
        """ "unstaffed" (0), "single_point_of_failure" (1) or "ok" (2 or more)."""
        if self.total == 0:
            return UNSTAFFED
        if self.total == 1:
            return SINGLE_POINT
        return "ok"


def depth(service: ServiceSpec, people: list[Person] | tuple[Person, ...]) -> Depth:
    in_house = tuple(p for p in people if p.kind == "technician" and qualifies(p, service))
    outside = (
        tuple(p for p in people if p.kind == "subcontractor" and qualifies(p, service))
        if service.subcontractable
        else ()
    )
    return Depth(service, in_house, outside)


@dataclass(frozen=True)
class Remedy:
    kind: str  # "train" | "hire" | "subcontract" | "add_service"
    description: str
    technician_id: int | None = None
    certification_code: str | None = None
    subcontractor_id: int | None = None
    cost: Decimal | None = None  # train: exam + class + study hours at the hourly rate
    rank: int = 0
    bill_rate: Decimal | None = None  # subcontract: what the client is charged per hour

    @property
    def key(self) -> str:
        """Identifies the remedy within its gap (stable across page loads)."""
        return (
            f"{self.kind}:{self.technician_id or ''}:{self.certification_code or ''}"
            f":{self.subcontractor_id or ''}"
        )


@dataclass(frozen=True)
class Gap:
    kind: str  # "unstaffed" | "single_point_of_failure" | "competitor_only"
    service_id: int | None
    service_name: str
    depth: int
    detail: str
    remedies: tuple[Remedy, ...] = field(default_factory=tuple)

    @property
    def key(self) -> str:
        """ "s:<service id>" for our services, "n:<name>" for a competitor's service."""
        return f"s:{self.service_id}" if self.service_id is not None else f"n:{self.service_name}"


@dataclass(frozen=True)
class GapAnalysis:
    depths: tuple[Depth, ...]
    competitor_only: tuple[Gap, ...]  # (a) they offer, we do not
    staffing: tuple[Gap, ...]  # (b) depth 0 or 1
    differentiators: tuple[str, ...]  # (c) we offer, no listed competitor does

    @property
    def gaps(self) -> tuple[Gap, ...]:
        return self.staffing + self.competitor_only

    def find(self, gap_key: str, remedy_key: str) -> tuple[Gap, Remedy] | None:
        for gap in self.gaps:
            if gap.key == gap_key:
                for remedy in gap.remedies:
                    if remedy.key == remedy_key:
                        return gap, remedy
        return None


def _skill_list(requires: dict[str, int], skill_names: dict[str, str] | None) -> str:
    names = skill_names or {}
    return ", ".join(f"{names.get(s, s)} {n}+" for s, n in sorted(requires.items()))


def _cheapest_cert_for(
    skills_short: dict[str, int], person: Person, service: ServiceSpec, certs: list[CertSpec]
) -> CertSpec | None:
    """The cheapest current certification that evidences every missing skill at its minimum
    (one the person does not already hold)."""
    fitting = [
        c
        for c in certs
        if c.current
        and c.code not in person.certifications
        and all(c.evidences.get(s, 0) >= service.requires[s] for s in skills_short)
    ]
    if not fitting:
        return None
    return min(fitting, key=lambda c: (c.cost, c.study_hours, c.code))


def level_surplus(person: Person, service: ServiceSpec) -> int:
    """How far the person's level is above what the tier needs (docs/DOMAIN.md §8)."""
    need = LEVEL_RANK[TIER_LEVEL.get(service.tier, "entry")]
    return max(0, LEVEL_RANK.get(person.level, 1) - need)


def _closeness(person: Person, service: ServiceSpec) -> tuple[int, int, int]:
    short = missing_skills(person, service)
    return (sum(short.values()), len(short), level_surplus(person, service))


def closest_trainees(
    service: ServiceSpec, people: list[Person] | tuple[Person, ...]
) -> list[Person]:
    """Technicians who do not qualify yet, closest to qualifying first (fewest points short,
    fewest skills short, least overqualified for the tier, lowest bill rate)."""
    trainees = [p for p in people if p.kind == "technician" and not qualifies(p, service)]
    trainees.sort(key=lambda p: (*_closeness(p, service), p.bill_rate, p.id))
    return trainees


def plan_of_attack(
    service: ServiceSpec,
    people: list[Person] | tuple[Person, ...],
    certs: list[CertSpec],
    hourly_study_cost: dict[int, Decimal] | None = None,
    skill_names: dict[str, str] | None = None,
    name_uncounted_subcontractors: bool = False,
) -> tuple[Remedy, ...]:
    """Ranked remedies for a thin service: train the closest technician by the cheapest
    certification, subcontract, or hire (see the module docstring).

    With `name_uncounted_subcontractors` (the gap analysis), a qualified outside firm that
    does not count because the service is not marked subcontractable is proposed by name and
    bill rate; other callers (the promise check) handle that case themselves."""
    current = depth(service, people)
    train: Remedy | None = None
    # (points short, skills short, level surplus, cost, bill rate, id): closest, then cheapest.
    options: list[tuple[int, int, int, Decimal, Decimal, int, Person, CertSpec]] = []
    for person in closest_trainees(service, people):
        short = missing_skills(person, service)
        cert = _cheapest_cert_for(short, person, service, certs)
        if cert is None:
            continue
        hourly = (hourly_study_cost or {}).get(person.id, person.bill_rate)
        cost = (cert.cost + hourly * cert.study_hours).quantize(CENT, rounding=ROUND_HALF_UP)
        options.append(
            (*_closeness(person, service), cost, person.bill_rate, person.id, person, cert)
        )
    if options:
        *_, cost, _, _, person, cert = min(options, key=lambda o: o[:6])
        train = Remedy(
            kind="train",
            description=f"Train {person.name} for {cert.name} ({cert.code})",
            technician_id=person.id,
            certification_code=cert.code,
            cost=cost,
        )
    subcontract: Remedy | None = None
    # A qualified outside firm that does not count yet, because the service is not marked
    # subcontractable (when it is, every qualified one already counts). Otherwise, for
    # subcontractable work, line one up.
    uncounted = sorted(
        (
            p
            for p in people
            if p.kind == "subcontractor"
            and (service.subcontractable or name_uncounted_subcontractors)
            and qualifies(p, service)
            and p not in current.outside
        ),
        key=lambda p: (p.bill_rate, p.id),
    )
    if uncounted:
        sub = uncounted[0]
        mark = "" if service.subcontractable else " (mark the service subcontractable)"
        subcontract = Remedy(
            kind="subcontract",
            description=f"Subcontract to {sub.name} at ${sub.bill_rate}/h{mark}",
            subcontractor_id=sub.id,
            bill_rate=sub.bill_rate,
        )
    elif service.subcontractable:
        needs = _skill_list(service.requires, skill_names) or "the skills it needs"
        subcontract = Remedy(
            kind="subcontract",
            description=f"Line up {'a second' if current.outside else 'an'} outside "
            f"specialist with {needs}",
        )
    level = TIER_LEVEL.get(service.tier, "entry")
    hire = Remedy(
        kind="hire",
        description=f"Hire {HIRE_LEVEL_WORDS.get(level, 'a ' + level)} technician with "
        f"{_skill_list(service.requires, skill_names) or 'the skills it needs'}",
    )
    if service.tier == "specialist" and subcontract is not None:
        ordered = [subcontract, train, hire]
    else:
        ordered = [train, subcontract, hire]
    return tuple(replace(r, rank=i + 1) for i, r in enumerate(r for r in ordered if r is not None))


def _who(people: tuple[Person, ...]) -> str:
    return ", ".join(f"{p.name} (subcontractor)" if p.outside else p.name for p in people)


def analyse(
    services: list[ServiceSpec],
    people: list[Person],
    competitors: list[CompetitorSpec],
    certs: list[CertSpec],
    hourly_study_cost: dict[int, Decimal] | None = None,
    skill_names: dict[str, str] | None = None,
) -> GapAnalysis:
    depths = tuple(depth(s, people) for s in sorted(services, key=lambda s: (s.name, s.id)))
    staffing: list[Gap] = []
    for d in depths:
        if d.total <= 1:
            detail = (
                "Nobody can deliver it."
                if d.total == 0
                else f"Only {_who(d.in_house + d.outside)} can deliver it."
            )
            able_outside = [
                p.name
                for p in people
                if p.kind == "subcontractor"
                and not d.service.subcontractable
                and qualifies(p, d.service)
            ]
            if able_outside:
                detail += (
                    f" {', '.join(able_outside)} could, but the service is not marked "
                    "subcontractable."
                )
            staffing.append(
                Gap(
                    d.status,
                    d.service.id,
                    d.service.name,
                    d.total,
                    detail,
                    plan_of_attack(
                        d.service,
                        people,
                        certs,
                        hourly_study_cost,
                        skill_names,
                        name_uncounted_subcontractors=True,
                    ),
                )
            )
    # Shortfalls first; within each, the sweet spot's routine and network work before
    # specialist work (which can be handed to an outside firm).
    tier_order = {tier: n for n, tier in enumerate(TIER_LEVEL)}
    tiers: dict[int | None, int] = {d.service.id: tier_order.get(d.service.tier, 9) for d in depths}
    staffing.sort(key=lambda g: (g.depth, tiers.get(g.service_id, 9), g.service_name))
    ours = {s.id for s in services}
    offered_by_them: set[int] = set()
    unmatched: dict[str, list[str]] = {}
    for comp in competitors:
        offered_by_them |= comp.service_ids
        for name in comp.unmatched:
            unmatched.setdefault(name, []).append(comp.name)
    competitor_only = tuple(
        Gap(
            COMPETITOR_ONLY,
            None,
            name,
            0,
            f"Offered by {', '.join(sorted(set(who)))}; not in our catalog.",
            (
                Remedy("add_service", f"Add “{name}” to the catalog and staff it", rank=1),
                Remedy("subcontract", f"Offer “{name}” through a subcontractor", rank=2),
                Remedy("hire", f"Hire for “{name}”", rank=3),
            ),
        )
        for name, who in sorted(unmatched.items())
    )
    differentiators = tuple(
        sorted(s.name for s in services if s.id in ours and s.id not in offered_by_them)
    )
    return GapAnalysis(depths, competitor_only, tuple(staffing), differentiators)
