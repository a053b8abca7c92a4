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
from sweetspot.core.writes import assign_fields

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
    tech = Technician()
    assign_fields(tech, TECHNICIAN_FIELDS, data)
    _check_user(tech)
    tech.full_clean()
    tech.save()
    audit.record(actor, AuditLog.Action.CREATE, tech, {}, audit.snapshot(tech))
    return tech


@transaction.atomic
def update_technician(actor: User | None, tech: Technician, data: dict[str, Any]) -> Technician:
    before = audit.snapshot(tech)
    assign_fields(tech, TECHNICIAN_FIELDS, data)
    _check_user(tech)
    tech.full_clean()
    tech.save()
    audit.record(actor, AuditLog.Action.UPDATE, tech, before, audit.snapshot(tech))
    return tech


@transaction.atomic
def archive_technician(actor: User | None, tech: Technician) -> Technician:
    """From now on the technician counts for nothing: lists, depth, dispatch skip them."""
    audit.set_archived(actor, tech, archived=True)
    return tech


@transaction.atomic
def restore_technician(actor: User | None, tech: Technician) -> Technician:
    audit.set_archived(actor, tech, archived=False)
    return tech


def _skill_state(row: TechnicianSkill | SubcontractorSkill | None) -> Any:
    if row is None:
        return None
    assessed = getattr(row, "assessed_on", None)
    if assessed is None:
        return row.proficiency
    return {"proficiency": row.proficiency, "assessed_on": assessed.isoformat()}


@transaction.atomic
def set_technician_skill(
    actor: User | None,
    tech: Technician,
    skill: Skill,
    proficiency: int,
    assessed_on: dt.date | None = None,
) -> TechnicianSkill:
    """Add the skill or change its proficiency (1-5) and assessment date."""
    row = TechnicianSkill.objects.filter(technician=tech, skill=skill).first()
    key = f"skill:{skill.slug}"
    before = {key: _skill_state(row)}
    if row is None:
        row = TechnicianSkill(technician=tech, skill=skill)
    row.proficiency = proficiency
    row.assessed_on = assessed_on
    row.full_clean()
    row.save()
    audit.record(actor, AuditLog.Action.UPDATE, tech, before, {key: _skill_state(row)})
    return row


@transaction.atomic
def remove_technician_skill(actor: User | None, tech: Technician, skill: Skill) -> None:
    row = TechnicianSkill.objects.filter(technician=tech, skill=skill).first()
    if row is None:
        return
    key = f"skill:{skill.slug}"
    before = {key: _skill_state(row)}
    row.delete()
    audit.record(actor, AuditLog.Action.UPDATE, tech, before, {key: None})


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


@transaction.atomic
def add_technician_certification(
    actor: User | None, tech: Technician, cert: Certification, data: dict[str, Any]
) -> TechnicianCertification:
    """data: earned_on, expires_on (blank: one renewal period after earning), credential_id."""
    row = TechnicianCertification(technician=tech, certification=cert)
    assign_fields(row, HELD_CERT_FIELDS, data)
    row.expires_on = _default_expiry(cert, row.earned_on, row.expires_on)
    row.full_clean()
    _check_dates(row)
    row.save()
    key = f"certification:{cert.code}"
    audit.record(actor, AuditLog.Action.UPDATE, tech, {key: None}, {key: _held_state(row)})
    return row


@transaction.atomic
def update_technician_certification(
    actor: User | None, row: TechnicianCertification, data: dict[str, Any]
) -> TechnicianCertification:
    key = f"certification:{row.certification.code}"
    before = {key: _held_state(row)}
    assign_fields(row, HELD_CERT_FIELDS, data)
    row.full_clean()
    _check_dates(row)
    row.save()
    audit.record(actor, AuditLog.Action.UPDATE, row.technician, before, {key: _held_state(row)})
    return row


@transaction.atomic
def remove_technician_certification(actor: User | None, row: TechnicianCertification) -> None:
    key = f"certification:{row.certification.code}"
    before = {key: _held_state(row)}
    tech = row.technician
    row.delete()
    audit.record(actor, AuditLog.Action.UPDATE, tech, before, {key: None})


# --- subcontractors -------------------------------------------------------------------------


@transaction.atomic
def create_subcontractor(actor: User | None, data: dict[str, Any]) -> Subcontractor:
    sub = Subcontractor()
    assign_fields(sub, SUBCONTRACTOR_FIELDS, data)
    sub.full_clean()
    sub.save()
    audit.record(actor, AuditLog.Action.CREATE, sub, {}, audit.snapshot(sub))
    return sub


