"""Dispatch ranking: least-overqualified first (docs/DOMAIN.md §6, §8). Pure: no ORM, no request.

*Qualified* is the one definition in ``sweetspot.catalog.engine``: the person meets every
required skill at its minimum proficiency. For an upper-segment client, when the firm setting
``require_certification_for_upper`` is on, they must also hold a certification evidencing each
required skill (the skill is in ``certified_skills``; retired certifications still count).

*Surplus* = Σ over required skills of (proficiency − minimum) + how far the person's level is
above what the tier needs (routine → entry, network → intermediate, specialist → senior).

*Ranking* of qualified in-house technicians: least surplus, then lowest bill rate, then
familiarity with the client (recent tickets or visits), then most free hours this week, then
id — deterministic.

*Subcontractors* count for dispatch only where the work is marked subcontractable (the one
staffing-depth definition of docs/DOMAIN.md §8). They are proposed when nobody in-house qualifies,
or when the work is specialist and subcontractable; then they are listed after the in-house
options (ranked by the same key) with the difference in what the client is billed against the
best in-house option: (their bill rate − its bill rate) × estimate hours.

Every suggestion carries its reasons: why qualified (``outlook-exchange-admin 3 ≥ 2``), the
surplus, the rate, familiarity and free hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any

from sweetspot.catalog import engine as depth_engine
from sweetspot.core.money import CENT

LEVEL_RANK = depth_engine.LEVEL_RANK
TIER_LEVEL = depth_engine.TIER_LEVEL
PRIORITIES = ("P1", "P2", "P3", "P4")
SEGMENTS = ("micro", "sweet_spot", "upper")
TECHNICIAN = "technician"
SUBCONTRACTOR = "subcontractor"


@dataclass(frozen=True)
class Person:
    """A technician or a subcontractor as dispatch sees them.

    ``bill_rate`` is what the client is billed per hour (for a subcontractor too);
    ``free_hours`` is this week's remaining capacity; ``clients`` the client ids they know
    (recent tickets or visits); ``cost_rate`` (owner only) is optional."""

    id: str
    kind: str  # "technician" | "subcontractor"
    level: str = "entry"
    bill_rate: Decimal = Decimal(0)
    skills: dict[str, int] = field(default_factory=dict)  # skill -> proficiency 0-5
    certified_skills: frozenset[str] = frozenset()
    free_hours: Decimal = Decimal(0)
    clients: frozenset[str] = frozenset()
    name: str = ""
    cost_rate: Decimal | None = None

    @property
    def outside(self) -> bool:
        return self.kind == SUBCONTRACTOR

    @property
    def label(self) -> str:
        return self.name or self.id

    @cached_property
    def member(self) -> depth_engine.Person:
        """The person as the catalog's rules see them, made once (a batch asks for it for
        every ticket)."""
        return depth_engine.Person(
            id=0, kind=self.kind, name=self.label, skills=self.skills, level=self.level
        )


@dataclass(frozen=True)
class Ticket:
    """What dispatch needs of a ticket: the service's required skills (plus any extra ones
    added on the ticket), its tier and subcontractable flag, the client and its segment.

    ``client`` is the client's id (what ``Person.clients`` holds); ``client_name`` is only for
    the reasons and may be empty (scenario files), when they name the client by its id."""

    id: str
    client: str
    segment: str = "sweet_spot"  # "micro" | "sweet_spot" | "upper"
    requires: dict[str, int] = field(default_factory=dict)  # skill -> minimum proficiency
    tier: str = "routine"  # "routine" | "network" | "specialist"
    subcontractable: bool = False
    estimate_hours: Decimal = Decimal(1)
    priority: str = "P3"  # "P1" (most urgent) .. "P4"
    sla_minutes_left: int | None = None  # resolution clock; None when no clock runs
    client_name: str = ""
    # skill slug -> display name, for the reasons only (scenario files: the slugs are shown)
    skill_names: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def client_label(self) -> str:
        return self.client_name or f"client {self.client}"

    @cached_property
    def service(self) -> depth_engine.ServiceSpec:
        """The ticket as the catalog's rules see it, made once."""
        return depth_engine.ServiceSpec(
            id=0,
            name=self.id,
            requires=self.requires,
            tier=self.tier,
            subcontractable=self.subcontractable,
        )


