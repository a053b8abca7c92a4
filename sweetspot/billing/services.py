"""Billing writes: the run, draft edits, issuing, credit notes, items. The only code that
writes billing rows; each state change is one function, atomic and audited.

Concurrency: every run (and regenerate) first locks the firm row (``select_for_update``), so
two runs never bill the same entry, fee or item twice; issuing locks the invoice row, then the
number sequence row, so a number is never skipped nor used twice. On SQLite the IMMEDIATE
transactions of ``config/settings.py`` serialise writers the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from sweetspot.agreements.models import Agreement
from sweetspot.clients.models import Company
from sweetspot.core import audit
from sweetspot.core.models import AuditLog, Firm, User
from sweetspot.desk.models import TimeEntry

from . import engine, loaders
from .models import (
    TAX_CATEGORY_OF_KIND,
    BilledWork,
    BillingRun,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Item,
    Ledger,
    LineKind,
    NumberSequence,
    TaxCategory,
)

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
KIND_ORDER = {k: i for i, k in enumerate(["fee", "overage", "out_of_scope", "hourly", "item"])}


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def tax_on(amount: Decimal, percent: Decimal) -> Decimal:
    return cents(amount * percent / HUNDRED)


def tax_percent(firm: Firm, category: str) -> Decimal:
    return {
        TaxCategory.FEE: firm.tax_percent_fee,
        TaxCategory.LABOR: firm.tax_percent_labor,
        TaxCategory.ITEM: firm.tax_percent_item,
    }[TaxCategory(category)]


def parse_month(raw: str | dt.date) -> dt.date:
    """ "2026-12" (or any date in it) -> 2026-12-01; ValidationError naming ``month``."""
    if isinstance(raw, dt.date):
        return raw.replace(day=1)
    match = re.fullmatch(r"(\d{4})-(\d{2})", str(raw).strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1:
        raise ValidationError({"month": "Give the month as YYYY-MM, e.g. 2026-12."})
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def _lock_firm() -> Firm:
    """The billing lock: one run (or regenerate) at a time, on every database."""
    firm = Firm.current()
    return Firm.objects.select_for_update().get(pk=firm.pk)


# --- the run -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RunOutcome:
    month: dt.date
    invoices_created: int
    invoices_extended: int
    lines: int
    ledgers: int
    entries_billed: int
    items_billed: int

    @property
    def changed(self) -> bool:
        return bool(self.lines or self.ledgers)


def prepare_run(
    month: str | dt.date, actor: User | None = None, *, now: dt.datetime | None = None
) -> RunOutcome:
    """Run the billing engine for ``month`` and save its drafts, ledgers and billing links.

    Idempotent: what an earlier run billed (entries, items, fee periods, ledgers) is not
    billed again, so running twice creates nothing new; a month run late bills exactly what
    was not billed. New work found by a rerun joins the company's draft of that run (a second
    draft is made only when that run's invoice was already issued)."""
    month = parse_month(month)
    with transaction.atomic():
        firm = _lock_firm()
        inp = loaders.billing_input(month, firm)
        result = engine.run_billing(inp)
        outcome = _save_result(result, firm, actor, now or timezone.now())
        BillingRun.objects.update_or_create(
            month=month,
            defaults={"last_run_at": now or timezone.now(), "last_run_by": _user(actor)},
        )
    return outcome


def _user(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def _save_result(
    result: engine.BillingResult, firm: Firm, actor: User | None, now: dt.datetime
) -> RunOutcome:
    month = result.month
    drafts = {
        inv.company_id: inv
        for inv in Invoice.objects.filter(run_month=month, status=InvoiceStatus.DRAFT)
    }
    companies = Company.objects.in_bulk([int(inv.company) for inv in result.invoices])
    fresh = [
        Invoice(
            company=companies[int(inv.company)],
            run_month=month,
            date=inv.date,
            due_date=inv.due,
            status=InvoiceStatus.DRAFT,
            subtotal=inv.subtotal,
            tax=inv.tax,
            total=inv.total,
        )
        for inv in result.invoices
        if int(inv.company) not in drafts
    ]
    Invoice.objects.bulk_create(fresh, batch_size=500)
    created = len(fresh)
    extended: list[tuple[Invoice, dict[str, Any]]] = []
    new_lines: list[InvoiceLine] = []
    line_work: list[tuple[InvoiceLine, engine.Line]] = []
    invoice_of_company: dict[int, Invoice] = {inv.company_id: inv for inv in fresh}
    for inv in result.invoices:
        company_id = int(inv.company)
        invoice = invoice_of_company.get(company_id)
        if invoice is not None:
            position = 0
        else:
            invoice = drafts[company_id]
            invoice_of_company[company_id] = invoice
            extended.append((invoice, audit.snapshot(invoice)))
            position = invoice.lines.count()
        for line in inv.lines:
            position += 1
            category = TAX_CATEGORY_OF_KIND[LineKind(line.kind)]
            row = InvoiceLine(
                invoice=invoice,
                position=position,
                kind=line.kind,
                agreement_id=int(line.agreement) if line.agreement else None,
                description=line.description[:300],
                quantity=cents(line.quantity),
                rate=line.rate,
                amount=line.amount,
                tax_category=category,
                tax_percent=tax_percent(firm, category),
                tax=line.tax,
                late=line.late,
                minutes=line.minutes,
                period_start=line.period_start,
                period_end=line.period_end,
            )
            new_lines.append(row)
            line_work.append((row, line))
    InvoiceLine.objects.bulk_create(new_lines, batch_size=500)
    minutes = result.billed_minutes
    links: list[BilledWork] = []
    entry_ids: list[int] = []
    item_count = 0
    for row, line in line_work:
        for e in line.entries:
            links.append(
                BilledWork(line=row, entry_id=int(e), billed_minutes=Decimal(minutes.get(e, 0)))
            )
            entry_ids.append(int(e))
        for i in line.items:
            links.append(BilledWork(line=row, item_id=int(i)))
            item_count += 1
    ledgers: list[tuple[Ledger, engine.Ledger]] = []
    company_of_agreement = dict(
        Agreement.objects.filter(pk__in=[int(lg.agreement) for lg in result.ledgers]).values_list(
            "pk", "company_id"
        )
    )
    for lg in result.ledgers:
        agreement_id = int(lg.agreement)
        ledgers.append(
            (
                Ledger(
                    agreement_id=agreement_id,
                    month=lg.month,
                    run_month=month,
                    invoice=invoice_of_company.get(company_of_agreement.get(agreement_id, 0)),
                    included_hours=lg.included_hours,
                    carried_in=lg.carried_in,
                    onsite_hours=lg.onsite_hours,
                    used_included=lg.used_included,
                    used_onsite=lg.used_onsite,
                    overage_hours=lg.overage_hours,
                    remaining=lg.remaining,
                    carried_out=lg.carried_out,
                ),
                lg,
            )
        )
    Ledger.objects.bulk_create([row for row, _ in ledgers], batch_size=500)
    for ledger, lg in ledgers:
        for e in lg.entries:
            links.append(
                BilledWork(
                    ledger=ledger, entry_id=int(e), billed_minutes=Decimal(minutes.get(e, 0))
                )
            )
            entry_ids.append(int(e))
    BilledWork.objects.bulk_create(links, batch_size=1000)
    # One statement for any number of entries: every entry with a live billing link and no
    # billed_at is one this run just billed.
    TimeEntry.objects.filter(
        pk__in=BilledWork.objects.filter(released_at__isnull=True, entry__isnull=False).values(
            "entry_id"
        ),
        billed_at__isnull=True,
    ).update(billed_at=now)
    # One audit row per new draft, written together (audit.record's row, in bulk).
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                actor=_user(actor),
                actor_label=actor.label if _user(actor) else "system",  # type: ignore[union-attr]
                action=AuditLog.Action.CREATE,
                object_type=Invoice._meta.label,
                object_id=str(invoice.pk),
                object_repr=str(invoice)[:300],
                changes=audit.diff({}, audit.snapshot(invoice)),
            )
            for invoice in fresh
        ],
        batch_size=500,
    )
    for invoice, before in extended:
        _recompute(invoice)
        audit.record(actor, AuditLog.Action.UPDATE, invoice, before, audit.snapshot(invoice))
    if new_lines or ledgers:
        AuditLog.objects.create(
            actor=_user(actor),
            actor_label=actor.label if _user(actor) else "system",  # type: ignore[union-attr]
            action=AuditLog.Action.CREATE,
            object_type=BillingRun._meta.label,
            object_id=f"{month:%Y-%m}",
            object_repr=f"Billing run {month:%Y-%m}",
            changes={
                "lines": [0, len(new_lines)],
                "ledgers": [0, len(ledgers)],
                "entries": [0, len(entry_ids)],
                "items": [0, item_count],
            },
        )
    return RunOutcome(
        month=month,
        invoices_created=created,
        invoices_extended=len(extended),
        lines=len(new_lines),
        ledgers=len(ledgers),
        entries_billed=len(entry_ids),
        items_billed=item_count,
    )


