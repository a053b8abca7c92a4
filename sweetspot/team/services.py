"""The only place that writes the team inventory. Every function records an audit row.

Changes to a person's skills and certifications (and to a certification's evidence) are
audited against the parent row, so one technician's history reads as one story:
``{"skill:wan-vpn": [3, 4]}``, ``{"certification:CCNA": [null, {"earned_on": ...}]}``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from sweetspot.core import audit
from sweetspot.core.models import STAFF_ROLES, AuditLog, User
from sweetspot.core.writes import assign_fields, audited_create, audited_update

from .models import (
    Certification,
    CertificationSkill,
    Skill,
    Subcontractor,
    SubcontractorCertification,
    SubcontractorSkill,
    Technician,
    TechnicianCertification,
    TechnicianSkill,
)

TECHNICIAN_FIELDS = [
    "user",
    "name",
    "level",
    "cost_rate",
    "bill_rate",
    "weekly_capacity_hours",
    "on_call",
    "notes",
]
SUBCONTRACTOR_FIELDS = [
    "company_name",
    "contact_name",
    "email",
    "phone",
    "cost_rate",
    "bill_rate",
    "weekly_capacity_hours",
    "notes",
]
SKILL_FIELDS = ["name", "slug", "group", "description"]
CERTIFICATION_FIELDS = [
    "vendor",
    "name",
    "code",
    "level",
    "status",
    "exam_fee",
    "class_cost",
    "study_hours",
    "renewal_months",
    "estimated_on",
    "source",
]
HELD_CERT_FIELDS = ["earned_on", "expires_on", "credential_id"]


def add_months(day: dt.date, months: int) -> dt.date:
    """day + months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- technicians ----------------------------------------------------------------------------


def _check_user(tech: Technician) -> None:
    user = tech.user
    if user is None:
        return
    if user.role not in STAFF_ROLES:
        raise ValidationError({"user": "Only firm staff can be linked to a technician."})
    taken = Technician.objects.filter(user=user).exclude(pk=tech.pk).exists()
    if taken:
        raise ValidationError({"user": "That user is already linked to another technician."})


@transaction.atomic
def create_technician(actor: User | None, data: dict[str, Any]) -> Technician:
    return audited_create(actor, Technician(), TECHNICIAN_FIELDS, data, _check_user)


@transaction.atomic
def update_technician(actor: User | None, tech: Technician, data: dict[str, Any]) -> Technician:
    return audited_update(actor, tech, TECHNICIAN_FIELDS, data, _check_user)


@transaction.atomic
def archive_technician(actor: User | None, tech: Technician) -> Technician:
    """From now on the technician counts for nothing: lists, depth, dispatch skip them."""
    audit.set_archived(actor, tech, archived=True)
    return tech


@transaction.atomic
def restore_technician(actor: User | None, tech: Technician) -> Technician:
    audit.set_archived(actor, tech, archived=False)
    return tech


@transaction.atomic
def set_on_call(actor: User | None, technician_ids: set[int]) -> int:
    """Mark exactly these technicians "on call for emergencies" (the promise check counts
    them). The on-call rota (sweetspot/mail, above this app) is the source: it calls this
    whenever its members change. Returns how many technicians changed; each is audited."""
    changed = 0
    for tech in Technician.objects.filter(archived_at__isnull=True).order_by("pk"):
        wanted = tech.pk in technician_ids
        if tech.on_call != wanted:
            before = audit.snapshot(tech, ["on_call"])
            tech.on_call = wanted
            tech.save(update_fields=["on_call"])
            audit.record(actor, AuditLog.Action.UPDATE, tech, before, {"on_call": wanted})
            changed += 1
    return changed


def _skill_state(row: TechnicianSkill | SubcontractorSkill | None) -> Any:
    if row is None:
        return None
    assessed = getattr(row, "assessed_on", None)
    if assessed is None:
        return row.proficiency
    return {"proficiency": row.proficiency, "assessed_on": assessed.isoformat()}


