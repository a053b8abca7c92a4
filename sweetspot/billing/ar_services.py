"""Billing II writes: sending an invoice, payments, applying client credit, the billing
settings and accounting export batches. Each function is one state change, validates,
runs in a transaction and records an audit row (``core.audit.record``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from sweetspot.clients.models import Company, Contact
from sweetspot.core import audit
from sweetspot.core.models import AuditLog, Firm, User

from . import ar, ar_queries, exports, pdf
from .models import (
    BillingSettings,
    CreditApplication,
    CreditNote,
    ExportBatch,
    ExportFormat,
    Invoice,
    InvoiceSending,
    InvoiceStatus,
    Payment,
    PaymentMethod,
)


def _user(actor: User | None) -> User | None:
    return actor if actor is not None and actor.pk else None


def billing_contact(company: Company) -> Contact | None:
    """The company's billing contact with an e-mail, else its primary contact with one."""
    contacts = Contact.objects.filter(company=company, archived_at__isnull=True).exclude(email="")
    return (
        contacts.filter(billing_contact=True).order_by("name", "pk").first()
        or contacts.filter(is_primary=True).order_by("name", "pk").first()
    )


def _locked_amounts(invoice: Invoice) -> tuple[Invoice, ar.Amounts]:
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    annotated = ar_queries.with_amounts(Invoice.objects.filter(pk=invoice.pk)).get()
    return locked, ar_queries.amounts(annotated)