def _recompute(invoice: Invoice) -> None:
    sums = invoice.lines.aggregate(amount=Sum("amount"), tax=Sum("tax"))
    invoice.subtotal = sums["amount"] or Decimal("0.00")
    invoice.tax = sums["tax"] or Decimal("0.00")
    invoice.total = invoice.subtotal + invoice.tax
    invoice.save(update_fields=["subtotal", "tax", "total", "updated_at"])


def _release_draft_work(links: Any) -> None:
    """Drop a draft's billing links (never issued: nothing to keep) and unmark the entries."""
    entry_ids = [e for e in links.values_list("entry_id", flat=True) if e is not None]
    links.delete()
    TimeEntry.objects.filter(pk__in=entry_ids).update(billed_at=None)


def _require_draft(invoice: Invoice) -> Invoice:
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.status != InvoiceStatus.DRAFT:
        raise ValidationError("An issued invoice is never changed: credit it instead.")
    return locked


@transaction.atomic
def regenerate(actor: User | None, invoice: Invoice) -> Invoice | None:
    """Redo a draft from the run: its lines and ledgers go, their entries and items are
    released, and the run of its month is done again for its company. Lines added by hand
    are dropped too; the notes stay. Returns the new draft, or None when nothing is left to
    bill (the empty draft is deleted)."""
    _lock_firm()
    invoice = _require_draft(invoice)
    before = audit.snapshot(invoice)
    company_ledger = Q(
        invoice__isnull=True, agreement__company_id=invoice.company_id, run_month=invoice.run_month
    )
    ledgers = Ledger.objects.filter(Q(invoice=invoice) | company_ledger)
    _release_draft_work(BilledWork.objects.filter(Q(line__invoice=invoice) | Q(ledger__in=ledgers)))
    ledgers.delete()
    invoice.lines.all().delete()
    firm = Firm.current()
    inp = loaders.billing_input(invoice.run_month, firm, company_id=invoice.company_id)
    result = engine.run_billing(inp)
    _save_result(result, firm, actor, timezone.now())
    fresh = Invoice.objects.filter(pk=invoice.pk).first()
    assert fresh is not None
    if not fresh.lines.exists():
        audit.record(actor, AuditLog.Action.DELETE, fresh, before, {})
        fresh.delete()
        return None
    _recompute(fresh)
    audit.record(actor, AuditLog.Action.UPDATE, fresh, before, audit.snapshot(fresh))
    return fresh


# --- draft edits ----------------------------------------------------------------------------


def _next_position(invoice: Invoice) -> int:
    last = invoice.lines.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def add_line(actor: User | None, invoice: Invoice, data: dict[str, Any]) -> InvoiceLine:
    """A line typed on the draft: description, quantity, rate and its tax category."""
    invoice = _require_draft(invoice)
    firm = Firm.current()
    errors: dict[str, str] = {}
    description = str(data.get("description") or "").strip()
    if not description:
        errors["description"] = "Describe the line."
    quantity = Decimal(str(data.get("quantity") or "0"))
    rate = Decimal(str(data.get("rate") or "0"))
    if quantity <= 0:
        errors["quantity"] = "The quantity must be more than 0."
    if rate < 0:
        errors["rate"] = "The rate cannot be negative: add a discount line instead."
    category = str(data.get("tax_category") or TaxCategory.ITEM)
    if category not in TaxCategory.values:
        errors["tax_category"] = "Choose fees, labor or items."
    if errors:
        raise ValidationError(errors)
    amount = cents(quantity * rate)
    pct = tax_percent(firm, category)
    line = InvoiceLine(
        invoice=invoice,
        position=_next_position(invoice),
        kind=LineKind.ITEM,
        description=description[:300],
        quantity=cents(quantity),
        rate=cents(rate),
        amount=amount,
        tax_category=category,
        tax_percent=pct,
        tax=tax_on(amount, pct),
        manual=True,
    )
    line.full_clean()
    line.save()
    _recompute(invoice)
    audit.record(actor, AuditLog.Action.CREATE, line, {}, audit.snapshot(line))
    return line


