"""Writes for plans and agreements; each state change is one function with an audit row."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sweetspot.clients import services as client_services
from sweetspot.core import audit
from sweetspot.core.models import AuditLog, User
from sweetspot.core.money import CENT
from sweetspot.core.writes import assign_fields

from .models import MONTHS_IN_PERIOD, Agreement, AgreementStatus, Plan

PLAN_FIELDS = [
    "name",
    "description",
    "monthly_fee",
    "onsite_half_days_per_month",
    "remote_support",
    "emergency_phone_support",
    "included_hours_per_month",
    "expected_remote_hours_per_month",
    "expected_phone_hours_per_month",
    "p1_response_minutes",
    "p2_response_minutes",
    "p3_response_minutes",
    "p4_response_minutes",
    "p1_resolution_minutes",
    "p2_resolution_minutes",
    "p3_resolution_minutes",
    "p4_resolution_minutes",
    "overage_rate",
    "billing_cadence",
    "hourly_only",
    "rollover",
    "rounding_increment_minutes",
    "rounding_minimum_minutes",
]
DRAFT_FIELDS = ["company", "plan", "start_date", "end_date", "renewal", "notice_days", "notes"]


def plan_terms(plan: Plan, services: list[Any] | None = None) -> dict[str, Any]:
    """The plan's terms as the JSON snapshot an agreement keeps once signed."""
    services = services if services is not None else list(plan.services.all())
    return {
        "plan_name": plan.name,
        "monthly_fee": str(plan.monthly_fee),
        "services": [{"id": s.pk, "name": s.name} for s in services],
        "onsite_half_days_per_month": str(plan.onsite_half_days_per_month),
        "remote_support": plan.remote_support,
        "emergency_phone_support": plan.emergency_phone_support,
        "included_hours_per_month": str(plan.included_hours_per_month),
        "expected_remote_hours_per_month": str(plan.expected_remote_hours_per_month),
        "expected_phone_hours_per_month": str(plan.expected_phone_hours_per_month),
        "response_minutes": plan.response_minutes(),
        "resolution_minutes": plan.resolution_minutes(),
        "overage_rate": str(plan.overage_rate),
        "billing_cadence": plan.billing_cadence,
        "hourly_only": plan.hourly_only,
        # Billing (issue 12): unused included hours, and the rounding override (None: the
        # firm's default). Agreements signed before these keys existed read as "none"/None.
        "rollover": plan.rollover,
        "rounding": _rounding_terms(plan),
    }


def _rounding_terms(plan: Plan) -> dict[str, int | None] | None:
    """The plan's rounding override, or None; a half-set override takes the firm's default
    for the other half when billing reads it (billing.loaders)."""
    if plan.rounding_increment_minutes is None and plan.rounding_minimum_minutes is None:
        return None
    return {
        "increment_minutes": plan.rounding_increment_minutes,
        "minimum_minutes": plan.rounding_minimum_minutes,
    }


def terms_of(agreement: Agreement) -> dict[str, Any]:
    """Signed agreements answer with their snapshot; drafts with the plan's current terms."""
    if agreement.signed_at is not None and agreement.terms:
        return agreement.terms
    return plan_terms(agreement.plan)


def monthly_equivalent(period_fee: Decimal, cadence: str) -> Decimal:
    return (period_fee / MONTHS_IN_PERIOD[cadence]).quantize(CENT, rounding=ROUND_HALF_UP)


# --- plans -------------------------------------------------------------------------------


@transaction.atomic
def create_plan(
    actor: User | None, data: dict[str, Any], services: list[Any] | None = None
) -> Plan:
    plan = Plan()
    assign_fields(plan, PLAN_FIELDS, data)
    plan.full_clean()
    plan.save()
    if services is not None:
        plan.services.set(services)
    after = audit.snapshot(plan) | {"services": sorted(s.pk for s in plan.services.all())}
    audit.record(actor, AuditLog.Action.CREATE, plan, {}, after)
    return plan


@transaction.atomic
def update_plan(
    actor: User | None, plan: Plan, data: dict[str, Any], services: list[Any] | None = None
) -> Plan:
    """Edit a plan. Signed agreements keep their snapshot; only drafts follow the plan."""
    before = audit.snapshot(plan) | {"services": sorted(s.pk for s in plan.services.all())}
    assign_fields(plan, PLAN_FIELDS, data)
    plan.full_clean()
    plan.save()
    if services is not None:
        plan.services.set(services)
    after = audit.snapshot(plan) | {"services": sorted(s.pk for s in plan.services.all())}
    audit.record(actor, AuditLog.Action.UPDATE, plan, before, after)
    return plan


