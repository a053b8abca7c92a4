"""The promise check: can the firm deliver what its agreements promise? (docs/DOMAIN.md §5)

Pure: no ORM, no request. Coverage uses the one definition of staffing depth in
``sweetspot.catalog.engine``; capacity compares the hours the agreements imply with the
technicians' monthly hours at the target utilization; response checks that agreements with
tight priority targets have enough technicians on call. Every finding names the agreements,
the service, the numbers and a remedy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sweetspot.catalog import engine as depth_engine

WEEKS_PER_MONTH = Decimal(52) / Decimal(12)
SEVERITY_ORDER = {"shortfall": 0, "warning": 1}


@dataclass(frozen=True)
class Member:
    id: str
    kind: str  # "technician" | "subcontractor"
    name: str
    skills: dict[str, int]
    weekly_hours: Decimal = Decimal(0)
    on_call: bool = False
    level: str = "entry"
    bill_rate: Decimal = Decimal(0)


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    requires: dict[str, int]
    tier: str = "routine"
    subcontractable: bool = False


@dataclass(frozen=True)
class Terms:
    id: str
    name: str
    services: tuple[str, ...]
    onsite_half_days_per_month: Decimal = Decimal(0)
    expected_remote_hours_per_month: Decimal = Decimal(0)
    expected_phone_hours_per_month: Decimal = Decimal(0)
    response_minutes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PromiseSettings:
    target_utilization: Decimal = Decimal("0.75")
    hours_per_half_day: Decimal = Decimal(4)
    response_threshold_minutes: int = 240
    min_on_call: int = 2


@dataclass(frozen=True)
class Remedy:
    action: str  # "train" | "subcontract" | "hire" | "change_plan"
    text: str
    person: str | None = None
    certification: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "person": self.person,
            "certification": self.certification,
            "text": self.text,
        }


@dataclass(frozen=True)
class Finding:
    kind: str  # "coverage" | "single_point_of_failure" | "capacity" | "response"
    severity: str  # "shortfall" | "warning"
    agreements: tuple[str, ...]
    service: str | None
    detail: str
    remedy: Remedy

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "agreements": list(self.agreements),
            "service": self.service,
            "detail": self.detail,
            "remedy": self.remedy.to_json(),
        }


@dataclass(frozen=True)
class Result:
    findings: tuple[Finding, ...]
    required_hours: Decimal
    available_hours: Decimal

    @property
    def ok(self) -> bool:
        return not any(f.severity == "shortfall" for f in self.findings)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "findings": [f.to_json() for f in self.findings],
            "capacity": {
                "required_hours": float(self.required_hours),
                "available_hours": float(self.available_hours),
            },
        }


def _hours(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _as_depth_inputs(
    members: Sequence[Member], services: Sequence[Service]
) -> tuple[list[depth_engine.Person], dict[str, depth_engine.ServiceSpec], dict[int, Member]]:
    """Map to the catalog engine's dataclasses (integer ids), keeping a way back."""
    people = []
    by_index: dict[int, Member] = {}
    for i, m in enumerate(members):
        by_index[i] = m
        people.append(
            depth_engine.Person(
                id=i,
                kind=m.kind,
                name=m.name,
                skills=dict(m.skills),
                level=m.level,
                bill_rate=m.bill_rate,
            )
        )
    specs = {
        s.id: depth_engine.ServiceSpec(
            id=i,
            name=s.name,
            requires=dict(s.requires),
            tier=s.tier,
            subcontractable=s.subcontractable,
        )
        for i, s in enumerate(services)
    }
    return people, specs, by_index


def _coverage_remedy(
    spec: depth_engine.ServiceSpec,
    people: list[depth_engine.Person],
    by_index: dict[int, Member],
    certs: Sequence[depth_engine.CertSpec],
    exclude: set[int],
) -> Remedy:
    """Train the closest technician (by the cheapest certification when a catalog is known),
    else subcontract to a qualified outside firm, else hire."""
    for r in depth_engine.plan_of_attack(spec, people, list(certs)):
        if r.kind == "train" and r.technician_id is not None:
            m = by_index[r.technician_id]
            return Remedy(
                "train", r.description + ".", person=m.id, certification=r.certification_code
            )
        if r.kind == "subcontract" and r.subcontractor_id is not None:
            m = by_index[r.subcontractor_id]
            return Remedy("subcontract", r.description + ".", person=m.id)
    # No catalog (e.g. a scenario): train the technician closest to qualifying, when close.
    candidates = [
        p
        for p in people
        if p.kind == "technician" and p.id not in exclude and not depth_engine.qualifies(p, spec)
    ]
    candidates.sort(key=lambda p: (sum(depth_engine.missing_skills(p, spec).values()), p.id))
    if candidates:
        closest = candidates[0]
        short = depth_engine.missing_skills(closest, spec)
        if sum(short.values()) <= 2:
            skills = ", ".join(f"{k} +{v}" for k, v in sorted(short.items()))
            m = by_index[closest.id]
            return Remedy("train", f"Train {m.name} ({skills}).", person=m.id)
    outside = [p for p in people if p.kind == "subcontractor" and depth_engine.qualifies(p, spec)]
    if outside and not spec.subcontractable:
        m = by_index[outside[0].id]
        return Remedy(
            "change_plan",
            f"{m.name} qualifies: mark {spec.name} subcontractable, or take it out of the plan.",
            person=m.id,
        )
    needs = ", ".join(f"{k} {v}" for k, v in sorted(spec.requires.items()))
    return Remedy("hire", f"Hire someone with {needs}, or take {spec.name} out of the plan.")


