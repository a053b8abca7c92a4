"""Read side of the team inventory. Pages and API endpoints start here.

**Cost rates are decided here, not in templates.** Every function that returns technicians or
subcontractors takes the user and returns plain ``dict`` rows built with ``.values()``; the
``cost_rate`` key is only selected (and so only ever leaves the database) when
``can_see_costs(user)``. A template or schema given a dispatcher's rows has no cost to leak.

Archived technicians and subcontractors drop out of every list, the matrix and the engine's
people at once (``archived_at`` filters); archived skills drop out of the matrix.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from sweetspot.core.models import STAFF_ROLES
from sweetspot.core.permissions import can_see_costs

from .models import (
    LEVEL_RANK,
    Certification,
    CertificationSkill,
    Level,
    Skill,
    SkillGroup,
    Subcontractor,
    SubcontractorCertification,
    SubcontractorSkill,
    Technician,
    TechnicianCertification,
    TechnicianSkill,
)

EXPIRY_WARNING_DAYS = 90
STRONG = 3  # proficiency that counts as "can do the work alone" in the matrix summary

TECHNICIAN_COLUMNS = (
    "id",
    "name",
    "level",
    "user_id",
    "bill_rate",
    "weekly_capacity_hours",
    "on_call",
    "notes",
    "created_at",
    "archived_at",
)
SUBCONTRACTOR_COLUMNS = (
    "id",
    "company_name",
    "contact_name",
    "email",
    "phone",
    "level",
    "bill_rate",
    "weekly_capacity_hours",
    "notes",
    "created_at",
    "archived_at",
)
LEVEL_LABELS = dict(Level.choices)
GROUP_LABELS = dict(SkillGroup.choices)


def is_staff(user: Any) -> bool:
    """Firm staff (owner, dispatcher, technician, sales) see the team; clients do not."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in STAFF_ROLES
    )


def cost_columns(user: Any) -> tuple[str, ...]:
    return ("cost_rate",) if can_see_costs(user) else ()


def today() -> dt.date:
    return timezone.localdate()


def expiry_facts(expires_on: dt.date | None, on: dt.date | None = None) -> dict[str, Any]:
    """expires_in (days, negative when past), expires_soon (within 90 days), expired."""
    if expires_on is None:
        return {"expires_in": None, "expires_soon": False, "expired": False}
    days = (expires_on - (on or today())).days
    return {
        "expires_in": days,
        "expires_soon": 0 <= days <= EXPIRY_WARNING_DAYS,
        "expired": days < 0,
    }


def _count(model: Any, owner: str, **extra: Any) -> Coalesce:
    sub = (
        model.objects.filter(**{owner: OuterRef("pk")}, **extra)
        .order_by()
        .values(owner)
        .annotate(c=Count("pk"))
        .values("c")
    )
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def _expiring(model: Any, owner: str) -> Exists:
    start = today()
    return Exists(
        model.objects.filter(
            **{owner: OuterRef("pk")},
            expires_on__gte=start,
            expires_on__lte=start + dt.timedelta(days=EXPIRY_WARNING_DAYS),
        )
    )


def _archived_filter(qs: QuerySet[Any], archived: str) -> QuerySet[Any]:
    if archived == "only":
        return qs.filter(archived_at__isnull=False)
    if archived == "all":
        return qs
    return qs.filter(archived_at__isnull=True)


# --- technicians ----------------------------------------------------------------------------


def technicians_visible_to(user: Any) -> QuerySet[Technician]:
    return Technician.objects.all() if is_staff(user) else Technician.objects.none()


def technician_rows(user: Any, params: Mapping[str, Any] | None = None) -> QuerySet[Any, Any]:
    """The list: one dict per technician with counts and the expiring flag; cost for owners."""
    params = params or {}
    qs = _archived_filter(technicians_visible_to(user), params.get("archived") or "")
    level = params.get("level") or ""
    if level in LEVEL_LABELS:
        qs = qs.filter(level=level)
    return (
        qs.annotate(
            skill_count=_count(TechnicianSkill, "technician", skill__archived_at__isnull=True),
            cert_count=_count(TechnicianCertification, "technician"),
            expires_soon=_expiring(TechnicianCertification, "technician"),
            username=F("user__username"),
        )
        .order_by("name", "pk")
        .values(
            *TECHNICIAN_COLUMNS,
            *cost_columns(user),
            "username",
            "skill_count",
            "cert_count",
            "expires_soon",
        )
    )


