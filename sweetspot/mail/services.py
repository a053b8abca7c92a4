"""Writes from the quarantine page and the periodic job (the intake itself is intake.py).

Every function takes the acting user first and records an audit row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sweetspot.clients import services as client_services
from sweetspot.clients.models import Company, Contact
from sweetspot.core import audit
from sweetspot.core.models import AuditLog, Firm, User

from .intake import AUDITED, _note, _open_ticket, _record_message_id, ingest, sender_name
from .models import RAW_RETENTION_DAYS, InboundMessage, InboundStatus, MailAttachment
from .triage import AttachmentDecision, Decision


def _held(message: InboundMessage, *statuses: str) -> None:
    if message.status not in statuses:
        raise ValidationError(
            f"This message is {message.get_status_display().lower()}, not held any more."
        )


def _decision(message: InboundMessage) -> Decision:
    """The stored decision, enough to open the ticket it was held from."""
    data = message.decision or {}
    return Decision(
        action="new_ticket",
        reason="known_contact",
        title=str(data.get("title") or ""),
        body=message.body,
        priority_hint="P2" if data.get("priority_hint") == "P2" else None,
        attachments=tuple(
            AttachmentDecision(
                str(a.get("filename", "")), int(a.get("size", 0)), bool(a["accepted"])
            )
            for a in data.get("attachments", [])
            if isinstance(a, dict) and "accepted" in a
        ),
        notes=tuple(str(n) for n in data.get("notes", [])),
    )


@transaction.atomic
def file_as_ticket(
    actor: User, message: InboundMessage, company: Company, add_contact: bool = False
) -> InboundMessage:
    """Open a ticket for the chosen company from a held message; with ``add_contact`` the
    sender becomes a contact of that company first (unless they already are one)."""
    _held(message, InboundStatus.QUARANTINED)
    before = audit.snapshot(message, AUDITED)
    contact = (
        Contact.objects.filter(company=company, email__iexact=message.sender, archived_at=None)
        .order_by("pk")
        .first()
        if message.sender
        else None
    )
    if add_contact and contact is None:
        if not message.sender:
            raise ValidationError("The message has no sender address to add as a contact.")
        name = sender_name(bytes(message.raw or b"")) or message.sender.split("@")[0]
        contact = client_services.create_contact(
            actor, company, {"name": name, "email": message.sender}
        )
    decision = _decision(message)
    ticket = _open_ticket(message, decision, company, contact, timezone.now(), Firm.current())
    MailAttachment.objects.filter(message=message).update(ticket=ticket)
    _note(
        ticket,
        [f"Filed from the mail quarantine by {actor.label} (held: {message.reason}).", ""]
        + list(decision.notes),
    )
    _record_message_id(ticket, message.message_id)
    message.status = InboundStatus.PROCESSED
    message.action = "new_ticket"
    message.ticket, message.company, message.contact = ticket, company, contact
    message.handled_by, message.handled_at = actor, timezone.now()
    message.save()
    audit.record(actor, AuditLog.Action.UPDATE, message, before, audit.snapshot(message, AUDITED))
    return message


@transaction.atomic
def discard(actor: User, message: InboundMessage) -> InboundMessage:
    _held(message, InboundStatus.QUARANTINED, InboundStatus.FAILED)
    before = audit.snapshot(message, AUDITED)
    message.status = InboundStatus.DISCARDED
    message.handled_by, message.handled_at = actor, timezone.now()
    message.save()
    audit.record(actor, AuditLog.Action.UPDATE, message, before, audit.snapshot(message, AUDITED))
    return message


def retry(actor: User, message: InboundMessage) -> Any:
    """Run a failed message through the intake again from its kept bytes."""
    _held(message, InboundStatus.FAILED)
    if not message.raw or message.raw_truncated:
        raise ValidationError("The full message was not kept; it cannot be processed again.")
    result = ingest(bytes(message.raw), message.source)
    audit.record(
        actor,
        AuditLog.Action.UPDATE,
        result,
        {"status": InboundStatus.FAILED},
        {"status": result.status},
    )
    return result


def purge_raw(now: dt.datetime | None = None, days: int = RAW_RETENTION_DAYS) -> int:
    """Drop the raw bytes of messages received more than ``days`` ago (the rows stay: they
    are the dedupe keys and the history). Returns how many were purged; one summary audit
    row when any were."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    count = InboundMessage.objects.filter(received_at__lt=cutoff, raw__isnull=False).update(
        raw=None
    )
    if count:
        AuditLog.objects.create(
            actor=None,
            actor_label="system",
            action=AuditLog.Action.UPDATE,
            object_type="mail.InboundMessage",
            object_id="*",
            object_repr=f"raw mail older than {days} days purged",
            changes={"purged": [0, count]},
        )
    return count