def check(
    agreements: Sequence[Terms],
    members: Sequence[Member],
    services: Sequence[Service],
    settings: PromiseSettings | None = None,
    certs: Sequence[depth_engine.CertSpec] = (),
) -> Result:
    s = settings or PromiseSettings()
    people, specs, by_index = _as_depth_inputs(members, services)
    names = {s_.id: s_.name for s_ in services}
    findings: list[Finding] = []

    # coverage
    sold: dict[str, list[str]] = {}
    for a in agreements:
        for service_id in a.services:
            sold.setdefault(service_id, []).append(a.id)
    for service_id, agreement_ids in sorted(sold.items()):
        spec = specs.get(service_id)
        if spec is None:
            findings.append(
                Finding(
                    "coverage",
                    "shortfall",
                    tuple(sorted(set(agreement_ids))),
                    service_id,
                    f"Service {service_id} is not in the catalog.",
                    Remedy("change_plan", "Remove it from the plan."),
                )
            )
            continue
        d = depth_engine.depth(spec, people)
        who = [by_index[p.id] for p in d.in_house + d.outside]
        if d.total == 0:
            findings.append(
                Finding(
                    "coverage",
                    "shortfall",
                    tuple(sorted(set(agreement_ids))),
                    service_id,
                    f"Nobody can deliver {names[service_id]} (depth 0), promised in "
                    f"{len(set(agreement_ids))} agreement(s).",
                    _coverage_remedy(spec, people, by_index, certs, set()),
                )
            )
        elif d.total == 1:
            only = who[0]
            findings.append(
                Finding(
                    "single_point_of_failure",
                    "warning",
                    tuple(sorted(set(agreement_ids))),
                    service_id,
                    f"Only {only.name} can deliver {names[service_id]} (depth 1).",
                    _coverage_remedy(
                        spec, people, by_index, certs, {p.id for p in d.in_house + d.outside}
                    ),
                )
            )

    # capacity
    required = sum(
        (
            a.onsite_half_days_per_month * s.hours_per_half_day
            + a.expected_remote_hours_per_month
            + a.expected_phone_hours_per_month
            for a in agreements
        ),
        Decimal(0),
    )
    available = sum(
        (
            m.weekly_hours * WEEKS_PER_MONTH * s.target_utilization
            for m in members
            if m.kind == "technician"
        ),
        Decimal(0),
    )
    required, available = _hours(required), _hours(available)
    if required > available:
        short = required - available
        findings.append(
            Finding(
                "capacity",
                "shortfall",
                tuple(sorted(a.id for a in agreements)),
                None,
                f"The agreements need {required} hours a month; the technicians have {available} "
                f"billable hours at {s.target_utilization:.0%} utilization ({short} short).",
                Remedy(
                    "hire",
                    f"Hire about {_hours(short / (WEEKS_PER_MONTH * s.target_utilization))}"
                    " hours a week of technician time, or reduce on-site days in the plans.",
                ),
            )
        )

    # response
    on_call = [m for m in members if m.kind == "technician" and m.on_call]
    off_call = [m for m in members if m.kind == "technician" and not m.on_call]
    for a in sorted(agreements, key=lambda a: a.id):
        tight = {
            p: mins for p, mins in a.response_minutes.items() if mins < s.response_threshold_minutes
        }
        if not tight or len(on_call) >= s.min_on_call:
            continue
        worst = min(tight, key=lambda p: (tight[p], p))
        missing = s.min_on_call - len(on_call)
        if len(off_call) >= missing:
            add = ", ".join(m.name for m in off_call[:missing])
            remedy = Remedy(
                "change_plan",
                f"Put {add} on the on-call rota, or lengthen the "
                f"{worst} target to at least {s.response_threshold_minutes} minutes.",
                person=off_call[0].id,
            )
        else:
            remedy = Remedy(
                "hire",
                f"Hire {missing - len(off_call)} on-call technician(s), or "
                f"lengthen the {worst} target to at least "
                f"{s.response_threshold_minutes} minutes.",
            )
        findings.append(
            Finding(
                "response",
                "shortfall",
                (a.id,),
                None,
                f"{a.name} promises {worst} in {tight[worst]} minutes; "
                f"{len(on_call)} technician(s) on call, {s.min_on_call} needed.",
                remedy,
            )
        )

    findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], f.kind, f.service or "", f.agreements))
    return Result(tuple(findings), required, available)
