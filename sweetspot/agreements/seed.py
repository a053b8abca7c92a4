"""Demo plans and agreements for Brightline IT. Idempotent.

* A sweet-spot ladder of three plans between $1,000 and $2,000 a month, and an hourly
  break-fix plan. Included services are taken from the catalog by name where present.
* Eight agreement clients (the demo's status="client" companies) signed at dates spread over
  the last twelve months, so the MRR trend rises: 1 × Essentials, 2 × Standard, 5 × Premium =
  $13,850 MRR, $166,200 ARR — the trade's "eight clients ≈ $165,000 a year".
  One of them (signed about a year ago) is inside its renewal notice window.
* One draft, for the prospect Lakeside Manufacturing (in the pipeline's proposal stage).

Plans are looked up by name and agreements by company; rows that exist are left alone, so
the firm's edits survive a second run. Everything goes through services.py (audited).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from sweetspot.catalog.models import Service
from sweetspot.clients.models import Company
from sweetspot.core.models import User

from . import services
from .models import Agreement, Plan

ESSENTIALS = ["Desktop support", "Antivirus and patching", "Office & accounting app support"]
STANDARD = ESSENTIALS + ["Backup management", "E-mail and phone sync", "Server administration"]
PREMIUM = STANDARD + ["LAN administration", "Firewall management", "WAN/VPN administration"]

PLANS: list[dict[str, Any]] = [
    {
        "data": {
            "name": "Essentials",
            "description": "Small offices: one on-site half-day a month, remote and phone help.",
            "monthly_fee": Decimal("1100.00"),
            "onsite_half_days_per_month": Decimal(1),
            "included_hours_per_month": Decimal(6),
            "expected_remote_hours_per_month": Decimal(4),
            "expected_phone_hours_per_month": Decimal(1),
            "p1_response_minutes": 120,
            "p2_response_minutes": 240,
            "p3_response_minutes": 480,
            "p4_response_minutes": 1440,
            "overage_rate": Decimal("125.00"),
        },
        "services": ESSENTIALS,
    },
    {
        "data": {
            "name": "Standard",
            "description": "The sweet spot's virtual IT department: two on-site half-days a "
            "month, server and backup care.",
            "monthly_fee": Decimal("1500.00"),
            "onsite_half_days_per_month": Decimal(2),
            "included_hours_per_month": Decimal(10),
            "expected_remote_hours_per_month": Decimal(6),
            "expected_phone_hours_per_month": Decimal(2),
            "p1_response_minutes": 90,
            "p2_response_minutes": 240,
            "p3_response_minutes": 480,
            "p4_response_minutes": 1440,
            "overage_rate": Decimal("125.00"),
        },
        "services": STANDARD,
    },
    {
        "data": {
            "name": "Premium",
            "description": "Larger or multi-site offices: four on-site half-days a month, the "
            "network, firewall and links between sites.",
            "monthly_fee": Decimal("1950.00"),
            "onsite_half_days_per_month": Decimal(4),
            "included_hours_per_month": Decimal(16),
            "expected_remote_hours_per_month": Decimal(10),
            "expected_phone_hours_per_month": Decimal(3),
            "p1_response_minutes": 60,
            "p2_response_minutes": 120,
            "p3_response_minutes": 480,
            "p4_response_minutes": 1440,
            "p1_resolution_minutes": 240,
            "overage_rate": Decimal("115.00"),
        },
        "services": PREMIUM,
    },
    {
        "data": {
            "name": "Hourly break-fix",
            "description": "No retainer: help when asked, billed by the hour, best effort.",
            "monthly_fee": Decimal("0.00"),
            "hourly_only": True,
            "emergency_phone_support": False,
            "onsite_half_days_per_month": Decimal(0),
            "included_hours_per_month": Decimal(0),
            "expected_remote_hours_per_month": Decimal(2),
            "expected_phone_hours_per_month": Decimal(0),
            "p1_response_minutes": 480,
            "p2_response_minutes": 1440,
            "p3_response_minutes": 2880,
            "p4_response_minutes": 4320,
            "p1_resolution_minutes": 1440,
            "p2_resolution_minutes": 2880,
            "p3_resolution_minutes": 5760,
            "p4_resolution_minutes": 10080,
            "overage_rate": Decimal("125.00"),
        },
        "services": ["Desktop support"],
    },
]

# company, plan, signed this many days ago, renewal, notice days
AGREEMENTS = [
    ("Harbor Dental", "Premium", 350, "automatic", 30),  # renewal due in about 2 weeks
    ("Maple Law", "Premium", 320, "manual", 60),
    ("Cedar Ridge Veterinary", "Standard", 290, "automatic", 30),
    ("Bluewater Accounting", "Premium", 240, "automatic", 30),
    ("Summit Realty Group", "Premium", 190, "manual", 45),
    ("Oakline Architects", "Standard", 130, "automatic", 30),
    ("Pinecrest Insurance", "Premium", 75, "automatic", 30),
    ("Riverside Chiropractic", "Essentials", 25, "manual", 30),
]
DRAFTS = [("Lakeside Manufacturing", "Premium", "Proposal: 48 seats, two on-site half-days.")]


def _one_year(start: dt.date) -> dt.date:
    try:
        anniversary = start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        anniversary = start.replace(year=start.year + 1, day=28) + dt.timedelta(days=1)
    return anniversary - dt.timedelta(days=1)


@transaction.atomic
def seed_agreements(today: dt.date | None = None) -> dict[str, int]:
    """Create the demo plans, agreements and draft; running it again changes nothing."""
    today = today or timezone.localdate()
    actor = User.objects.filter(username="olivia").first()
    catalog = {s.name: s for s in Service.objects.filter(archived_at__isnull=True)}
    plans = {p.name: p for p in Plan.objects.all()}
    for spec in PLANS:
        name = spec["data"]["name"]
        if name not in plans:
            included = [catalog[n] for n in spec["services"] if n in catalog]
            plans[name] = services.create_plan(actor, spec["data"], included)
    companies = {c.name: c for c in Company.objects.filter(archived_at__isnull=True)}
    with_agreements = set(Agreement.objects.values_list("company__name", flat=True))
    for company_name, plan_name, days_ago, renewal, notice in AGREEMENTS:
        company = companies.get(company_name)
        if company is None or company_name in with_agreements:
            continue
        start = today - dt.timedelta(days=days_ago)
        draft = services.create_draft(
            actor,
            {
                "company": company,
                "plan": plans[plan_name],
                "start_date": start,
                "end_date": _one_year(start),
                "renewal": renewal,
                "notice_days": notice,
            },
        )
        signed = timezone.make_aware(dt.datetime.combine(start, dt.time(10, 0)))
        services.activate(actor, draft, signed_at=signed)
    for company_name, plan_name, notes in DRAFTS:
        company = companies.get(company_name)
        if company is None or company_name in with_agreements:
            continue
        start = today + dt.timedelta(days=14)
        services.create_draft(
            actor,
            {
                "company": company,
                "plan": plans[plan_name],
                "start_date": start,
                "end_date": _one_year(start),
                "renewal": "automatic",
                "notice_days": 30,
                "notes": notes,
            },
        )
    return {"plans": Plan.objects.count(), "agreements": Agreement.objects.count()}
