"""The only place that writes the service catalog, competitors and the gap plan.

Every function validates with full_clean(), runs in a transaction and records an audit row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from sweetspot.core import audit
from sweetspot.core.models import STAFF_ROLES, AuditLog, User
from sweetspot.core.writes import assign_fields, audited_create, audited_update
from sweetspot.team.models import Skill

from .models import Competitor, CompetitorOffering, PlanItem, Service, ServiceRequirement

SERVICE_FIELDS = ["name", "description", "tier", "subcontractable", "typical_duration_hours"]
COMPETITOR_FIELDS = ["name", "segment_focus", "price_notes", "notes"]
PLAN_ITEM_FIELDS = [
    "kind",
    "service",
    "gap",
    "technician",
    "certification",
    "subcontractor",
    "description",
    "owner",
    "due_date",
]


# --- services ---------------------------------------------------------------------------------


@transaction.atomic
def create_service(
    actor: User | None,
    data: Mapping[str, Any],
    requirements: Mapping[Skill, int] | None = None,
) -> Service:
    service = Service()
    assign_fields(service, SERVICE_FIELDS, data)
    service.full_clean()
    service.save()
    audit.record(actor, AuditLog.Action.CREATE, service, {}, audit.snapshot(service))
    if requirements:
        sync_requirements(actor, service, requirements)
    return service


@transaction.atomic
def update_service(
    actor: User | None,
    service: Service,
    data: Mapping[str, Any],
    requirements: Mapping[Skill, int] | None = None,
) -> Service:
    """Update fields; when `requirements` is given it becomes the complete set."""
    before = audit.snapshot(service)
    assign_fields(service, SERVICE_FIELDS, data)
    service.full_clean()
    service.save()
    audit.record(actor, AuditLog.Action.UPDATE, service, before, audit.snapshot(service))
    if requirements is not None:
        sync_requirements(actor, service, requirements)
    return service


@transaction.atomic
def archive_service(actor: User | None, service: Service) -> Service:
    audit.set_archived(actor, service, archived=True)
    return service


@transaction.atomic
def restore_service(actor: User | None, service: Service) -> Service:
    audit.set_archived(actor, service, archived=False)
    return service


@transaction.atomic
def set_requirement(
    actor: User | None, service: Service, skill: Skill, min_proficiency: int
) -> ServiceRequirement:
    """Require `skill` at `min_proficiency` (create, or change the minimum)."""
    req = ServiceRequirement.objects.filter(service=service, skill=skill).first()
    if req is None:
        req = ServiceRequirement(service=service, skill=skill, min_proficiency=min_proficiency)
        req.full_clean()
        req.save()
        audit.record(actor, AuditLog.Action.CREATE, req, {}, audit.snapshot(req))
        return req
    before = audit.snapshot(req)
    req.min_proficiency = min_proficiency
    req.full_clean()
    req.save()
    audit.record(actor, AuditLog.Action.UPDATE, req, before, audit.snapshot(req))
    return req


@transaction.atomic
def remove_requirement(actor: User | None, requirement: ServiceRequirement) -> None:
    before = audit.snapshot(requirement)
    audit.record(actor, AuditLog.Action.DELETE, requirement, before, {})
    requirement.delete()


@transaction.atomic
def sync_requirements(
    actor: User | None, service: Service, requirements: Mapping[Skill, int]
) -> None:
    """Make the service's requirements exactly `requirements` (skill -> minimum)."""
    wanted = {skill.pk: (skill, level) for skill, level in requirements.items()}
    for req in ServiceRequirement.objects.filter(service=service):
        if req.skill_id not in wanted:
            remove_requirement(actor, req)
    for skill, level in wanted.values():
        set_requirement(actor, service, skill, level)


# --- competitors ------------------------------------------------------------------------------


@transaction.atomic
def create_competitor(actor: User | None, data: Mapping[str, Any]) -> Competitor:
    return audited_create(actor, Competitor(), COMPETITOR_FIELDS, data)


@transaction.atomic
def update_competitor(
    actor: User | None, competitor: Competitor, data: Mapping[str, Any]
) -> Competitor:
    return audited_update(actor, competitor, COMPETITOR_FIELDS, data)