@transaction.atomic
def add_discount(actor: User | None, invoice: Invoice, data: dict[str, Any]) -> InvoiceLine:
    """A discount: a negative amount that also lowers the tax of the category it discounts
    (a bookkeeper discounts the taxable base, not the tax)."""
    invoice = _require_draft(invoice)
    firm = Firm.current()
    errors: dict[str, str] = {}
    description = str(data.get("description") or "Discount").strip() or "Discount"
    amount = cents(Decimal(str(data.get("amount") or "0")))
    category = str(data.get("tax_category") or TaxCategory.FEE)
    if amount <= 0:
        errors["amount"] = "Give the discount as a positive amount."
    elif amount > invoice.subtotal:
        errors["amount"] = "A discount cannot exceed the invoice's subtotal."
    if category not in TaxCategory.values:
        errors["tax_category"] = "Choose fees, labor or items."
    if errors:
        raise ValidationError(errors)
    pct = tax_percent(firm, category)
    line = InvoiceLine(
        invoice=invoice,
        position=_next_position(invoice),
        kind=LineKind.DISCOUNT,
        description=description[:300],
        quantity=Decimal("1.00"),
        rate=-amount,
        amount=-amount,
        tax_category=category,
        tax_percent=pct,
        tax=-tax_on(amount, pct),
        manual=True,
    )
    line.save()
    _recompute(invoice)
    audit.record(actor, AuditLog.Action.CREATE, line, {}, audit.snapshot(line))
    return line


@transaction.atomic
def remove_line(actor: User | None, line: InvoiceLine) -> None:
    """Take a line off a draft: its entries and items are released (the next run bills them
    again unless they are changed first), a fee line's period may be billed again."""
    invoice = _require_draft(line.invoice)
    _release_draft_work(BilledWork.objects.filter(line=line))
    audit.record(actor, AuditLog.Action.DELETE, line, audit.snapshot(line), {})
    line.delete()
    _recompute(invoice)


@transaction.atomic
def set_notes(actor: User | None, invoice: Invoice, notes: str) -> Invoice:
    invoice = _require_draft(invoice)
    before = audit.snapshot(invoice)
    invoice.notes = notes.strip()
    invoice.save(update_fields=["notes", "updated_at"])
    audit.record(actor, AuditLog.Action.UPDATE, invoice, before, audit.snapshot(invoice))
    return invoice


# --- numbers, issue and credit --------------------------------------------------------------


def format_number(pattern: str, year: int, seq: int) -> str:
    text = pattern.replace("{YYYY}", f"{year:04d}").replace("{YY}", f"{year % 100:02d}")
    return re.sub(
        r"\{seq(?::(\d+))?\}",
        lambda m: f"{seq:0{int(m.group(1))}d}" if m.group(1) else str(seq),
        text,
    )