# Technicians and subcontractors are read the same way; these helpers serve both kinds.


def _one_row(rows: QuerySet[Any, Any], pk: Any) -> dict[str, Any]:
    """One person as a dict from their list rows (archived ones too, so history stays
    reachable); 404 if not visible."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404("Not found") from exc
    row = rows.filter(pk=pk).first()
    if row is None:
        raise Http404("Not found")
    row["level_label"] = LEVEL_LABELS.get(row["level"], row["level"])
    return row  # type: ignore[no-any-return]


def _one(qs: QuerySet[Any], pk: Any) -> Any:
    """The model row, for writes (owner views and endpoints); reads use the *_row dicts."""
    try:
        return qs.get(pk=int(pk))
    except (TypeError, ValueError, qs.model.DoesNotExist) as exc:
        raise Http404("Not found") from exc


def _skills(model: Any, person: str, pk: int, *extra: str) -> list[dict[str, Any]]:
    return _labelled(
        model.objects.filter(**{f"{person}_id": pk})
        .order_by("skill__group", "skill__name")
        .values(
            "skill_id",
            "proficiency",
            *extra,
            slug=F("skill__slug"),
            name=F("skill__name"),
            group=F("skill__group"),
        )
    )


def _certifications(model: Any, person: str, pk: int, *extra: str) -> list[dict[str, Any]]:
    rows = list(
        model.objects.filter(**{f"{person}_id": pk})
        .order_by("-earned_on", "pk")
        .values(
            "id",
            "certification_id",
            "earned_on",
            "expires_on",
            *extra,
            code=F("certification__code"),
            name=F("certification__name"),
            vendor=F("certification__vendor"),
            level=F("certification__level"),
            status=F("certification__status"),
        )
    )
    on = today()
    return [{**row, **expiry_facts(row["expires_on"], on)} for row in rows]


def technician_row(user: Any, pk: Any) -> dict[str, Any]:
    return _one_row(technician_rows(user, {"archived": "all"}), pk)


def get_technician_for(user: Any, pk: Any) -> Technician:
    return _one(technicians_visible_to(user), pk)  # type: ignore[no-any-return]


GROUP_ORDER = {value: i for i, (value, _) in enumerate(SkillGroup.choices)}


def _labelled(rows: Any) -> list[dict[str, Any]]:
    """Skill rows in the taxonomy's group order, each with its group's label."""
    out = [dict(row) for row in rows]
    for row in out:
        row["group_label"] = GROUP_LABELS.get(row["group"], row["group"])
    out.sort(key=lambda r: (GROUP_ORDER.get(r["group"], 99), r["name"]))
    return out


def technician_skills(tech_id: int) -> list[dict[str, Any]]:
    return _skills(TechnicianSkill, "technician", tech_id, "assessed_on")


def technician_certifications(tech_id: int) -> list[dict[str, Any]]:
    return _certifications(TechnicianCertification, "technician", tech_id, "credential_id")


# --- subcontractors -------------------------------------------------------------------------


def subcontractors_visible_to(user: Any) -> QuerySet[Subcontractor]:
    return Subcontractor.objects.all() if is_staff(user) else Subcontractor.objects.none()


def subcontractor_rows(user: Any, params: Mapping[str, Any] | None = None) -> QuerySet[Any, Any]:
    params = params or {}
    qs = _archived_filter(subcontractors_visible_to(user), params.get("archived") or "")
    return (
        qs.annotate(
            skill_count=_count(
                SubcontractorSkill, "subcontractor", skill__archived_at__isnull=True
            ),
            cert_count=_count(SubcontractorCertification, "subcontractor"),
            expires_soon=_expiring(SubcontractorCertification, "subcontractor"),
        )
        .order_by("company_name", "pk")
        .values(
            *SUBCONTRACTOR_COLUMNS,
            *cost_columns(user),
            "skill_count",
            "cert_count",
            "expires_soon",
        )
    )


def subcontractor_row(user: Any, pk: Any) -> dict[str, Any]:
    return _one_row(subcontractor_rows(user, {"archived": "all"}), pk)


def get_subcontractor_for(user: Any, pk: Any) -> Subcontractor:
    return _one(subcontractors_visible_to(user), pk)  # type: ignore[no-any-return]


def subcontractor_skills(sub_id: int) -> list[dict[str, Any]]:
    return _skills(SubcontractorSkill, "subcontractor", sub_id)


def subcontractor_certifications(sub_id: int) -> list[dict[str, Any]]:
    return _certifications(SubcontractorCertification, "subcontractor", sub_id)


# --- skills and certifications (no costs of people here) ------------------------------------


def skills_visible_to(user: Any, include_archived: bool = False) -> QuerySet[Skill]:
    if not is_staff(user):
        return Skill.objects.none()
    qs = Skill.objects.all()
    return qs if include_archived else qs.filter(archived_at__isnull=True)


def skills_with_counts(user: Any) -> QuerySet[Skill]:
    """Each skill with how many active people hold it, and how many at STRONG or more."""
    active_tech = {"technician__archived_at__isnull": True}
    return (
        skills_visible_to(user, include_archived=True)
        .annotate(
            holders=_count(TechnicianSkill, "skill", **active_tech),
            strong=_count(TechnicianSkill, "skill", proficiency__gte=STRONG, **active_tech),
            outside=_count(SubcontractorSkill, "skill", subcontractor__archived_at__isnull=True),
        )
        .order_by("group", "name")
    )


def grouped(skills: Any) -> list[tuple[str, list[Any]]]:
    """[(group label, [skills…]), …] in the taxonomy's group order."""
    by_group: dict[str, list[Any]] = defaultdict(list)
    for skill in skills:
        key = skill["group"] if isinstance(skill, dict) else skill.group
        by_group[key].append(skill)
    return [(label, by_group[value]) for value, label in SkillGroup.choices if by_group[value]]


