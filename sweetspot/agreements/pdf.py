"""The agreement as a document: terms in plain language (page and PDF), rendered with
WeasyPrint. The terms are ``services.terms_of``: the signed snapshot once signed, the plan's
current terms for a draft (marked DRAFT)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from sweetspot.catalog.models import Service
from sweetspot.core import pdf as core_pdf
from sweetspot.core.models import Firm
from sweetspot.core.wording import (
    BUSINESS_HOURS_NOTE,
    PRIORITY_LABELS,
    PRIORITY_MEANINGS,
    business_day_minutes,
    business_duration,
)

from .models import MONTHS_IN_PERIOD, PRIORITIES, Agreement, AgreementStatus, BillingCadence
from .services import monthly_equivalent, terms_of

CADENCE_WORDS = {
    BillingCadence.MONTHLY: "per month",
    BillingCadence.QUARTERLY: "per quarter",
    BillingCadence.ANNUAL: "per year",
}


def number_words(value: Decimal | str) -> str:
    """Decimal("2.00") -> "2", Decimal("1.50") -> "1.5"."""
    return f"{Decimal(str(value)).normalize():f}"


def describe(agreement: Agreement) -> dict[str, Any]:
    """The agreement's terms as the detail page and the PDF show them."""
    terms = terms_of(agreement)
    signed = agreement.signed_at is not None and bool(agreement.terms)
    cadence = terms.get("billing_cadence", BillingCadence.MONTHLY)
    if signed:
        period_fee = agreement.period_fee
    else:
        period_fee = Decimal(terms["monthly_fee"]) * MONTHS_IN_PERIOD[cadence]
    ids = [s["id"] for s in terms.get("services", [])]
    descriptions = dict(Service.objects.filter(pk__in=ids).values_list("pk", "description"))
    services = [
        {"id": s["id"], "name": s["name"], "description": descriptions.get(s["id"], "")}
        for s in terms.get("services", [])
    ]
    day = business_day_minutes(Firm.current())
    targets = []
    for p in PRIORITIES:
        label, meaning = PRIORITY_LABELS[p], PRIORITY_MEANINGS[p]
        targets.append(
            {
                "priority": p,
                "label": label,
                "meaning": meaning,
                "response_minutes": terms["response_minutes"][p],
                "resolution_minutes": terms["resolution_minutes"][p],
                "response": business_duration(terms["response_minutes"][p], day),
                "resolution": business_duration(terms["resolution_minutes"][p], day),
            }
        )
    return {
        "terms": terms,
        "signed": signed,
        "plan_name": terms["plan_name"],
        "hourly_only": terms.get("hourly_only", False),
        "cadence": cadence,
        "cadence_words": CADENCE_WORDS.get(cadence, cadence),
        "period_fee": period_fee,
        "monthly_equivalent": monthly_equivalent(period_fee, cadence),
        "overage_rate": Decimal(terms["overage_rate"]),
        "services": services,
        "onsite_half_days": number_words(terms["onsite_half_days_per_month"]),
        "included_hours": number_words(terms["included_hours_per_month"]),
        "has_included_hours": Decimal(terms["included_hours_per_month"]) > 0,
        "remote_support": terms["remote_support"],
        "emergency_phone_support": terms["emergency_phone_support"],
        "targets": targets,
        "business_hours_note": BUSINESS_HOURS_NOTE,
    }


def primary_contact(agreement: Agreement) -> Any:
    return (
        agreement.company.contacts.filter(archived_at__isnull=True)
        .order_by("-is_primary", "name", "pk")
        .first()
    )


def filename(agreement: Agreement) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", agreement.company.name.lower()).strip("-") or "client"
    return f"agreement-{slug}-{agreement.pk}.pdf"


def render_html(agreement: Agreement) -> str:
    firm = Firm.current()
    return render_to_string(
        "agreements/pdf.html",
        {
            "agreement": agreement,
            "firm": firm,
            "company": agreement.company,
            "contact": primary_contact(agreement),
            "doc": describe(agreement),
            "draft": agreement.status == AgreementStatus.DRAFT,
            "hours_per_half_day": number_words(firm.hours_per_half_day),
            "generated": timezone.localtime(),
        },
    )


def render_pdf(agreement: Agreement) -> bytes:
    return core_pdf.render_pdf(render_html(agreement))
