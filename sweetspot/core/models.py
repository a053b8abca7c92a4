"""Firm settings row, users and roles, audit log, background job records."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from . import segments
from .validators import TextChecked


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    DISPATCHER = "dispatcher", "Dispatcher"
    TECHNICIAN = "technician", "Technician"
    SALES = "sales", "Sales"
    CLIENT = "client", "Client contact"


STAFF_ROLES = frozenset({Role.OWNER, Role.DISPATCHER, Role.TECHNICIAN, Role.SALES})
CLIENT_EDITOR_ROLES = frozenset({Role.OWNER, Role.DISPATCHER, Role.SALES})


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.TECHNICIAN)
    # Set for client contacts only: the one company whose data they may see.
    company = models.ForeignKey(
        "clients.Company",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portal_users",
    )
    # An owner may let a dispatcher prepare and issue invoices (permissions.can_run_billing).
    # A client contact's login is linked to their Contact row (the portal's "who am I").
    contact = models.OneToOneField(
        "clients.Contact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="login",
    )
    may_run_billing = models.BooleanField(
        "may run billing",
        default=False,
        help_text="Dispatchers only: may prepare, issue and credit invoices.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="client") | models.Q(company__isnull=False),
                name="client_user_has_company",
            )
        ]

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    @property
    def is_firm_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_client_contact(self) -> bool:
        return self.role == Role.CLIENT

    @property
    def can_edit_clients(self) -> bool:
        return self.role in CLIENT_EDITOR_ROLES

    @property
    def can_see_costs(self) -> bool:
        """Cost rates and margins are the owner's alone (docs/DOMAIN.md §8)."""
        return self.role == Role.OWNER

    @property
    def label(self) -> str:
        return self.get_full_name() or self.username


