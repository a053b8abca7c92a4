"""Small helpers shared by every app's services.py (writes) and views (forms over services)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from . import audit
from .models import AuditLog

M = TypeVar("M", bound=models.Model)

# The code of a refusal caused by the object's state rather than by the input: a clash with
# another booking, a transition from the wrong status, a term already renewed. Services raise
# ValidationError(..., code=CONFLICT); pages show it like any error, the API answers 409
# instead of 422 when every error of the refusal carries it (api.api).
CONFLICT = "conflict"


def is_conflict(exc: ValidationError) -> bool:
    """Every error in ``exc`` is a CONFLICT (field errors included)."""
    if hasattr(exc, "error_dict"):
        errors = [e for errs in exc.error_dict.values() for e in errs]
    else:
        errors = list(exc.error_list)
    return bool(errors) and all(e.code == CONFLICT for e in errors)


def assign_fields(obj: Any, fields: list[str], data: Mapping[str, Any]) -> None:
    """A partial update: copy onto obj the keys of data that are among fields (others are
    ignored, so request data can never set a field the service does not list)."""
    for key in fields:
        if key in data:
            setattr(obj, key, data[key])


def audited_create(
    actor: Any,
    obj: M,
    fields: list[str],
    data: Mapping[str, Any],
    check: Callable[[M], None] | None = None,
) -> M:
    """The simple create of a service: copy the listed fields, run the extra ``check``,
    validate, save and write the audit row (nothing → every field)."""
    assign_fields(obj, fields, data)
    if check is not None:
        check(obj)
    obj.full_clean()
    obj.save()
    audit.record(actor, AuditLog.Action.CREATE, obj, {}, audit.snapshot(obj))
    return obj


def audited_update(
    actor: Any,
    obj: M,
    fields: list[str],
    data: Mapping[str, Any],
    check: Callable[[M], None] | None = None,
) -> M:
    """The simple update of a service: as audited_create, auditing before → after."""
    before = audit.snapshot(obj)
    assign_fields(obj, fields, data)
    if check is not None:
        check(obj)
    obj.full_clean()
    obj.save()
    audit.record(actor, AuditLog.Action.UPDATE, obj, before, audit.snapshot(obj))
    return obj


def save_form(form: Any, save: Callable[[dict[str, Any]], Any]) -> Any:
    """Run a service with a valid form's data in a transaction; a ValidationError from the
    service becomes field errors on the form (non-field when the form has no such field).
    Returns what the service returned, or None when it refused."""
    try:
        with transaction.atomic():
            return save(form.cleaned_data)
    except ValidationError as exc:
        add_errors(form, exc)
        return None


def add_errors(form: Any, exc: ValidationError) -> None:
    """A service's ValidationError as errors on the form: each field's on that field, the
    rest (unknown fields, or no field at all) as non-field errors."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
