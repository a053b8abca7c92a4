"""Service catalog, competitors, the gap analysis and its plan.

Every staff role reads; owner and dispatcher write; client contacts get 404 everywhere.
Cost rates appear only for the owner (permissions.can_see_costs), and never in the gap analysis
document, which is the same JSON `manage.py gap_analysis --json` prints.
"""

import datetime as dt
import json
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from sweetspot.catalog import engine, loaders, queries, report, services
from sweetspot.catalog.models import Competitor, CompetitorOffering, Service
from sweetspot.core import limits, permissions
from sweetspot.core.access import AuthedHttpRequest
from sweetspot.core.models import User
from sweetspot.core.permissions import can_see_costs
from sweetspot.team import requirements
from sweetspot.team.models import Certification, Skill, Subcontractor, Technician

from .auth import require
from .pagination import Pages as PageNumberPagination  # bounded ?page= (issue 15)
from .schemas import DbId, Line, Strict, Text

router = Router(tags=["service catalog"])
PAGE_SIZE = 25

TierT = Literal["routine", "network", "specialist"]
FocusT = Literal["micro", "sweet_spot", "upper", ""]
KindT = Literal["train", "hire", "subcontract", "add_service"]
PlanStatusT = Literal["open", "done", "dropped"]
Hours = Decimal


# --- schemas ----------------------------------------------------------------------------------


class RequirementIn(Strict):
    skill: str = Field(min_length=1, max_length=60, description="skill slug, e.g. firewalls")
    min_proficiency: int = Field(ge=1, le=5)


class ServiceIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    description: Text = ""
    tier: TierT = "routine"
    subcontractable: bool = False
    typical_duration_hours: Hours = Field(Decimal(1), ge=0, max_digits=6, decimal_places=2)
    requirements: list[RequirementIn] = []


class ServicePatch(Strict):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: Text | None = None
    tier: TierT | None = None
    subcontractable: bool | None = None
    typical_duration_hours: Hours | None = Field(None, ge=0, max_digits=6, decimal_places=2)
    requirements: list[RequirementIn] | None = Field(
        None, description="When given, the complete set of required skills."
    )


class RequirementOut(Schema):
    skill: str
    skill_name: str
    min_proficiency: int


class ServiceOut(Schema):
    id: int
    name: str
    description: str
    tier: str
    subcontractable: bool
    typical_duration_hours: Hours
    requirements: list[RequirementOut]
    archived_at: dt.datetime | None

    @staticmethod
    def resolve_requirements(obj: Service) -> list[dict[str, Any]]:
        return [
            {
                "skill": r.skill.slug,
                "skill_name": r.skill.name,
                "min_proficiency": r.min_proficiency,
            }
            for r in obj.requirements.all()
        ]


class QualifiedOut(Schema):
    id: int
    kind: str
    name: str
    level: str
    bill_rate: Decimal
    cost_rate: Decimal | None = Field(None, description="Owner only.")


class DepthOut(Schema):
    service_id: int
    service_name: str
    subcontractable: bool
    in_house: int
    outside: int
    total: int
    status: str
    qualified: list[QualifiedOut]


class CompetitorIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    segment_focus: FocusT = ""
    price_notes: Text = ""
    notes: Text = ""
    service_ids: list[DbId] = Field([], description="Our services they also sell.")
    other_services: list[Line] = Field(
        [], max_length=limits.ITEMS, description="Services they sell that we do not."
    )


class CompetitorPatch(Strict):
    name: str | None = Field(None, min_length=1, max_length=200)
    segment_focus: FocusT | None = None
    price_notes: Text | None = None
    notes: Text | None = None
    service_ids: list[DbId] | None = None
    other_services: list[Line] | None = Field(None, max_length=limits.ITEMS)


class OfferingOut(Schema):
    id: int
    service_id: int | None
    name: str

    @staticmethod
    def resolve_name(obj: CompetitorOffering) -> str:
        return obj.name or (obj.service.name if obj.service is not None else "")


class CompetitorOut(Schema):
    id: int
    name: str
    segment_focus: str
    price_notes: str
    notes: str
    offerings: list[OfferingOut]
    archived_at: dt.datetime | None

    @staticmethod
    def resolve_offerings(obj: Competitor) -> list[CompetitorOffering]:
        return list(obj.offerings.all())


