"""Demo billing (issue 12): ``seed_billing(today=None)``.

Idempotent: does nothing when any invoice exists. On top of the desk's six months of time:

* a few items (hardware and software resold, a project fee), one subcontractor entry (Quill
  Data on Maple Law's SQL Server job, out of scope) and one break-fix entry;
* Harbor Dental's server migration two months ago (remote work beyond its included hours),
  so last month's run has an overage line; on-site work for it last month;
* every monthly run from the first month of recorded time up to last month's, each issued
  (so the history is billed in order, nothing late); on last month's run one line is
  credited by a credit note (Maple Law returned one of two access points; the item is
  corrected to one, and this month's run bills it again);
* receivables (Billing II): every invoice before the month before last paid in full; of
  the month before last's, one left unpaid (overdue); of last month's, Harbor Dental's paid
  in full, Maple Law's partly paid, the rest sent and not yet due; those three invoices
  were sent to the billing contact (mail kept in memory, not printed); a QuickBooks Desktop
  export of last month;
* this month's run prepared and left as drafts, ready to preview and issue.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from sweetspot.agreements.models import Agreement, AgreementStatus
from sweetspot.clients.models import Company
from sweetspot.core.models import User
from sweetspot.desk.models import TimeEntry, WorkType
from sweetspot.team.models import Subcontractor, Technician

from . import ar_queries, ar_services, services
from .loaders import add_months, first_of
from .models import Invoice, InvoiceStatus, Item, ItemKind

# company, days before the first of this month, kind, description, quantity, price, cost
ITEMS = [
    ("Maple Law", 40, ItemKind.SOFTWARE, "Microsoft 365 Business Standard", "35", "12.50", "10"),
    ("Maple Law", 38, ItemKind.HARDWARE, "Ubiquiti U6-Pro access point", "2", "189.00", "149"),
    ("Harbor Dental", 12, ItemKind.HARDWARE, "Dell OptiPlex 7010 (reception)", "1", "899", "720"),
    ("Harbor Dental", 9, ItemKind.HARDWARE, "APC Smart-UPS 1500VA", "1", "649.00", "505.00"),
    ("Bluewater Accounting", 15, ItemKind.PROJECT, "Offsite backup setup", "1", "1200", "0"),
]


def seed_billing(today: dt.date | None = None) -> dict[str, int]:
    if Invoice.objects.exists():
        return {}
    today = today or timezone.localdate()
    with transaction.atomic():
        return _seed(today)


def _seed(today: dt.date) -> dict[str, int]:
    olivia = User.objects.filter(username="olivia").first()
    month = first_of(today)
    last = add_months(month, -1)
    companies = {c.name: c for c in Company.objects.all()}
    for name, days, kind, text, qty, price, cost in ITEMS:
        if name in companies:
            services.create_item(
                olivia,
                {
                    "company": companies[name],
                    "date": month - dt.timedelta(days=days),
                    "kind": kind,
                    "description": text,
                    "quantity": Decimal(qty),
                    "unit_price": Decimal(price),
                    "unit_cost": Decimal(cost),
                },
            )
    _extra_time(companies, month)
    first_work = TimeEntry.objects.order_by("work_date").values_list("work_date", flat=True).first()
    start = add_months(first_of(first_work), 1) if first_work else last
    run = start
    while run <= last:
        services.prepare_run(run, olivia)
        for invoice in Invoice.objects.filter(run_month=run, status=InvoiceStatus.DRAFT):
            services.issue(olivia, invoice)
        run = add_months(run, 1)
    _credit_one_line(olivia, last)
    _receivables(olivia, today, last)
    services.prepare_run(month, olivia)
    return {
        "invoices": Invoice.objects.count(),
        "drafts": Invoice.objects.filter(status=InvoiceStatus.DRAFT).count(),
    }


def _extra_time(companies: dict[str, Company], month: dt.date) -> None:
    """Two months ago: Harbor Dental's server migration (remote, beyond its included hours).
    Last month: its on-site follow-up, Quill Data's SQL Server job for Maple Law (out of
    scope), a break-fix visit to Fern Bakery."""
    last = add_months(month, -1)
    before = add_months(month, -2)
    tech = Technician.objects.order_by("-bill_rate", "pk").first()
    quill = Subcontractor.objects.filter(company_name__icontains="Quill").first()
    harbor = companies.get("Harbor Dental")
    harbor_ag = (
        Agreement.objects.filter(company=harbor, status=AgreementStatus.ACTIVE).first()
        if harbor
        else None
    )
    if tech is not None and harbor_ag is not None:
        for day, minutes, work_type, note, on in (
            (5, 240, WorkType.REMOTE, "File server migration: build the new host", before),
            (6, 300, WorkType.REMOTE, "File server migration: copy shares and permissions", before),
            (7, 200, WorkType.REMOTE, "File server migration: cut-over and checks", before),
            (13, 180, WorkType.ONSITE, "On site: retire the old server", last),
        ):
            TimeEntry.objects.create(
                technician=tech,
                company=harbor,
                agreement=harbor_ag,
                work_type=work_type,
                work_date=on + dt.timedelta(days=day),
                minutes=minutes,
                note=note,
            )
    maple = companies.get("Maple Law")
    if quill is not None and maple is not None:
        maple_ag = Agreement.objects.filter(company=maple, status=AgreementStatus.ACTIVE).first()
        TimeEntry.objects.create(
            subcontractor=quill,
            company=maple,
            agreement=maple_ag,
            work_type=WorkType.REMOTE,
            work_date=last + dt.timedelta(days=12),
            minutes=150,
            out_of_scope=True,
            note="Quill Data: rebuild the failing SQL Server maintenance jobs",
        )
    fern = companies.get("Fern Bakery")
    if tech is not None and fern is not None:
        TimeEntry.objects.create(
            technician=tech,
            company=fern,
            work_type=WorkType.ONSITE,
            work_date=last + dt.timedelta(days=16),
            minutes=95,
            note="Break-fix: point-of-sale PC will not start",
        )


def _credit_one_line(actor: User | None, run: dt.date) -> None:
    """Maple Law's access points were billed as two; one was returned: credit the line."""
    invoice = Invoice.objects.filter(
        run_month=run, status=InvoiceStatus.ISSUED, company__name="Maple Law"
    ).first()
    if invoice is None:
        return
    line = invoice.lines.filter(description__startswith="Ubiquiti").first()
    if line is not None:
        services.credit(actor, invoice, [line.pk], reason="One access point returned unopened")
        item = Item.objects.get(billing__line=line)
        services.update_item(actor, item, {"quantity": Decimal("1")})


