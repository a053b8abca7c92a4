"""Writes for the business development log. Every function records an audit row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sweetspot.core import audit
from sweetspot.core.models import STAFF_ROLES, AuditLog, User
from sweetspot.core.writes import assign_fields

from .models import Activity

CREATE_FIELDS = ["kind", "subject", "owner", "company", "contact", "due_date", "notes"]
UPDATE_FIELDS = CREATE_FIELDS + ["done_date", "outcome"]


def _check(activity: Activity) -> None:
    """Cross-field rules the model cannot express on its own."""
    errors: dict[str, str] = {}
    contact = activity.contact if activity.contact_id else None
    if contact is not None:
        if not activity.company_id:
            # A contact implies the company; fill it in rather than refuse.
            activity.company = contact.company
        elif contact.company_id != activity.company_id:
            errors["contact"] = "That contact works at another company."
    owner = activity.owner if activity.owner_id else None
    if owner is not None and (owner.role not in STAFF_ROLES or not owner.is_active):
        errors["owner"] = "The owner must be an active member of the firm."
    if activity.done_date is not None and activity.done_date > timezone.localdate():
        errors["done_date"] = "The done date cannot be in the future."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def log_activity(actor: User | None, data: Mapping[str, Any]) -> Activity:
    """Log a networking event, referral, follow-up, call, meeting or proposal.

    The owner defaults to the actor.
    """
    activity = Activity()
    assign_fields(activity, CREATE_FIELDS, data)
    if not activity.owner_id and actor is not None and actor.pk:
        activity.owner = actor
    _check(activity)
    activity.full_clean()
    activity.save()
    audit.record(actor, AuditLog.Action.CREATE, activity, {}, audit.snapshot(activity))
    return activity


@transaction.atomic
def update_activity(actor: User | None, activity: Activity, data: Mapping[str, Any]) -> Activity:
    before = audit.snapshot(activity)
    assign_fields(activity, UPDATE_FIELDS, data)
    _check(activity)
    activity.full_clean()
    activity.save()
    audit.record(actor, AuditLog.Action.UPDATE, activity, before, audit.snapshot(activity))
    return activity


@transaction.atomic
def complete_activity(
    actor: User | None,
    activity: Activity,
    outcome: str,
    done_date: dt.date | None = None,
) -> Activity:
    """Mark done (today unless given) with what came of it."""
    before = audit.snapshot(activity)
    activity.done_date = done_date or timezone.localdate()
    activity.outcome = (outcome or "").strip()
    _check(activity)
    activity.full_clean()
    activity.save()
    audit.record(actor, AuditLog.Action.UPDATE, activity, before, audit.snapshot(activity))
    return activity
