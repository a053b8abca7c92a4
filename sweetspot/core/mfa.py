"""Second factor (TOTP, with one-time recovery codes) for the firm's staff, on django-otp.

Who needs it: the owner always; every staff member when the owner turns on
``Firm.require_mfa_for_staff``; anyone who enrolled a device. Client contacts never.

A password login puts ``PENDING_KEY`` in the session ("verify" when the user has a device,
"enrol" when they must get one); ``core.middleware.MfaMiddleware`` keeps such a session on
the MFA pages (and answers 401 on the API) until ``verify`` or ``confirm_enrolment``
succeeds. Creating an API token asks for a fresh code (``core.views.profile``), so a token
is never a way around the second factor. Every change and use is an audit event.
"""

from __future__ import annotations

import time
from typing import Any

import segno
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit
from .models import STAFF_ROLES, AuditLog, Firm, Role, User

PENDING_KEY = "mfa_pending"
VERIFIED_KEY = "mfa_verified_at"
RECOVERY_CODES = 10
# A code entered this recently counts as "fresh" for sensitive steps.
FRESH_SECONDS = 300


def has_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def required_for(user: User) -> bool:
    """Must this user sign in with a second factor?"""
    if not user.is_active or user.role not in STAFF_ROLES:
        return False
    if user.role == Role.OWNER or has_device(user):
        return True
    return bool(Firm.current().require_mfa_for_staff)


def start_session(request: Any, user: User) -> None:
    """Called on every login: mark the session as owing its second factor if it must."""
    request.session.pop(VERIFIED_KEY, None)
    if required_for(user):
        request.session[PENDING_KEY] = "verify" if has_device(user) else "enrol"
    else:
        request.session.pop(PENDING_KEY, None)


def mark_verified(request: Any) -> None:
    request.session.pop(PENDING_KEY, None)
    request.session[VERIFIED_KEY] = int(time.time())


def verified_recently(request: Any) -> bool:
    at = request.session.get(VERIFIED_KEY)
    return bool(at) and time.time() - int(at) <= FRESH_SECONDS


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled (created on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def qr_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth:// URL as an inline SVG QR code (no external service)."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)
    return mark_safe(svg)  # noqa: S308 (segno's own markup; the URL is our own secret)


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret, in groups of four, for typing into an app by hand."""
    from base64 import b32encode  # noqa: PLC0415 (only needed on the enrolment page)

    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


@transaction.atomic
def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Confirm the pending device with a code from the app; returns fresh recovery codes, or
    None when the code is wrong."""
    device = pending_device(user)
    if not device.verify_token(_clean(code)):
        audit.record_event(AuditLog.Action.MFA_FAILED, user, {"step": "enrol"})
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    audit.record_event(AuditLog.Action.MFA_ENROLLED, user, {"recovery_codes": len(codes)})
    return codes


def verify(user: User, code: str) -> bool:
    """A TOTP code from a confirmed device, or an unused recovery code (then spent)."""
    code = _clean(code)
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(code):
            audit.record_event(AuditLog.Action.MFA_USED, user, {"kind": "totp"})
            return True
    for static in StaticDevice.objects.filter(user=user, confirmed=True):
        if static.verify_token(code):
            left = static.token_set.count()
            audit.record_event(
                AuditLog.Action.MFA_USED, user, {"kind": "recovery code", "left": left}
            )
            return True
    audit.record_event(AuditLog.Action.MFA_FAILED, user, {"step": "verify"})
    return False


@transaction.atomic
def regenerate_recovery_codes(user: User) -> list[str]:
    codes = _new_recovery_codes(user)
    audit.record_event(AuditLog.Action.MFA_ENROLLED, user, {"recovery_codes": len(codes)})
    return codes


@transaction.atomic
def disable(user: User) -> None:
    """Remove every device (the caller has re-authenticated with password and code)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record_event(AuditLog.Action.MFA_REMOVED, user)


@transaction.atomic
def set_staff_policy(actor: User, required: bool) -> Firm:
    firm = Firm.current()
    before = audit.snapshot(firm, ["require_mfa_for_staff"])
    firm.require_mfa_for_staff = required
    firm.save(update_fields=["require_mfa_for_staff", "updated_at"])
    audit.record(
        actor, AuditLog.Action.UPDATE, firm, before, audit.snapshot(firm, ["require_mfa_for_staff"])
    )
    return firm


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _clean(code: str) -> str:
    return "".join(str(code or "").split()).lower()
