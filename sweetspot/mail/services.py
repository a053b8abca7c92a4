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
from sweetspot.core.writes import assign_fields
from sweetspot.team import services as team_services
from sweetspot.team.models import Technician

from .intake import AUDITED, _note, _open_ticket, _record_message_id, ingest, sender_name
from .models import (
    CLIENT_NOTIFICATIONS,
    RAW_RETENTION_DAYS,
    STAFF_NOTIFICATIONS,
    InboundMessage,
    InboundStatus,
    MailAttachment,
    MailSettings,
    NotificationOptOut,
    RotaMember,
    RotaSwap,
)
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


# ---------------------------------------------------------------------------------------------
# Mail out (#17): preferences, the firm's mail settings, the on-call rota, page acknowledgement.

SETTINGS_FIELDS = [
    "escalation_minutes",
    "digest_hour",
    "acknowledgement_window_minutes",
    "rota_starts_on",
]


@transaction.atomic
def set_notifications(actor: User, user: User, enabled: set[str]) -> list[str]:
    """Keep only ``enabled`` of the user's optional notifications; returns the ones now off."""
    choices = CLIENT_NOTIFICATIONS if user.is_client_contact else STAFF_NOTIFICATIONS
    before = sorted(NotificationOptOut.objects.filter(user=user).values_list("kind", flat=True))
    off = sorted(str(k) for k in choices if k not in enabled)
    NotificationOptOut.objects.filter(user=user).exclude(kind__in=off).delete()
    for kind in off:
        NotificationOptOut.objects.get_or_create(user=user, kind=kind)
    audit.record(
        actor,
        AuditLog.Action.UPDATE,
        user,
        {"notifications_off": before},
        {"notifications_off": off},
    )
    return off


@transaction.atomic
def update_mail_settings(actor: User | None, data: dict[str, Any]) -> MailSettings:
    row = MailSettings.current()
    before = audit.snapshot(row, SETTINGS_FIELDS)
    assign_fields(row, SETTINGS_FIELDS, data)
    if row.rota_starts_on is not None and row.rota_starts_on.weekday() != 0:
        raise ValidationError({"rota_starts_on": "The rotation starts on a Monday."})
    row.full_clean()
    row.save()
    audit.record(actor, AuditLog.Action.UPDATE, row, before, audit.snapshot(row, SETTINGS_FIELDS))
    return row


def reconcile_on_call() -> int:
    """Put the flags back to the rota's members when someone edited a technician's flag by
    hand (the hourly job). A firm without a rota keeps its hand-set flags."""
    if not RotaMember.objects.exists():
        return 0
    members = set(RotaMember.objects.values_list("technician_id", flat=True))
    return team_services.set_on_call(None, members)


def _sync_on_call(actor: User | None) -> None:
    """The rota is the source of the on-call flag the promise check counts."""
    team_services.set_on_call(
        actor, set(RotaMember.objects.values_list("technician_id", flat=True))
    )


@transaction.atomic
def add_rota_member(
    actor: User | None, technician: Technician, sms_address: str = ""
) -> RotaMember:
    if technician.archived_at is not None:
        raise ValidationError({"technician": "This technician is archived."})
    if RotaMember.objects.filter(technician=technician).exists():
        raise ValidationError({"technician": f"{technician.name} is on the rota already."})
    last = RotaMember.objects.order_by("-position").values_list("position", flat=True).first()
    member = RotaMember(
        technician=technician, position=(last or 0) + 1, sms_address=sms_address.strip()
    )
    member.full_clean()
    member.save()
    settings_row = MailSettings.current()
    if settings_row.rota_starts_on is None:
        today = timezone.localdate()
        update_mail_settings(actor, {"rota_starts_on": today - dt.timedelta(days=today.weekday())})
    audit.record(actor, AuditLog.Action.CREATE, member, {}, audit.snapshot(member))
    _sync_on_call(actor)
    return member


@transaction.atomic
def update_rota_member(actor: User, member: RotaMember, data: dict[str, Any]) -> RotaMember:
    before = audit.snapshot(member)
    assign_fields(member, ["sms_address"], data)
    member.full_clean()
    member.save()
    audit.record(actor, AuditLog.Action.UPDATE, member, before, audit.snapshot(member))
    return member


@transaction.atomic
def move_rota_member(actor: User, member: RotaMember, delta: int) -> None:
    """Move a member up (-1) or down (+1) the rotation: positions are renumbered 1..n."""
    order = list(RotaMember.objects.order_by("position", "pk"))
    index = next(i for i, m in enumerate(order) if m.pk == member.pk)
    target = max(0, min(len(order) - 1, index + delta))
    order.insert(target, order.pop(index))
    for position, row in enumerate(order, start=1):
        if row.position != position:
            before = audit.snapshot(row, ["position"])
            row.position = position
            row.save(update_fields=["position"])
            audit.record(actor, AuditLog.Action.UPDATE, row, before, {"position": position})


@transaction.atomic
def remove_rota_member(actor: User, member: RotaMember) -> None:
    audit.record(actor, AuditLog.Action.DELETE, member, audit.snapshot(member), {})
    member.delete()
    _sync_on_call(actor)


@transaction.atomic
def add_swap(
    actor: User, technician: Technician, starts_on: dt.date, days: int, note: str = ""
) -> RotaSwap:
    """Someone covers a day (days=1) or a week (days=7) from ``starts_on``."""
    if technician.archived_at is not None:
        raise ValidationError({"technician": "This technician is archived."})
    if days not in (1, 7):
        raise ValidationError({"days": "A swap covers a day or a week."})
    swap = RotaSwap(
        technician=technician, starts_on=starts_on, days=days, note=note.strip(), created_by=actor
    )
    swap.full_clean()
    swap.save()
    audit.record(actor, AuditLog.Action.CREATE, swap, {}, audit.snapshot(swap))
    return swap


@transaction.atomic
def cancel_swap(actor: User, swap: RotaSwap) -> RotaSwap:
    if swap.cancelled_at is None:
        before = audit.snapshot(swap)
        swap.cancelled_at = timezone.now()
        swap.save(update_fields=["cancelled_at"])
        audit.record(actor, AuditLog.Action.UPDATE, swap, before, audit.snapshot(swap))
    return swap