@transaction.atomic
def archive_competitor(actor: User | None, competitor: Competitor) -> Competitor:
    audit.set_archived(actor, competitor, archived=True)
    return competitor


@transaction.atomic
def add_offering(
    actor: User | None,
    competitor: Competitor,
    service: Service | None = None,
    name: str = "",
) -> CompetitorOffering:
    """The competitor sells one of our services, or a service we have no entry for (named)."""
    name = (name or "").strip()
    if service is not None:
        name = ""
        if competitor.offerings.filter(service=service).exists():
            raise ValidationError({"service": f"{competitor} already offers {service}."})
    elif name and competitor.offerings.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"{competitor} already offers “{name}”."})
    offering = CompetitorOffering(competitor=competitor, service=service, name=name)
    if service is None and not name:
        raise ValidationError({"name": "Choose one of our services or name theirs."})
    offering.full_clean()
    offering.save()
    audit.record(actor, AuditLog.Action.CREATE, offering, {}, audit.snapshot(offering))
    return offering


@transaction.atomic
def remove_offering(actor: User | None, offering: CompetitorOffering) -> None:
    audit.record(actor, AuditLog.Action.DELETE, offering, audit.snapshot(offering), {})
    offering.delete()


@transaction.atomic
def set_offerings(
    actor: User | None,
    competitor: Competitor,
    services: Iterable[Service],
    names: Iterable[str],
) -> None:
    """Make the competitor's offerings exactly these services of ours plus these names."""
    wanted_services = {s.pk: s for s in services}
    wanted_names: dict[str, str] = {}
    for raw in names:
        name = raw.strip()
        if name:
            wanted_names.setdefault(name.casefold(), name)
    for offering in list(competitor.offerings.all()):
        if offering.service_id is not None and offering.service_id in wanted_services:
            wanted_services.pop(offering.service_id)
        elif offering.service_id is None and offering.name.casefold() in wanted_names:
            wanted_names.pop(offering.name.casefold())
        else:
            remove_offering(actor, offering)
    for service in wanted_services.values():
        add_offering(actor, competitor, service=service)
    for name in wanted_names.values():
        add_offering(actor, competitor, name=name)


# --- the plan ---------------------------------------------------------------------------------


def _check_plan_item(item: PlanItem) -> None:
    errors: dict[str, str] = {}
    if item.kind == PlanItem.Kind.TRAIN and item.technician_id is None:
        errors["technician"] = "A training item names the technician to train."
    if item.owner_id is not None and (
        item.owner.role not in STAFF_ROLES or not item.owner.is_active
    ):
        errors["owner"] = "The owner of a plan item must be an active member of the staff."
    if item.technician is not None and item.technician.archived_at is not None:
        errors["technician"] = "That technician is archived."
    if item.subcontractor is not None and item.subcontractor.archived_at is not None:
        errors["subcontractor"] = "That subcontractor is archived."
    if errors:
        raise ValidationError(errors)
    duplicate = PlanItem.objects.filter(
        status=PlanItem.Status.OPEN,
        kind=item.kind,
        service=item.service,
        description=item.description,
    )
    if duplicate.exists():
        raise ValidationError("This remedy is already in the plan.")


@transaction.atomic
def accept_remedy(actor: User | None, data: Mapping[str, Any]) -> PlanItem:
    """Accept a gap remedy into the plan: kind, service, gap (in words), technician /
    certification / subcontractor as applicable, description, owner, due date."""
    item = PlanItem()
    assign_fields(item, PLAN_ITEM_FIELDS, data)
    item.gap = (item.gap or "")[:300]
    item.description = (item.description or "")[:300]
    item.full_clean()
    _check_plan_item(item)
    item.save()
    audit.record(actor, AuditLog.Action.CREATE, item, {}, audit.snapshot(item))
    return item


@transaction.atomic
def update_plan_item_status(actor: User | None, item: PlanItem, status: str) -> PlanItem:
    before = audit.snapshot(item)
    item.status = status
    item.full_clean()
    item.save(update_fields=["status"])
    audit.record(actor, AuditLog.Action.UPDATE, item, before, audit.snapshot(item))
    return item
