"""Plans (templates), agreements (signed terms), for docs/DOMAIN.md §5."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from sweetspot.catalog.models import Service
from sweetspot.clients.models import Company
from sweetspot.core.validators import TextChecked

PRIORITIES = ("P1", "P2", "P3", "P4")


def money(verbose_name: str, default: str = "0") -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(0)],
    )


def hours(verbose_name: str, default: str = "0") -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(
        verbose_name,
        max_digits=6,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(0)],
    )


def minutes(verbose_name: str, default: int) -> models.PositiveIntegerField:  # type: ignore[type-arg]
    return models.PositiveIntegerField(verbose_name, default=default)


class BillingCadence(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUAL = "annual", "Annual"


MONTHS_IN_PERIOD = {"monthly": 1, "quarterly": 3, "annual": 12}


class Rollover(models.TextChoices):
    NONE = "none", "Expire at month end"
    NEXT_MONTH = "next_month", "Carry into next month"


class Plan(TextChecked, models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    monthly_fee = money("monthly fee")
    services = models.ManyToManyField(Service, blank=True, related_name="plans")
    onsite_half_days_per_month = hours("on-site half-days per month")
    remote_support = models.BooleanField(default=True)
    emergency_phone_support = models.BooleanField(default=True)
    included_hours_per_month = hours("included hours per month")
    expected_remote_hours_per_month = hours("expected remote hours per month")
    expected_phone_hours_per_month = hours("expected phone hours per month")
    p1_response_minutes = minutes("P1 response (minutes)", 60)
    p2_response_minutes = minutes("P2 response (minutes)", 240)
    p3_response_minutes = minutes("P3 response (minutes)", 480)
    p4_response_minutes = minutes("P4 response (minutes)", 1440)
    p1_resolution_minutes = minutes("P1 resolution (minutes)", 480)
    p2_resolution_minutes = minutes("P2 resolution (minutes)", 960)
    p3_resolution_minutes = minutes("P3 resolution (minutes)", 2400)
    p4_resolution_minutes = minutes("P4 resolution (minutes)", 4800)
    overage_rate = money("overage hourly rate")
    billing_cadence = models.CharField(
        max_length=10, choices=BillingCadence.choices, default=BillingCadence.MONTHLY
    )
    hourly_only = models.BooleanField(
        "hourly break-fix (no retainer)",
        default=False,
        help_text="Billed by the hour at the overage rate; no monthly fee.",
    )
    rollover = models.CharField(
        "unused included hours", max_length=12, choices=Rollover.choices, default=Rollover.NONE
    )
    rounding_increment_minutes = models.PositiveIntegerField(
        "billing increment override (minutes)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Empty: the firm's default.",
    )
    rounding_minimum_minutes = models.PositiveIntegerField(
        "minimum billed time override (minutes)",
        null=True,
        blank=True,
        help_text="Empty: the firm's default.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["hourly_only", "monthly_fee", "name"]

    def __str__(self) -> str:
        return self.name

    def response_minutes(self) -> dict[str, int]:
        return {p: getattr(self, f"{p.lower()}_response_minutes") for p in PRIORITIES}

    def resolution_minutes(self) -> dict[str, int]:
        return {p: getattr(self, f"{p.lower()}_resolution_minutes") for p in PRIORITIES}


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"


class Renewal(models.TextChoices):
    AUTOMATIC = "automatic", "Automatic"
    MANUAL = "manual", "Manual"


class Agreement(TextChecked, models.Model):
    """A plan bound to a client. ``terms`` is the plan snapshotted at signing (activation):
    a later plan edit does not change a signed agreement."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="agreements")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="agreements")
    status = models.CharField(
        max_length=10,
        choices=AgreementStatus.choices,
        default=AgreementStatus.DRAFT,
        db_index=True,
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, db_index=True)
    renewal = models.CharField(max_length=10, choices=Renewal.choices, default=Renewal.MANUAL)
    notice_days = models.PositiveIntegerField(default=30)
    # Signed terms (snapshot). The fee per billing period is kept as a column for the MRR
    # aggregate: MRR = period_fee / months in the period (annual contracts normalised).
    period_fee = money("fee per billing period")
    billing_cadence = models.CharField(
        max_length=10, choices=BillingCadence.choices, default=BillingCadence.MONTHLY
    )
    terms = models.JSONField(default=dict, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["company__name", "-start_date", "pk"]
        indexes = [models.Index(fields=["status", "company"])]

    def __str__(self) -> str:
        return f"{self.company} — {self.terms.get('plan_name') or self.plan_id}"
