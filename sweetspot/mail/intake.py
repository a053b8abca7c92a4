"""Mail in: raw bytes -> InboundMessage, the triage decision applied through desk's services.

``ingest(raw, source)`` dedupes by Message-ID (the SHA-256 of the bytes when there is none),
parses, loads the snapshot the message needs (loaders.snapshot_for), calls the pure triage and
applies the decision in one transaction. Anything that goes wrong rolls the whole message back
and leaves one ``failed`` row with the error; the caller goes on with the next message. A
failed message seen again is tried again; any other one is returned as it was.

Who writes what (decisions the issue left open):

* A new ticket is opened by nobody (``actor=None``, audited as "system"), source e-mail,
  priority P2 when the mail is marked important, else the desk default.
* A client's mail on a ticket becomes a client-visible comment. Its author must be a user:
  the company's active portal user with the sender's address when there is one, else the
  company's *mail author* — an inactive client-role user (no password, cannot log in) named
  "E-mail (<company>)"; the comment then starts with a ``From:`` line naming the sender.
  Client comments never stop the response clock; a reply to a ticket waiting on the client
  resumes it (desk.services.resume).
* Internal notes (a bounce, refused attachments, a truncated body, the link to an older
  ticket) are written by the *mail intake* user: inactive, dispatcher role, so the notes are
  internal and Hana never sees them; they are not a response (add_comment(response=False)).
* A reopen of a closed ticket (history, never edited) opens a new ticket linking it instead:
  action ``new_ticket``, reason ``ticket_closed``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import asdict
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from email.utils import getaddresses
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sweetspot.clients import services as client_services
from sweetspot.clients.models import Company, Contact
from sweetspot.core import audit, limits
from sweetspot.core.models import AuditLog, Firm, Role, User
from sweetspot.desk import services as desk_services
from sweetspot.desk.models import Source, Ticket, TicketComment, TicketStatus

from .loaders import snapshot_for
from .models import (
    RAW_MAX_BYTES,
    InboundMessage,
    InboundStatus,
    MailAttachment,
    MailSource,
    TicketMessageId,
)
from .parse import Attachment, ParsedMessage, parse
from .triage import Decision, triage

log = logging.getLogger(__name__)

INTAKE_USERNAME = "mail-intake"
# Audited fields of a message (never the raw bytes or the body).
AUDITED = ["status", "action", "reason", "ticket", "company", "contact", "handled_by"]
NO_SUBJECT = "(no subject)"
EMPTY_BODY = "(no text)"


# ---------------------------------------------------------------------------------------------
# Keys, raw bytes, names


def message_key(message: ParsedMessage, raw: bytes) -> str:
    mid = message.message_id.strip().strip("<>").strip()
    if mid and len(mid) <= 480:
        return mid
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def kept_raw(raw: bytes) -> tuple[bytes, bool]:
    """The bytes to keep: all of them up to RAW_MAX_BYTES, else the header block only."""
    if len(raw) <= RAW_MAX_BYTES:
        return raw, False
    for sep in (b"\r\n\r\n", b"\n\n"):
        end = raw.find(sep)
        if end != -1:
            return raw[: min(end, RAW_MAX_BYTES)], True
    return raw[:RAW_MAX_BYTES], True


def sender_name(raw: bytes) -> str:
    """The display name of the first From address ("" when there is none)."""
    try:
        headers = BytesHeaderParser(policy=default_policy).parsebytes(raw[:65536])
        pairs = getaddresses([str(v) for v in headers.get_all("From", [])])
    except Exception:  # a broken From header: no name, the address will do
        return ""
    return pairs[0][0].strip()[:200] if pairs else ""


# ---------------------------------------------------------------------------------------------
# Attachments on disk


def attachment_dir() -> Path:
    configured = getattr(settings, "MAIL_ATTACHMENT_DIR", None)
    return Path(configured or Path(settings.VAR_DIR) / "mail-attachments")


def attachment_path(stored_name: str) -> Path:
    return attachment_dir() / stored_name


def _store(content: bytes, written: list[Path]) -> str:
    folder = attachment_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16)
    path = folder / name
    path.write_bytes(content)
    written.append(path)
    return name


def _save_attachments(
    row: InboundMessage,
    message: ParsedMessage,
    decision: Decision,
    ticket: Ticket | None,
    written: list[Path],
) -> None:
    parts: list[Attachment] = list(message.attachments)
    for i, verdict in enumerate(decision.attachments):
        part = parts[i] if i < len(parts) and parts[i].filename == verdict.filename else None
        if part is None:  # triage reordered or renamed: match by name
            part = next((p for p in parts if p.filename == verdict.filename), None)
        stored = ""
        if verdict.accepted and part is not None:
            stored = _store(part.content, written)
        MailAttachment.objects.create(
            message=row,
            ticket=ticket,
            filename=verdict.filename[:255],
            content_type=(part.content_type if part else "")[:100],
            size=verdict.size,
            accepted=bool(stored),
            stored_name=stored,
        )


# ---------------------------------------------------------------------------------------------
# System users


def intake_user() -> User:
    """The author of internal notes: inactive, no password, never logs in."""
    user = User.objects.filter(username=INTAKE_USERNAME).first()
    if user is None:
        user = User(
            username=INTAKE_USERNAME,
            first_name="Mail",
            last_name="intake",
            role=Role.DISPATCHER,
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
    return user


def mail_author(company: Company, sender: str) -> tuple[User, bool]:
    """(author, is_proxy): the company's portal user with this address, else its mail author."""
    if sender:
        user = (
            User.objects.filter(
                role=Role.CLIENT, company=company, is_active=True, email__iexact=sender
            )
            .order_by("pk")
            .first()
        )
        if user is not None:
            return user, False
    username = f"mail-in-{company.pk}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            first_name="E-mail",
            last_name=f"({company.name})"[:150],
            role=Role.CLIENT,
            company=company,
            is_active=False,
        )
        user.set_unusable_password()
        user.save()
    return user, True


