"""The gap analysis on the current data: load, run the engine, serialise.

`manage.py gap_analysis --json` and `GET /api/v1/gap-analysis` both print `as_json()`; it
carries bill rates (visible to staff) and never cost rates (owner-only, docs/DOMAIN.md §8).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sweetspot.core.models import Firm
from sweetspot.core.money import CENT

from . import loaders
from .engine import CertSpec, Depth, GapAnalysis, Person, Remedy, analyse


@dataclass(frozen=True)
class Report:
    analysis: GapAnalysis
    people: tuple[Person, ...]
    certs: tuple[CertSpec, ...]
    skill_names: dict[str, str]

    def person(self, kind: str, pk: int | None) -> Person | None:
        return next((p for p in self.people if p.kind == kind and p.id == pk), None)

    def cert(self, code: str | None) -> CertSpec | None:
        return next((c for c in self.certs if c.code == code), None)


def study_hour_values(people: list[Person], firm: Firm) -> dict[int, Decimal]:
    """A study hour costs the billable hour it replaces: bill rate × target utilization
    (the certification planner values it the same way)."""
    return {
        p.id: (p.bill_rate * firm.target_utilization).quantize(CENT, rounding=ROUND_HALF_UP)
        for p in people
        if p.kind == loaders.TECHNICIAN
    }


def build(firm: Firm | None = None) -> Report:
    """Load everything and run the engine (a fixed number of queries)."""
    firm = firm or Firm.current()
    people = loaders.people()
    certs = loaders.certs()
    names = loaders.skill_names()
    analysis = analyse(
        loaders.services(),
        people,
        loaders.competitors(),
        certs,
        hourly_study_cost=study_hour_values(people, firm),
        skill_names=names,
    )
    return Report(analysis, tuple(people), tuple(certs), names)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _person(p: Person) -> dict[str, Any]:
    out: dict[str, Any] = {"id": p.id, "kind": p.kind, "name": p.name}
    if p.outside:
        out["bill_rate"] = _money(p.bill_rate)
    return out


def _depth(d: Depth) -> dict[str, Any]:
    s = d.service
    return {
        "id": s.id,
        "name": s.name,
        "tier": s.tier,
        "subcontractable": s.subcontractable,
        "requires": dict(sorted(s.requires.items())),
        "in_house": len(d.in_house),
        "outside": len(d.outside),
        "total": d.total,
        "status": d.status,
        "qualified": [_person(p) for p in d.in_house + d.outside],
    }


def _remedy(r: Remedy) -> dict[str, Any]:
    return {
        "rank": r.rank,
        "kind": r.kind,
        "key": r.key,
        "description": r.description,
        "technician_id": r.technician_id,
        "certification_code": r.certification_code,
        "subcontractor_id": r.subcontractor_id,
        "cost": _money(r.cost),
        "bill_rate": _money(r.bill_rate),
    }


def as_json(analysis: GapAnalysis) -> dict[str, Any]:
    return {
        "services": [_depth(d) for d in analysis.depths],
        "gaps": [
            {
                "kind": g.kind,
                "key": g.key,
                "service_id": g.service_id,
                "service_name": g.service_name,
                "depth": g.depth,
                "detail": g.detail,
                "remedies": [_remedy(r) for r in g.remedies],
            }
            for g in analysis.gaps
        ],
        "differentiators": list(analysis.differentiators),
    }


def current_json() -> dict[str, Any]:
    return as_json(build().analysis)
