"""Sessions, tokens and security events (issue 15).

* A password change or a deactivation ends every session of the user and revokes every API
  token they hold, whichever code path saved the user (the password page, ``manage.py
  changepassword``, a service, the shell): a ``post_save`` receiver does it. A password hash
  upgrade at login is not a change (Django clears ``_password`` for it).
* Logins, failed logins, lockouts and logouts are written to the audit log with the
  request's IP address and user agent (``core.request_context``).

Connected in ``CoreConfig.ready``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from . import audit, mfa
from .models import ApiToken, AuditLog, User


def end_sessions(user: User) -> int:
    """Delete every stored session of ``user``; returns how many.

    Sessions live in the database (Django's default engine); each is decoded to find its
    user, which is cheap for a firm's few dozen live sessions."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def revoke_all_tokens(user: User) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def end_everything(user: User, reason: str) -> None:
    """End the user's sessions and revoke their tokens, and record it."""
    sessions = end_sessions(user)
    tokens = revoke_all_tokens(user)
    audit.record_event(
        AuditLog.Action.SESSIONS_ENDED,
        user,
        {"reason": reason, "sessions": sessions, "tokens_revoked": tokens},
    )


def _remember_state(sender: Any, instance: User, update_fields: Any = None, **_: Any) -> None:
    instance._security_password_changed = getattr(instance, "_password", None) is not None  # type: ignore[attr-defined]
    instance._security_deactivated = False  # type: ignore[attr-defined]
    if instance.pk is None or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    was_active = User.objects.filter(pk=instance.pk, is_active=True).exists()
    instance._security_deactivated = was_active  # type: ignore[attr-defined]


def _after_save(sender: Any, instance: User, created: bool = False, **_: Any) -> None:
    if created:
        return
    if getattr(instance, "_security_deactivated", False):
        end_everything(instance, "deactivated")
    elif getattr(instance, "_security_password_changed", False):
        audit.record_event(AuditLog.Action.PASSWORD, instance)
        end_everything(instance, "password changed")


def _logged_in(sender: Any, request: Any, user: User, **_: Any) -> None:
    audit.record_event(AuditLog.Action.LOGIN, user)
    if request is not None and hasattr(request, "session"):
        mfa.start_session(request, user)


def _logged_out(sender: Any, request: Any, user: User | None, **_: Any) -> None:
    if user is not None and user.pk:
        audit.record_event(AuditLog.Action.LOGOUT, user)


def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **_: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    user = User.objects.filter(username=username).first()
    # Written outside any transaction the login view might roll back.
    with transaction.atomic():
        audit.record_event(
            AuditLog.Action.LOGIN_FAILED, user, actor=None, label=username or "anonymous"
        )


def _locked_out(sender: Any, request: Any, username: str | None = None, **_: Any) -> None:
    user = User.objects.filter(username=username or "").first()
    audit.record_event(AuditLog.Action.LOCKOUT, user, actor=None, label=username or "anonymous")


def connect() -> None:
    from axes.signals import user_locked_out  # noqa: PLC0415 (axes' app registry must be ready)

    pre_save.connect(_remember_state, sender=User, dispatch_uid="security_pre_save")
    post_save.connect(_after_save, sender=User, dispatch_uid="security_post_save")
    user_logged_in.connect(_logged_in, dispatch_uid="security_logged_in")
    user_logged_out.connect(_logged_out, dispatch_uid="security_logged_out")
    user_login_failed.connect(_login_failed, dispatch_uid="security_login_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="security_locked_out")
