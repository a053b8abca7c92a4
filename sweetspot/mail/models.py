"""Mail in: every message the intake saw, the Message-IDs that thread replies onto tickets,
and the attachments kept from them.

The mail app sits above desk: it reads and writes tickets through desk's services; desk imports
nothing from here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sweetspot.clients.models import Company, Contact
from sweetspot.desk.models import Ticket, TicketComment

# The raw message is kept for reading what happened, never re-processed automatically. A
# message larger than this keeps its header block only (raw_truncated); the periodic job
# drops raw bytes older than RAW_RETENTION_DAYS (the row stays: it is the dedupe key).
RAW_MAX_BYTES = 2 * 1024 * 1024
RAW_RETENTION_DAYS = 90


class MailSource(models.TextChoices):
    IMAP = "imap", "IMAP mailbox"
    PIPE = "pipe", "Piped by the mail server"


class InboundStatus(models.TextChoices):
    PROCESSED = "processed", "Processed"
    IGNORED = "ignored", "Ignored"
    QUARANTINED = "quarantined", "Quarantined"
    DISCARDED = "discarded", "Discarded from quarantine"
    FAILED = "failed", "Failed"


# Why a message was held, ignored or filed, as the quarantine page says it.
REASON_LABELS = {
    "unknown_sender": "Unknown sender",
    "sender_not_contact": "Ticket number from someone who is not the client's contact",
    "own_mail": "Our own mail",
    "bounce": "Bounce",
    "auto_submitted": "Automatic reply",
    "precedence": "Bulk or automatic mail",
    "list": "Mailing list",
    "message_id": "Reply (threaded)",
    "token": "Reply (ticket number)",
    "resolved_too_long_ago": "Follow-up to an old ticket",
    "ticket_closed": "Follow-up to a closed ticket",
    "known_contact": "Known contact",
    "new_contact": "New contact at a client's domain",
}


class InboundMessage(models.Model):
    """One message as received. ``message_id`` is the Message-ID without angle brackets, or
    ``sha256:<hex of the raw bytes>`` when the message has none: the same message seen twice
    is processed once (a failed one is tried again)."""

    message_id = models.CharField(max_length=500, unique=True)
    source = models.CharField(max_length=4, choices=MailSource.choices)
    received_at = models.DateTimeField(db_index=True)
    sender = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    raw = models.BinaryField(null=True, blank=True)
    raw_size = models.PositiveIntegerField(default=0)
    raw_truncated = models.BooleanField(
        default=False, help_text="Larger than the limit: only the header block was kept."
    )
    status = models.CharField(max_length=12, choices=InboundStatus.choices, db_index=True)
    action = models.CharField(max_length=12, blank=True)
    reason = models.CharField(max_length=24, blank=True)
    # The triage decision as JSON (title, attachments, hints...) and the text body it used:
    # the quarantine page previews and later files the message from these.
    decision = models.JSONField(default=dict, blank=True)
    body = models.TextField(blank=True)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="inbound_messages"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="inbound_messages"
    )
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.PROTECT, related_name="inbound_messages"
    )
    # The comment the message became (a reply, or an internal note for a bounce).
    comment = models.ForeignKey(
        TicketComment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who filed or discarded it from the quarantine.",
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason)


class TicketMessageId(models.Model):
    """A Message-ID Sweetspot received (or sent) for a ticket: a reply whose In-Reply-To or
    References names it threads onto the ticket."""

    class Direction(models.TextChoices):
        IN = "in", "Received"
        OUT = "out", "Sent"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="message_ids")
    message_id = models.CharField(max_length=500, unique=True)
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.IN)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"<{self.message_id}> #{self.ticket_id}"


class MailAttachment(models.Model):
    """A part with a filename. Accepted ones are stored under the attachment directory with a
    random name (``stored_name``); refused ones keep only their name, type and size. Served
    only through ``mail:attachment``, which checks the ticket is visible to the user."""

    message = models.ForeignKey(
        InboundMessage, on_delete=models.CASCADE, related_name="attachments"
    )
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="mail_attachments"
    )
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    accepted = models.BooleanField(default=False)
    stored_name = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename
