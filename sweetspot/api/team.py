"""Team inventory: technicians, subcontractors, skills, certifications.

Cost rates are the owner's alone (docs/DOMAIN.md §8). Rows come from sweetspot.team.queries, which
select ``cost_rate`` only when ``can_see_costs(user)``; the output schemas' ``cost_rate`` is
``None`` for anyone else and ``CostHidden`` then drops the key from the JSON altogether, so a
dispatcher's or a technician's response has neither the key nor the value.
Client contacts get 404 on every endpoint here; writes are the owner's (others 404).
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, model_serializer

from sweetspot.core import permissions
from sweetspot.core.access import AuthedHttpRequest
from sweetspot.core.models import User
from sweetspot.team import queries, services
from sweetspot.team.models import Skill

from .auth import require
from .pagination import Pages as PageNumberPagination  # bounded ?page= (issue 15)
from .schemas import Strict, Text

router = Router(tags=["team"])
PAGE_SIZE = 25

LevelT = Literal["entry", "intermediate", "senior", "expert"]
COST_DOC = "Owner only: the key is absent for every other role."


def _money(default: Any = ..., **kw: Any) -> Any:
    return Field(default, ge=0, max_digits=12, decimal_places=2, **kw)


# --- schemas --------------------------------------------------------------------------------


class CostHidden(Schema):
    """Base for cost-bearing outputs: ``cost_rate`` None (not the owner) leaves the JSON."""

    cost_rate: Decimal | None = Field(None, description=COST_DOC)

    @model_serializer(mode="wrap")
    def _drop_hidden_cost(self, handler: Any):  # type: ignore[no-untyped-def]
        data = handler(self)
        if isinstance(data, dict) and data.get("cost_rate") is None:
            data.pop("cost_rate", None)
        return data


class TechSkillOut(Schema):
    skill: str = Field(description="skill slug")
    name: str
    group: str
    proficiency: int
    assessed_on: dt.date | None = None


class HeldCertOut(Schema):
    code: str
    name: str
    vendor: str
    level: str
    status: str
    earned_on: dt.date
    expires_on: dt.date | None
    expires_soon: bool = Field(description="expires within 90 days")
    expired: bool


class TechnicianOut(CostHidden):
    id: int
    name: str
    level: str
    user_id: int | None
    bill_rate: Decimal
    weekly_capacity_hours: Decimal
    on_call: bool
    notes: str
    archived_at: dt.datetime | None
    skill_count: int
    cert_count: int
    expires_soon: bool = Field(description="holds a certification expiring within 90 days")


class TechnicianDetailOut(TechnicianOut):
    skills: list[TechSkillOut]
    certifications: list[HeldCertOut]


class SubcontractorOut(CostHidden):
    id: int
    company_name: str
    contact_name: str
    email: str
    phone: str
    level: LevelT
    bill_rate: Decimal
    weekly_capacity_hours: Decimal = Field(
        description="hours a week they take on for us; dispatch subtracts their open tickets"
    )
    notes: str
    archived_at: dt.datetime | None
    skill_count: int
    cert_count: int
    expires_soon: bool
    outside: bool = True


class SubSkillOut(Schema):
    skill: str
    name: str
    group: str
    proficiency: int


class SubcontractorDetailOut(SubcontractorOut):
    skills: list[SubSkillOut]
    certifications: list[HeldCertOut]


class SkillOut(Schema):
    id: int
    slug: str
    name: str
    group: str
    description: str
    archived_at: dt.datetime | None


class EvidenceOut(Schema):
    skill: str
    name: str
    proficiency: int


class CertificationOut(Schema):
    id: int
    vendor: str
    name: str
    code: str
    level: str
    status: str
    exam_fee: Decimal
    class_cost: Decimal
    study_hours: int
    renewal_months: int | None
    estimated_on: dt.date = Field(description="fees and hours are estimates as of this date")
    source: str
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_evidence(obj: Any) -> list[dict[str, Any]]:
        return [
            {"skill": e.skill.slug, "name": e.skill.name, "proficiency": e.proficiency}
            for e in obj.evidence.all()
        ]


class HolderOut(Schema):
    kind: str
    person_id: int
    name: str
    earned_on: dt.date
    expires_on: dt.date | None
    expires_soon: bool


class CertificationDetailOut(CertificationOut):
    holders: list[HolderOut]


class TechnicianIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    level: LevelT = "entry"
    user_id: int | None = None
    bill_rate: Decimal = _money(Decimal(0))
    cost_rate: Decimal = _money(Decimal(0))
    weekly_capacity_hours: Decimal = Field(Decimal(40), ge=0, max_digits=5, decimal_places=2)
    on_call: bool = False
    notes: Text = ""


class TechnicianPatch(Strict):
    name: str | None = Field(None, min_length=1, max_length=200)
    level: LevelT | None = None
    user_id: int | None = None
    bill_rate: Decimal | None = _money(None)
    cost_rate: Decimal | None = _money(None)
    weekly_capacity_hours: Decimal | None = Field(None, ge=0, max_digits=5, decimal_places=2)
    on_call: bool | None = None
    notes: Text | None = None


class SkillLevelIn(Strict):
    proficiency: int = Field(ge=1, le=5)
    assessed_on: dt.date | None = None


class SubcontractorIn(Strict):
    company_name: str = Field(min_length=1, max_length=200)
    contact_name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    level: LevelT = "senior"
    bill_rate: Decimal = _money(Decimal(0))
    cost_rate: Decimal = _money(Decimal(0))
    weekly_capacity_hours: Decimal = Field(Decimal(40), ge=0, max_digits=5, decimal_places=2)
    notes: Text = ""


class SubcontractorPatch(Strict):
    company_name: str | None = Field(None, min_length=1, max_length=200)
    contact_name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    level: LevelT | None = None
    bill_rate: Decimal | None = _money(None)
    cost_rate: Decimal | None = _money(None)
    weekly_capacity_hours: Decimal | None = Field(None, ge=0, max_digits=5, decimal_places=2)
    notes: Text | None = None


class PeopleFilters(Schema):
    archived: Literal["", "only", "all"] = ""
    level: LevelT | Literal[""] = ""


class CertFilters(Schema):
    vendor: str = ""
    level: LevelT | Literal[""] = ""
    status: Literal["", "current", "retired"] = ""
    q: str = ""


# --- helpers --------------------------------------------------------------------------------


def _technician(request: AuthedHttpRequest, pk: int) -> dict[str, Any]:
    row = queries.technician_row(request.user, pk)
    row["skills"] = [{**s, "skill": s["slug"]} for s in queries.technician_skills(row["id"])]
    row["certifications"] = queries.technician_certifications(row["id"])
    return row


def _subcontractor(request: AuthedHttpRequest, pk: int) -> dict[str, Any]:
    row = queries.subcontractor_row(request.user, pk)
    row["skills"] = [{**s, "skill": s["slug"]} for s in queries.subcontractor_skills(row["id"])]
    row["certifications"] = queries.subcontractor_certifications(row["id"])
    return row


def _with_user(data: dict[str, Any]) -> dict[str, Any]:
    if "user_id" in data:
        user_id = data.pop("user_id")
        user = User.objects.filter(pk=user_id).first() if user_id is not None else None
        if user_id is not None and user is None:
            raise ValidationError({"user_id": "No such user."})
        data["user"] = user
    return data


def _skill(slug: str) -> Skill:
    skill = Skill.objects.filter(slug=slug).first()
    if skill is None:
        raise Http404("Not found")
    return skill


# --- technicians ----------------------------------------------------------------------------


@router.get("/technicians", response=list[TechnicianOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_technicians(request: AuthedHttpRequest, filters: Query[PeopleFilters]) -> Any:
    require(request, permissions.is_staff)
    return queries.technician_rows(request.user, filters.dict())


@router.post("/technicians", response={201: TechnicianDetailOut})
def create_technician(request: AuthedHttpRequest, payload: TechnicianIn) -> Any:
    require(request, permissions.is_owner)
    tech = services.create_technician(request.user, _with_user(payload.dict()))
    return Status(201, _technician(request, tech.pk))


@router.get("/technicians/{technician_id}", response=TechnicianDetailOut)
def get_technician(request: AuthedHttpRequest, technician_id: int) -> Any:
    require(request, permissions.is_staff)
    return _technician(request, technician_id)


@router.patch("/technicians/{technician_id}", response=TechnicianDetailOut)
def update_technician(
    request: AuthedHttpRequest, technician_id: int, payload: TechnicianPatch
) -> Any:
    require(request, permissions.is_owner)
    tech = queries.get_technician_for(request.user, technician_id)
    services.update_technician(request.user, tech, _with_user(payload.dict(exclude_unset=True)))
    return _technician(request, tech.pk)


@router.delete("/technicians/{technician_id}", response=TechnicianDetailOut)
def archive_technician(request: AuthedHttpRequest, technician_id: int) -> Any:
    """Technicians are archived, never deleted: they stop counting for staffing at once."""
    require(request, permissions.is_owner)
    tech = queries.get_technician_for(request.user, technician_id)
    services.archive_technician(request.user, tech)
    return _technician(request, tech.pk)


@router.put("/technicians/{technician_id}/skills/{skill_slug}", response=TechSkillOut)
def set_technician_skill(
    request: AuthedHttpRequest, technician_id: int, skill_slug: str, payload: SkillLevelIn
) -> Any:
    require(request, permissions.is_owner)
    tech = queries.get_technician_for(request.user, technician_id)
    skill = _skill(skill_slug)
    if skill.archived_at is not None:
        raise Http404("Not found")
    row = services.set_technician_skill(
        request.user, tech, skill, payload.proficiency, payload.assessed_on
    )
    return {
        "skill": skill.slug,
        "name": skill.name,
        "group": skill.group,
        "proficiency": row.proficiency,
        "assessed_on": getattr(row, "assessed_on", None),
    }


@router.delete("/technicians/{technician_id}/skills/{skill_slug}", response={204: None})
def remove_technician_skill(request: AuthedHttpRequest, technician_id: int, skill_slug: str) -> Any:
    require(request, permissions.is_owner)
    tech = queries.get_technician_for(request.user, technician_id)
    services.remove_technician_skill(request.user, tech, _skill(skill_slug))
    return Status(204, None)


# --- subcontractors -------------------------------------------------------------------------


@router.get("/subcontractors", response=list[SubcontractorOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_subcontractors(request: AuthedHttpRequest, filters: Query[PeopleFilters]) -> Any:
    require(request, permissions.is_staff)
    return queries.subcontractor_rows(request.user, filters.dict())


@router.post("/subcontractors", response={201: SubcontractorDetailOut})
def create_subcontractor(request: AuthedHttpRequest, payload: SubcontractorIn) -> Any:
    require(request, permissions.is_owner)
    sub = services.create_subcontractor(request.user, payload.dict())
    return Status(201, _subcontractor(request, sub.pk))


@router.get("/subcontractors/{subcontractor_id}", response=SubcontractorDetailOut)
def get_subcontractor(request: AuthedHttpRequest, subcontractor_id: int) -> Any:
    require(request, permissions.is_staff)
    return _subcontractor(request, subcontractor_id)


@router.patch("/subcontractors/{subcontractor_id}", response=SubcontractorDetailOut)
def update_subcontractor(
    request: AuthedHttpRequest, subcontractor_id: int, payload: SubcontractorPatch
) -> Any:
    require(request, permissions.is_owner)
    sub = queries.get_subcontractor_for(request.user, subcontractor_id)
    services.update_subcontractor(request.user, sub, payload.dict(exclude_unset=True))
    return _subcontractor(request, sub.pk)


@router.delete("/subcontractors/{subcontractor_id}", response=SubcontractorDetailOut)
def archive_subcontractor(request: AuthedHttpRequest, subcontractor_id: int) -> Any:
    require(request, permissions.is_owner)
    sub = queries.get_subcontractor_for(request.user, subcontractor_id)
    services.archive_subcontractor(request.user, sub)
    return _subcontractor(request, sub.pk)


# --- skills and certifications --------------------------------------------------------------


@router.get("/skills", response=list[SkillOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_skills(request: AuthedHttpRequest) -> Any:
    require(request, permissions.is_staff)
    return queries.skills_visible_to(request.user).order_by("group", "name")


@router.get("/certifications", response=list[CertificationOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_certifications(request: AuthedHttpRequest, filters: Query[CertFilters]) -> Any:
    require(request, permissions.is_staff)
    return queries.with_evidence(
        queries.filter_certifications(
            queries.certifications_visible_to(request.user), filters.dict()
        )
    )


@router.get("/certifications/{certification_id}", response=CertificationDetailOut)
def get_certification(request: AuthedHttpRequest, certification_id: int) -> Any:
    require(request, permissions.is_staff)
    cert = queries.get_certification_for(request.user, certification_id)
    cert.holders = queries.certification_holders(request.user, cert.pk)  # type: ignore[attr-defined]
    return cert
