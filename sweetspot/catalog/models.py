"""What the firm sells (service catalog), what competitors sell, and the gap plan."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from sweetspot.core.validators import TextChecked
from sweetspot.team.models import Certification, Skill, Subcontractor, Technician


class Tier(models.TextChoices):
    ROUTINE = "routine", "Routine"
    NETWORK = "network", "Network"
    SPECIALIST = "specialist", "Specialist"


class Service(TextChecked, models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    tier = models.CharField(max_length=10, choices=Tier.choices, default=Tier.ROUTINE)
    subcontractable = models.BooleanField(default=False)
    typical_duration_hours = models.DecimalField(
        max_digits=6, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["tier", "name"]

    def __str__(self) -> str:
        return self.name


class ServiceRequirement(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="requirements")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    min_proficiency = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "skill"], name="uniq_service_skill")
        ]


class Competitor(TextChecked, models.Model):
    name = models.CharField(max_length=200, unique=True)
    segment_focus = models.CharField(
        max_length=12,
        blank=True,
        choices=[("micro", "Micro"), ("sweet_spot", "Sweet spot"), ("upper", "Upper")],
    )
    price_notes = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CompetitorOffering(TextChecked, models.Model):
    """A service a competitor sells: one of ours, or named when we have no such service."""

    competitor = models.ForeignKey(Competitor, on_delete=models.CASCADE, related_name="offerings")
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="offered_by"
    )
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service__isnull=False) | ~models.Q(name=""),
                name="offering_names_a_service",
            )
        ]

    def __str__(self) -> str:
        return self.name or str(self.service)


class PlanItem(models.Model):
    """A gap remedy accepted into the firm's plan, with an owner and a due date."""

    class Kind(models.TextChoices):
        TRAIN = "train", "Train"
        HIRE = "hire", "Hire"
        SUBCONTRACT = "subcontract", "Subcontract"
        ADD_SERVICE = "add_service", "Add service"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="plan_items"
    )
    gap = models.CharField(max_length=300, help_text="The gap this closes, in words.")
    technician = models.ForeignKey(
        Technician, null=True, blank=True, on_delete=models.PROTECT, related_name="plan_items"
    )
    certification = models.ForeignKey(
        Certification, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subcontractor = models.ForeignKey(
        Subcontractor, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "due_date", "pk"]

    def __str__(self) -> str:
        return self.description
