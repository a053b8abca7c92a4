"""The JSON contract of an assessment, shared by `manage.py assess` and the API.

Input: one object or an array of objects. Bad input raises ContractError whose ``body`` is
the JSON error document both surfaces return (API: 422; command: exit 2, on stderr).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError

from . import engine

EnvItem = Literal[
    "server", "firewall", "backup", "offsite_backup", "security", "antivirus", "ups", "lan_wan"
]
NetworkT = Literal["none", "peer_to_peer", "client_server"]
SupportT = Literal[
    "nobody", "owner", "volunteer", "relative", "friend", "moonlighter", "provider", "in_house_it"
]
Money = Decimal


class AssessmentInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pcs: StrictInt = Field(ge=0)
    servers: StrictInt | None = Field(None, ge=0)
    sites: StrictInt | None = Field(None, ge=0)
    network: NetworkT | None = None
    has: list[EnvItem] | None = None
    needs: list[EnvItem] | None = None
    current_support: SupportT | None = None
    downtime_cost_per_hour: Money | None = Field(None, ge=0, allow_inf_nan=False)
    annual_revenue: Money | None = Field(None, ge=0, allow_inf_nan=False)
    monthly_it_budget: Money | None = Field(None, ge=0, allow_inf_nan=False)
    applications: list[str] | None = None

    def signals(self) -> engine.Signals:
        return engine.Signals(
            pcs=self.pcs,
            servers=self.servers,
            sites=self.sites,
            network=self.network,
            has=frozenset(self.has) if self.has is not None else None,
            needs=frozenset(self.needs) if self.needs is not None else None,
            current_support=self.current_support,
            downtime_cost_per_hour=self.downtime_cost_per_hour,
            annual_revenue=self.annual_revenue,
            monthly_it_budget=self.monthly_it_budget,
            applications=tuple(self.applications) if self.applications is not None else None,
        )


class ContractError(Exception):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("invalid assessment input")
        self.errors = errors

    @property
    def body(self) -> dict[str, Any]:
        return {"detail": self.errors}


def _field_name(prefix: str, loc: tuple[Any, ...]) -> str:
    name = prefix
    for part in loc:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "(body)"


def _errors(prefix: str, exc: ValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "Unknown field."
        out.append({"field": _field_name(prefix, loc), "msg": message, "type": err["type"]})
    return out


def parse(payload: Any) -> list[AssessmentInput] | AssessmentInput:
    """Validate a decoded JSON value: an object, or an array of objects (all or nothing)."""
    if isinstance(payload, list):
        items: list[AssessmentInput] = []
        errors: list[dict[str, Any]] = []
        for i, element in enumerate(payload):
            if not isinstance(element, dict):
                errors.append(
                    {"field": f"[{i}]", "msg": "Expected a JSON object.", "type": "object_type"}
                )
                continue
            try:
                items.append(AssessmentInput.model_validate(element))
            except ValidationError as exc:
                errors.extend(_errors(f"[{i}]", exc))
        if errors:
            raise ContractError(errors)
        return items
    if not isinstance(payload, dict):
        raise ContractError(
            [
                {
                    "field": "(body)",
                    "msg": "Expected a JSON object or an array of objects.",
                    "type": "object_type",
                }
            ]
        )
    try:
        return AssessmentInput.model_validate(payload)
    except ValidationError as exc:
        raise ContractError(_errors("", exc)) from exc


def parse_text(text: str | bytes) -> list[AssessmentInput] | AssessmentInput:
    try:
        payload = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ContractError(
            [{"field": "(body)", "msg": f"Not valid JSON: {exc}", "type": "json_invalid"}]
        ) from exc
    return parse(payload)


def run(
    parsed: list[AssessmentInput] | AssessmentInput, settings: engine.QualificationSettings
) -> list[dict[str, Any]] | dict[str, Any]:
    if isinstance(parsed, list):
        return [engine.assess(p.signals(), settings).to_json() for p in parsed]
    return engine.assess(parsed.signals(), settings).to_json()