def get_skill_for(user: Any, pk: Any) -> Skill:
    try:
        return skills_visible_to(user, include_archived=True).get(pk=int(pk))
    except (TypeError, ValueError, Skill.DoesNotExist) as exc:
        raise Http404("Not found") from exc


def certifications_visible_to(user: Any) -> QuerySet[Certification]:
    return Certification.objects.all() if is_staff(user) else Certification.objects.none()


LEVEL_ORDER = Case(
    *(When(level=value, then=Value(rank)) for value, rank in LEVEL_RANK.items()),
    default=Value(9),
    output_field=IntegerField(),
)
CERT_SORTS = {
    "vendor": ["vendor", "level_rank", "name", "pk"],
    "name": ["name", "pk"],
    "cost": ["exam_fee", "class_cost", "name", "pk"],
    "hours": ["study_hours", "name", "pk"],
}


def filter_certifications(
    qs: QuerySet[Certification], params: Mapping[str, Any]
) -> QuerySet[Certification]:
    """Whitelisted filters: vendor (exact), level, status, q (name/code)."""
    vendor = (params.get("vendor") or "").strip()
    if vendor:
        qs = qs.filter(vendor__iexact=vendor)
    level = params.get("level") or ""
    if level in LEVEL_LABELS:
        qs = qs.filter(level=level)
    status = params.get("status") or ""
    if status in dict(Certification.Status.choices):
        qs = qs.filter(status=status)
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    sort = params.get("sort") or "vendor"
    return qs.annotate(level_rank=LEVEL_ORDER).order_by(*CERT_SORTS.get(sort, CERT_SORTS["vendor"]))


def with_evidence(qs: QuerySet[Certification]) -> QuerySet[Certification]:
    return qs.prefetch_related(
        Prefetch(
            "evidence",
            queryset=CertificationSkill.objects.select_related("skill").order_by(
                "-proficiency", "skill__name"
            ),
        )
    )


def certification_list(user: Any, params: Mapping[str, Any]) -> QuerySet[Certification]:
    qs = filter_certifications(certifications_visible_to(user), params)
    return with_evidence(qs).annotate(
        holders=_count(TechnicianCertification, "certification", technician__archived_at=None)
    )


def vendors(user: Any) -> list[str]:
    return list(
        certifications_visible_to(user)
        .order_by("vendor")
        .values_list("vendor", flat=True)
        .distinct()
    )


def get_certification_for(user: Any, pk: Any) -> Certification:
    try:
        return with_evidence(certifications_visible_to(user)).get(pk=int(pk))
    except (TypeError, ValueError, Certification.DoesNotExist) as exc:
        raise Http404("Not found") from exc