class Firm(TextChecked, models.Model):
    """The firm's settings row: thresholds and weights with defaults from docs/DOMAIN.md."""

    name = models.CharField(max_length=200, default="My IT firm")
    address = models.TextField(max_length=500, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField("e-mail", blank=True)
    # Shown on pages and PDFs; stored under MEDIA_ROOT/firm/.
    logo = models.ImageField(upload_to="firm/", blank=True)
    micro_max_pcs = models.PositiveIntegerField(
        default=9, help_text="Companies with at most this many PCs are micro."
    )
    sweet_spot_max_pcs = models.PositiveIntegerField(
        default=50, help_text="Companies above the micro bound and up to this are sweet spot."
    )
    time_zone = models.CharField(max_length=64, default="America/New_York")
    # Qualification weights and thresholds that differ from the engine's defaults
    # (sweetspot.growth.engine.QualificationSettings); the segment bounds are the fields above.
    qualification = models.JSONField(default=dict, blank=True)
    # Pipeline: probability (percent) that an opportunity in each stage is won.
    stage_probabilities = models.JSONField(default=dict, blank=True)
    # Team and certification planning (docs/DOMAIN.md §3, §7).
    target_utilization = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.75"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text="Share of a technician's hours that should be billable.",
    )
    first_cert_credibility_value = models.DecimalField(
        "value of a first entry-level certification ($/year)",
        max_digits=12,
        decimal_places=2,
        default=Decimal("1500"),
        validators=[MinValueValidator(0)],
    )
    training_spend_warning_share = models.DecimalField(
        "warn when training spend exceeds this share of trailing billable revenue",
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.10"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    cert_payback_horizon_months = models.PositiveIntegerField(
        "certification payback horizon (months)",
        default=36,
        validators=[MinValueValidator(1)],
        help_text="A certification that pays back later than this is shown as not worth it now.",
    )
    # Promise check (docs/DOMAIN.md §5).
    hours_per_half_day = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal("4"), validators=[MinValueValidator(0)]
    )
    response_threshold_minutes = models.PositiveIntegerField(
        default=240,
        help_text="Agreements promising a response faster than this need on-call cover.",
    )
    min_on_call = models.PositiveIntegerField(
        default=2, help_text="On-call technicians needed for agreements with fast response."
    )
    # Service desk (docs/DOMAIN.md §6): business hours for SLA clocks, dispatch rules.
    business_opens = models.TimeField(default=datetime.time(8, 0))
    business_closes = models.TimeField(default=datetime.time(17, 0))
    business_weekdays = models.JSONField(
        default=list, blank=True, help_text="0 = Monday … 6 = Sunday; empty means Monday–Friday."
    )
    holidays = models.JSONField(default=list, blank=True, help_text="ISO dates, closed all day.")
    require_certification_for_upper = models.BooleanField(
        default=True,
        help_text="Upper-segment tickets need a certification evidencing each required skill.",
    )
    dispatch_time_limit_seconds = models.PositiveIntegerField(default=10)
    dispatch_surplus_weight = models.DecimalField(
        "cost of one surplus skill point ($)",
        max_digits=8,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(0)],
    )
    # Billing (docs/DOMAIN.md "Getting paid"): rounding of billed time, terms, tax, numbering.
    rounding_increment_minutes = models.PositiveIntegerField(
        "billing increment (minutes)", default=15, validators=[MinValueValidator(1)]
    )
    rounding_minimum_minutes = models.PositiveIntegerField(
        "minimum billed time (minutes)", default=15
    )
    payment_terms_days = models.PositiveIntegerField("payment terms (days)", default=30)
    tax_percent_fee = models.DecimalField(
        "tax on fees (%)",
        max_digits=6,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    tax_percent_labor = models.DecimalField(
        "tax on labor (%)",
        max_digits=6,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    tax_percent_item = models.DecimalField(
        "tax on items (%)",
        max_digits=6,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    invoice_number_pattern = models.CharField(
        max_length=50,
        default="INV-{YYYY}-{seq:05}",
        help_text="{YYYY} restarts the sequence each year; {seq:05} is the zero-padded number.",
    )
    credit_note_number_pattern = models.CharField(max_length=50, default="CN-{YYYY}-{seq:05}")
    # Mail intake (docs/DOMAIN.md "Mail").
    mail_domain = models.CharField(
        "the firm's mail domain",
        max_length=200,
        default="brightline.example",
        help_text="Message-IDs of mail Sweetspot sends end in this domain.",
    )
    ticket_token_pattern = models.CharField(max_length=50, default="[#{number}]")
    allow_new_contacts_from_domains = models.BooleanField(
        "create contacts from a client's mail domain", default=True
    )
    max_attachment_bytes = models.PositiveIntegerField(default=10 * 1024 * 1024)
    allowed_attachment_extensions = models.JSONField(
        default=list,
        blank=True,
        help_text="Lower-case extensions without the dot; empty means the built-in list.",
    )
    # Security: the owner always signs in with a second factor; this extends it to all staff.
    require_mfa_for_staff = models.BooleanField(
        "require a second factor (TOTP) for all staff",
        default=False,
        help_text="The owner always needs one; client contacts never do.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Firm:
        firm = cls.objects.order_by("pk").first()
        if firm is None:
            firm = cls.objects.create()
        return firm

    def segment_for(self, pcs: int | None) -> str:
        """This firm's bounds applied to the one segment rule (core.segments)."""
        if pcs is None:
            return ""
        return segments.segment_for(pcs, self.micro_max_pcs, self.sweet_spot_max_pcs)


class AuditLog(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"
        ARCHIVE = "archive", "Archived"
        RESTORE = "restore", "Restored"
        # Security events (core.security): the object is the user concerned.
        LOGIN = "login", "Logged in"
        LOGIN_FAILED = "login_failed", "Login failed"
        LOCKOUT = "lockout", "Locked out"
        LOGOUT = "logout", "Logged out"
        PASSWORD = "password", "Password changed"
        MFA_ENROLLED = "mfa_enrolled", "Second factor enrolled"
        MFA_USED = "mfa_used", "Second factor used"
        MFA_FAILED = "mfa_failed", "Second factor refused"
        MFA_REMOVED = "mfa_removed", "Second factor removed"
        TOKEN_CREATED = "token_created", "API token created"
        TOKEN_REVOKED = "token_revoked", "API token revoked"
        SESSIONS_ENDED = "sessions_ended", "Sessions and tokens ended"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=100, db_index=True)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)
    # The request behind the row, when there was one (core.middleware.RequestContextMiddleware).
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"


class Job(models.Model):
    """A background job's progress, polled by the page that started it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=50)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="jobs")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.status}"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.progress / self.total))

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 hash of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class CacheGeneration(models.Model):
    """One row per topic of cached engine inputs (core.engine_cache): ``token`` is replaced
    by a fresh random number, in the writing transaction, whenever a row the topic covers is
    saved or deleted. Cached results are keyed by the tokens they were computed under, so a
    process sees a change as soon as the write commits, whichever process wrote it."""

    topic = models.CharField(max_length=32, primary_key=True)
    token = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.topic}: {self.token:x}"