def _note(ticket: Ticket, lines: list[str]) -> TicketComment | None:
    """One internal note (not a response) by the intake user; None when there is nothing."""
    text = limits.truncate("\n".join(lines).strip())
    if not text:
        return None
    return desk_services.add_comment(intake_user(), ticket, text, internal=True, response=False)


# ---------------------------------------------------------------------------------------------
# Applying a decision


def _record_message_id(ticket: Ticket, key: str) -> None:
    if key.startswith("sha256:"):
        return
    TicketMessageId.objects.get_or_create(message_id=key, defaults={"ticket": ticket})


def _client_comment(row: InboundMessage, ticket: Ticket, body: str, name: str) -> None:
    author, proxy = mail_author(ticket.company, row.sender)
    text = body.strip() or EMPTY_BODY
    if proxy:
        who = f"{name} <{row.sender}>" if name else row.sender or "unknown sender"
        text = f"From: {who}\n\n{text}"
    # The body is already cut to triage.BODY_LIMIT; a very long sender name must not push the
    # comment over the text limit (the whole message stays in row.raw).
    text = limits.truncate(text)
    row.comment = desk_services.add_comment(author, ticket, text, internal=False)


def _open_ticket(
    row: InboundMessage,
    decision: Decision,
    company: Company,
    contact: Contact | None,
    now: dt.datetime,
    firm: Firm,
) -> Ticket:
    data: dict[str, Any] = {
        "company": company,
        "contact": contact,
        "subject": decision.title or NO_SUBJECT,
        "description": decision.body,
        "source": Source.EMAIL,
    }
    if decision.priority_hint:
        data["priority"] = decision.priority_hint
    return desk_services.open_ticket(None, data, now=now, firm=firm)


def apply_decision(
    row: InboundMessage,
    message: ParsedMessage,
    decision: Decision,
    raw: bytes,
    now: dt.datetime,
    firm: Firm,
    written: list[Path],
    company_override: Company | None = None,
) -> None:
    """Write what the decision says; sets row.status/action/reason/ticket. Inside the
    caller's transaction."""
    action: str = decision.action
    reason: str = decision.reason
    contact = Contact.objects.filter(pk=decision.contact).first() if decision.contact else None
    target = None
    if decision.ticket is not None:
        target = Ticket.objects.select_related("company").filter(pk=decision.ticket).first()
    if decision.ticket is not None and target is None:
        raise ValueError(f"triage named ticket {decision.ticket}, which does not exist")
    row.contact = contact
    notes = list(decision.notes)
    if action == "ignore":
        row.status = InboundStatus.IGNORED
    elif action == "quarantine":
        row.status = InboundStatus.QUARANTINED
        _save_attachments(row, message, decision, None, written)
    elif action == "bounce_note":
        assert target is not None
        row.status, row.ticket, row.company = InboundStatus.PROCESSED, target, target.company
        row.comment = _note(
            target,
            [
                f"Mail to the client could not be delivered ({row.sender or 'mail server'}).",
                f"Subject: {row.subject}",
                "",
                decision.body[:2000],
            ],
        )
    elif action in ("reply", "reopen") and not (
        action == "reopen" and target is not None and target.status == TicketStatus.CLOSED
    ):
        assert target is not None
        row.status, row.ticket, row.company = InboundStatus.PROCESSED, target, target.company
        if action == "reopen":
            desk_services.reopen(None, target, priority=decision.priority_hint, now=now)
        elif target.status == TicketStatus.WAITING:
            desk_services.resume(None, target, now=now)
        _client_comment(row, target, decision.body, sender_name(raw))
        _save_attachments(row, message, decision, target, written)
        _note(target, notes)
        _record_message_id(target, row.message_id)
    else:  # new_ticket, or a reopen of a closed ticket
        linked = target
        if action == "reopen":
            action, reason = "new_ticket", "ticket_closed"
        company = company_override or (
            linked.company if linked is not None else Company.objects.get(pk=str(decision.company))
        )
        if decision.new_contact_email and contact is None:
            name = sender_name(raw) or decision.new_contact_email.split("@")[0]
            contact = client_services.create_contact(
                None, company, {"name": name, "email": decision.new_contact_email}
            )
            row.contact = contact
        ticket = _open_ticket(row, decision, company, contact, now, firm)
        row.status, row.ticket, row.company = InboundStatus.PROCESSED, ticket, company
        if linked is not None:
            when = linked.resolved_at or linked.closed_at
            notes.insert(
                0,
                f"Follow-up to #{linked.pk} {linked.subject} (resolved "
                f"{when.date().isoformat() if when else 'earlier'}); opened as a new ticket.",
            )
        _save_attachments(row, message, decision, ticket, written)
        _note(ticket, notes)
        _record_message_id(ticket, row.message_id)
    row.action, row.reason = action, reason