class PlanItemIn(Strict):
    kind: KindT
    service_id: int | None = None
    gap: str = Field(min_length=1, max_length=300)
    technician_id: int | None = None
    certification_id: int | None = None
    subcontractor_id: int | None = None
    description: str = Field(min_length=1, max_length=300)
    owner_id: int
    due_date: dt.date


class PlanItemPatch(Strict):
    status: PlanStatusT


class PlanItemOut(Schema):
    id: int
    kind: str
    status: str
    service_id: int | None
    gap: str
    technician_id: int | None
    certification_id: int | None
    subcontractor_id: int | None
    description: str
    owner_id: int
    due_date: dt.date
    created_at: dt.datetime


class ServiceFilters(Schema):
    tier: str = ""
    archived: str = ""


class PlanFilters(Schema):
    status: str = ""


# --- helpers ----------------------------------------------------------------------------------


def _requirements(items: list[RequirementIn]) -> dict[Skill, int]:
    return requirements.clean_requirements(
        ((i.skill, i.min_proficiency) for i in items), "requirements"
    )


def _services(ids: list[int]) -> list[Service]:
    found = list(Service.objects.filter(pk__in=ids, archived_at__isnull=True))
    missing = sorted(set(ids) - {s.pk for s in found})
    if missing:
        raise ValidationError({"service_ids": f"No such service: {missing}."})
    return found


def _one(model: Any, pk: int | None, field: str, **extra: Any) -> Any:
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk, **extra).first()
    if obj is None:
        raise ValidationError({field: f"No such {model._meta.verbose_name}: {pk}."})
    return obj


# --- services ---------------------------------------------------------------------------------