def certification_holders(user: Any, cert_id: int) -> list[dict[str, Any]]:
    """Active technicians and subcontractors holding the certification (no costs)."""
    if not is_staff(user):
        return []
    on = today()
    out: list[dict[str, Any]] = []
    for row in (
        TechnicianCertification.objects.filter(
            certification_id=cert_id, technician__archived_at__isnull=True
        )
        .order_by("technician__name", "pk")
        .values("earned_on", "expires_on", person_id=F("technician_id"))
        .annotate(name=F("technician__name"))
    ):
        out.append({**row, "kind": "technician", **expiry_facts(row["expires_on"], on)})
    for row in (
        SubcontractorCertification.objects.filter(
            certification_id=cert_id, subcontractor__archived_at__isnull=True
        )
        .order_by("subcontractor__company_name", "pk")
        .values("earned_on", "expires_on", person_id=F("subcontractor_id"))
        .annotate(name=F("subcontractor__company_name"))
    ):
        out.append({**row, "kind": "subcontractor", **expiry_facts(row["expires_on"], on)})
    return out


# --- the skills matrix ----------------------------------------------------------------------


def matrix(user: Any) -> dict[str, Any]:
    """People (technicians, then subcontractors marked outside) × active skills.

    Seven queries whatever the size of the team: skills, technicians, subcontractors, their
    skills and their certifications.
    """
    skills: list[dict[str, Any]] = [
        dict(row)
        for row in skills_visible_to(user)
        .order_by("group", "name")
        .values("id", "slug", "name", "group")
    ]
    people: list[dict[str, Any]] = []
    index: dict[tuple[str, int], dict[str, Any]] = {}
    for row in (
        technicians_visible_to(user)
        .filter(archived_at__isnull=True)
        .order_by("name", "pk")
        .values("id", "name", "level")
    ):
        person: dict[str, Any] = {**row, "kind": "technician", "skills": {}, "certs": []}
        people.append(person)
        index[("technician", row["id"])] = person
    for sub in (
        subcontractors_visible_to(user)
        .filter(archived_at__isnull=True)
        .order_by("company_name", "pk")
        .values("id", name=F("company_name"))
    ):
        person = {**sub, "level": "", "kind": "subcontractor", "skills": {}, "certs": []}
        people.append(person)
        index[("subcontractor", sub["id"])] = person
    skill_rows: list[tuple[str, Any]] = [
        (
            "technician",
            TechnicianSkill.objects.filter(technician__archived_at__isnull=True).values_list(
                "technician_id", "skill_id", "proficiency"
            ),
        ),
        (
            "subcontractor",
            SubcontractorSkill.objects.filter(subcontractor__archived_at__isnull=True).values_list(
                "subcontractor_id", "skill_id", "proficiency"
            ),
        ),
    ]
    for kind, rows in skill_rows:
        for owner_id, skill_id, proficiency in rows:
            if (kind, owner_id) in index:
                index[(kind, owner_id)]["skills"][skill_id] = proficiency
    on = today()
    cert_cols = ("certification__code", "certification__status", "expires_on")
    order = ("certification__vendor", "certification__code", "pk")
    cert_rows: list[tuple[str, Any]] = [
        (
            "technician",
            TechnicianCertification.objects.filter(technician__archived_at__isnull=True)
            .order_by(*order)
            .values_list("technician_id", *cert_cols),
        ),
        (
            "subcontractor",
            SubcontractorCertification.objects.filter(subcontractor__archived_at__isnull=True)
            .order_by(*order)
            .values_list("subcontractor_id", *cert_cols),
        ),
    ]
    for kind, rows in cert_rows:
        for owner_id, code, status, expires_on in rows:
            if (kind, owner_id) in index:
                index[(kind, owner_id)]["certs"].append(
                    {"code": code, "status": status, **expiry_facts(expires_on, on)}
                )
    for skill in skills:
        levels = [p["skills"].get(skill["id"], 0) for p in people]
        skill["cells"] = levels
        skill["strong"] = sum(
            1
            for p, level in zip(people, levels, strict=True)
            if level >= STRONG and p["kind"] == "technician"
        )
        skill["strong_outside"] = sum(
            1
            for p, level in zip(people, levels, strict=True)
            if level >= STRONG and p["kind"] == "subcontractor"
        )
    first_outside = sum(1 for p in people if p["kind"] == "technician")
    return {
        "skills": skills,
        "groups": grouped(skills),
        "people": people,
        "first_outside": first_outside,
    }
