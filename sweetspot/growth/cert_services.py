"""Certification planner: load the rows, call the pure engine (``cert_engine``), scope the result.

The same result feeds the page, ``manage.py cert_plan --json`` and ``GET /api/v1/cert-plan``.

Inputs:

* *sold work*: ``sold_value`` (service → annual value of the work active agreements include),
  from ``sweetspot.agreements.revenue.sold_value_by_service``.
* *pipeline work per service*: ``pipeline_value`` (service → weighted annual value of open
  opportunities, split over the catalog services they propose, their own and their plan's).
* *time entries* (``desk.TimeEntry``, billable client work of the last 12 months):
  ``trailing_revenue`` = Σ hours × the technician's bill rate, or the agreement's overage rate
  when the entry is out of scope (one aggregate query); ``upper_hours`` (technician → billable
  hours for upper-segment clients, one aggregate query). Subcontractors log no time entries, so
  ``subcontract_spend`` stays empty ($0) and the result says so in ``notes``.

People and services come through ``catalog.loaders`` (the same definition of staffing depth
as the gap analysis); certifications are loaded here for the exam/class split. Cost rates are
blanked on load: training cost uses the BILL rate (the billable hours lost), so the result may
be shown to every staff role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from sweetspot.agreements.revenue import sold_value_by_service
from sweetspot.catalog import loaders
from sweetspot.catalog.engine import Person
from sweetspot.core.models import Firm, Role
from sweetspot.core.money import CENT
from sweetspot.desk.models import TimeEntry
from sweetspot.team.models import (
    Certification,
    CertificationSkill,
    Technician,
    TechnicianCertification,
)

from . import cert_engine as engine
from . import pipeline
from .models import Activity, Opportunity
from .services import qualification_settings

# Not on the Firm row yet (core is not this module's to change); it multiplies the billable
# hours for upper-segment clients from time entries. Candidate Firm setting.
DEFAULT_UPPER_UPLIFT_PER_HOUR = Decimal("25.00")

PLANNER_ROLES = frozenset({Role.OWNER, Role.SALES, Role.DISPATCHER, Role.TECHNICIAN})

NOTES = (
    "Work sold under active agreements counts at each agreement's annual value split evenly "
    "over the services it includes.",
    "Work in the pipeline counts at each open opportunity's weighted annual value, split over "
    "the catalog services it proposes (its own and its plan's).",
    "Trailing billable revenue comes from the last 12 months of billable client time entries: "
    "hours × the technician's bill rate, or the agreement's overage rate for out-of-scope work.",
    "Hours billed to upper-segment clients come from the same time entries, per technician.",
    "Subcontractors log no time entries, so subcontracting spend per service counts as $0.",
)


# --- loading --------------------------------------------------------------------------------


def _certifications() -> tuple[engine.CertOption, ...]:
    rows = Certification.objects.prefetch_related(
        Prefetch("evidence", queryset=CertificationSkill.objects.select_related("skill"))
    ).order_by("vendor", "code")
    return tuple(
        engine.CertOption(
            id=c.pk,
            code=c.code,
            name=c.name,
            vendor=c.vendor,
            level=c.level,
            current=c.status == Certification.Status.CURRENT,
            exam_fee=c.exam_fee,
            class_cost=c.class_cost,
            study_hours=c.study_hours,
            evidences={e.skill.slug: e.proficiency for e in c.evidence.all()},
        )
        for c in rows
    )


def _people() -> tuple[tuple[Person, ...], tuple[Person, ...]]:
    """(technicians, subcontractors) through the catalog's loaders: the one definition of who
    can do what (assessed skill proficiency; held certifications of any status, retired ones
    included, so they are never proposed again). Cost rates are blanked: nothing here needs
    them and nothing downstream may show them."""
    people = [replace(p, cost_rate=Decimal(0)) for p in loaders.people()]
    return (
        tuple(p for p in people if p.kind == loaders.TECHNICIAN),
        tuple(p for p in people if p.kind == loaders.SUBCONTRACTOR),
    )


def _earned(today: dt.date) -> tuple[engine.Earned, ...]:
    """Certifications earned in the last 12 months (archived technicians' too: the firm paid)."""
    rows = TechnicianCertification.objects.filter(
        earned_on__gt=today - dt.timedelta(days=365), earned_on__lte=today
    ).values_list("technician_id", "certification__code", "earned_on", "technician__bill_rate")
    return tuple(engine.Earned(t, code, on, rate) for t, code, on, rate in rows)


@dataclass
class _StageSum:
    stage: str
    expected_monthly_fee: Decimal


def _pipeline_weighted_monthly(firm: Firm) -> Decimal:
    """The weighted monthly value of open opportunities, by the pipeline's own rule."""
    sums = (
        Opportunity.objects.filter(stage__in=pipeline.OPEN_STAGES)
        .values("stage")
        .annotate(total=Sum("expected_monthly_fee"))
        .order_by("stage")
    )
    return pipeline.weighted_monthly(
        [_StageSum(row["stage"], row["total"] or Decimal(0)) for row in sums],
        pipeline.stage_probabilities(firm.stage_probabilities),
    )


def _pipeline_value(firm: Firm) -> dict[int, Decimal]:
    """Weighted annual value per catalog service of open opportunities: fee × stage
    probability × 12, split evenly over the services proposed (its own and its plan's)."""
    probs = pipeline.stage_probabilities(firm.stage_probabilities)
    opps = Opportunity.objects.filter(stage__in=pipeline.OPEN_STAGES).prefetch_related(
        "services", "plan__services"
    )
    out: dict[int, Decimal] = {}
    for opp in opps:
        ids = {s.pk for s in opp.services.all()}
        if opp.plan is not None:
            ids |= {s.pk for s in opp.plan.services.all()}
        if not ids:
            continue
        annual = opp.expected_monthly_fee * probs[opp.stage] / 100 * 12
        share = pipeline.cents(annual / len(ids))
        for sid in ids:
            out[sid] = out.get(sid, Decimal("0.00")) + share
    return out


def _overdue_followups(today: dt.date) -> int:
    return Activity.objects.filter(done_date__isnull=True, due_date__lt=today).count()


def plan_settings(firm: Firm) -> engine.PlanSettings:
    return engine.PlanSettings(
        target_utilization=firm.target_utilization,
        credibility_value=firm.first_cert_credibility_value,
        spend_warning_share=firm.training_spend_warning_share,
        thin_pipeline_monthly=qualification_settings(firm).fee_sweet_spot[0],
        upper_uplift_per_hour=DEFAULT_UPPER_UPLIFT_PER_HOUR,
        payback_horizon_months=firm.cert_payback_horizon_months,
    )


def load_inputs(today: dt.date | None = None, firm: Firm | None = None) -> engine.PlanInputs:
    today = today or timezone.localdate()
    firm = firm or Firm.current()
    technicians, subcontractors = _people()
    return engine.PlanInputs(
        technicians=technicians,
        subcontractors=subcontractors,
        services=tuple(loaders.services()),
        certifications=_certifications(),
        today=today,
        settings=plan_settings(firm),
        sold_value=_sold_value(),
        pipeline_value=_pipeline_value(firm),
        subcontract_spend={},  # subcontractors log no time entries
        upper_hours=_upper_hours(today),
        earned=_earned(today),
        trailing_revenue=_trailing_revenue(today),
        overdue_followups=_overdue_followups(today),
        pipeline_weighted_monthly=_pipeline_weighted_monthly(firm),
        notes=NOTES,
    )


def _billable_client_entries(today: dt.date) -> QuerySet[Any]:

    return TimeEntry.objects.filter(
        billable=True,
        internal_category="",
        work_date__gt=today - dt.timedelta(days=365),
        work_date__lte=today,
    )


def _trailing_revenue(today: dt.date) -> Decimal:
    """Σ hours × rate over the last 12 months of billable client time entries: the
    technician's bill rate, or the agreement's (the entry's, else its ticket's) signed overage
    rate when out of scope. One aggregate query, grouped by rate; Python multiplies."""
    own, via_ticket = "agreement__terms__overage_rate", "ticket__agreement__terms__overage_rate"
    rows = (
        _billable_client_entries(today)
        .values("technician__bill_rate", "out_of_scope", own, via_ticket)
        .annotate(minutes=Sum("minutes"))
        .order_by()
    )
    total = Decimal(0)
    for row in rows:
        rate = row["technician__bill_rate"] or Decimal(0)
        overage = row[own] if row[own] is not None else row[via_ticket]
        if row["out_of_scope"] and overage is not None:
            rate = Decimal(str(overage))
        total += Decimal(row["minutes"] or 0) / 60 * rate
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def _upper_hours(today: dt.date) -> dict[int, Decimal]:
    """Technician id → billable hours in the last 12 months for upper-segment clients (the
    entry's company, else its ticket's, else its agreement's). One aggregate query."""
    upper = "upper"
    rows = (
        _billable_client_entries(today)
        .filter(
            Q(company__segment=upper)
            | Q(company__isnull=True, ticket__company__segment=upper)
            | Q(company__isnull=True, ticket__isnull=True, agreement__company__segment=upper)
        )
        .values("technician")
        .annotate(minutes=Sum("minutes"))
        .order_by("technician")
    )
    return {
        row["technician"]: (Decimal(row["minutes"] or 0) / 60).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
        for row in rows
    }


def _sold_value() -> dict[int, Decimal]:
    """Annual value of active agreements per included service (agreements' revenue module)."""

    return sold_value_by_service()


def build_plan(today: dt.date | None = None) -> engine.Plan:
    return engine.plan(load_inputs(today))


# --- who sees what --------------------------------------------------------------------------


def can_view(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in PLANNER_ROLES
    )


def own_technician_ids(user: Any) -> frozenset[int] | None:
    """None: every technician (owner, sales, dispatcher). A technician: the rows linked to
    their login (possibly none). Anyone else: none (fail closed behind the route checks)."""
    if not can_view(user):
        return frozenset()
    if user.role != Role.TECHNICIAN:
        return None
    return frozenset(Technician.objects.filter(user=user).values_list("pk", flat=True))


def scoped(plan: engine.Plan, user: Any) -> engine.Plan:
    """The plan as this user may see it.

    Technicians see only their own rows; the training-spend figures and warnings sum other
    people's training, so of the warnings they see the business-development one only.
    """
    own = own_technician_ids(user)
    if own is None:
        return plan
    return replace(
        plan,
        technicians=tuple(t for t in plan.technicians if t.technician_id in own),
        spend=None,
        warnings=tuple(w for w in plan.warnings if w.kind == "bd_neglect"),
    )


def narrowed(plan: engine.Plan, technician_id: int | None) -> engine.Plan:
    """Only one technician's rows (of those the plan already holds)."""
    if technician_id is None:
        return plan
    return replace(
        plan, technicians=tuple(t for t in plan.technicians if t.technician_id == technician_id)
    )


def plan_json_for(
    user: Any, technician_id: int | None = None, today: dt.date | None = None
) -> dict[str, Any]:
    """What GET /api/v1/cert-plan answers; for the owner, what `cert_plan --json` prints."""
    return narrowed(scoped(build_plan(today), user), technician_id).to_json()
