"""The promise check's JSON scenario format (what-if planning and tests), validated strictly."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError

from sweetspot.core.scenario import error_path

from . import engine

Id = str | int


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonIn(_Strict):
    id: Id
    kind: Literal["technician", "subcontractor"]
    name: str | None = None
    weekly_hours: Decimal = Field(Decimal(0), ge=0, allow_inf_nan=False)
    on_call: StrictBool = False
    skills: dict[str, StrictInt] = Field(default_factory=dict)


class ServiceIn(_Strict):
    id: Id
    name: str | None = None
    requires: dict[str, StrictInt] = Field(default_factory=dict)
    tier: Literal["routine", "network", "specialist"] = "routine"
    subcontractable: StrictBool = False


class AgreementIn(_Strict):
    id: Id
    name: str | None = None
    services: list[Id] = Field(default_factory=list)
    onsite_half_days_per_month: Decimal = Field(Decimal(0), ge=0, allow_inf_nan=False)
    expected_remote_hours_per_month: Decimal = Field(Decimal(0), ge=0, allow_inf_nan=False)
    expected_phone_hours_per_month: Decimal = Field(Decimal(0), ge=0, allow_inf_nan=False)
    response_minutes: dict[Literal["P1", "P2", "P3", "P4"], StrictInt] = Field(default_factory=dict)


class ScenarioIn(_Strict):
    target_utilization: Decimal = Field(Decimal("0.75"), gt=0, le=1, allow_inf_nan=False)
    hours_per_half_day: Decimal = Field(Decimal(4), gt=0, allow_inf_nan=False)
    response_threshold_minutes: StrictInt = Field(240, ge=0)
    min_on_call: StrictInt = Field(2, ge=0)
    people: list[PersonIn] = Field(default_factory=list)
    services: list[ServiceIn] = Field(default_factory=list)
    agreements: list[AgreementIn] = Field(default_factory=list)


class ScenarioError(Exception):
    """Bad scenario: ``message`` names each bad field."""


def parse(
    text: str,
) -> tuple[list[engine.Terms], list[engine.Member], list[engine.Service], engine.PromiseSettings]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ScenarioError(f"(file): not valid JSON: {exc}") from exc
    try:
        sc = ScenarioIn.model_validate(data)
    except ValidationError as exc:
        lines = [f"{error_path(tuple(e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise ScenarioError("\n".join(lines)) from exc
    for i, p in enumerate(sc.people):
        for skill, level in p.skills.items():
            if not 0 <= level <= 5:
                raise ScenarioError(f"people[{i}].skills.{skill}: proficiency must be 0–5")
    service_ids = {str(s.id) for s in sc.services}
    for i, s in enumerate(sc.services):
        for skill, level in s.requires.items():
            if not 1 <= level <= 5:
                raise ScenarioError(f"services[{i}].requires.{skill}: minimum must be 1–5")
    for i, a in enumerate(sc.agreements):
        for j, sid in enumerate(a.services):
            if str(sid) not in service_ids:
                raise ScenarioError(f"agreements[{i}].services[{j}]: unknown service {sid}")
    members = [
        engine.Member(
            id=str(p.id),
            kind=p.kind,
            name=p.name or str(p.id),
            skills=dict(p.skills),
            weekly_hours=p.weekly_hours,
            on_call=p.on_call,
        )
        for p in sc.people
    ]
    services = [
        engine.Service(
            id=str(s.id),
            name=s.name or str(s.id),
            requires=dict(s.requires),
            tier=s.tier,
            subcontractable=s.subcontractable,
        )
        for s in sc.services
    ]
    terms = [
        engine.Terms(
            id=str(a.id),
            name=a.name or str(a.id),
            services=tuple(str(x) for x in a.services),
            onsite_half_days_per_month=a.onsite_half_days_per_month,
            expected_remote_hours_per_month=a.expected_remote_hours_per_month,
            expected_phone_hours_per_month=a.expected_phone_hours_per_month,
            response_minutes={str(k): v for k, v in a.response_minutes.items()},
        )
        for a in sc.agreements
    ]
    settings = engine.PromiseSettings(
        target_utilization=sc.target_utilization,
        hours_per_half_day=sc.hours_per_half_day,
        response_threshold_minutes=sc.response_threshold_minutes,
        min_on_call=sc.min_on_call,
    )
    return terms, members, services, settings
