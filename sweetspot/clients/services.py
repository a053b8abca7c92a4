"""The only place that writes the client book. Every function records an audit row."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sweetspot.core import audit, permissions
from sweetspot.core import services as user_services
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
CONTACT_FIELDS = [
    "name",
    "email",
    "phone",
    "role",
    "is_primary",
    "billing_contact",
    "portal_access",
    "site",
]
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


DUPLICATE_NAME = "An active company with this name already exists."
NAME_CONSTRAINT = "company_active_name_unique"


def _save_company(company: Company) -> None:
    """Save a company; its name must be unique (ignoring case) among active companies.

    The partial unique index ``company_active_name_unique`` is the guarantee (two imports or
    two people at once cannot both create "Harbor Dental"); the check before it and the
    IntegrityError after it both become a field error on ``name``, never a 500.
    """
    if company.archived_at is None:
        clash = Company.objects.filter(archived_at__isnull=True, name__iexact=company.name)
        if clash.exclude(pk=company.pk).exists():
            raise ValidationError({"name": DUPLICATE_NAME})
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction stays usable
            company.save()
    except IntegrityError as exc:
        if NAME_CONSTRAINT not in str(exc):
            raise
        raise ValidationError({"name": DUPLICATE_NAME}) from exc


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
    company.full_clean(validate_constraints=False)  # the name: _save_company
    _save_company(company)
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
    company.full_clean(validate_constraints=False)  # the name: _save_company
    _save_company(company)
    audit.record(actor, AuditLog.Action.UPDATE, company, before, audit.snapshot(company))
    return company


@transaction.atomic
def archive_company(actor: User | None, company: Company) -> Company:
    audit.set_archived(actor, company, archived=True)
    return company


@transaction.atomic
def restore_company(actor: User | None, company: Company) -> Company:
    clash = Company.objects.filter(archived_at__isnull=True, name__iexact=company.name)
    if company.archived_at is not None and clash.exclude(pk=company.pk).exists():
        raise ValidationError({"name": f"{DUPLICATE_NAME} Rename one of them first."})
    try:
        with transaction.atomic():
            audit.set_archived(actor, company, archived=False)
    except IntegrityError as exc:
        raise ValidationError({"name": f"{DUPLICATE_NAME} Rename one of them first."}) from exc
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


def _portal_change(
    actor: User | None, contact: Contact, wanted: bool, base_url: str | None
) -> None:
    """Ticking "portal access" creates (or reactivates) the contact's client login and sends
    the invitation; unticking deactivates the login. Only the owner gives or takes it."""
    has_login = User.objects.filter(contact=contact, is_active=True).exists()
    if wanted == has_login:
        return
    if actor is not None and not permissions.can_administer_users(actor):
        raise ValidationError({"portal_access": "Only the owner gives or removes portal access."})
    if wanted:
        user_services.create_client_login(actor, contact=contact, base_url=base_url)
    else:
        _deactivate_login(actor, contact)


def _deactivate_login(actor: User | None, contact: Contact) -> None:
    login = User.objects.filter(contact=contact, is_active=True).first()
    if login is None:
        return
    before = audit.snapshot(login, user_services.AUDITED)
    login.is_active = False
    login.save(update_fields=["is_active"])
    after = audit.snapshot(login, user_services.AUDITED)
    audit.record(actor, AuditLog.Action.UPDATE, login, before, after)


def _sync_login_email(actor: User | None, contact: Contact) -> None:
    login = User.objects.filter(contact=contact).first()
    if login is None or not contact.email or login.email.lower() == contact.email.lower():
        return
    if User.objects.filter(email__iexact=contact.email).exclude(pk=login.pk).exists():
        raise ValidationError({"email": "Another login already uses this e-mail address."})
    before = audit.snapshot(login, user_services.AUDITED)
    login.email = contact.email
    login.save(update_fields=["email"])
    audit.record(
        actor, AuditLog.Action.UPDATE, login, before, audit.snapshot(login, user_services.AUDITED)
    )


@transaction.atomic
def create_contact(
    actor: User | None, company: Company, data: dict[str, Any], base_url: str | None = None
) -> Contact:
    contact = Contact(company=company)
    assign_fields(contact, CONTACT_FIELDS, data)
    _check_site(contact)
    contact.full_clean()
    contact.save()
    audit.record(actor, AuditLog.Action.CREATE, contact, {}, audit.snapshot(contact))
    _demote_other_primaries(actor, contact)
    if contact.portal_access:
        _portal_change(actor, contact, True, base_url)
    return contact


@transaction.atomic
def update_contact(
    actor: User | None, contact: Contact, data: dict[str, Any], base_url: str | None = None
) -> Contact:
    before = audit.snapshot(contact)
    assign_fields(contact, CONTACT_FIELDS, data)
    _check_site(contact)
    contact.full_clean()
    contact.save()
    audit.record(actor, AuditLog.Action.UPDATE, contact, before, audit.snapshot(contact))
    _demote_other_primaries(actor, contact)
    _sync_login_email(actor, contact)
    if "portal_access" in data:
        _portal_change(actor, contact, bool(contact.portal_access), base_url)
    return contact


@transaction.atomic
def invite_to_portal(actor: User, contact: Contact, base_url: str | None = None) -> User:
    """The contact page's "Invite to the portal": a client login linked to the contact (made,
    or reactivated) and the invitation with its one-time link; sent again when asked again."""
    if not permissions.can_administer_users(actor):
        raise ValidationError("Only the owner gives portal access.")
    if contact.archived_at is not None:
        raise ValidationError("The contact is archived.")
    before = audit.snapshot(contact)
    if not contact.portal_access:
        contact.portal_access = True
        contact.save(update_fields=["portal_access"])
        audit.record(actor, AuditLog.Action.UPDATE, contact, before, audit.snapshot(contact))
    return user_services.create_client_login(actor, contact=contact, base_url=base_url)


@transaction.atomic
def archive_contact(actor: User | None, contact: Contact) -> Contact:
    """Archived (never deleted); a contact who left loses their portal login with it."""
    audit.set_archived(actor, contact, archived=True)
    _deactivate_login(actor, contact)
    if contact.portal_access:
        before = audit.snapshot(contact)
        contact.portal_access = False
        contact.save(update_fields=["portal_access"])
        audit.record(actor, AuditLog.Action.UPDATE, contact, before, audit.snapshot(contact))
    return contact