@dataclass(frozen=True)
class DispatchSettings:
    """Firm settings dispatch reads (defaults from docs/DOMAIN.md and the issue)."""

    require_certification_for_upper: bool = True
    surplus_weight: Decimal = Decimal(10)  # batch cost: $ per surplus point per assignment
    time_limit_seconds: float = 10.0  # batch solver budget
    seed: int = 0  # batch solver random seed


@dataclass(frozen=True)
class Suggestion:
    person_id: str
    kind: str
    surplus: int
    skill_surplus: int
    level_surplus: int
    bill_rate: Decimal
    familiar: bool
    free_hours: Decimal
    reasons: tuple[str, ...]
    billed_difference: Decimal | None = None  # subcontractor: vs the best in-house option
    cost_difference: Decimal | None = None  # owner only: when both cost rates are known

    def to_json(self) -> dict[str, Any]:
        """The scenario format: id, kind, surplus, reasons."""
        return {
            "id": self.person_id,
            "kind": self.kind,
            "surplus": self.surplus,
            "reasons": list(self.reasons),
        }


def certification_applies(ticket: Ticket, settings: DispatchSettings) -> bool:
    return settings.require_certification_for_upper and ticket.segment == "upper"


def uncertified(person: Person, ticket: Ticket, settings: DispatchSettings) -> list[str]:
    """Required skills without an evidencing certification, where the rule applies."""
    if not certification_applies(ticket, settings):
        return []
    return sorted(s for s in ticket.requires if s not in person.certified_skills)


def qualified(person: Person, ticket: Ticket, settings: DispatchSettings | None = None) -> bool:
    settings = settings or DispatchSettings()
    return depth_engine.qualifies(person.member, ticket.service) and not uncertified(
        person, ticket, settings
    )


def why_not(person: Person, ticket: Ticket, settings: DispatchSettings | None = None) -> list[str]:
    """What keeps a person from qualifying (empty when qualified), e.g. ``firewalls 1 < 3``."""
    settings = settings or DispatchSettings()
    out = [
        f"{skill} {person.skills.get(skill, 0)} < {need}"
        for skill, need in sorted(ticket.requires.items())
        if person.skills.get(skill, 0) < need
    ]
    missing = uncertified(person, ticket, settings)
    if missing:
        out.append(f"no certification evidencing {', '.join(missing)} (upper-segment client)")
    return out


def skill_surplus(person: Person, ticket: Ticket) -> int:
    return sum(person.skills.get(s, 0) - need for s, need in ticket.requires.items())


def level_surplus(person: Person, ticket: Ticket) -> int:
    return depth_engine.level_surplus(person.member, ticket.service)


def surplus(person: Person, ticket: Ticket) -> int:
    """Σ (proficiency − minimum) over required skills + level above the tier's need."""
    return skill_surplus(person, ticket) + level_surplus(person, ticket)


def rank_key(person: Person, ticket: Ticket) -> tuple[int, Decimal, int, Decimal, str]:
    """Least surplus, lowest bill rate, knows the client, most free hours, id."""
    return (
        surplus(person, ticket),
        person.bill_rate,
        0 if ticket.client in person.clients else 1,
        -person.free_hours,
        person.id,
    )