# --- agreements ----------------------------------------------------------------------------


def _check_dates(agreement: Agreement) -> None:
    if agreement.end_date and agreement.end_date < agreement.start_date:
        raise ValidationError({"end_date": "The end date must not be before the start date."})


@transaction.atomic
def create_draft(actor: User | None, data: dict[str, Any]) -> Agreement:
    agreement = Agreement(status=AgreementStatus.DRAFT)
    assign_fields(agreement, DRAFT_FIELDS, data)
    if actor is not None and actor.pk:
        agreement.created_by = actor
    _check_dates(agreement)
    if agreement.plan_id:
        agreement.billing_cadence = agreement.plan.billing_cadence
        agreement.period_fee = (
            agreement.plan.monthly_fee * MONTHS_IN_PERIOD[agreement.billing_cadence]
        )
    agreement.full_clean()
    agreement.save()
    audit.record(actor, AuditLog.Action.CREATE, agreement, {}, audit.snapshot(agreement))
    return agreement


@transaction.atomic
def update_draft(actor: User | None, agreement: Agreement, data: dict[str, Any]) -> Agreement:
    if agreement.status != AgreementStatus.DRAFT:
        raise ValidationError("Only a draft can be edited; signed terms do not change.")
    before = audit.snapshot(agreement)
    assign_fields(agreement, DRAFT_FIELDS, data)
    _check_dates(agreement)
    agreement.billing_cadence = agreement.plan.billing_cadence
    agreement.period_fee = agreement.plan.monthly_fee * MONTHS_IN_PERIOD[agreement.billing_cadence]
    agreement.full_clean()
    agreement.save()
    audit.record(actor, AuditLog.Action.UPDATE, agreement, before, audit.snapshot(agreement))
    return agreement


def _transition(
    actor: User | None, agreement: Agreement, allowed: set[str], to: str, **changes: Any
) -> Agreement:
    if agreement.status not in allowed:
        status = agreement.get_status_display().lower()
        article = "An" if status[:1] in "aeiou" else "A"
        raise ValidationError(f"{article} {status} agreement cannot become {to}.")
    before = audit.snapshot(agreement)
    agreement.status = to
    for key, value in changes.items():
        setattr(agreement, key, value)
    agreement.full_clean()
    agreement.save()
    audit.record(actor, AuditLog.Action.UPDATE, agreement, before, audit.snapshot(agreement))
    return agreement


@transaction.atomic
def activate(
    actor: User | None, agreement: Agreement, signed_at: dt.datetime | None = None
) -> Agreement:
    """Sign: snapshot the plan's terms, start billing, make the company a client.

    ``signed_at`` (default now) records a contract signed on paper earlier, e.g. the firm's
    existing agreements entered when it starts using Sweetspot; it cannot be in the future."""
    now = timezone.now()
    if signed_at is not None and signed_at > now:
        raise ValidationError({"signed_at": "The signing date cannot be in the future."})
    terms = plan_terms(agreement.plan)
    cadence = agreement.plan.billing_cadence
    fee = agreement.plan.monthly_fee * MONTHS_IN_PERIOD[cadence]
    agreement = _transition(
        actor,
        agreement,
        {AgreementStatus.DRAFT},
        AgreementStatus.ACTIVE,
        terms=terms,
        billing_cadence=cadence,
        period_fee=fee,
        signed_at=signed_at or now,
    )
    company = agreement.company
    if company.status != "client":
        client_services.update_company(actor, company, {"status": "client"})
    return agreement


@transaction.atomic
def cancel(actor: User | None, agreement: Agreement) -> Agreement:
    return _transition(
        actor,
        agreement,
        {AgreementStatus.DRAFT, AgreementStatus.ACTIVE},
        AgreementStatus.CANCELLED,
        ended_at=timezone.now(),
    )


@transaction.atomic
def expire(actor: User | None, agreement: Agreement) -> Agreement:
    return _transition(
        actor, agreement, {AgreementStatus.ACTIVE}, AgreementStatus.EXPIRED, ended_at=timezone.now()
    )


def renewal_due(agreement: Agreement, today: dt.date) -> bool:
    """Active, with an end date inside the notice window."""
    if agreement.status != AgreementStatus.ACTIVE or agreement.end_date is None:
        return False
    return agreement.end_date - dt.timedelta(days=agreement.notice_days) <= today
