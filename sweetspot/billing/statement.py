"""A client statement as a PDF (core.pdf's WeasyPrint set-up, in the invoice PDF's look):
the company's invoices, credit notes and payments with the running balance, what is open
and aged, and the client credit."""

from __future__ import annotations

import re

from django.template.loader import render_to_string
from django.utils import timezone

from sweetspot.clients.models import Company
from sweetspot.core import pdf as core_pdf
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
    # The one PDF renderer (core.pdf): its URL fetcher serves only our static and media files.
    return core_pdf.render_pdf(render_html(company))
