"""Billing: items, invoices and their lines, the included-hours ledger, credit notes.

The rules live in ``engine.py`` (pure); ``services.py`` is the only code that writes these
rows. History is never deleted: an issued invoice is frozen and only a credit note reverses
it; billing links a credit note releases are kept (``released_at``) rather than dropped, and
the uniqueness that keeps an entry or item billed once holds for the live links only.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from sweetspot.agreements.models import Agreement
from sweetspot.clients.models import Company
from sweetspot.core.validators import TextChecked
from sweetspot.desk.models import TimeEntry


def money(verbose_name: str, **kwargs: object) -> models.DecimalField:  # type: ignore[type-arg]
    kwargs.setdefault("default", Decimal("0"))
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)  # type: ignore[arg-type]


def exact_hours(verbose_name: str) -> models.DecimalField:  # type: ignore[type-arg]
    """Ledger hours: kept to 6 places (display rounds to 2) so carried hours stay exact enough
    that a carry of 9 h 40 min is 9.666667 h, not 9.67."""
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=6, default=Decimal(0))


class ItemKind(models.TextChoices):
    HARDWARE = "hardware", "Hardware resale"
    SOFTWARE = "software", "Software resale"
    PROJECT = "project", "Project fee"


class Item(TextChecked, models.Model):
    """A one-off line for a company: hardware or software resold (with its unit cost, for the
    margin) or a project fee. Billed by the first run of a month after its date."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="billing_items")
    date = models.DateField(db_index=True)
    kind = models.CharField(max_length=10, choices=ItemKind.choices, default=ItemKind.HARDWARE)
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    unit_price = money("unit price", validators=[MinValueValidator(0)])
    unit_cost = money("unit cost", validators=[MinValueValidator(0)])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.description} × {self.quantity}"


class BillingRun(models.Model):
    """One row per month that was run: when and by whom. Runs lock the firm row; this row
    is the record the preview page reads."""

    month = models.DateField(unique=True, help_text="The first day of the month billed.")
    last_run_at = models.DateTimeField()
    last_run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"Run {self.month:%Y-%m}"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    CREDITED = "credited", "Credited in full"


class Invoice(TextChecked, models.Model):
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="invoices")
    status = models.CharField(
        max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT, db_index=True
    )
    run_month = models.DateField(db_index=True, help_text="The first day of the month run.")
    date = models.DateField()
    due_date = models.DateField()
    number = models.CharField(max_length=50, null=True, blank=True, unique=True)
    notes = models.TextField(blank=True)
    subtotal = money("subtotal")
    tax = money("tax")
    total = money("total")
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-run_month", "company__name", "pk"]
        constraints = [
            # One draft per company and run: a rerun adds to it instead of a second draft.
            models.UniqueConstraint(
                fields=["company", "run_month"],
                condition=Q(status="draft"),
                name="one_draft_per_company_and_run",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(number__isnull=False),
                name="issued_invoice_has_number",
            ),
        ]
        indexes = [models.Index(fields=["company", "status"])]

    def __str__(self) -> str:
        return self.number or f"Draft {self.company} {self.run_month:%Y-%m}"

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT


class LineKind(models.TextChoices):
    FEE = "fee", "Fee"
    OVERAGE = "overage", "Overage"
    OUT_OF_SCOPE = "out_of_scope", "Out of scope"
    HOURLY = "hourly", "Hourly"
    ITEM = "item", "Item"
    DISCOUNT = "discount", "Discount"


class TaxCategory(models.TextChoices):
    FEE = "fee", "Fees"
    LABOR = "labor", "Labor"
    ITEM = "item", "Items"


TAX_CATEGORY_OF_KIND = {
    LineKind.FEE: TaxCategory.FEE,
    LineKind.OVERAGE: TaxCategory.LABOR,
    LineKind.OUT_OF_SCOPE: TaxCategory.LABOR,
    LineKind.HOURLY: TaxCategory.LABOR,
    LineKind.ITEM: TaxCategory.ITEM,
}
LABOR_KINDS = frozenset({LineKind.OVERAGE, LineKind.OUT_OF_SCOPE, LineKind.HOURLY})