def next_number(pattern: str, day: dt.date) -> str:
    """The next number of ``pattern`` for the year of ``day``: call inside the transaction
    that uses it. The sequence row is locked until that transaction ends, so a concurrent
    issue waits; a rolled-back issue gives its number back (no gap)."""
    year = day.year if "{YYYY}" in pattern or "{YY}" in pattern else 0
    NumberSequence.objects.get_or_create(pattern=pattern, year=year)
    seq = NumberSequence.objects.select_for_update().get(pattern=pattern, year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    return format_number(pattern, day.year, seq.last)


@transaction.atomic
def issue(actor: User | None, invoice: Invoice, *, now: dt.datetime | None = None) -> Invoice:
    """Give the draft its number and freeze it."""
    invoice = _require_draft(invoice)
    if not invoice.lines.exists():
        raise ValidationError("An invoice with no lines cannot be issued.")
    if invoice.total < 0:
        raise ValidationError("An invoice cannot total less than zero.")
    before = audit.snapshot(invoice)
    firm = Firm.current()
    invoice.number = next_number(firm.invoice_number_pattern, invoice.date)
    invoice.status = InvoiceStatus.ISSUED
    invoice.issued_at = now or timezone.now()
    invoice.issued_by = _user(actor)
    invoice.save(update_fields=["number", "status", "issued_at", "issued_by", "updated_at"])
    audit.record(actor, AuditLog.Action.UPDATE, invoice, before, audit.snapshot(invoice))
    return invoice


@transaction.atomic
def credit(
    actor: User | None,
    invoice: Invoice,
    line_ids: Iterable[int] | None = None,
    reason: str = "",
    *,
    today: dt.date | None = None,
) -> CreditNote:
    """A credit note reversing the chosen lines of an issued invoice (all its lines not yet
    credited when none are chosen). The entries and items behind those lines are released so
    the next run bills them again; a credited fee period may be billed again. When every
    line is credited the invoice is credited in full."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.status != InvoiceStatus.ISSUED:
        if invoice.status == InvoiceStatus.DRAFT:
            raise ValidationError("A draft is edited, not credited.")
        raise ValidationError("This invoice is already credited in full.")
    open_lines = invoice.lines.filter(credited_at__isnull=True).order_by("position", "pk")
    if line_ids is not None:
        wanted = {int(i) for i in line_ids}
        if not wanted:
            raise ValidationError({"lines": "Choose at least one line to credit."})
        lines = [ln for ln in open_lines if ln.pk in wanted]
        if len(lines) != len(wanted):
            raise ValidationError({"lines": "Only lines of this invoice not yet credited."})
    else:
        lines = list(open_lines)
    if not lines:
        raise ValidationError({"lines": "Every line is already credited."})
    now = timezone.now()
    firm = Firm.current()
    day = today or timezone.localdate()
    note = CreditNote.objects.create(
        invoice=invoice,
        number=next_number(firm.credit_note_number_pattern, day),
        date=day,
        reason=reason.strip()[:300],
        created_by=_user(actor),
    )
    CreditNoteLine.objects.bulk_create(
        [
            CreditNoteLine(
                credit_note=note,
                invoice_line=ln,
                description=ln.description,
                quantity=ln.quantity,
                rate=ln.rate,
                amount=ln.amount,
                tax=ln.tax,
            )
            for ln in lines
        ]
    )
    note.subtotal = sum((ln.amount for ln in lines), Decimal("0.00"))
    note.tax = sum((ln.tax for ln in lines), Decimal("0.00"))
    note.total = note.subtotal + note.tax
    note.save(update_fields=["subtotal", "tax", "total"])
    ids = [ln.pk for ln in lines]
    InvoiceLine.objects.filter(pk__in=ids).update(credited_at=now)
    links = BilledWork.objects.filter(line_id__in=ids, released_at__isnull=True)
    entry_ids = [e for e in links.values_list("entry_id", flat=True) if e is not None]
    links.update(released_at=now, released_by=note)
    TimeEntry.objects.filter(pk__in=entry_ids).update(billed_at=None)
    before = audit.snapshot(invoice)
    if not invoice.lines.filter(credited_at__isnull=True).exists():
        invoice.status = InvoiceStatus.CREDITED
        invoice.save(update_fields=["status", "updated_at"])
    audit.record(
        actor,
        AuditLog.Action.CREATE,
        note,
        {},
        audit.snapshot(note) | {"lines": ids, "released_entries": sorted(entry_ids)},
    )
    audit.record(actor, AuditLog.Action.UPDATE, invoice, before, audit.snapshot(invoice))
    return note


# --- items -------------------------------------------------------------------------------

ITEM_FIELDS = ["company", "date", "kind", "description", "quantity", "unit_price", "unit_cost"]


@transaction.atomic
def create_item(actor: User | None, data: dict[str, Any]) -> Item:
    item = Item(created_by=_user(actor))
    for key in ITEM_FIELDS:
        if key in data and data[key] is not None:
            setattr(item, key, data[key])
    if isinstance(item.company_id, int) and not Company.objects.filter(pk=item.company_id).exists():
        raise ValidationError({"company": "Unknown company."})
    item.full_clean()
    item.save()
    audit.record(actor, AuditLog.Action.CREATE, item, {}, audit.snapshot(item))
    return item


@transaction.atomic
def update_item(actor: User | None, item: Item, data: dict[str, Any]) -> Item:
    """Correct an item not billed now (never billed, or released by a credit note)."""
    if item_is_billed(item):
        raise ValidationError("This item is on an invoice: credit its line first.")
    before = audit.snapshot(item)
    for key in ITEM_FIELDS:
        if key in data and data[key] is not None:
            setattr(item, key, data[key])
    item.full_clean()
    item.save()
    audit.record(actor, AuditLog.Action.UPDATE, item, before, audit.snapshot(item))
    return item


def item_is_billed(item: Item) -> bool:
    return BilledWork.objects.filter(item=item, released_at__isnull=True).exists()


@transaction.atomic
def delete_item(actor: User | None, item: Item) -> None:
    """An item typed by mistake may be deleted until a run bills it; after that it is history
    (credit the line instead)."""
    if BilledWork.objects.filter(item=item).exists():
        raise ValidationError("This item was billed: credit its line instead of deleting it.")
    audit.record(actor, AuditLog.Action.DELETE, item, audit.snapshot(item), {})
    item.delete()
