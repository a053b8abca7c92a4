"""The firm's people and what they can do: skills, certifications, technicians, subcontractors.

Cost rates (what the firm pays) are owner-only: they never leave the server for other roles
(see sweetspot.clients.permissions.can_see_costs and the API's schemas).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from sweetspot.core.validators import TextChecked


def rate(verbose_name: str) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text="Per hour.",
    )


def money(verbose_name: str) -> models.DecimalField:  # type: ignore[type-arg]
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )


PROFICIENCY = [MinValueValidator(1), MaxValueValidator(5)]


class Level(models.TextChoices):
    ENTRY = "entry", "Entry"
    INTERMEDIATE = "intermediate", "Intermediate"
    SENIOR = "senior", "Senior"
    EXPERT = "expert", "Expert"


LEVEL_RANK = {Level.ENTRY: 1, Level.INTERMEDIATE: 2, Level.SENIOR: 3, Level.EXPERT: 4}


class SkillGroup(models.TextChoices):
    DESKTOP = "desktop", "Desktop & applications"
    EMAIL = "email", "E-mail & collaboration"
    ACCOUNTING = "accounting", "Accounting & line-of-business apps"
    NETWORKING = "networking", "Networking LAN/WAN/VPN"
    SECURITY = "security", "Security & firewall"
    BACKUP = "backup", "Backup & recovery"
    SERVERS = "servers", "Servers"
    DATABASES = "databases", "Databases"
    DEVELOPMENT = "development", "Development"
    HARDWARE = "hardware", "Hardware"
    MOBILE = "mobile", "Mobile sync"


class Skill(TextChecked, models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    group = models.CharField(max_length=12, choices=SkillGroup.choices)
    description = models.CharField(max_length=300, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["group", "name"]

    def __str__(self) -> str:
        return self.name


class Certification(TextChecked, models.Model):
    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        RETIRED = "retired", "Retired"

    vendor = models.CharField(max_length=60, db_index=True)
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=40, unique=True)
    level = models.CharField(max_length=12, choices=Level.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.CURRENT)
    exam_fee = money("exam fee (estimate)")
    class_cost = money("typical class cost (estimate)")
    study_hours = models.PositiveIntegerField("study hours (estimate)", default=0)
    renewal_months = models.PositiveIntegerField(
        "renewal period (months)", null=True, blank=True, help_text="Blank: does not expire."
    )
    estimated_on = models.DateField(
        "estimates set on", help_text="Fees and hours are editable estimates as of this date."
    )
    source = models.CharField(max_length=300, blank=True, help_text="Where the estimate came from.")

    class Meta:
        ordering = ["vendor", "level", "name"]

    def __str__(self) -> str:
        return f"{self.vendor} {self.code}"


class CertificationSkill(models.Model):
    """This certification evidences the skill at (at least) this proficiency."""

    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="evidence"
    )
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="evidenced_by")
    proficiency = models.PositiveSmallIntegerField(validators=PROFICIENCY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["certification", "skill"], name="uniq_cert_skill")
        ]

    def __str__(self) -> str:
        return f"{self.certification_id}: {self.skill_id} at {self.proficiency}"


class Technician(TextChecked, models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="technician",
    )
    name = models.CharField(max_length=200)
    level = models.CharField(max_length=12, choices=Level.choices, default=Level.ENTRY)
    cost_rate = rate("cost rate")
    bill_rate = rate("bill rate")
    weekly_capacity_hours = models.DecimalField(
        max_digits=5, decimal_places=2, default=40, validators=[MinValueValidator(0)]
    )
    on_call = models.BooleanField("on call for emergencies", default=False)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class TechnicianSkill(models.Model):
    technician = models.ForeignKey(Technician, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    proficiency = models.PositiveSmallIntegerField(validators=PROFICIENCY)
    assessed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["technician", "skill"], name="uniq_tech_skill")
        ]

    def __str__(self) -> str:
        return f"{self.technician_id}: {self.skill_id} at {self.proficiency}"


class TechnicianCertification(models.Model):
    technician = models.ForeignKey(
        Technician, on_delete=models.CASCADE, related_name="certifications"
    )
    certification = models.ForeignKey(Certification, on_delete=models.PROTECT, related_name="+")
    earned_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    credential_id = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-earned_on"]

    def __str__(self) -> str:
        return f"{self.technician_id}: certification {self.certification_id}"


class Subcontractor(TextChecked, models.Model):
    company_name = models.CharField(max_length=200)
    contact_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    cost_rate = rate("cost rate (what we pay)")
    bill_rate = rate("bill rate (what the client is charged)")
    # The one level every engine reads for a subcontractor (docs/DOMAIN.md, settled readings):
    # gap analysis, the promise check and dispatch.
    level = models.CharField(
        max_length=12,
        choices=Level.choices,
        default=Level.SENIOR,
        help_text="How senior their people are; dispatch weighs it like a technician's level.",
    )
    weekly_capacity_hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=40,
        validators=[MinValueValidator(0)],
        help_text="Hours a week they can take on for us; dispatch subtracts their open tickets.",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["company_name", "pk"]

    def __str__(self) -> str:
        return self.company_name


class SubcontractorSkill(models.Model):
    subcontractor = models.ForeignKey(
        Subcontractor, on_delete=models.CASCADE, related_name="skills"
    )
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    proficiency = models.PositiveSmallIntegerField(validators=PROFICIENCY)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subcontractor", "skill"], name="uniq_sub_skill")
        ]

    def __str__(self) -> str:
        return f"{self.subcontractor_id}: {self.skill_id} at {self.proficiency}"


class SubcontractorCertification(models.Model):
    subcontractor = models.ForeignKey(
        Subcontractor, on_delete=models.CASCADE, related_name="certifications"
    )
    certification = models.ForeignKey(Certification, on_delete=models.PROTECT, related_name="+")
    earned_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.subcontractor_id}: certification {self.certification_id}"