# Technicians and subcontractors hold skills and certifications the same way; one set of
# services serves both, told apart by the person's model (the row model and its key field).
Person = Technician | Subcontractor
SKILL_ROWS: dict[type, tuple[type[TechnicianSkill] | type[SubcontractorSkill], str]] = {
    Technician: (TechnicianSkill, "technician"),
    Subcontractor: (SubcontractorSkill, "subcontractor"),
}
CERT_ROWS: dict[
    type, tuple[type[TechnicianCertification] | type[SubcontractorCertification], str, list[str]]
] = {
    Technician: (TechnicianCertification, "technician", HELD_CERT_FIELDS),
    Subcontractor: (SubcontractorCertification, "subcontractor", ["earned_on", "expires_on"]),
}


@transaction.atomic
def set_skill(
    actor: User | None,
    person: Person,
    skill: Skill,
    proficiency: int,
    assessed_on: dt.date | None = None,
) -> TechnicianSkill | SubcontractorSkill:
    """Add the skill or change its proficiency (1-5); technicians also keep the date it was
    assessed."""
    model, key_field = SKILL_ROWS[type(person)]
    row = model.objects.filter(**{key_field: person, "skill": skill}).first()
    key = f"skill:{skill.slug}"
    before = {key: _skill_state(row)}
    if row is None:
        row = model(**{key_field: person, "skill": skill})
    row.proficiency = proficiency
    if isinstance(row, TechnicianSkill):
        row.assessed_on = assessed_on
    row.full_clean()
    row.save()
    audit.record(actor, AuditLog.Action.UPDATE, person, before, {key: _skill_state(row)})
    return row


@transaction.atomic
def remove_skill(actor: User | None, person: Person, skill: Skill) -> None:
    model, key_field = SKILL_ROWS[type(person)]
    row = model.objects.filter(**{key_field: person, "skill": skill}).first()
    if row is None:
        return
    key = f"skill:{skill.slug}"
    before = {key: _skill_state(row)}
    row.delete()
    audit.record(actor, AuditLog.Action.UPDATE, person, before, {key: None})


def _held_state(row: TechnicianCertification | SubcontractorCertification | None) -> Any:
    if row is None:
        return None
    state = {
        "earned_on": row.earned_on.isoformat() if row.earned_on else None,
        "expires_on": row.expires_on.isoformat() if row.expires_on else None,
    }
    if isinstance(row, TechnicianCertification) and row.credential_id:
        state["credential_id"] = row.credential_id
    return state


def _default_expiry(cert: Certification, earned_on: Any, expires_on: Any) -> Any:
    """A blank expiry on a certification that renews runs one renewal period from earning."""
    if expires_on is None and cert.renewal_months and isinstance(earned_on, dt.date):
        return add_months(earned_on, cert.renewal_months)
    return expires_on


def _check_dates(row: TechnicianCertification | SubcontractorCertification) -> None:
    if row.expires_on and row.earned_on and row.expires_on < row.earned_on:
        raise ValidationError({"expires_on": "A certification cannot expire before it is earned."})


def _holder(row: TechnicianCertification | SubcontractorCertification) -> Person:
    if isinstance(row, TechnicianCertification):
        return row.technician
    return row.subcontractor


@transaction.atomic
def add_certification(
    actor: User | None, person: Person, cert: Certification, data: dict[str, Any]
) -> TechnicianCertification | SubcontractorCertification:
    """data: earned_on, expires_on (blank: one renewal period after earning), and for a
    technician credential_id."""
    model, key_field, fields = CERT_ROWS[type(person)]
    row = model(**{key_field: person, "certification": cert})
    assign_fields(row, fields, data)
    row.expires_on = _default_expiry(cert, row.earned_on, row.expires_on)
    row.full_clean()
    _check_dates(row)
    row.save()
    key = f"certification:{cert.code}"
    audit.record(actor, AuditLog.Action.UPDATE, person, {key: None}, {key: _held_state(row)})
    return row


@transaction.atomic
def update_held_certification(
    actor: User | None,
    row: TechnicianCertification | SubcontractorCertification,
    data: dict[str, Any],
) -> TechnicianCertification | SubcontractorCertification:
    _, _, fields = CERT_ROWS[type(_holder(row))]
    key = f"certification:{row.certification.code}"
    before = {key: _held_state(row)}
    assign_fields(row, fields, data)
    row.full_clean()
    _check_dates(row)
    row.save()
    audit.record(actor, AuditLog.Action.UPDATE, _holder(row), before, {key: _held_state(row)})
    return row


@transaction.atomic
def remove_held_certification(
    actor: User | None, row: TechnicianCertification | SubcontractorCertification
) -> None:
    key = f"certification:{row.certification.code}"
    before = {key: _held_state(row)}
    person = _holder(row)
    row.delete()
    audit.record(actor, AuditLog.Action.UPDATE, person, before, {key: None})


# The names the pages, the API and the seed use.
set_technician_skill = set_subcontractor_skill = set_skill
remove_technician_skill = remove_subcontractor_skill = remove_skill
add_technician_certification = add_subcontractor_certification = add_certification
update_technician_certification = update_held_certification
remove_technician_certification = remove_subcontractor_certification = remove_held_certification


# --- subcontractors -------------------------------------------------------------------------


@transaction.atomic
def create_subcontractor(actor: User | None, data: dict[str, Any]) -> Subcontractor:
    return audited_create(actor, Subcontractor(), SUBCONTRACTOR_FIELDS, data)


@transaction.atomic
def update_subcontractor(
    actor: User | None, sub: Subcontractor, data: dict[str, Any]
) -> Subcontractor:
    return audited_update(actor, sub, SUBCONTRACTOR_FIELDS, data)


@transaction.atomic
def archive_subcontractor(actor: User | None, sub: Subcontractor) -> Subcontractor:
    audit.set_archived(actor, sub, archived=True)
    return sub


@transaction.atomic
def restore_subcontractor(actor: User | None, sub: Subcontractor) -> Subcontractor:
    audit.set_archived(actor, sub, archived=False)
    return sub


# --- skill taxonomy and certification catalog -----------------------------------------------


@transaction.atomic
def create_skill(actor: User | None, data: dict[str, Any]) -> Skill:
    return audited_create(actor, Skill(), SKILL_FIELDS, data)


@transaction.atomic
def update_skill(actor: User | None, skill: Skill, data: dict[str, Any]) -> Skill:
    return audited_update(actor, skill, SKILL_FIELDS, data)


@transaction.atomic
def create_certification(actor: User | None, data: dict[str, Any]) -> Certification:
    return audited_create(actor, Certification(), CERTIFICATION_FIELDS, data)


@transaction.atomic
def update_certification(
    actor: User | None, cert: Certification, data: dict[str, Any]
) -> Certification:
    return audited_update(actor, cert, CERTIFICATION_FIELDS, data)


@transaction.atomic
def set_certification_evidence(
    actor: User | None, cert: Certification, skill: Skill, proficiency: int
) -> CertificationSkill:
    """The certification evidences the skill at this proficiency (1-5)."""
    row = CertificationSkill.objects.filter(certification=cert, skill=skill).first()
    key = f"evidence:{skill.slug}"
    before = {key: row.proficiency if row else None}
    if row is None:
        row = CertificationSkill(certification=cert, skill=skill)
    row.proficiency = proficiency
    row.full_clean()
    row.save()
    audit.record(actor, AuditLog.Action.UPDATE, cert, before, {key: row.proficiency})
    return row


@transaction.atomic
def remove_certification_evidence(actor: User | None, cert: Certification, skill: Skill) -> None:
    row = CertificationSkill.objects.filter(certification=cert, skill=skill).first()
    if row is None:
        return
    key = f"evidence:{skill.slug}"
    before = {key: row.proficiency}
    row.delete()
    audit.record(actor, AuditLog.Action.UPDATE, cert, before, {key: None})
