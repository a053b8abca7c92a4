"""Audit trail helpers used by every services.py function."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from . import bulk, request_context
from .models import AuditLog, User

_PLAIN_TYPES = {str, int, bool, float}


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


@functools.cache
def _unaudited(model: type[models.Model]) -> frozenset[str]:
    """The columns ``snapshot`` leaves out."""
    return frozenset(
        f.attname
        for f in model._meta.concrete_fields
        if f.name in {"id", "created_at", "updated_at"}
    )


def created(model: type[models.Model], values: dict[str, Any]) -> dict[str, list[Any]]:
    """``diff({}, snapshot(obj))`` of a new row held as a dict of attname → value with every
    column (``bulk.row``: keys sorted, as ``diff`` sorts them): what ``record`` stores for a
    CREATE."""
    skip = _unaudited(model)
    out = {name: [None, v] for name, v in values.items() if v is not None and name not in skip}
    for pair in out.values():
        if type(pair[1]) not in _PLAIN_TYPES:
            pair[1] = _plain(pair[1])
    return out


def record_many(
    actor: User | None,
    entries: list[tuple[str, models.Model | type[models.Model], Any, str, dict[str, Any]]],
) -> int:
    """The audit rows of a bulk write in a few INSERTs (core.bulk), as ``record`` would write
    them one by one. ``entries``: (action, model, object id, repr, changes); an update that
    changed nothing is skipped. Returns how many rows were written."""
    who = actor if actor is not None and actor.pk else None
    common = {
        "actor_id": who.pk if who is not None else None,
        "actor_label": who.label if who is not None else "system",
        **_request_fields(),
    }
    base = bulk.row(AuditLog, common)
    rows = [
        {
            **base,
            "action": action,
            "object_type": model._meta.label,
            "object_id": str(object_id),
            "object_repr": str(text)[:300],
            "changes": changes,
        }
        for action, model, object_id, text, changes in entries
        if changes or action != AuditLog.Action.UPDATE
    ]
    bulk.insert(AuditLog, rows, returning=False)
    return len(rows)


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
