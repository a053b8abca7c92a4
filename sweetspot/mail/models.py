"""Mail in: every message the intake saw, the Message-IDs that thread replies onto tickets,
and the attachments kept from them.

The mail app sits above desk: it reads and writes tickets through desk's services; desk imports
nothing from here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from sweetspot.clients.models import Company, Contact
from sweetspot.desk.models import Ticket, TicketComment
from sweetspot.team.models import Technician

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


# ---------------------------------------------------------------------------------------------
# Mail out (#17): the firm's mail settings, who wants what, every message sent, the SLA
# alerts and digests already sent, the on-call rota and after-hours pages.


class MailSettings(models.Model):
    """The firm's settings for mail out and the clock (one row; the Firm row lives in core,
    which must not know about mail)."""

    escalation_minutes = models.PositiveIntegerField(
        default=15,
        validators=[MinValueValidator(1)],
        help_text="An after-hours P1 page nobody acknowledges within this goes to the next "
        "person on the rota, then to the owner.",
    )
    digest_hour = models.PositiveSmallIntegerField(
        default=7,
        validators=[MaxValueValidator(23)],
        help_text="The daily digest goes out at this hour, firm time.",
    )
    acknowledgement_window_minutes = models.PositiveIntegerField(
        default=60,
        validators=[MinValueValidator(1)],
        help_text="At most one acknowledgement per sender within this window (loop guard).",
    )
    rota_starts_on = models.DateField(
        null=True,
        blank=True,
        help_text="The Monday the weekly rotation counts from (the first person's week).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "mail settings"

    def __str__(self) -> str:
        return "Mail settings"

    @classmethod
    def current(cls) -> MailSettings:
        row = cls.objects.order_by("pk").first()
        if row is None:
            row = cls.objects.create()
        return row


class Notification(models.TextChoices):
    ACKNOWLEDGEMENT = "ack", "Acknowledgement of a ticket I opened"
    COMMENT = "comment", "Replies from the firm on my tickets"
    RESOLVED = "resolved", "My ticket was resolved"
    ASSIGNED = "assigned", "A ticket was assigned to me"
    CLIENT_REPLY = "client_reply", "A client replied on my ticket"
    SLA = "sla", "SLA at risk or breached"
    DIGEST = "digest", "Daily digest at the start of the day"
    PAGE = "page", "After-hours P1 page"


# How the sent-mail list names each kind (the choices are worded for the preferences page).
SENT_LABELS = {
    "ack": "Acknowledgement",
    "comment": "Reply to the client",
    "resolved": "Resolution",
    "assigned": "Assignment",
    "client_reply": "Client's reply",
    "sla": "SLA alert",
    "digest": "Digest",
    "page": "After-hours page",
}

CLIENT_NOTIFICATIONS = (Notification.ACKNOWLEDGEMENT, Notification.COMMENT, Notification.RESOLVED)
STAFF_NOTIFICATIONS = (
    Notification.ASSIGNED,
    Notification.CLIENT_REPLY,
    Notification.SLA,
    Notification.DIGEST,
)
# Pages are not optional: whoever is on the rota is paged.


class NotificationOptOut(models.Model):
    """A notification a user chose not to get (everything is on by default)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_opt_outs"
    )
    kind = models.CharField(max_length=12, choices=Notification.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_opt_out_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} no {self.kind}"


class OutboundMessage(models.Model):
    """One message sent (one recipient each): what the ticket page lists and the loop guard
    counts."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=12, choices=Notification.choices)
    to = models.CharField(max_length=320)
    subject = models.CharField(max_length=500)
    sent_at = models.DateTimeField(db_index=True)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="outbound_messages"
    )
    message_id = models.CharField(max_length=500, unique=True)
    auto_submitted = models.CharField(max_length=20)
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.SENT)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["ticket", "sent_at"]),
            # The loop guard: acknowledgements to one address in the last hour.
            models.Index(fields=["to", "kind", "sent_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to}: {self.subject}"

    @property
    def kind_label(self) -> str:
        return SENT_LABELS.get(self.kind, self.kind)


class SlaStage(models.TextChoices):
    RESPONSE_AT_RISK = "response_at_risk", "Response at risk"
    RESPONSE_BREACHED = "response_breached", "Response breached"
    RESOLUTION_AT_RISK = "resolution_at_risk", "Resolution at risk"
    RESOLUTION_BREACHED = "resolution_breached", "Resolution breached"


class SlaAlert(models.Model):
    """An SLA stage alerted for a ticket: each stage once (the unique constraint holds it
    even when two scans run at once)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_alerts")
    stage = models.CharField(max_length=20, choices=SlaStage.choices)
    alerted_at = models.DateTimeField()
    mailed = models.BooleanField(
        default=True, help_text="False: passed over because a later stage was reached first."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "stage"], name="one_alert_per_stage")
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.stage}"


class DigestRun(models.Model):
    """The daily digest of one firm day: sent once."""

    day = models.DateField(unique=True)
    sent_at = models.DateTimeField()
    messages = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Digest {self.day}"


class RotaMember(models.Model):
    """A technician in the weekly on-call rotation, in order (``position``)."""

    technician = models.OneToOneField(
        Technician, on_delete=models.PROTECT, related_name="rota_member"
    )
    position = models.PositiveIntegerField(default=0)
    sms_address = models.EmailField(
        "e-mail-to-SMS address",
        blank=True,
        help_text="Pages also go here, e.g. 5551234567@txt.carrier.example.",
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.position}: {self.technician_id}"


class RotaSwap(models.Model):
    """Someone else covers a day or a week: on those days ``technician`` is on call."""

    technician = models.ForeignKey(Technician, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    days = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        indexes = [models.Index(fields=["starts_on"])]

    def __str__(self) -> str:
        return f"{self.technician_id} from {self.starts_on} ({self.days} d)"


class Page(models.Model):
    """An after-hours P1 page and its escalation: step 0 the on-call technician, 1 the next
    person on the rota, 2 the owner. ``token`` is the one-click acknowledgement link."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="page")
    opened_at = models.DateTimeField()
    step = models.PositiveSmallIntegerField(default=0)
    paged_at = models.DateTimeField(help_text="When the current step was paged.")
    token = models.CharField(max_length=64, unique=True)
    # [{"step": 0, "who": "Ravi Rao", "to": ["ravi@..."], "at": ISO}, ...]
    history = models.JSONField(default=list, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exhausted = models.BooleanField(default=False, help_text="Everyone in the chain was paged.")

    class Meta:
        indexes = [models.Index(fields=["acknowledged_at", "exhausted"])]

    def __str__(self) -> str:
        return f"Page for #{self.ticket_id} (step {self.step})"