@transaction.atomic
def update_subcontractor(
    actor: User | None, sub: Subcontractor, data: dict[str, Any]
) -> Subcontractor:
    before = audit.snapshot(sub)
    assign_fields(sub, SUBCONTRACTOR_FIELDS, data)
    sub.full_clean()
    sub.save()
    audit.record(actor, AuditLog.Action.UPDATE, sub, before, audit.snapshot(sub))
    return sub


@transaction.atomic
def archive_subcontractor(actor: User | None, sub: Subcontractor) -> Subcontractor:
    audit.set_archived(actor, sub, archived=True)
    return sub


@transaction.atomic
def restore_subcontractor(actor: User | None, sub: Subcontractor) -> Subcontractor:
    audit.set_archived(actor, sub, archived=False)
    return sub


@transaction.atomic
def set_subcontractor_skill(
    actor: User | None, sub: Subcontractor, skill: Skill, proficiency: int
) -> SubcontractorSkill:
    row = SubcontractorSkill.objects.filter(subcontractor=sub, skill=skill).first()
    key = f"skill:{skill.slug}"
    before = {key: _skill_state(row)}
    if row is None:
        row = SubcontractorSkill(subcontractor=sub, skill=skill)
    row.proficiency = proficiency
    row.full_clean()
    row.save()
    audit.record(actor, AuditLog.Action.UPDATE, sub, before, {key: _skill_state(row)})
    return row


@transaction.atomic
def remove_subcontractor_skill(actor: User | None, sub: Subcontractor, skill: Skill) -> None:
    row = SubcontractorSkill.objects.filter(subcontractor=sub, skill=skill).first()
    if row is None:
        return
    key = f"skill:{skill.slug}"
    before = {key: _skill_state(row)}
    row.delete()
    audit.record(actor, AuditLog.Action.UPDATE, sub, before, {key: None})


@transaction.atomic
def add_subcontractor_certification(
    actor: User | None, sub: Subcontractor, cert: Certification, data: dict[str, Any]
) -> SubcontractorCertification:
    row = SubcontractorCertification(subcontractor=sub, certification=cert)
    assign_fields(row, ["earned_on", "expires_on"], data)
    row.expires_on = _default_expiry(cert, row.earned_on, row.expires_on)
    row.full_clean()
    _check_dates(row)
    row.save()
    key = f"certification:{cert.code}"
    audit.record(actor, AuditLog.Action.UPDATE, sub, {key: None}, {key: _held_state(row)})
    return row


@transaction.atomic
def remove_subcontractor_certification(actor: User | None, row: SubcontractorCertification) -> None:
    key = f"certification:{row.certification.code}"
    before = {key: _held_state(row)}
    sub = row.subcontractor
    row.delete()
    audit.record(actor, AuditLog.Action.UPDATE, sub, before, {key: None})


# --- skill taxonomy and certification catalog -----------------------------------------------


@transaction.atomic
def create_skill(actor: User | None, data: dict[str, Any]) -> Skill:
    skill = Skill()
    assign_fields(skill, SKILL_FIELDS, data)
    skill.full_clean()
    skill.save()
    audit.record(actor, AuditLog.Action.CREATE, skill, {}, audit.snapshot(skill))
    return skill


@transaction.atomic
def update_skill(actor: User | None, skill: Skill, data: dict[str, Any]) -> Skill:
    before = audit.snapshot(skill)
    assign_fields(skill, SKILL_FIELDS, data)
    skill.full_clean()
    skill.save()
    audit.record(actor, AuditLog.Action.UPDATE, skill, before, audit.snapshot(skill))
    return skill


@transaction.atomic
def create_certification(actor: User | None, data: dict[str, Any]) -> Certification:
    cert = Certification()
    assign_fields(cert, CERTIFICATION_FIELDS, data)
    cert.full_clean()
    cert.save()
    audit.record(actor, AuditLog.Action.CREATE, cert, {}, audit.snapshot(cert))
    return cert


@transaction.atomic
def update_certification(
    actor: User | None, cert: Certification, data: dict[str, Any]
) -> Certification:
    before = audit.snapshot(cert)
    assign_fields(cert, CERTIFICATION_FIELDS, data)
    cert.full_clean()
    cert.save()
    audit.record(actor, AuditLog.Action.UPDATE, cert, before, audit.snapshot(cert))
    return cert


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
