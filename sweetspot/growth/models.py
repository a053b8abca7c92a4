"""Stored assessments, business development activities and the sales pipeline."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from sweetspot.clients.models import Company, Contact
from sweetspot.core.validators import TextChecked


class Assessment(TextChecked, models.Model):
    """One qualification run, with the inputs and the settings used, so it stays explainable."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="assessments")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    inputs = models.JSONField()
    result = models.JSONField()
    settings_used = models.JSONField()
    segment = models.CharField(max_length=12)
    fit_score = models.PositiveSmallIntegerField(db_index=True)
    verdict = models.CharField(max_length=10, db_index=True)
    engagement = models.CharField(max_length=20)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["company", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.company} {self.fit_score} ({self.verdict})"


class ActivityKind(models.TextChoices):
    NETWORKING = "networking", "Networking event"
    REFERRAL = "referral", "Referral"
    FOLLOW_UP = "follow_up", "Follow-up"
    SALES_CALL = "sales_call", "Sales call"
    MEETING = "meeting", "Meeting"
    PROPOSAL = "proposal", "Proposal sent"


class Activity(TextChecked, models.Model):
    kind = models.CharField(max_length=12, choices=ActivityKind.choices)
    subject = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="activities"
    )
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    due_date = models.DateField(null=True, blank=True, db_index=True)
    done_date = models.DateField(null=True, blank=True, db_index=True)
    outcome = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.subject


class Stage(models.TextChoices):
    LEAD = "lead", "Lead"
    QUALIFIED = "qualified", "Qualified"
    PROPOSAL = "proposal", "Proposal"
    WON = "won", "Won"
    LOST = "lost", "Lost"


DEFAULT_STAGE_PROBABILITIES = {"lead": 10, "qualified": 25, "proposal": 50, "won": 100, "lost": 0}


class Opportunity(TextChecked, models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="opportunities")
    title = models.CharField(max_length=200)
    stage = models.CharField(
        max_length=10, choices=Stage.choices, default=Stage.LEAD, db_index=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opportunities"
    )
    proposed = models.CharField("notes on what is proposed", max_length=300, blank=True)
    plan = models.ForeignKey(
        "agreements.Plan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opportunities",
        help_text="The agreement plan proposed, if any.",
    )
    services = models.ManyToManyField(
        "catalog.Service",
        blank=True,
        related_name="opportunities",
        help_text="Catalog services proposed (besides the plan's).",
    )
    expected_monthly_fee = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    lost_reason = models.CharField(max_length=300, blank=True)
    expected_close = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["stage", "-expected_monthly_fee", "pk"]
        verbose_name_plural = "opportunities"

    def __str__(self) -> str:
        return self.title