def _receivables(actor: User | None, today: dt.date, last: dt.date) -> None:
    """Payments, sendings and last month's QuickBooks export (see the module docstring)."""
    quiet = get_connection("django.core.mail.backends.locmem.EmailBackend")
    before = add_months(last, -1)
    methods = ["check", "ach", "card"]
    issued = list(
        Invoice.objects.filter(status=InvoiceStatus.ISSUED)
        .select_related("company")
        .order_by("run_month", "company__name", "pk")
    )
    overdue = next(
        (
            i
            for i in reversed(issued)
            if i.run_month == before and i.company.name not in {"Harbor Dental", "Maple Law"}
        ),
        None,
    )
    for n, invoice in enumerate(issued):
        balance = ar_queries.amounts(
            ar_queries.with_amounts(Invoice.objects.filter(pk=invoice.pk)).get()
        ).balance
        if balance <= 0 or invoice == overdue:
            continue
        paid_on = min(today, invoice.due_date - dt.timedelta(days=3))
        if invoice.run_month < last:
            amount = balance
        elif invoice.company.name == "Harbor Dental":
            amount, paid_on = balance, min(today, invoice.date + dt.timedelta(days=9))
        elif invoice.company.name == "Maple Law":
            amount = (balance / 2).quantize(Decimal("0.01"))
            paid_on = min(today, invoice.date + dt.timedelta(days=12))
        else:
            continue
        ar_services.record_payment(
            actor,
            invoice,
            {
                "date": paid_on,
                "amount": amount,
                "method": methods[n % 3],
                "reference": f"{1040 + n}" if methods[n % 3] == "check" else "",
            },
        )
    to_send = [
        i
        for i in issued
        if i.run_month == last and i.company.name in {"Harbor Dental", "Maple Law"}
    ]
    for invoice in ([overdue] if overdue else []) + to_send:
        if ar_services.billing_contact(invoice.company) is not None:
            sent_at = timezone.make_aware(dt.datetime.combine(invoice.date, dt.time(9, 30)))
            ar_services.send_invoice(actor, invoice, now=sent_at, connection=quiet)
    end = add_months(last, 1) - dt.timedelta(days=1)
    ar_services.create_export(actor, "iif", last, min(end, today), include_exported=True)
