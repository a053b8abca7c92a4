"""The client book: companies, their sites, contacts and environment profile."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Lower

from sweetspot.core.validators import TextChecked


class CompanyStatus(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    CLIENT = "client", "Client"
    FORMER = "former", "Former client"


class Segment(models.TextChoices):
    MICRO = "micro", "Micro"
    SWEET_SPOT = "sweet_spot", "Sweet spot"
    UPPER = "upper", "Upper"


class Network(models.TextChoices):
    NONE = "none", "No network"
    PEER_TO_PEER = "peer_to_peer", "Peer-to-peer"
    CLIENT_SERVER = "client_server", "Client/server"


class CurrentSupport(models.TextChoices):
    NOBODY = "nobody", "Nobody"
    OWNER = "owner", "The owner"
    VOLUNTEER = "volunteer", "A volunteer"
    RELATIVE = "relative", "A relative"
    FRIEND = "friend", "A friend"
    MOONLIGHTER = "moonlighter", "A moonlighter"
    PROVIDER = "provider", "Another provider"
    IN_HOUSE_IT = "in_house_it", "In-house IT manager"


class Presence(models.TextChoices):
    NEITHER = "neither", "—"
    HAS = "has", "Has"
    NEEDS = "needs", "Needs"


ENVIRONMENT_ITEMS: list[tuple[str, str]] = [
    ("server", "Server"),
    ("firewall", "Firewall"),
    ("backup", "Backup"),
    ("offsite_backup", "Offsite backup"),
    ("security", "Security"),
    ("antivirus", "Antivirus"),
    ("ups", "UPS"),
    ("lan_wan", "LAN/WAN"),
]


class Application(models.TextChoices):
    OFFICE_SUITE = "office_suite", "Office suite"
    QUICKBOOKS = "quickbooks", "QuickBooks"
    ACT = "act", "ACT!"
    OUTLOOK_EXCHANGE = "outlook_exchange", "Outlook/Exchange"
    LOB_DATABASE = "lob_database", "Line-of-business database"
    PHONE_SYNC = "phone_sync", "Phones/PDAs to sync"


def money(verbose_name: str | None = None) -> models.DecimalField:  # type: ignore[type-arg]
    """Optional, non-negative money: Decimal with 2 places, never float."""
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )


class Company(TextChecked, models.Model):
    name = models.CharField(max_length=200, db_index=True)
    status = models.CharField(
        max_length=10, choices=CompanyStatus.choices, default=CompanyStatus.PROSPECT, db_index=True
    )
    segment = models.CharField(max_length=12, choices=Segment.choices, blank=True, db_index=True)
    segment_pinned = models.BooleanField(
        default=False, help_text="Keep this segment even when the PC count changes."
    )
    industry = models.CharField(max_length=100, blank=True, db_index=True)
    pcs = models.PositiveIntegerField("PCs", default=0)
    servers = models.PositiveIntegerField(default=0)
    site_count = models.PositiveIntegerField("sites", default=1)
    network = models.CharField(max_length=15, choices=Network.choices, default=Network.NONE)
    annual_revenue = money()
    downtime_cost_per_hour = money()
    monthly_it_budget = money("monthly IT budget")
    current_support = models.CharField(
        "who supports them now",
        max_length=15,
        choices=CurrentSupport.choices,
        default=CurrentSupport.NOBODY,
    )
    notes = models.TextField(blank=True)
    payment_terms_days = models.PositiveIntegerField(
        "payment terms (days)", null=True, blank=True, help_text="Empty: the firm's default."
    )
    mail_domains = models.JSONField(
        "mail domains",
        default=list,
        blank=True,
        help_text="Domains the company's staff send mail from, e.g. harbordental.example.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Companies are archived, never deleted: their history must stay.
    archived_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "companies"
        indexes = [
            models.Index(fields=["pcs"]),
            models.Index(fields=["updated_at"]),
        ]
        constraints = [
            # Issue 15 item 5: two imports (or two people) at once must not create one client
            # twice. Partial: an archived company's name may be reused.
            models.UniqueConstraint(
                Lower("name"),
                condition=models.Q(archived_at__isnull=True),
                name="company_active_name_unique",
                violation_error_message="An active company with this name already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class EnvironmentProfile(TextChecked, models.Model):
    company = models.OneToOneField(Company, on_delete=models.PROTECT, related_name="environment")
    server = models.CharField(max_length=8, choices=Presence.choices, default=Presence.NEITHER)
    firewall = models.CharField(max_length=8, choices=Presence.choices, default=Presence.NEITHER)
    backup = models.CharField(max_length=8, choices=Presence.choices, default=Presence.NEITHER)
    offsite_backup = models.CharField(
        max_length=8, choices=Presence.choices, default=Presence.NEITHER
    )
    security = models.CharField(max_length=8, choices=Presence.choices, default=Presence.NEITHER)
    antivirus = models.CharField(max_length=8, choices=Presence.choices, default=Presence.NEITHER)
    ups = models.CharField("UPS", max_length=8, choices=Presence.choices, default=Presence.NEITHER)
    lan_wan = models.CharField(
        "LAN/WAN", max_length=8, choices=Presence.choices, default=Presence.NEITHER
    )
    applications = models.JSONField(default=list, blank=True)
    other_applications = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"Environment of {self.company_id}"

    def items(self) -> list[tuple[str, str, str]]:
        return [(key, label, getattr(self, key)) for key, label in ENVIRONMENT_ITEMS]

    @property
    def has(self) -> list[str]:
        return [key for key, _ in ENVIRONMENT_ITEMS if getattr(self, key) == Presence.HAS]

    @property
    def needs(self) -> list[str]:
        return [key for key, _ in ENVIRONMENT_ITEMS if getattr(self, key) == Presence.NEEDS]

    def application_labels(self) -> list[str]:
        labels = dict(Application.choices)
        return [labels.get(a, a) for a in self.applications]


class Site(TextChecked, models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=200)
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField("state/region", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    pcs = models.PositiveIntegerField("PCs", default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["company_id", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        parts = [self.street, " ".join(p for p in [self.city, self.region, self.postal_code] if p)]
        return ", ".join(p for p in parts if p)


class Contact(TextChecked, models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="contacts")
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True, db_index=True)
    phone = models.CharField(max_length=40, blank=True)
    role = models.CharField("role/title", max_length=100, blank=True)
    is_primary = models.BooleanField("primary contact", default=False)
    billing_contact = models.BooleanField(
        default=False, help_text="Invoices and statements are e-mailed to this contact."
    )
    portal_access = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["company_id", "-is_primary", "name", "pk"]

    def __str__(self) -> str:
        return self.name
