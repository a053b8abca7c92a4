"""The invoice as a PDF (WeasyPrint), in the look of the agreement PDF: the firm, the
client, the lines, taxes and total, the month's included-hours ledger (included, used,
left) and the tickets behind the labor lines. A draft is marked DRAFT."""

from __future__ import annotations

import re
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from sweetspot.agreements.pdf import primary_contact
from sweetspot.core import pdf as core_pdf
from sweetspot.core.models import Firm

from . import queries
from .models import Invoice, InvoiceStatus


def filename(invoice: Invoice) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", invoice.company.name.lower()).strip("-") or "client"
    return f"invoice-{invoice.number or f'draft-{invoice.pk}'}-{slug}.pdf".lower()


def tickets_behind(lines: list[Any]) -> list[dict[str, Any]]:
    """Per labor line, the tickets (and ticketless work) its entries came from."""
    out = []
    for line in lines:
        if not line.is_labor:
            continue
        tickets: dict[Any, dict[str, Any]] = {}
        for work in line.work.all():
            entry = work.entry
            if entry is None:
                continue
            key = entry.ticket_id or f"e{entry.pk}"
            row = tickets.setdefault(
                key,
                {
                    "ticket": entry.ticket,
                    "note": entry.note,
                    "minutes": 0,
                    "first": entry.work_date,
                },
            )
            row["minutes"] += entry.minutes
        out.append({"line": line, "tickets": list(tickets.values())})
    return out


def render_html(invoice: Invoice) -> str:
    invoice = queries.invoice_detail(invoice)
    lines = list(invoice.lines.all())
    return render_to_string(
        "billing/invoice_pdf.html",
        {
            "invoice": invoice,
            "firm": Firm.current(),
            "company": invoice.company,
            "contact": primary_contact_of(invoice),
            "lines": lines,
            "ledgers": list(invoice.ledgers.all()),
            "labor": tickets_behind(lines),
            "draft": invoice.status == InvoiceStatus.DRAFT,
            "credited": invoice.status == InvoiceStatus.CREDITED,
            "generated": timezone.localtime(),
        },
    )


def primary_contact_of(invoice: Invoice) -> Any:
    class _Holder:  # agreements.pdf.primary_contact reads ``.company``
        company = invoice.company

    return primary_contact(_Holder())  # type: ignore[arg-type]


def render_pdf(invoice: Invoice) -> bytes:
    return core_pdf.render_pdf(render_html(invoice))
