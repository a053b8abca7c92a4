"""Personal API tokens: the secret is shown once; only its SHA-256 is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.utils import timezone

from . import audit
from .models import ApiToken, AuditLog, User

TOKEN_PREFIX = "ss_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(user: User, name: str, days: int = 90) -> tuple[ApiToken, str]:
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[:10],
        key_hash=hash_key(key),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit.record_event(
        AuditLog.Action.TOKEN_CREATED, user, {"name": name, "prefix": token.prefix, "days": days}
    )
    return token, key


def revoke_token(actor: User, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record_event(
            AuditLog.Action.TOKEN_REVOKED,
            token.user,
            {"name": token.name, "prefix": token.prefix},
            actor=actor,
        )
    return token


def user_for_key(key: str) -> User | None:
    """The active user owning an unexpired, unrevoked token, or None."""
    if not key or not key.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user", "user__company")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
