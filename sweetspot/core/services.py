"""User administration: the only code that writes logins. Each function records an audit row.

A login is never deleted (its history stays attributed): it is deactivated. New logins get
no password; the person sets one from a one-time link sent by e-mail (Django's password reset
token: it stops working once the password is set or after ``PASSWORD_RESET_TIMEOUT``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import audit
from .models import STAFF_ROLES, AuditLog, Firm, Role, User
from .writes import assign_fields

AUDITED = ["username", "first_name", "last_name", "email", "role", "is_active", "company",
           "contact", "may_run_billing"]  # fmt: skip
STAFF_FIELDS = ["username", "first_name", "last_name", "email", "role", "may_run_billing"]


def set_password_link(user: User, base_url: str | None = None) -> str:
    """The one-time link that lets ``user`` choose a password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{(base_url or settings.SITE_URL).rstrip('/')}{path}"


def link_lifetime_days() -> int:
    return max(1, round(settings.PASSWORD_RESET_TIMEOUT / 86400))


def send_set_password_mail(user: User, base_url: str | None = None, *, invite: bool) -> None:
    """An invitation (new login) or a password reset link, to the user's address."""
    firm = Firm.current()
    context = {
        "user": user,
        "firm": firm,
        "link": set_password_link(user, base_url),
        "days": link_lifetime_days(),
        "invite": invite,
    }
    subject = (
        f"You are invited to {firm.name} on Sweetspot"
        if invite
        else f"Reset your Sweetspot password ({firm.name})"
    )
    body = render_to_string("core/mail/set_password.txt", context)
    send_mail(subject, body, None, [user.email])


def _check_email_free(email: str, exclude_pk: int | None = None) -> None:
    qs = User.objects.filter(email__iexact=email)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if email and qs.exists():
        raise ValidationError({"email": "Another login already uses this e-mail address."})


def _check_username_free(username: str, exclude_pk: int | None = None) -> None:
    qs = User.objects.filter(username__iexact=username)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise ValidationError({"username": "This username is taken."})


def free_username(wanted: str) -> str:
    """``wanted`` (lower-cased), or with a number appended when it is taken."""
    base = "".join(ch for ch in wanted.lower() if ch.isalnum() or ch in "@.+-_")[:140] or "user"
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def invite_staff(actor: User, data: dict[str, Any], base_url: str | None = None) -> User:
    """A new staff login without a password, and the invitation mail with the one-time link."""
    if data.get("role") not in STAFF_ROLES:
        raise ValidationError({"role": "Choose a staff role."})
    if not data.get("email"):
        raise ValidationError({"email": "The invitation is sent to this address."})
    user = User()
    assign_fields(user, STAFF_FIELDS, data)
    if user.role != Role.DISPATCHER:
        user.may_run_billing = False
    _check_username_free(user.username)
    _check_email_free(user.email)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(actor, AuditLog.Action.CREATE, user, {}, audit.snapshot(user, AUDITED))
    send_set_password_mail(user, base_url, invite=True)
    return user


@transaction.atomic
def create_client_login(
    actor: User | None, *, contact: Any, base_url: str | None = None, invite: bool = True
) -> User:
    """A portal login for a client contact (``clients.services`` calls this), or the contact's
    existing login reactivated; sends the invitation when ``invite``. ``contact`` is a
    ``clients.Contact`` (core sits below clients, so it is not imported here)."""
    if not contact.email:
        raise ValidationError({"email": "A portal login needs the contact's e-mail address."})
    user = User.objects.filter(contact=contact).first()
    if user is None:
        _check_email_free(contact.email)
        first, _, last = contact.name.partition(" ")
        user = User(
            username=free_username(contact.email.split("@")[0]),
            first_name=first[:150],
            last_name=last[:150],
            email=contact.email,
            role=Role.CLIENT,
            company_id=contact.company_id,
            contact=contact,
        )
        user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save()
        audit.record(actor, AuditLog.Action.CREATE, user, {}, audit.snapshot(user, AUDITED))
    else:
        before = audit.snapshot(user, AUDITED)
        _check_email_free(contact.email, exclude_pk=user.pk)
        user.is_active = True
        user.email = contact.email
        user.save(update_fields=["is_active", "email"])
        audit.record(actor, AuditLog.Action.UPDATE, user, before, audit.snapshot(user, AUDITED))
    if invite:
        send_set_password_mail(user, base_url, invite=not user.has_usable_password())
    return user


@transaction.atomic
def update_user(actor: User, user: User, data: dict[str, Any]) -> User:
    """Names, e-mail, role (staff roles among themselves) and the dispatcher's billing right."""
    before = audit.snapshot(user, AUDITED)
    fields = ["first_name", "last_name", "email"]
    if user.role != Role.CLIENT:
        fields += ["role", "may_run_billing"]
        if data.get("role", user.role) not in STAFF_ROLES:
            raise ValidationError({"role": "Staff logins keep a staff role."})
        if user.pk == actor.pk and data.get("role", user.role) != user.role:
            raise ValidationError({"role": "You cannot change your own role."})
    assign_fields(user, fields, data)
    if user.role != Role.DISPATCHER:
        user.may_run_billing = False
    _check_email_free(user.email, exclude_pk=user.pk)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(actor, AuditLog.Action.UPDATE, user, before, audit.snapshot(user, AUDITED))
    return user