@transaction.atomic
def send_invoice(
    actor: User | None,
    invoice: Invoice,
    *,
    now: dt.datetime | None = None,
    connection: Any = None,
) -> InvoiceSending:
    """E-mail the issued invoice's PDF to the billing contact (else the primary contact);
    a second call resends. Records when and to whom."""
    invoice = Invoice.objects.select_for_update().select_related("company").get(pk=invoice.pk)
    if invoice.status == InvoiceStatus.DRAFT:
        raise ValidationError("Issue the invoice before sending it.")
    contact = billing_contact(invoice.company)
    if contact is None:
        raise ValidationError(
            {
                "to": f"{invoice.company.name} has no billing or primary contact with an "
                "e-mail address."
            }
        )
    firm = Firm.current()
    message = EmailMessage(
        subject=f"Invoice {invoice.number} from {firm.name}",
        body=(
            f"Dear {contact.name},\n\nPlease find attached invoice {invoice.number} dated "
            f"{invoice.date:%Y-%m-%d} for ${invoice.total:,.2f}, due {invoice.due_date:%Y-%m-%d}."
            f"\n\nThank you,\n{firm.name}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[contact.email],
        reply_to=[firm.email] if firm.email else None,
        connection=connection,
    )
    message.attach(pdf.filename(invoice), pdf.render_pdf(invoice), "application/pdf")
    message.send()
    sending = InvoiceSending.objects.create(
        invoice=invoice,
        sent_at=now or timezone.now(),
        to_email=contact.email,
        to_name=contact.name,
        sent_by=_user(actor),
    )
    audit.record(actor, AuditLog.Action.CREATE, sending, {}, audit.snapshot(sending))
    return sending


@transaction.atomic
def record_payment(actor: User | None, invoice: Invoice, data: dict[str, Any]) -> Payment:
    """A payment against one issued invoice: partial allowed, never more than its balance."""
    invoice, amounts = _locked_amounts(invoice)
    if invoice.status == InvoiceStatus.DRAFT:
        raise ValidationError("A draft cannot be paid: issue it first.")
    payment = Payment(
        invoice=invoice,
        date=data.get("date") or timezone.localdate(),
        amount=data.get("amount"),
        method=data.get("method") or PaymentMethod.CHECK,
        reference=(data.get("reference") or "").strip(),
        created_by=_user(actor),
    )
    payment.full_clean(exclude=["invoice", "created_by"])
    if payment.amount > amounts.balance:
        raise ValidationError(
            {
                "amount": f"More than the balance of ${amounts.balance:,.2f}: record at most "
                "the balance (a client credit comes from a credit note)."
            }
        )
    payment.save()
    audit.record(actor, AuditLog.Action.CREATE, payment, {}, audit.snapshot(payment))
    return payment


def available_credit(company: Company) -> Decimal:
    return ar_queries.client_credit(ar_queries.company_invoices(company, timezone.localdate()))


@transaction.atomic
def apply_credit(
    actor: User | None, invoice: Invoice, amount: Decimal | None = None
) -> CreditApplication:
    """Apply the company's client credit to an invoice's balance (all that fits when no
    amount is given)."""
    Company.objects.select_for_update().filter(pk=invoice.company_id).first()
    invoice, amounts = _locked_amounts(invoice)
    if invoice.status == InvoiceStatus.DRAFT:
        raise ValidationError("Issue the invoice before applying credit to it.")
    credit = available_credit(invoice.company)
    if amount is None:
        amount = min(credit, amounts.balance)
    if amount <= 0:
        raise ValidationError({"amount": "There is no client credit or no balance to apply it to."})
    if amount > credit:
        raise ValidationError({"amount": f"Only ${credit:,.2f} of client credit is available."})
    if amount > amounts.balance:
        raise ValidationError({"amount": f"More than the balance of ${amounts.balance:,.2f}."})
    application = CreditApplication.objects.create(
        invoice=invoice, date=timezone.localdate(), amount=amount, created_by=_user(actor)
    )
    audit.record(actor, AuditLog.Action.CREATE, application, {}, audit.snapshot(application))
    return application


SETTINGS_FIELDS = [f.name for f in BillingSettings._meta.concrete_fields if f.name != "id"]


@transaction.atomic
def update_settings(actor: User | None, data: dict[str, Any]) -> BillingSettings:
    row = BillingSettings.current()
    before = audit.snapshot(row)
    for name in SETTINGS_FIELDS:
        if name in data:
            setattr(row, name, str(data[name]).strip())
    row.full_clean()
    row.save()
    audit.record(actor, AuditLog.Action.UPDATE, row, before, audit.snapshot(row))
    return row


def _export_rows(
    fmt: str, date_from: dt.date, date_to: dt.date, include_exported: bool
) -> tuple[list[Invoice], list[CreditNote], list[Payment]]:
    invoices = (
        Invoice.objects.exclude(status=InvoiceStatus.DRAFT)
        .filter(date__gte=date_from, date__lte=date_to)
        .select_related("company")
        .prefetch_related("lines")
        .order_by("date", "number")
    )
    notes = (
        CreditNote.objects.filter(date__gte=date_from, date__lte=date_to)
        .select_related("invoice__company")
        .prefetch_related("lines__invoice_line")
        .order_by("date", "number")
    )
    payments = (
        Payment.objects.filter(date__gte=date_from, date__lte=date_to)
        .select_related("invoice__company")
        .order_by("date", "pk")
    )
    if not include_exported:
        invoices = invoices.exclude(export_batches__format=fmt)
        notes = notes.exclude(export_batches__format=fmt)
        payments = payments.exclude(export_batches__format=fmt)
    if fmt == ExportFormat.QBO:
        return list(invoices), [], []
    if fmt == ExportFormat.XERO:
        return list(invoices), list(notes), []
    return list(invoices), list(notes), list(payments)


@transaction.atomic
def create_export(
    actor: User | None,
    fmt: str,
    date_from: dt.date,
    date_to: dt.date,
    *,
    include_exported: bool = False,
) -> ExportBatch:
    """Export the issued invoices, credit notes and payments dated in the range (what the
    format takes) as one recorded batch. What an earlier batch of the same format held is
    left out unless ``include_exported``."""
    if fmt not in ExportFormat.values:
        raise ValidationError({"format": "Choose iif, qbo or xero."})
    if date_from > date_to:
        raise ValidationError({"date_to": "The end of the range is before its start."})
    invoices, notes, payments = _export_rows(fmt, date_from, date_to, include_exported)
    if not (invoices or notes or payments):
        raise ValidationError(
            {"date_from": "Nothing to export in this range (already exported items are left "
             "out unless you ask to export them again)."}
        )  # fmt: skip
    s = BillingSettings.current()
    if fmt == ExportFormat.IIF:
        content, ext = exports.iif(invoices, notes, payments, s), "iif"
    elif fmt == ExportFormat.QBO:
        content, ext = exports.qbo(invoices, s), "csv"
    else:
        content, ext = exports.xero(invoices, notes, s), "csv"
    batch = ExportBatch.objects.create(
        format=fmt,
        date_from=date_from,
        date_to=date_to,
        include_exported=include_exported,
        filename=f"{fmt}-{date_from:%Y%m%d}-{date_to:%Y%m%d}.{ext}",
        content=content,
        invoice_count=len(invoices),
        credit_note_count=len(notes),
        payment_count=len(payments),
        created_by=_user(actor),
    )
    batch.invoices.set(invoices)
    batch.credit_notes.set(notes)
    batch.payments.set(payments)
    audit.record(
        actor,
        AuditLog.Action.CREATE,
        batch,
        {},
        audit.snapshot(batch, ["format", "date_from", "date_to", "include_exported", "filename"])
        | {
            "invoices": [i.pk for i in invoices],
            "credit_notes": [n.pk for n in notes],
            "payments": [p.pk for p in payments],
        },
    )
    return batch
