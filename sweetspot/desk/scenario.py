"""Dispatch scenario files (what-if planning and tests without the database), validated strictly.

Format (unknown keys are rejected; ids may be strings or integers and come out as strings)::

    {"require_certification_for_upper": true,      # optional, default true
     "surplus_weight": 10,                           # optional, $ per surplus point
     "time_limit_seconds": 10,                       # optional, batch solver budget
     "people": [{"id", "kind": "technician"|"subcontractor",
                 "level": "entry"|"intermediate"|"senior"|"expert", "bill_rate",
                 "skills": {skill: 0-5}, "certified_skills": [skill, ...], "free_hours",
                 "clients": [client id, ...], "name"?}],
     "tickets": [{"id", "client", "segment": "micro"|"sweet_spot"|"upper",
                  "requires": {skill: 1-5}, "tier": "routine"|"network"|"specialist",
                  "subcontractable", "estimate_hours", "priority": "P1".."P4",
                  "sla_minutes_left"?}]}

For subcontractors ``bill_rate`` is what the client is billed and ``free_hours`` their
capacity this week. Errors name the field: ``tickets[3].priority: Input should be ...``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError

from sweetspot.core.scenario import error_path

from . import engine

Id = str | int
Proficiency = Annotated[StrictInt, Field(ge=0, le=5)]
Minimum = Annotated[StrictInt, Field(ge=1, le=5)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonIn(_Strict):
    id: Id
    kind: Literal["technician", "subcontractor"]
    name: str | None = None
    level: Literal["entry", "intermediate", "senior", "expert"]
    bill_rate: Decimal = Field(ge=0, allow_inf_nan=False)
    skills: dict[str, Proficiency] = Field(default_factory=dict)
    certified_skills: list[str] = Field(default_factory=list)
    free_hours: Decimal = Field(ge=0, allow_inf_nan=False)
    clients: list[Id] = Field(default_factory=list)


class TicketIn(_Strict):
    id: Id
    client: Id
    segment: Literal["micro", "sweet_spot", "upper"]
    requires: dict[str, Minimum] = Field(default_factory=dict)
    tier: Literal["routine", "network", "specialist"]
    subcontractable: StrictBool = False
    estimate_hours: Decimal = Field(gt=0, le=1000, allow_inf_nan=False)
    priority: Literal["P1", "P2", "P3", "P4"]
    sla_minutes_left: StrictInt | None = None


class ScenarioIn(_Strict):
    require_certification_for_upper: StrictBool = True
    surplus_weight: Decimal = Field(Decimal(10), ge=0, allow_inf_nan=False)
    time_limit_seconds: float = Field(10.0, gt=0, le=600, allow_inf_nan=False)
    people: list[PersonIn] = Field(default_factory=list)
    tickets: list[TicketIn] = Field(default_factory=list)


class ScenarioError(Exception):
    """Bad scenario: the message names each bad field."""


def _unique(ids: list[Id], where: str) -> None:
    seen: set[str] = set()
    for i, raw in enumerate(ids):
        key = str(raw)
        if key in seen:
            raise ScenarioError(f"{where}[{i}].id: duplicate id {key}")
        seen.add(key)


def parse(text: str) -> tuple[list[engine.Person], list[engine.Ticket], engine.DispatchSettings]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ScenarioError(f"(file): not valid JSON: {exc}") from exc
    try:
        sc = ScenarioIn.model_validate(data)
    except ValidationError as exc:
        lines = [f"{error_path(tuple(e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise ScenarioError("\n".join(lines)) from exc
    _unique([p.id for p in sc.people], "people")
    _unique([t.id for t in sc.tickets], "tickets")
    people = [
        engine.Person(
            id=str(p.id),
            kind=p.kind,
            level=p.level,
            bill_rate=p.bill_rate,
            skills=dict(p.skills),
            certified_skills=frozenset(p.certified_skills),
            free_hours=p.free_hours,
            clients=frozenset(str(c) for c in p.clients),
            name=p.name or "",
        )
        for p in sc.people
    ]
    tickets = [
        engine.Ticket(
            id=str(t.id),
            client=str(t.client),
            segment=t.segment,
            requires=dict(t.requires),
            tier=t.tier,
            subcontractable=t.subcontractable,
            estimate_hours=t.estimate_hours,
            priority=t.priority,
            sla_minutes_left=t.sla_minutes_left,
        )
        for t in sc.tickets
    ]
    settings = engine.DispatchSettings(
        require_certification_for_upper=sc.require_certification_for_upper,
        surplus_weight=sc.surplus_weight,
        time_limit_seconds=sc.time_limit_seconds,
    )
    return people, tickets, settings