@transaction.atomic
def set_active(actor: User, user: User, active: bool) -> User:
    """Deactivate (never delete) or reactivate a login. A deactivated login cannot log in,
    its tokens stop working, and everything it did stays attributed to it."""
    if user.pk == actor.pk and not active:
        raise ValidationError("You cannot deactivate your own login.")
    if user.is_active == active:
        return user
    before = audit.snapshot(user, AUDITED)
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(actor, AuditLog.Action.UPDATE, user, before, audit.snapshot(user, AUDITED))
    return user


def locked_usernames(usernames: list[str]) -> set[str]:
    """Which of these usernames django-axes holds locked out now (one query)."""
    from axes.models import AccessAttempt  # noqa: PLC0415 (axes app registry)

    since = timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    return set(
        AccessAttempt.objects.filter(
            username__in=usernames,
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=since,
        ).values_list("username", flat=True)
    )


@transaction.atomic
def unlock(actor: User, user: User) -> int:
    """Clear django-axes' failed attempts for this login; returns how many were cleared."""
    from axes.utils import reset  # noqa: PLC0415 (axes app registry)

    cleared = int(reset(username=user.username) or 0)
    audit.record(actor, AuditLog.Action.UPDATE, user, {"locked_out": True}, {"locked_out": False})
    return cleared


def send_password_reset(actor: User, user: User, base_url: str | None = None) -> None:
    """The owner sends a person a link to choose a new password (the old one keeps working
    until they do). Audited without the link."""
    if not user.email:
        raise ValidationError("This login has no e-mail address to send the link to.")
    if not user.is_active:
        raise ValidationError("Reactivate the login first.")
    send_set_password_mail(user, base_url, invite=not user.has_usable_password())
    AuditLog.objects.create(
        actor=actor,
        actor_label=actor.label,
        action=AuditLog.Action.UPDATE,
        object_type=user._meta.label,
        object_id=str(user.pk),
        object_repr=str(user)[:300],
        changes={"password_reset_sent_to": [None, user.email]},
    )


# ---------------------------------------------------------------------------------------------
# The firm's settings row


FIRM_FIELDS = [
    "name",
    "address",
    "phone",
    "email",
    "time_zone",
    "business_opens",
    "business_closes",
    "business_weekdays",
    "holidays",
    "target_utilization",
    "hours_per_half_day",
    "min_on_call",
    "response_threshold_minutes",
    "dispatch_surplus_weight",
    "dispatch_time_limit_seconds",
    "require_certification_for_upper",
    "cert_payback_horizon_months",
    "first_cert_credibility_value",
    "training_spend_warning_share",
    "rounding_increment_minutes",
    "rounding_minimum_minutes",
    "payment_terms_days",
    "tax_percent_fee",
    "tax_percent_labor",
    "tax_percent_item",
    "invoice_number_pattern",
    "credit_note_number_pattern",
    "mail_domain",
    "ticket_token_pattern",
    "allow_new_contacts_from_domains",
    "max_attachment_bytes",
    "allowed_attachment_extensions",
]


@transaction.atomic
def update_firm(
    actor: User | None,
    firm: Firm,
    data: dict[str, Any],
    *,
    logo: Any = None,
    remove_logo: bool = False,
) -> Firm:
    """The firm settings page: every field the engines read from the firm row, audited
    (before → after). ``logo`` is an uploaded image (stored under MEDIA_ROOT/firm/)."""
    before = firm_snapshot(firm)
    assign_fields(firm, FIRM_FIELDS, data)
    old_logo = firm.logo.name if firm.logo else ""
    if remove_logo and firm.logo:
        firm.logo = ""  # type: ignore[assignment]
    if logo is not None:
        firm.logo.save(logo.name, logo, save=False)
    firm.full_clean()
    firm.save()
    if old_logo and old_logo != (firm.logo.name if firm.logo else ""):
        firm.logo.storage.delete(old_logo)
    audit.record(actor, AuditLog.Action.UPDATE, firm, before, firm_snapshot(firm))
    cache.delete(BRAND_CACHE_KEY)
    return firm


BRAND_CACHE_KEY = "sweetspot:firm-brand"


def firm_snapshot(firm: Firm) -> dict[str, Any]:
    out = audit.snapshot(firm)
    out["logo"] = firm.logo.name if firm.logo else ""
    return out


def firm_brand() -> dict[str, Any]:
    """The firm's name and whether it has a logo, for every page's header: cached for a
    minute (cleared when the settings are saved) so pages do not pay a query for it."""
    brand = cache.get(BRAND_CACHE_KEY)
    if brand is None:
        firm = Firm.current()
        brand = {"name": firm.name, "logo": bool(firm.logo), "v": firm.updated_at.timestamp()}
        cache.set(BRAND_CACHE_KEY, brand, 60)
    return dict(brand)
