"""Read side of plans and agreements: who sees which rows, whitelisted filters, list
annotations, renewals due and the staffing depth the plan editor shows.

* Plans (the firm's menu of services) are visible to every staff role.
* Agreements are commercial documents: owner, dispatcher and sales see them all; a client
  contact sees only their own company's ACTIVE agreements (the PDF and agreements/mine/);
  technicians and anyone else see none. ``get_*_for`` answer 404, never 403.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404

from sweetspot.catalog import engine as depth_engine
from sweetspot.catalog import loaders
from sweetspot.catalog.models import Service
from sweetspot.core.models import STAFF_ROLES, Role

from . import revenue
from .models import Agreement, AgreementStatus, Plan
from .services import renewal_due

AGREEMENT_VIEWERS = frozenset({Role.OWNER, Role.DISPATCHER, Role.SALES})
DRAFTERS = frozenset({Role.OWNER, Role.SALES})
SIGNERS = frozenset({Role.OWNER})


def _role(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.role  # type: ignore[no-any-return]


def _get(qs: QuerySet[Any], pk: Any) -> Any:
    try:
        return qs.get(pk=int(pk))
    except (ValueError, TypeError, qs.model.DoesNotExist) as exc:
        raise Http404("Not found") from exc


# --- plans ---------------------------------------------------------------------------------


def plans_visible_to(user: Any) -> QuerySet[Plan]:
    if _role(user) in STAFF_ROLES:
        return Plan.objects.all()
    return Plan.objects.none()


def get_plan_for(user: Any, pk: Any) -> Plan:
    return _get(plans_visible_to(user), pk)  # type: ignore[no-any-return]


def _count_subquery(qs: QuerySet[Any], outer: str) -> Coalesce:
    """A correlated COUNT(*) that never multiplies rows (unlike two joined Counts)."""
    counted = (
        qs.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_plan_counts(qs: QuerySet[Plan]) -> QuerySet[Plan]:
    through = Plan.services.through
    return qs.annotate(
        num_services=_count_subquery(through.objects.all(), "plan_id"),
        num_active=_count_subquery(
            Agreement.objects.filter(status=AgreementStatus.ACTIVE), "plan_id"
        ),
        num_drafts=_count_subquery(
            Agreement.objects.filter(status=AgreementStatus.DRAFT), "plan_id"
        ),
    )


def plan_list(user: Any, params: Mapping[str, Any]) -> QuerySet[Plan]:
    qs = plans_visible_to(user)
    if params.get("archived") != "all":
        qs = qs.filter(archived_at__isnull=True)
    return with_plan_counts(qs).order_by("hourly_only", "monthly_fee", "name")


# --- agreements ----------------------------------------------------------------------------


def agreements_visible_to(user: Any) -> QuerySet[Agreement]:
    role = _role(user)
    qs = Agreement.objects.all()
    if role in AGREEMENT_VIEWERS:
        return qs
    if role == Role.CLIENT and user.company_id:
        return qs.filter(company_id=user.company_id, status=AgreementStatus.ACTIVE)
    return qs.none()


def get_agreement_for(user: Any, pk: Any) -> Agreement:
    return _get(  # type: ignore[no-any-return]
        agreements_visible_to(user).select_related("company", "plan", "created_by"), pk
    )


STATUS_VALUES = frozenset(AgreementStatus.values)


def filter_agreements(qs: QuerySet[Agreement], params: Mapping[str, Any]) -> QuerySet[Agreement]:
    """Whitelisted filters only: status (one of the statuses) and client (a company id)."""
    status = params.get("status") or ""
    if status in STATUS_VALUES:
        qs = qs.filter(status=status)
    company = params.get("company")
    if company is not None and company != "":
        try:
            qs = qs.filter(company_id=int(company))
        except (TypeError, ValueError):
            qs = qs.none()
    return qs


def agreement_rows(qs: QuerySet[Agreement]) -> QuerySet[Agreement]:
    """List rows: company and plan joined, the monthly equivalent computed in SQL."""
    return (
        qs.select_related("company", "plan")
        .annotate(monthly_cents=revenue.monthly_cents())
        .order_by("company__name", "-start_date", "pk")
    )


def with_money(rows: Any) -> list[Agreement]:
    """Rows annotated with ``monthly_cents`` get ``monthly`` (Decimal dollars) too."""
    out = list(rows)
    for a in out:
        a.monthly = revenue.money(a.monthly_cents)  # type: ignore[attr-defined]
    return out


def renewals_due(qs: QuerySet[Agreement], today: dt.date) -> list[Agreement]:
    """Active agreements whose end date falls inside their notice window, soonest first.

    The window is per row (end_date − notice_days ≤ today); date arithmetic with a column
    differs between SQLite and PostgreSQL, so the database narrows to active agreements with
    an end date and ``services.renewal_due`` (the one definition) decides, on that one query.
    """
    candidates = (
        qs.filter(status=AgreementStatus.ACTIVE, end_date__isnull=False)
        .select_related("company", "plan")
        .annotate(monthly_cents=revenue.monthly_cents())
        .order_by("end_date", "pk")
    )
    return with_money(a for a in candidates if renewal_due(a, today))


def client_choices(qs: QuerySet[Agreement]) -> list[tuple[int, str]]:
    """Companies that have agreements, for the list's client filter (one query)."""
    return list(qs.order_by("company__name").values_list("company_id", "company__name").distinct())


# --- staffing depth (the plan editor) ------------------------------------------------------


def staffing_depths() -> dict[int, depth_engine.Depth]:
    """Depth of every active catalog service: the same definition the gap analysis, the
    promise check and dispatch use (sweetspot.catalog.engine.depth); a fixed number of
    queries whatever the size of the team or catalog."""
    people = loaders.people()
    return {spec.id: depth_engine.depth(spec, people) for spec in loaders.services()}


def unstaffed(services: list[Service], depths: Mapping[int, depth_engine.Depth]) -> list[Service]:
    """Services nobody can deliver (depth 0, or not an active catalog service)."""
    return [s for s in services if s.pk not in depths or depths[s.pk].total == 0]


def service_rows(
    services: list[Service],
    depths: Mapping[int, depth_engine.Depth],
    selected: set[int],
) -> list[dict[str, Any]]:
    """One row per service for the editor and the plan page: depth, status and who."""
    rows = []
    for s in services:
        d = depths.get(s.pk)
        total = d.total if d is not None else 0
        who = []
        if d is not None:
            who = [p.name for p in d.in_house] + [f"{p.name} (subcontractor)" for p in d.outside]
        rows.append(
            {
                "service": s,
                "depth": total,
                "status": "unstaffed"
                if total == 0
                else ("single_point_of_failure" if total == 1 else "ok"),
                "who": who,
                "checked": s.pk in selected,
            }
        )
    return rows


def catalog_services(include: set[int] | None = None) -> list[Service]:
    """Active catalog services, plus any archived ones a plan still includes."""
    qs = Service.objects.filter(Q(archived_at__isnull=True) | Q(pk__in=include or set()))
    tier_order = Case(
        When(tier="routine", then=Value(0)),
        When(tier="network", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(qs.order_by(tier_order, "name", "pk"))
