"""The only place that writes the client book. Every function records an audit row."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from sweetspot.core import audit
from sweetspot.core.models import AuditLog, Firm, User
from sweetspot.core.writes import assign_fields

from .models import Company, Contact, EnvironmentProfile, Site

COMPANY_FIELDS = [
    "name",
    "status",
    "segment",
    "segment_pinned",
    "industry",
    "pcs",
    "servers",
    "site_count",
    "network",
    "annual_revenue",
    "downtime_cost_per_hour",
    "monthly_it_budget",
    "current_support",
    "notes",
]
SITE_FIELDS = ["name", "street", "city", "region", "postal_code", "pcs"]
CONTACT_FIELDS = ["name", "email", "phone", "role", "is_primary", "portal_access", "site"]
ENVIRONMENT_FIELDS = [
    "server",
    "firewall",
    "backup",
    "offsite_backup",
    "security",
    "antivirus",
    "ups",
    "lan_wan",
    "applications",
    "other_applications",
]


def _apply_segment(company: Company, firm: Firm | None) -> None:
    """Unless pinned, the segment follows the PC count (firm bounds).

    Called when a company is created without a segment and whenever its PC count changes;
    a later assessment may set the segment explicitly (growth.services.assess_company).
    """
    if not company.segment_pinned:
        company.segment = (firm or Firm.current()).segment_for(company.pcs)


@transaction.atomic
def create_company(
    actor: User | None,
    data: dict[str, Any],
    environment: dict[str, Any] | None = None,
    firm: Firm | None = None,
) -> Company:
    company = Company()
    assign_fields(company, COMPANY_FIELDS, data)
    if not company.segment or not company.segment_pinned:
        _apply_segment(company, firm)
    company.full_clean()
    company.save()
    audit.record(actor, AuditLog.Action.CREATE, company, {}, audit.snapshot(company))
    env = EnvironmentProfile(company=company)
    assign_fields(env, ENVIRONMENT_FIELDS, environment or {})
    env.full_clean()
    env.save()
    if environment:
        audit.record(actor, AuditLog.Action.CREATE, env, {}, audit.snapshot(env))
    return company


@transaction.atomic
def update_company(actor: User | None, company: Company, data: dict[str, Any]) -> Company:
    before = audit.snapshot(company)
    assign_fields(company, COMPANY_FIELDS, data)
    if company.pcs != before["pcs"] or not company.segment:
        _apply_segment(company, None)
    company.full_clean()
    company.save()
    audit.record(actor, AuditLog.Action.UPDATE, company, before, audit.snapshot(company))
    return company


@transaction.atomic
def archive_company(actor: User | None, company: Company) -> Company:
    audit.set_archived(actor, company, archived=True)
    return company


@transaction.atomic
def restore_company(actor: User | None, company: Company) -> Company:
    audit.set_archived(actor, company, archived=False)
    return company


@transaction.atomic
def update_environment(
    actor: User | None, company: Company, data: dict[str, Any]
) -> EnvironmentProfile:
    env, created = EnvironmentProfile.objects.get_or_create(company=company)
    before = {} if created else audit.snapshot(env)
    assign_fields(env, ENVIRONMENT_FIELDS, data)
    env.full_clean()
    env.save()
    audit.record(
        actor,
        AuditLog.Action.CREATE if created else AuditLog.Action.UPDATE,
        env,
        before,
        audit.snapshot(env),
    )
    return env


@transaction.atomic
def create_site(actor: User | None, company: Company, data: dict[str, Any]) -> Site:
    site = Site(company=company)
    assign_fields(site, SITE_FIELDS, data)
    site.full_clean()
    site.save()
    audit.record(actor, AuditLog.Action.CREATE, site, {}, audit.snapshot(site))
    return site


@transaction.atomic
def update_site(actor: User | None, site: Site, data: dict[str, Any]) -> Site:
    before = audit.snapshot(site)
    assign_fields(site, SITE_FIELDS, data)
    site.full_clean()
    site.save()
    audit.record(actor, AuditLog.Action.UPDATE, site, before, audit.snapshot(site))
    return site


@transaction.atomic
def archive_site(actor: User | None, site: Site) -> Site:
    audit.set_archived(actor, site, archived=True)
    return site


def _demote_other_primaries(actor: User | None, contact: Contact) -> None:
    if not contact.is_primary:
        return
    others = Contact.objects.filter(company_id=contact.company_id, is_primary=True).exclude(
        pk=contact.pk
    )
    for other in others:
        before = audit.snapshot(other)
        other.is_primary = False
        other.save(update_fields=["is_primary"])
        audit.record(actor, AuditLog.Action.UPDATE, other, before, audit.snapshot(other))


def _check_site(contact: Contact) -> None:

    if contact.site is not None and contact.site.company_id != contact.company_id:
        raise ValidationError({"site": "That site belongs to another company."})


@transaction.atomic
def create_contact(actor: User | None, company: Company, data: dict[str, Any]) -> Contact:
    contact = Contact(company=company)
    assign_fields(contact, CONTACT_FIELDS, data)
    _check_site(contact)
    contact.full_clean()
    contact.save()
    audit.record(actor, AuditLog.Action.CREATE, contact, {}, audit.snapshot(contact))
    _demote_other_primaries(actor, contact)
    return contact


@transaction.atomic
def update_contact(actor: User | None, contact: Contact, data: dict[str, Any]) -> Contact:
    before = audit.snapshot(contact)
    assign_fields(contact, CONTACT_FIELDS, data)
    _check_site(contact)
    contact.full_clean()
    contact.save()
    audit.record(actor, AuditLog.Action.UPDATE, contact, before, audit.snapshot(contact))
    _demote_other_primaries(actor, contact)
    return contact


@transaction.atomic
def archive_contact(actor: User | None, contact: Contact) -> Contact:
    audit.set_archived(actor, contact, archived=True)
    return contact
