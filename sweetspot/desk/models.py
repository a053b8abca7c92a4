"""The service desk: tickets with SLA clocks, comments, time entries, on-site visits."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, F, When
from django.db.models.functions import Coalesce, Least

from sweetspot.agreements.models import Agreement
from sweetspot.catalog.models import Service
from sweetspot.clients.models import Company, Contact, Site
from sweetspot.core.validators import TextChecked
from sweetspot.core.wording import PRIORITY_LABELS
from sweetspot.team.models import Subcontractor, Technician


class Priority(models.TextChoices):
    """Labels from core.wording.PRIORITY_LABELS, the one vocabulary ("P1 Emergency")."""

    P1 = "P1", PRIORITY_LABELS["P1"]
    P2 = "P2", PRIORITY_LABELS["P2"]
    P3 = "P3", PRIORITY_LABELS["P3"]
    P4 = "P4", PRIORITY_LABELS["P4"]


class Source(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "E-mail"
    PORTAL = "portal", "Client portal"
    ONSITE = "onsite", "On site"


class TicketStatus(models.TextChoices):
    NEW = "new", "New"
    ASSIGNED = "assigned", "Assigned"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING = "waiting", "Waiting on client"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = (
    TicketStatus.NEW,
    TicketStatus.ASSIGNED,
    TicketStatus.IN_PROGRESS,
    TicketStatus.WAITING,
)
# The one spelling of "is open" in SQL (the partial indexes below repeat it).
OPEN_Q = models.Q(status__in=OPEN_STATUSES)


def _soonest(a: Any, b: Any) -> Coalesce:
    """The earlier of two times, either of which may be NULL (NULL when both are): the same
    on SQLite, whose MIN() is NULL when an argument is, and PostgreSQL, whose LEAST() skips
    NULLs. Columns only, no constants: SQLite uses an index on an expression only for the
    very same expression, and a query's constants arrive as parameters."""
    return Coalesce(Least(a, b), a, b)


def next_sla_due() -> Coalesce:
    """The soonest due time of the ticket's running SLA clocks (the response clock until the
    first response; the resolution clock while it runs), NULL when none runs. A ticket has
    breached when it is before now (issue 18: at risk on one index, ticket_open_next_sla)."""
    response = Case(When(responded_at__isnull=True, then=F("response_due_at")))
    return _soonest(response, F("resolution_due_at"))


def next_sla_risk() -> Coalesce:
    """The soonest at-risk time of the ticket's running SLA clocks, NULL when none runs. A
    ticket not breached (``next_sla_due`` ≥ now) is at risk when this is before now."""
    response = Case(
        When(
            responded_at__isnull=True,
            response_due_at__isnull=False,
            then=F("response_at_risk_at"),
        )
    )
    resolution = Case(When(resolution_due_at__isnull=False, then=F("resolution_at_risk_at")))
    return _soonest(response, resolution)


