"""Writes for growth: assessments, qualification settings, activities, opportunities."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from sweetspot.clients import services as client_services
from sweetspot.clients.models import Company, EnvironmentProfile
from sweetspot.core import audit
from sweetspot.core.models import AuditLog, Firm, User

from . import contract, engine
from .models import DEFAULT_STAGE_PROBABILITIES, Assessment


def qualification_settings(firm: Firm) -> engine.QualificationSettings:
    """The firm's engine settings: stored overrides plus the segment bounds on the Firm row."""
    data = dict(firm.qualification or {})
    data["micro_max_pcs"] = firm.micro_max_pcs
    data["sweet_spot_max_pcs"] = firm.sweet_spot_max_pcs
    return engine.QualificationSettings.from_json(data)


@transaction.atomic
def update_qualification_settings(
    actor: User | None, firm: Firm, new: engine.QualificationSettings
) -> Firm:
    before = qualification_settings(firm).to_json()
    after = new.to_json()
    firm.micro_max_pcs = new.micro_max_pcs
    firm.sweet_spot_max_pcs = new.sweet_spot_max_pcs
    firm.qualification = {
        k: v for k, v in after.items() if k not in {"micro_max_pcs", "sweet_spot_max_pcs"}
    }
    firm.full_clean()
    firm.save()
    audit.record(
        actor,
        AuditLog.Action.UPDATE,
        firm,
        {f"qualification.{k}": v for k, v in before.items()},
        {f"qualification.{k}": v for k, v in after.items()},
    )
    return firm


def inputs_from_company(company: Company) -> dict[str, Any]:
    """The assessment input (the JSON contract's shape) from the client book record."""
    data: dict[str, Any] = {
        "pcs": company.pcs,
        "servers": company.servers,
        "sites": company.site_count,
        "network": company.network,
        "current_support": company.current_support,
    }
    for key in ("downtime_cost_per_hour", "annual_revenue", "monthly_it_budget"):
        value = getattr(company, key)
        if value is not None:
            data[key] = str(value)
    try:
        env = company.environment
    except EnvironmentProfile.DoesNotExist:
        env = None
    if env is not None:
        data["has"] = env.has
        data["needs"] = env.needs
        data["applications"] = list(env.applications)
    return data


@transaction.atomic
def assess_company(
    actor: User | None,
    company: Company,
    inputs: dict[str, Any] | None = None,
    firm: Firm | None = None,
) -> Assessment:
    """Assess from the record (or given inputs), store it, and move the segment unless pinned.

    Raises contract.ContractError on invalid inputs.
    """
    firm = firm or Firm.current()
    raw = inputs if inputs is not None else inputs_from_company(company)
    parsed = contract.parse(raw)
    assert not isinstance(parsed, list)
    s = qualification_settings(firm)
    result = engine.assess(parsed.signals(), s)
    row = Assessment.objects.create(
        company=company,
        created_by=actor if actor is not None and actor.pk else None,
        inputs=parsed.model_dump(mode="json", exclude_none=True),
        result=result.to_json(),
        settings_used=s.to_json(),
        segment=result.segment,
        fit_score=result.fit_score,
        verdict=result.verdict,
        engagement=result.engagement,
    )
    audit.record(
        actor,
        AuditLog.Action.CREATE,
        row,
        {},
        {
            "company_id": company.pk,
            "fit_score": row.fit_score,
            "verdict": row.verdict,
            "segment": row.segment,
        },
    )
    if not company.segment_pinned and company.segment != result.segment:
        client_services.update_company(actor, company, {"segment": result.segment})
    return row


@transaction.atomic
def update_stage_probabilities(actor: User | None, firm: Firm, stages: dict[str, int]) -> Firm:

    before = {**DEFAULT_STAGE_PROBABILITIES, **(firm.stage_probabilities or {})}
    after = {**before, **stages}
    firm.stage_probabilities = after
    firm.save(update_fields=["stage_probabilities", "updated_at"])
    audit.record(
        actor,
        AuditLog.Action.UPDATE,
        firm,
        {f"stage_probability.{k}": v for k, v in before.items()},
        {f"stage_probability.{k}": v for k, v in after.items()},
    )
    return firm