def decision_json(decision: Decision) -> dict[str, Any]:
    out = decision.to_json()
    out.pop("body", None)  # kept in InboundMessage.body
    out["notes"] = list(decision.notes)
    out["attachments"] = [asdict(a) for a in decision.attachments]
    return out


# ---------------------------------------------------------------------------------------------
# The entry point


def ingest(raw: bytes, source: str = MailSource.PIPE, now: dt.datetime | None = None) -> Any:
    """Process one message; returns its InboundMessage (``.duplicate`` is True when it had
    been processed before and nothing was done)."""
    now = now or timezone.now()
    message = parse(raw)
    key = message_key(message, raw)
    existing = InboundMessage.objects.filter(message_id=key).first()
    if existing is not None and existing.status != InboundStatus.FAILED:
        existing.duplicate = True  # type: ignore[attr-defined]
        return existing
    keep, truncated = kept_raw(raw)
    written: list[Path] = []
    try:
        with transaction.atomic():
            row = existing or InboundMessage(message_id=key)
            row.source = source
            row.received_at = now
            row.sender = message.sender[:320]
            row.subject = message.subject[:500]
            row.raw, row.raw_size, row.raw_truncated = keep, len(raw), truncated
            row.error = ""
            firm = Firm.current()
            decision = triage(message, snapshot_for(message, firm, now))
            row.decision = decision_json(decision)
            row.body = decision.body
            row.status = InboundStatus.FAILED  # replaced by apply_decision
            row.save()
            apply_decision(row, message, decision, raw, now, firm, written)
            row.save()
            audit.record(None, AuditLog.Action.CREATE, row, {}, audit.snapshot(row, AUDITED))
    except IntegrityError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        again = InboundMessage.objects.filter(message_id=key).first()
        if again is not None and existing is None:  # processed meanwhile by another worker
            again.duplicate = True  # type: ignore[attr-defined]
            return again
        return _failed(existing, key, source, now, message, keep, len(raw), truncated, exc)
    except Exception as exc:  # one bad message must not stop the intake
        for path in written:
            path.unlink(missing_ok=True)
        log.exception("mail: message %s failed", key)
        return _failed(existing, key, source, now, message, keep, len(raw), truncated, exc)
    row.duplicate = False  # type: ignore[attr-defined]
    return row


def _failed(
    existing: InboundMessage | None,
    key: str,
    source: str,
    now: dt.datetime,
    message: ParsedMessage,
    keep: bytes,
    size: int,
    truncated: bool,
    exc: BaseException,
) -> InboundMessage:
    row = existing or InboundMessage(message_id=key)
    if row.pk is not None:
        row.refresh_from_db()
    row.source = source
    row.received_at = now
    row.sender = message.sender[:320]
    row.subject = message.subject[:500]
    row.raw, row.raw_size, row.raw_truncated = keep, size, truncated
    row.status = InboundStatus.FAILED
    row.action = row.reason = ""
    row.ticket = row.comment = None
    row.error = f"{type(exc).__name__}: {exc}"[:5000]
    row.save()
    row.duplicate = False  # type: ignore[attr-defined]
    return row