def candidates(
    ticket: Ticket, people: Sequence[Person], settings: DispatchSettings | None = None
) -> list[Person]:
    """Who may take the ticket, best first: the qualified in-house technicians ranked, then
    (when the subcontractor rule applies) the qualified subcontractors ranked the same way."""
    settings = settings or DispatchSettings()
    in_house = sorted(
        (p for p in people if not p.outside and qualified(p, ticket, settings)),
        key=lambda p: rank_key(p, ticket),
    )
    outside: list[Person] = []
    if ticket.subcontractable and (not in_house or ticket.tier == "specialist"):
        outside = sorted(
            (p for p in people if p.outside and qualified(p, ticket, settings)),
            key=lambda p: rank_key(p, ticket),
        )
    return in_house + outside


def _money(value: Decimal) -> str:
    return f"${value.quantize(CENT, rounding=ROUND_HALF_UP)}"


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f} h"


def _reasons(
    person: Person, ticket: Ticket, settings: DispatchSettings, best: Person | None
) -> tuple[list[str], Decimal | None, Decimal | None]:
    name = ticket.skill_names.get
    reasons = [
        f"{name(skill, skill)} {person.skills.get(skill, 0)} ≥ {need}"
        for skill, need in sorted(ticket.requires.items())
    ]
    if not ticket.requires:
        reasons.append("no skill required")
    if certification_applies(ticket, settings) and ticket.requires:
        certified = ", ".join(name(s, s) for s in sorted(ticket.requires))
        reasons.append(f"certified for {certified} (upper-segment client)")
    need = TIER_LEVEL.get(ticket.tier, "entry")
    reasons.append(
        f"surplus {surplus(person, ticket)}: skills +{skill_surplus(person, ticket)}, "
        f"level {person.level} for {ticket.tier} work (needs {need}) "
        f"+{level_surplus(person, ticket)}"
    )
    reasons.append(f"rate {_money(person.bill_rate)}/h")
    if ticket.client in person.clients:
        reasons.append(f"knows {ticket.client_label} (recent tickets or visits)")
    else:
        reasons.append(f"new to {ticket.client_label}")
    free = f"{_hours(person.free_hours)} free this week"
    if person.free_hours < ticket.estimate_hours:
        free += f", short of the {_hours(ticket.estimate_hours)} estimate"
    reasons.append(free)
    billed: Decimal | None = None
    cost: Decimal | None = None
    if person.outside:
        if best is None:
            reasons.append("subcontractor: nobody in-house qualifies")
        else:
            reasons.append("subcontractor: specialist work marked subcontractable")
            billed = ((person.bill_rate - best.bill_rate) * ticket.estimate_hours).quantize(
                CENT, rounding=ROUND_HALF_UP
            )
            more = "more" if billed >= 0 else "less"
            reasons.append(
                f"client billed {_money(abs(billed))} {more} than with {best.label} "
                f"({_money(person.bill_rate)} vs {_money(best.bill_rate)}/h × "
                f"{_hours(ticket.estimate_hours)})"
            )
            if person.cost_rate is not None and best.cost_rate is not None:
                cost = ((person.cost_rate - best.cost_rate) * ticket.estimate_hours).quantize(
                    CENT, rounding=ROUND_HALF_UP
                )
    return reasons, billed, cost


def suggest(
    ticket: Ticket, people: Sequence[Person], settings: DispatchSettings | None = None
) -> tuple[Suggestion, ...]:
    """Ranked suggestions for one ticket, best first, qualified people only."""
    settings = settings or DispatchSettings()
    ranked = candidates(ticket, people, settings)
    best = next((p for p in ranked if not p.outside), None)
    out = []
    for person in ranked:
        reasons, billed, cost = _reasons(person, ticket, settings, best)
        out.append(
            Suggestion(
                person_id=person.id,
                kind=person.kind,
                surplus=surplus(person, ticket),
                skill_surplus=skill_surplus(person, ticket),
                level_surplus=level_surplus(person, ticket),
                bill_rate=person.bill_rate,
                familiar=ticket.client in person.clients,
                free_hours=person.free_hours,
                reasons=tuple(reasons),
                billed_difference=billed,
                cost_difference=cost,
            )
        )
    return tuple(out)
