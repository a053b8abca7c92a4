"""Writes for plans and agreements; each state change is one function with an audit row."""

from __future__ import annotations

import calendar
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
from sweetspot.core.writes import CONFLICT, assign_fields

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
    """Signed agreements answer with their snapshot; drafts with the plan's current terms,
    except a renewal on the same terms, which carries the terms it will be signed with."""
    if agreement.terms and (agreement.signed_at is not None or agreement.terms.get("renewal_of")):
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
    """Edit a draft. When the start date moves and the end date is left as it was, the end
    date follows, keeping the term's length (issue 14 item 14)."""
    if agreement.status != AgreementStatus.DRAFT:
        raise ValidationError("Only a draft can be edited; signed terms do not change.")
    before = audit.snapshot(agreement)
    old_start, old_end = agreement.start_date, agreement.end_date
    assign_fields(agreement, DRAFT_FIELDS, data)
    if (
        old_end is not None
        and isinstance(agreement.start_date, dt.date)
        and agreement.start_date != old_start
        and agreement.end_date == old_end
    ):
        agreement.end_date = next_term_end(agreement.start_date, old_start, old_end)
    _check_dates(agreement)
    if not agreement.terms.get("renewal_of"):  # a same-terms renewal keeps its fee
        agreement.billing_cadence = agreement.plan.billing_cadence
        agreement.period_fee = (
            agreement.plan.monthly_fee * MONTHS_IN_PERIOD[agreement.billing_cadence]
        )
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
    if agreement.terms.get("renewal_of"):  # a renewal on the same terms keeps them (renew)
        terms = dict(agreement.terms)
        cadence = agreement.billing_cadence
        fee = agreement.period_fee
    else:
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


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def next_term_end(new_start: dt.date, old_start: dt.date, old_end: dt.date) -> dt.date:
    """The end of a term starting ``new_start`` as long as ``old_start``–``old_end``: whole
    months stay whole months (12 months from 2026-03-01 ends 2027-02-28), otherwise days."""
    for months in range(1, 121):
        if _add_months(old_start, months) - dt.timedelta(days=1) == old_end:
            return _add_months(new_start, months) - dt.timedelta(days=1)
    return new_start + (old_end - old_start)


RENEW_WITH = {"same": "the same terms", "plan": "the plan's current terms"}


@transaction.atomic
def renew(actor: User | None, agreement: Agreement, terms: str = "same") -> Agreement:
    """The next term of an active (or expired) agreement with an end date, as a draft to sign:
    it starts the day after the end and lasts as long as this term. ``terms`` "same" keeps
    this agreement's signed terms and fee (activation keeps them); "plan" takes the plan's
    current terms and fee when it is signed."""
    if terms not in RENEW_WITH:
        raise ValidationError({"terms": "Choose the same terms or the plan's current terms."})
    if agreement.status not in {AgreementStatus.ACTIVE, AgreementStatus.EXPIRED}:
        raise ValidationError("Only an active or expired agreement can be renewed.", code=CONFLICT)
    if agreement.end_date is None:
        raise ValidationError(
            "An open-ended agreement runs on; there is no term to renew.", code=CONFLICT
        )
    start = agreement.end_date + dt.timedelta(days=1)
    later = Agreement.objects.filter(
        company_id=agreement.company_id,
        status__in=[AgreementStatus.DRAFT, AgreementStatus.ACTIVE],
        start_date__gte=start,
    ).first()
    if later is not None:
        raise ValidationError(
            f"{agreement.company} already has the next term (agreement {later.pk}, from "
            f"{later.start_date:%Y-%m-%d}).",
            code=CONFLICT,
        )
    draft = Agreement(
        company_id=agreement.company_id,
        plan_id=agreement.plan_id,
        status=AgreementStatus.DRAFT,
        start_date=start,
        end_date=next_term_end(start, agreement.start_date, agreement.end_date),
        renewal=agreement.renewal,
        notice_days=agreement.notice_days,
        billing_cadence=agreement.billing_cadence,
        period_fee=agreement.period_fee,
        notes=f"Renewal of agreement {agreement.pk} with {RENEW_WITH[terms]}.",
    )
    if terms == "same":
        draft.terms = {**agreement.terms, "renewal_of": agreement.pk}
    else:
        draft.billing_cadence = agreement.plan.billing_cadence
        draft.period_fee = (
            agreement.plan.monthly_fee * MONTHS_IN_PERIOD[agreement.plan.billing_cadence]
        )
    if actor is not None and actor.pk:
        draft.created_by = actor
    draft.full_clean()
    draft.save()
    audit.record(actor, AuditLog.Action.CREATE, draft, {}, audit.snapshot(draft))
    return draft


def renewal_due(agreement: Agreement, today: dt.date) -> bool:
    """Active, with an end date inside the notice window."""
    if agreement.status != AgreementStatus.ACTIVE or agreement.end_date is None:
        return False
    return agreement.end_date - dt.timedelta(days=agreement.notice_days) <= today