class Ticket(TextChecked, models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="tickets")
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    agreement = models.ForeignKey(
        Agreement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
        help_text="The client's active agreement when the ticket was opened (SLA targets).",
    )
    subject = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.PHONE)
    priority = models.CharField(
        max_length=2, choices=Priority.choices, default=Priority.P3, db_index=True
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    # Extra required skills beyond the service's: {skill slug: minimum proficiency}.
    extra_requirements = models.JSONField(default=dict, blank=True)
    estimate_hours = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(0)]
    )
    status = models.CharField(
        max_length=12, choices=TicketStatus.choices, default=TicketStatus.NEW, db_index=True
    )
    technician = models.ForeignKey(
        Technician, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    subcontractor = models.ForeignKey(
        Subcontractor, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # SLA: targets (business minutes) and due-at timestamps computed in Python (desk/sla.py)
    # when the ticket is created or changes status; flags are comparisons with now in SQL.
    response_target_minutes = models.PositiveIntegerField(default=240)
    resolution_target_minutes = models.PositiveIntegerField(default=960)
    response_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    response_at_risk_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="NULL while waiting on the client."
    )
    resolution_at_risk_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Pauses while waiting on the client: [[paused_at ISO, resumed_at ISO | null], ...]
    pauses = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "priority", "created_at"]),
            models.Index(fields=["company", "status"]),
            models.Index(fields=["technician", "status"]),
            # Issue 18: each list filter with the default sort (newest first; the rowid /
            # ctid that ends every index breaks the ties), and the subject sort.
            models.Index(fields=["status", "created_at"], name="ticket_status_created"),
            models.Index(fields=["priority", "created_at"], name="ticket_priority_created"),
            models.Index(fields=["company", "created_at"], name="ticket_company_created"),
            models.Index(fields=["technician", "created_at"], name="ticket_tech_created"),
            models.Index(fields=["subject"], name="ticket_subject"),
            # Partial, open tickets only: "open" is a small part of a long history, and the
            # open list, the at-risk and breached filters and the dispatcher's home read only
            # those (the two due-time ones serve the home's lists). Queries must spell "open"
            # as OPEN_Q, word for word (SQLite uses a partial index only when the query
            # repeats its WHERE term).
            # Newest first (created_at, then id: the list's ORDER BY) and covering every
            # column of the open, at-risk and breached filters, so those lists and their
            # capped counts read this index alone, never the rows.
            models.Index(
                fields=[
                    "created_at",
                    "id",
                    "status",
                    "response_due_at",
                    "response_at_risk_at",
                    "responded_at",
                    "resolution_due_at",
                    "resolution_at_risk_at",
                ],
                condition=OPEN_Q,
                name="ticket_open_created",
            ),
            # By due time, covering the same columns: the at-risk tickets are found (and
            # counted) among the open ones not yet due, whatever the length of the history.
            # The resolution one also carries the priority, so that "P1 at risk" reads no
            # ticket row either (at 1M: 43 → 20 ms p95, the plain at-risk list unchanged).
            models.Index(
                fields=[
                    "response_due_at",
                    "status",
                    "response_at_risk_at",
                    "responded_at",
                    "resolution_due_at",
                    "resolution_at_risk_at",
                ],
                condition=OPEN_Q,
                name="ticket_open_response_due",
            ),
            # At risk and not breached (desk.queries.at_risk_now): the soonest running due
            # time (from now on) and the soonest running at-risk time (before now), then the
            # priority (open P1 at risk) and created (the list's default sort). The count of
            # the at-risk list (the first 1,001) reads these keys instead of evaluating six
            # columns per ticket in flight: 1.4 -> 0.3 ms at 1M tickets (issue 18).
            models.Index(
                next_sla_due(),
                next_sla_risk(),
                F("priority"),
                F("created_at"),
                condition=OPEN_Q,
                name="ticket_open_next_sla",
            ),
            models.Index(
                fields=[
                    "resolution_due_at",
                    "status",
                    "resolution_at_risk_at",
                    "response_due_at",
                    "response_at_risk_at",
                    "responded_at",
                    "priority",
                ],
                condition=OPEN_Q,
                name="ticket_open_resolution_due",
            ),
            # A technician's open tickets, the soonest due first (the technician's home
            # page, issue 18): the page's ORDER BY, expression and all, so the first rows are
            # read in order instead of sorting every open ticket of theirs.
            models.Index(
                F("technician"),
                Coalesce("resolution_due_at", "response_due_at"),
                F("created_at"),
                F("id"),
                condition=OPEN_Q,
                name="ticket_open_tech_due",
            ),
            # The open tickets nobody has, soonest response due first (the dispatcher's home,
            # issue 18): SQLite otherwise took the (technician, status) index and sorted every
            # unassigned ticket. The home spells "open" with literal statuses
            # (desk.queries.is_open): with bound parameters SQLite never matches a partial
            # index's WHERE.
            models.Index(
                fields=["response_due_at", "created_at", "id"],
                condition=OPEN_Q & models.Q(technician__isnull=True, subcontractor__isnull=True),
                name="ticket_open_unassigned_due",
            ),
            # The tickets without a technician, by subcontractor, newest first: "unassigned"
            # in the queue and the API (no subcontractor either) is one range of it. The
            # (technician, created) index found them too, but read each ticket's row to see
            # that no subcontractor has it: 1.46 ms for the capped count at 1M tickets, now
            # 0.20 ms (issue 18).
            models.Index(
                fields=["subcontractor", "created_at", "id"],
                condition=models.Q(technician__isnull=True),
                name="ticket_untech_sub_created",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(technician__isnull=True) | models.Q(subcontractor__isnull=True),
                name="ticket_one_assignee",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"


class TicketComment(TextChecked, models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    internal = models.BooleanField(
        default=True, help_text="Internal comments are never shown to the client."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment on #{self.ticket_id}"


class WorkType(models.TextChoices):
    REMOTE = "remote", "Remote"
    ONSITE = "onsite", "On site"
    PHONE = "phone", "Phone"


class InternalCategory(models.TextChoices):
    NONE = "", "Client work"
    TRAVEL = "travel", "Travel"
    ADMIN = "admin", "Admin"
    TRAINING = "training", "Training"
    BUSINESS_DEVELOPMENT = "business_development", "Business development"


class TimeEntry(TextChecked, models.Model):
    """Work by a technician: against a ticket (and so its agreement), a company or agreement
    without a ticket, or internal. Either start/end (a running timer has no end yet) or a
    dated duration."""

    technician = models.ForeignKey(
        Technician, null=True, blank=True, on_delete=models.PROTECT, related_name="time_entries"
    )
    # Exactly one of technician / subcontractor (a check constraint holds it).
    subcontractor = models.ForeignKey(
        Subcontractor, null=True, blank=True, on_delete=models.PROTECT, related_name="time_entries"
    )
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="time_entries"
    )
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.PROTECT, related_name="time_entries"
    )
    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="time_entries"
    )
    work_type = models.CharField(max_length=8, choices=WorkType.choices, default=WorkType.REMOTE)
    internal_category = models.CharField(
        max_length=24, choices=InternalCategory.choices, blank=True, default=""
    )
    work_date = models.DateField(db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    minutes = models.PositiveIntegerField(default=0)
    billable = models.BooleanField(default=True)
    out_of_scope = models.BooleanField(
        default=False, help_text="Outside the agreement: billed at its overage rate."
    )
    note = models.CharField(max_length=500, blank=True)
    # Set by the billing app when an invoice line or an agreement's ledger bills the entry;
    # desk refuses to edit or delete a billed entry. Desk never imports billing.
    billed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-work_date", "-started_at", "-pk"]
        indexes = [models.Index(fields=["technician", "work_date"])]
        verbose_name_plural = "time entries"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(technician__isnull=False, subcontractor__isnull=True)
                    | models.Q(technician__isnull=True, subcontractor__isnull=False)
                ),
                name="time_entry_one_worker",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(started_at__isnull=True)
                    | models.Q(ended_at__isnull=True)
                    | models.Q(ended_at__gt=models.F("started_at"))
                ),
                name="time_entry_ends_after_start",
            ),
            # A running timer is an entry with a start and no end: one per technician.
            models.UniqueConstraint(
                fields=["technician"],
                condition=models.Q(started_at__isnull=False, ended_at__isnull=True),
                name="one_running_timer_per_technician",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.technician_id} {self.work_date} {self.minutes} min"


class VisitStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


STANDARD_CHECKLIST = [
    "Backup ran and the offsite copy was tested",
    "Antivirus definitions and firewall firmware updated",
    "Operating system and application patches applied",
    "UPS self-test passed",
    "Open issues reviewed with the office manager",
]


class Visit(TextChecked, models.Model):
    """An on-site visit; ``uid`` and ``sequence`` keep iCal updates and cancellations tied to
    the same calendar event."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="visits")
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    technician = models.ForeignKey(Technician, on_delete=models.PROTECT, related_name="visits")
    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="visits"
    )
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    purpose = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=VisitStatus.choices, default=VisitStatus.SCHEDULED
    )
    tickets = models.ManyToManyField(Ticket, blank=True, related_name="visits")
    # [{"item": str, "done": bool}]
    checklist = models.JSONField(default=list, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["technician", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="visit_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} at {self.company_id}"


class CalendarFeed(models.Model):
    """A technician's secret, revocable iCal feed URL; only the SHA-256 of the key is kept."""

    technician = models.ForeignKey(
        Technician, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Feed of {self.technician_id}"
