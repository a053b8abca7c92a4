"""A client statement as a PDF (WeasyPrint, in the invoice PDF's look): the company's
invoices, credit notes and payments with the running balance, what is open and aged, and
the client credit."""

from __future__ import annotations

import re

from django.template.loader import render_to_string
from django.utils import timezone

from sweetspot.clients.models import Company
from sweetspot.core.models import Firm

from . import ar, ar_queries


def filename(company: Company) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", company.name.lower()).strip("-") or "client"
    return f"statement-{slug}-{timezone.localdate():%Y-%m-%d}.pdf"


def render_html(company: Company) -> str:
    data = ar_queries.statement(company, timezone.localdate())
    return render_to_string(
        "billing/statement_pdf.html",
        data
        | {
            "firm": Firm.current(),
            "buckets": [(ar.BUCKET_LABELS[k], data["aging"][k]) for k in ar.BUCKETS],
            "generated": timezone.localtime(),
        },
    )


def render_pdf(company: Company) -> bytes:
    # Imported on use, as billing/pdf.py does: WeasyPrint loads Pango at import.
    from weasyprint import HTML  # noqa: PLC0415 (heavy import, only when a PDF is made)

    out = HTML(string=render_html(company)).write_pdf()
    assert out is not None
    return bytes(out)
