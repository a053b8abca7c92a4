"""Read-side helpers for the catalog: whitelisted filters, prefetches, 404-ing getters.

The catalog is firm data, not client data: every staff role reads it (route decorators in
views.py keep client contacts out), owner and dispatcher edit it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When
from django.http import Http404

from sweetspot.core import permissions
from sweetspot.core.models import STAFF_ROLES, User
from sweetspot.team.models import Certification, Subcontractor, Technician

from .loaders import requirements_prefetch
from .models import Competitor, CompetitorOffering, PlanItem, Service, Tier

can_edit_catalog = permissions.can_edit_catalog


def _get(qs: QuerySet[Any], pk: Any) -> Any:
    try:
        return qs.get(pk=int(pk))
    except (ValueError, TypeError, qs.model.DoesNotExist) as exc:
        raise Http404("Not found") from exc


# --- services ---------------------------------------------------------------------------------


def services_with_requirements() -> QuerySet[Service]:
    return Service.objects.prefetch_related(requirements_prefetch())


def filter_services(qs: QuerySet[Service], params: Any) -> QuerySet[Service]:
    tier = params.get("tier") or ""
    if tier in Tier.values:
        qs = qs.filter(tier=tier)
    archived = params.get("archived") or ""
    if archived == "only":
        qs = qs.filter(archived_at__isnull=False)
    elif archived != "all":
        qs = qs.filter(archived_at__isnull=True)
    return qs.order_by(
        Case(
            When(tier=Tier.ROUTINE, then=Value(0)),
            When(tier=Tier.NETWORK, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        "name",
        "pk",
    )


def get_service(pk: Any) -> Service:
    return _get(services_with_requirements(), pk)  # type: ignore[no-any-return]


def competitors_offering(service: Service) -> list[Competitor]:
    return list(
        Competitor.objects.filter(archived_at__isnull=True, offerings__service=service)
        .distinct()
        .order_by("name")
    )


# --- competitors ------------------------------------------------------------------------------


def competitors_with_offerings() -> QuerySet[Competitor]:
    return Competitor.objects.prefetch_related(
        Prefetch(
            "offerings",
            queryset=CompetitorOffering.objects.select_related("service").order_by(
                "service__name", "name", "pk"
            ),
        )
    )


def filter_competitors(qs: QuerySet[Competitor], params: Any) -> QuerySet[Competitor]:
    archived = params.get("archived") or ""
    if archived == "only":
        qs = qs.filter(archived_at__isnull=False)
    elif archived != "all":
        qs = qs.filter(archived_at__isnull=True)
    return qs.order_by("name", "pk")


def get_competitor(pk: Any) -> Competitor:
    return _get(competitors_with_offerings(), pk)  # type: ignore[no-any-return]


# --- plan -------------------------------------------------------------------------------------

OPEN_FIRST = Case(
    When(status=PlanItem.Status.OPEN, then=Value(0)),
    When(status=PlanItem.Status.DONE, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def plan_items() -> QuerySet[PlanItem]:
    """Open items first (soonest due first), then done, then dropped."""
    return PlanItem.objects.select_related(
        "service", "technician", "certification", "subcontractor", "owner"
    ).order_by(OPEN_FIRST, "due_date", "pk")


def filter_plan_items(qs: QuerySet[PlanItem], params: Any) -> QuerySet[PlanItem]:
    status = params.get("status") or ""
    if status in PlanItem.Status.values:
        qs = qs.filter(status=status)
    return qs


def get_plan_item(pk: Any) -> PlanItem:
    return _get(plan_items(), pk)  # type: ignore[no-any-return]


def plan_items_for_technician(technician_id: int) -> list[PlanItem]:
    """The plan items naming this technician (e.g. "train Tara for …"), open first.
    For the technician page: include "catalog/_technician_plan_items.html" with these."""
    return list(plan_items().filter(technician_id=technician_id))


def open_plan_items() -> list[PlanItem]:
    return list(plan_items().filter(status=PlanItem.Status.OPEN))


def plan_owners() -> QuerySet[User]:
    """Who may own a plan item: active firm staff."""
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES).order_by(
        "first_name", "username"
    )


def remedy_objects(service_id: int | None, remedy: Any) -> dict[str, Any]:
    """The rows a gap remedy names, for a plan item (missing or archived rows -> None)."""

    return {
        "service": Service.objects.filter(pk=service_id, archived_at__isnull=True).first()
        if service_id is not None
        else None,
        "technician": Technician.objects.filter(
            pk=remedy.technician_id, archived_at__isnull=True
        ).first()
        if remedy.technician_id is not None
        else None,
        "certification": Certification.objects.filter(code=remedy.certification_code).first()
        if remedy.certification_code
        else None,
        "subcontractor": Subcontractor.objects.filter(
            pk=remedy.subcontractor_id, archived_at__isnull=True
        ).first()
        if remedy.subcontractor_id is not None
        else None,
    }


def plan_key(kind: str, service_id: int | None, description: str) -> tuple[str, int | None, str]:
    """How an accepted plan item is matched back to the remedy it came from."""
    return (kind, service_id, description[:300])
