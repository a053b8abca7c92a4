"""Audit trail helpers used by every services.py function."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from . import request_context
from .models import AuditLog, User


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """The audited field values of obj, JSON-ready (FKs by id)."""
    out: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in {"id", "created_at", "updated_at"}:
            continue
        if fields is not None and field.name not in fields:
            continue
        out[field.attname] = _plain(getattr(obj, field.attname))
    return out


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record(
    actor: User | None,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditLog | None:
    """Write one audit row; an update that changed nothing writes nothing."""
    changes = diff(before or {}, after or {})
    if action == AuditLog.Action.UPDATE and not changes:
        return None
    return AuditLog.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor.label if actor is not None and actor.pk else "system",
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=changes,
        **_request_fields(),
    )


def _request_fields() -> dict[str, Any]:
    """IP address and user agent of the request being served, if any."""
    info = request_context.current()
    if info is None:
        return {}
    return {"ip": info.ip, "user_agent": info.user_agent}


def record_event(
    action: str,
    user: User | None,
    detail: dict[str, Any] | None = None,
    *,
    actor: User | None | str = "self",
    label: str = "",
) -> AuditLog:
    """A security event about ``user`` (login, failed login, second factor, token, password).

    ``actor`` defaults to the user themself (None: nobody signed in, e.g. a failed login);
    ``label`` names the account when no user row matched (an unknown username)."""
    who = user if actor == "self" else actor
    person = who if isinstance(who, User) and who.pk else None
    return AuditLog.objects.create(
        actor=person,
        actor_label=person.label if person is not None else (label or "anonymous"),
        action=action,
        object_type=User._meta.label,
        object_id=str(user.pk) if user is not None and user.pk else "",
        object_repr=(str(user.username) if user is not None else label)[:300],
        changes=detail or {},
        **_request_fields(),
    )


def set_archived(actor: User | None, obj: Any, archived: bool) -> None:
    """Archive (or restore) an object with an ``archived_at`` field and record it.

    Nothing happens, and nothing is recorded, when it already is in that state. The one
    shared path for every archive/restore service: rows with history are never deleted.
    """
    if (obj.archived_at is not None) == archived:
        return
    before = snapshot(obj)
    obj.archived_at = timezone.now() if archived else None
    fields = ["archived_at"]
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        fields.append("updated_at")
    obj.save(update_fields=fields)
    action = AuditLog.Action.ARCHIVE if archived else AuditLog.Action.RESTORE
    record(actor, action, obj, before, snapshot(obj))