@router.get("/services", response=list[ServiceOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_services(request: AuthedHttpRequest, filters: Query[ServiceFilters]) -> Any:
    require(request, permissions.is_staff)
    return queries.filter_services(queries.services_with_requirements(), filters.dict())


@router.post("/services", response={201: ServiceOut})
def create_service(request: AuthedHttpRequest, payload: ServiceIn) -> Any:
    require(request, permissions.can_edit_catalog)
    data = payload.dict()
    requirements = _requirements(payload.requirements)
    service = services.create_service(request.user, data, requirements)
    return Status(201, queries.get_service(service.pk))


@router.get("/services/{service_id}", response=ServiceOut)
def get_service(request: AuthedHttpRequest, service_id: int) -> Any:
    require(request, permissions.is_staff)
    return queries.get_service(service_id)


@router.patch("/services/{service_id}", response=ServiceOut)
def update_service(request: AuthedHttpRequest, service_id: int, payload: ServicePatch) -> Any:
    require(request, permissions.can_edit_catalog)
    service = queries.get_service(service_id)
    data = payload.dict(exclude_unset=True)
    requirements = _requirements(payload.requirements) if payload.requirements is not None else None
    data.pop("requirements", None)
    services.update_service(request.user, service, data, requirements)
    return queries.get_service(service.pk)


@router.delete("/services/{service_id}", response=ServiceOut)
def archive_service(request: AuthedHttpRequest, service_id: int) -> Any:
    """Services are archived, never deleted: plan items and history keep pointing at them."""
    require(request, permissions.can_edit_catalog)
    services.archive_service(request.user, queries.get_service(service_id))
    return queries.get_service(service_id)


@router.get("/services/{service_id}/depth", response=DepthOut, exclude_none=True)
def get_service_depth(request: AuthedHttpRequest, service_id: int) -> Any:
    """In-house + outside = total (docs/DOMAIN.md §8); cost rates for the owner only."""
    require(request, permissions.is_staff)
    service = queries.get_service(service_id)
    d = engine.depth(loaders.spec_for(service), loaders.people())
    show_costs = can_see_costs(request.user)
    return {
        "service_id": service.pk,
        "service_name": service.name,
        "subcontractable": service.subcontractable,
        "in_house": len(d.in_house),
        "outside": len(d.outside),
        "total": d.total,
        "status": d.status,
        "qualified": [
            {
                "id": p.id,
                "kind": p.kind,
                "name": p.name,
                "level": p.level,
                "bill_rate": p.bill_rate,
                "cost_rate": p.cost_rate if show_costs else None,
            }
            for p in d.in_house + d.outside
        ],
    }


# --- competitors ------------------------------------------------------------------------------


@router.get("/competitors", response=list[CompetitorOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_competitors(request: AuthedHttpRequest, archived: str = "") -> Any:
    require(request, permissions.is_staff)
    return queries.filter_competitors(queries.competitors_with_offerings(), {"archived": archived})


@router.post("/competitors", response={201: CompetitorOut})
def create_competitor(request: AuthedHttpRequest, payload: CompetitorIn) -> Any:
    require(request, permissions.can_edit_catalog)
    ours = _services(payload.service_ids)
    with transaction.atomic():
        competitor = services.create_competitor(request.user, payload.dict())
        services.set_offerings(request.user, competitor, ours, payload.other_services)
    return Status(201, queries.get_competitor(competitor.pk))


@router.get("/competitors/{competitor_id}", response=CompetitorOut)
def get_competitor(request: AuthedHttpRequest, competitor_id: int) -> Any:
    require(request, permissions.is_staff)
    return queries.get_competitor(competitor_id)


@router.patch("/competitors/{competitor_id}", response=CompetitorOut)
def update_competitor(
    request: AuthedHttpRequest, competitor_id: int, payload: CompetitorPatch
) -> Any:
    require(request, permissions.can_edit_catalog)
    competitor = queries.get_competitor(competitor_id)
    data = payload.dict(exclude_unset=True)
    ours: list[Service] | None = None
    names: list[str] | None = None
    if "service_ids" in data or "other_services" in data:
        offerings = list(competitor.offerings.all())
        ours = (
            _services(payload.service_ids or [])
            if "service_ids" in data
            else [o.service for o in offerings if o.service is not None]
        )
        names = (
            payload.other_services or []
            if "other_services" in data
            else [o.name for o in offerings if o.service_id is None]
        )
    with transaction.atomic():
        services.update_competitor(request.user, competitor, data)
        if ours is not None and names is not None:
            services.set_offerings(request.user, competitor, ours, names)
    return queries.get_competitor(competitor.pk)


@router.delete("/competitors/{competitor_id}", response=CompetitorOut)
def archive_competitor(request: AuthedHttpRequest, competitor_id: int) -> Any:
    require(request, permissions.can_edit_catalog)
    services.archive_competitor(request.user, queries.get_competitor(competitor_id))
    return queries.get_competitor(competitor_id)


# --- gap analysis and plan --------------------------------------------------------------------


@router.get("/gap-analysis")
def get_gap_analysis(request: AuthedHttpRequest) -> HttpResponse:
    """Depth per service, gaps with ranked remedies, differentiators (no cost rates)."""
    require(request, permissions.is_staff)
    return HttpResponse(json.dumps(report.current_json()), content_type="application/json")


@router.get("/plan-items", response=list[PlanItemOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_plan_items(request: AuthedHttpRequest, filters: Query[PlanFilters]) -> Any:
    require(request, permissions.is_staff)
    return queries.filter_plan_items(queries.plan_items(), filters.dict())


@router.post("/plan-items", response={201: PlanItemOut})
def create_plan_item(request: AuthedHttpRequest, payload: PlanItemIn) -> Any:
    """Accept a remedy into the plan (the gap analysis page does the same)."""
    require(request, permissions.can_edit_catalog)
    data = {
        "kind": payload.kind,
        "gap": payload.gap,
        "description": payload.description,
        "due_date": payload.due_date,
        "service": _one(Service, payload.service_id, "service_id"),
        "technician": _one(Technician, payload.technician_id, "technician_id"),
        "certification": _one(Certification, payload.certification_id, "certification_id"),
        "subcontractor": _one(Subcontractor, payload.subcontractor_id, "subcontractor_id"),
        "owner": _one(User, payload.owner_id, "owner_id"),
    }
    return Status(201, services.accept_remedy(request.user, data))


@router.patch("/plan-items/{item_id}", response=PlanItemOut)
def update_plan_item(request: AuthedHttpRequest, item_id: int, payload: PlanItemPatch) -> Any:
    require(request, permissions.can_edit_catalog)
    return services.update_plan_item_status(
        request.user, queries.get_plan_item(item_id), payload.status
    )
