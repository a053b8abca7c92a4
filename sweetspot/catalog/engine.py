"""Staffing depth and gap analysis (DOMAIN.md §4, §8). Pure: no ORM, no request.

One definition of depth serves the gap analysis, the promise check and dispatch:
a person is *qualified* for a service when they meet every required skill at its minimum
proficiency; in-house depth counts qualified technicians, outside depth counts qualified
subcontractors only where the service is subcontractable; total = in-house + outside.
Depth 0 is unstaffed, depth 1 a single point of failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

LEVEL_RANK = {"entry": 1, "intermediate": 2, "senior": 3, "expert": 4}


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
    cost: Decimal | None = None
    rank: int = 0


@dataclass(frozen=True)
class Gap:
    kind: str  # "unstaffed" | "single_point_of_failure" | "competitor_only"
    service_id: int | None
    service_name: str
    depth: int
    detail: str
    remedies: tuple[Remedy, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class GapAnalysis:
    depths: tuple[Depth, ...]
    competitor_only: tuple[Gap, ...]  # (a) they offer, we do not
    staffing: tuple[Gap, ...]  # (b) depth 0 or 1
    differentiators: tuple[str, ...]  # (c) we offer, no listed competitor does

    @property
    def gaps(self) -> tuple[Gap, ...]:
        return self.staffing + self.competitor_only


def _cheapest_cert_for(
    skills_short: dict[str, int], person: Person, service: ServiceSpec, certs: list[CertSpec]
) -> CertSpec | None:
    """The cheapest current certification that evidences every missing skill at its minimum."""
    fitting = [
        c
        for c in certs
        if c.current and all(c.evidences.get(s, 0) >= service.requires[s] for s in skills_short)
    ]
    if not fitting:
        return None
    return min(fitting, key=lambda c: (c.cost, c.study_hours, c.code))


def plan_of_attack(
    service: ServiceSpec,
    people: list[Person] | tuple[Person, ...],
    certs: list[CertSpec],
    hourly_study_cost: dict[int, Decimal] | None = None,
) -> tuple[Remedy, ...]:
    """Ranked remedies for a thin service: train the closest technician by the cheapest
    certification, subcontract to a named outside firm, or hire."""
    remedies: list[Remedy] = []
    current = depth(service, people)
    trainees = [p for p in people if p.kind == "technician" and p not in current.in_house]
    # closest to qualifying: fewest points short, then fewest skills short, then cheapest rate
    trainees.sort(
        key=lambda p: (
            sum(missing_skills(p, service).values()),
            len(missing_skills(p, service)),
            p.bill_rate,
            p.id,
        )
    )
    for person in trainees:
        short = missing_skills(person, service)
        cert = _cheapest_cert_for(short, person, service, certs)
        if cert is None:
            continue
        study = (hourly_study_cost or {}).get(person.id, person.bill_rate) * cert.study_hours
        remedies.append(
            Remedy(
                kind="train",
                description=f"Train {person.name} for {cert.name} ({cert.code})",
                technician_id=person.id,
                certification_code=cert.code,
                cost=(cert.cost + study).quantize(Decimal("0.01")),
            )
        )
        break
    if service.subcontractable:
        subs = [
            p
            for p in people
            if p.kind == "subcontractor" and qualifies(p, service) and p not in current.outside
        ]
        for sub in sorted(subs, key=lambda p: (p.bill_rate, p.id))[:1]:
            remedies.append(
                Remedy(
                    kind="subcontract",
                    description=f"Subcontract to {sub.name} at ${sub.bill_rate}/h",
                    subcontractor_id=sub.id,
                )
            )
    remedies.append(
        Remedy(
            kind="hire", description=(f"Hire someone with {', '.join(sorted(service.requires))}")
        )
    )
    return tuple(
        Remedy(
            r.kind,
            r.description,
            r.technician_id,
            r.certification_code,
            r.subcontractor_id,
            r.cost,
            rank=i + 1,
        )
        for i, r in enumerate(remedies)
    )


def analyse(
    services: list[ServiceSpec],
    people: list[Person],
    competitors: list[CompetitorSpec],
    certs: list[CertSpec],
) -> GapAnalysis:
    depths = tuple(depth(s, people) for s in sorted(services, key=lambda s: (s.name, s.id)))
    staffing: list[Gap] = []
    for d in depths:
        if d.total <= 1:
            kind = "unstaffed" if d.total == 0 else "single_point_of_failure"
            who = ", ".join(p.name for p in d.in_house + d.outside)
            detail = "Nobody can deliver it." if d.total == 0 else f"Only {who} can deliver it."
            staffing.append(
                Gap(
                    kind,
                    d.service.id,
                    d.service.name,
                    d.total,
                    detail,
                    plan_of_attack(d.service, people, certs),
                )
            )
    staffing.sort(key=lambda g: (g.depth, g.service_name))
    ours = {s.id for s in services}
    offered_by_them: set[int] = set()
    unmatched: dict[str, list[str]] = {}
    for comp in competitors:
        offered_by_them |= comp.service_ids
        for name in comp.unmatched:
            unmatched.setdefault(name, []).append(comp.name)
    competitor_only = tuple(
        Gap(
            "competitor_only",
            None,
            name,
            0,
            f"Offered by {', '.join(sorted(who))}; not in our catalog.",
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