class InvoiceLine(TextChecked, models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=12, choices=LineKind.choices)
    agreement = models.ForeignKey(
        Agreement, null=True, blank=True, on_delete=models.PROTECT, related_name="invoice_lines"
    )
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("1"))
    rate = money("rate")
    amount = money("amount")
    tax_category = models.CharField(max_length=5, choices=TaxCategory.choices)
    tax_percent = models.DecimalField(max_digits=6, decimal_places=3, default=Decimal(0))
    tax = money("tax")
    late = models.BooleanField(default=False)
    # Billed minutes on a labor line (exact: a split entry counts its remainder only).
    minutes = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    # Set when a credit note reverses the line (its fee period may then be billed again).
    credited_at = models.DateTimeField(null=True, blank=True)
    manual = models.BooleanField(default=False, help_text="Added by hand on the draft.")

    class Meta:
        ordering = ["invoice", "position", "pk"]
        constraints = [
            # A fee period is billed once, unless a credit note reversed it.
            models.UniqueConstraint(
                fields=["agreement", "period_start"],
                condition=Q(kind="fee", credited_at__isnull=True),
                name="fee_period_billed_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"

    @property
    def is_labor(self) -> bool:
        return self.kind in LABOR_KINDS


class Ledger(models.Model):
    """An agreement's included hours for one month (M−1), written by the run of M."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="ledgers")
    month = models.DateField(help_text="The first day of the month the hours were for.")
    run_month = models.DateField()
    # The company's invoice of that run, when there was one (regenerating it redoes this).
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="ledgers"
    )
    included_hours = exact_hours("included hours")
    carried_in = exact_hours("carried in")
    onsite_hours = exact_hours("on-site hours")
    used_included = exact_hours("used included")
    used_onsite = exact_hours("used on-site")
    overage_hours = exact_hours("overage hours")
    remaining = exact_hours("remaining")
    carried_out = exact_hours("carried out")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-month", "agreement"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "month"], name="one_ledger_per_month")
        ]

    def __str__(self) -> str:
        return f"Ledger {self.agreement_id} {self.month:%Y-%m}"


class BilledWork(models.Model):
    """Which line (or ledger) billed a time entry or an item. A live link (not released)
    exists at most once per entry and per item: nothing is billed twice. A credit note
    releases the links of the lines it reverses (kept, with ``released_at``), so the next
    run bills that work again."""

    line = models.ForeignKey(
        InvoiceLine, null=True, blank=True, on_delete=models.PROTECT, related_name="work"
    )
    ledger = models.ForeignKey(
        Ledger, null=True, blank=True, on_delete=models.PROTECT, related_name="work"
    )
    entry = models.ForeignKey(
        TimeEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="billing"
    )
    item = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.PROTECT, related_name="billing"
    )
    billed_minutes = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(0))
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        "CreditNote", null=True, blank=True, on_delete=models.PROTECT, related_name="released"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(entry__isnull=False, item__isnull=True)
                | Q(entry__isnull=True, item__isnull=False),
                name="billed_work_entry_or_item",
            ),
            models.CheckConstraint(
                condition=Q(line__isnull=False, ledger__isnull=True)
                | Q(line__isnull=True, ledger__isnull=False),
                name="billed_work_line_or_ledger",
            ),
            models.UniqueConstraint(
                fields=["entry"],
                condition=Q(released_at__isnull=True, entry__isnull=False),
                name="entry_billed_once",
            ),
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(released_at__isnull=True, item__isnull=False),
                name="item_billed_once",
            ),
        ]

    def __str__(self) -> str:
        return f"entry {self.entry_id} / item {self.item_id} -> line {self.line_id}"


class NumberSequence(models.Model):
    """The last number used for a pattern (and year, when the pattern holds {YYYY}; 0
    otherwise). Incremented under select_for_update inside the issuing transaction, so
    numbers have no gaps and no duplicates."""

    pattern = models.CharField(max_length=50)
    year = models.PositiveIntegerField(default=0)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pattern", "year"], name="one_sequence_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.pattern} {self.year}: {self.last}"


class CreditNote(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    number = models.CharField(max_length=50, unique=True)
    date = models.DateField()
    reason = models.CharField(max_length=300, blank=True)
    subtotal = money("subtotal")
    tax = money("tax")
    total = money("total")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.number


class CreditNoteLine(models.Model):
    """Reverses one invoice line in full (amounts are the line's, shown as a credit)."""

    credit_note = models.ForeignKey(CreditNote, on_delete=models.PROTECT, related_name="lines")
    invoice_line = models.OneToOneField(
        InvoiceLine, on_delete=models.PROTECT, related_name="credit_line"
    )
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=12, decimal_places=2)
    rate = money("rate")
    amount = money("amount")
    tax = money("tax")

    class Meta:
        ordering = ["credit_note", "invoice_line__position", "pk"]

    def __str__(self) -> str:
        return f"{self.description}: −{self.amount}"


# --- Billing II: sending, payments, client credit, accounting exports ------------------------


class BillingSettings(models.Model):
    """The firm's accounting names for the exports (one row, pk 1): the QuickBooks accounts
    and items, the sales-tax agency and the Xero account codes and tax types. Kept in
    billing rather than on core.Firm: only the exports read them."""

    receivables_account = models.CharField(max_length=100, default="Accounts Receivable")
    deposit_account = models.CharField(
        max_length=100, default="Undeposited Funds", help_text="Where payments are deposited."
    )
    fee_account = models.CharField(max_length=100, default="Managed Services Income")
    labor_account = models.CharField(max_length=100, default="Labor Income")
    item_account = models.CharField(max_length=100, default="Hardware & Software Sales")
    fee_item = models.CharField(max_length=100, default="Managed Services Agreement")
    labor_item = models.CharField(max_length=100, default="Labor")
    item_item = models.CharField(max_length=100, default="Hardware & Software")
    tax_account = models.CharField(max_length=100, default="Sales Tax Payable")
    tax_agency = models.CharField(max_length=100, default="State Department of Revenue")
    tax_item = models.CharField(max_length=100, default="Sales Tax")
    qbo_taxable_code = models.CharField("QuickBooks Online tax code", max_length=30, default="TAX")
    qbo_exempt_code = models.CharField(
        "QuickBooks Online exempt code", max_length=30, default="NON"
    )
    xero_fee_code = models.CharField("Xero fee account code", max_length=20, default="200")
    xero_labor_code = models.CharField("Xero labor account code", max_length=20, default="210")
    xero_item_code = models.CharField("Xero item account code", max_length=20, default="220")
    xero_tax_type = models.CharField(max_length=50, default="Tax on Sales")
    xero_exempt_tax_type = models.CharField(max_length=50, default="Tax Exempt")

    def __str__(self) -> str:
        return "Billing settings"

    @classmethod
    def current(cls) -> BillingSettings:
        row, _ = cls.objects.get_or_create(pk=1)
        return row


class InvoiceSending(models.Model):
    """One e-mail of an issued invoice's PDF: when, to whom, by whom. The first makes the
    invoice "sent"; a resend adds a row."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="sendings")
    sent_at = models.DateTimeField(db_index=True)
    to_email = models.EmailField()
    to_name = models.CharField(max_length=200, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.invoice} to {self.to_email}"


class PaymentMethod(models.TextChoices):
    CHECK = "check", "Check"
    ACH = "ach", "Bank transfer (ACH)"
    CARD = "card", "Card"
    CASH = "cash", "Cash"
    OTHER = "other", "Other"


class Payment(models.Model):
    """Money received against one issued invoice (never more than its balance)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    date = models.DateField(db_index=True)
    amount = money("amount", validators=[MinValueValidator(Decimal("0.01"))])
    method = models.CharField(max_length=8, choices=PaymentMethod.choices)
    reference = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.amount} on {self.invoice}"


class CreditApplication(models.Model):
    """Client credit (credit notes beyond their invoice's balance) applied to another invoice
    of the same company. Nothing stores the credit itself: it is derived."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="credit_applications"
    )
    date = models.DateField()
    amount = money("amount", validators=[MinValueValidator(Decimal("0.01"))])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"credit {self.amount} on {self.invoice}"


class ExportFormat(models.TextChoices):
    IIF = "iif", "QuickBooks Desktop (IIF)"
    QBO = "qbo", "QuickBooks Online (CSV)"
    XERO = "xero", "Xero (CSV)"


class ExportBatch(models.Model):
    """One accounting export: the format, the date range, what went in and the file itself
    (kept, so a batch can be downloaded again as it was)."""

    format = models.CharField(max_length=4, choices=ExportFormat.choices)
    date_from = models.DateField()
    date_to = models.DateField()
    include_exported = models.BooleanField(default=False)
    filename = models.CharField(max_length=100)
    content = models.TextField()
    invoices = models.ManyToManyField(Invoice, blank=True, related_name="export_batches")
    credit_notes = models.ManyToManyField(CreditNote, blank=True, related_name="export_batches")
    payments = models.ManyToManyField(Payment, blank=True, related_name="export_batches")
    invoice_count = models.PositiveIntegerField(default=0)
    credit_note_count = models.PositiveIntegerField(default=0)
    payment_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.filename
