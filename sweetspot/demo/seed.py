"""The demo firm, Brightline IT, with the personas of docs/DOMAIN.md §9. Idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from sweetspot.agreements.models import Plan
from sweetspot.agreements.seed import seed_agreements
from sweetspot.billing.seed import seed_billing
from sweetspot.catalog.models import Service
from sweetspot.catalog.seed import seed_catalog
from sweetspot.clients import services as client_services
from sweetspot.clients.models import Company, Contact, EnvironmentProfile, Site
from sweetspot.core.models import Firm, Role, User
from sweetspot.desk.seed import seed_desk
from sweetspot.growth.activity_services import complete_activity, log_activity
from sweetspot.growth.models import Activity, Opportunity
from sweetspot.growth.pipeline import create_opportunity, move_opportunity, update_opportunity
from sweetspot.growth.services import assess_company
from sweetspot.mail.seed import seed_mail
from sweetspot.team.seed import seed_team

DEMO_PASSWORD_SUFFIX = "-demo-2026"

STAFF = [
    # username, first, last, role
    ("olivia", "Olivia", "Owens", Role.OWNER),
    ("dan", "Dan", "Dillard", Role.DISPATCHER),
    ("tara", "Tara", "Tran", Role.TECHNICIAN),
    ("ravi", "Ravi", "Rao", Role.TECHNICIAN),
    ("sam", "Sam", "Sutton", Role.SALES),
]

# name, status, industry, pcs, servers, sites, network, support, revenue, downtime/h, budget,
# environment (has, needs), applications
COMPANIES: list[dict[str, Any]] = [
    dict(
        name="Harbor Dental",
        status="client",
        industry="Dental practice",
        pcs=22,
        servers=1,
        site_count=1,
        network="client_server",
        current_support="provider",
        annual_revenue="3200000",
        downtime_cost_per_hour="900",
        monthly_it_budget="1500",
        has=["server", "firewall", "backup", "antivirus", "ups", "lan_wan"],
        needs=["offsite_backup", "security"],
        apps=["office_suite", "quickbooks", "outlook_exchange", "lob_database"],
    ),
    dict(
        name="Maple Law",
        status="client",
        industry="Law firm",
        pcs=35,
        servers=2,
        site_count=2,
        network="client_server",
        current_support="moonlighter",
        annual_revenue="5400000",
        downtime_cost_per_hour="1400",
        monthly_it_budget="1900",
        has=["server", "firewall", "backup", "antivirus", "lan_wan"],
        needs=["offsite_backup", "ups", "security"],
        apps=["office_suite", "outlook_exchange", "act", "lob_database"],
    ),
    dict(
        name="Fern Bakery",
        status="prospect",
        industry="Bakery",
        pcs=4,
        servers=0,
        site_count=1,
        network="peer_to_peer",
        current_support="relative",
        annual_revenue="600000",
        downtime_cost_per_hour="80",
        monthly_it_budget="150",
        has=["antivirus"],
        needs=["backup"],
        apps=["office_suite", "quickbooks"],
    ),
    dict(
        name="Northwind Logistics",
        status="prospect",
        industry="Logistics",
        pcs=140,
        servers=6,
        site_count=3,
        network="client_server",
        current_support="in_house_it",
        annual_revenue="42000000",
        downtime_cost_per_hour="6000",
        monthly_it_budget="9000",
        has=[
            "server",
            "firewall",
            "backup",
            "offsite_backup",
            "security",
            "antivirus",
            "ups",
            "lan_wan",
        ],
        needs=[],
        apps=["office_suite", "outlook_exchange", "lob_database"],
    ),
]

_MORE = [
    ("Cedar Ridge Veterinary", "client", "Veterinary clinic", 18, 1, 1),
    ("Bluewater Accounting", "client", "Accounting", 26, 1, 1),
    ("Summit Realty Group", "client", "Real estate", 30, 1, 2),
    ("Oakline Architects", "client", "Architecture", 14, 1, 1),
    ("Pinecrest Insurance", "client", "Insurance agency", 40, 2, 2),
    ("Riverside Chiropractic", "client", "Healthcare", 12, 1, 1),
    ("Lakeside Manufacturing", "prospect", "Manufacturing", 48, 2, 1),
    ("Granite Title Co.", "prospect", "Title & escrow", 16, 1, 1),
    ("Willow Creek Dental", "prospect", "Dental practice", 11, 1, 1),
    ("Copperleaf Marketing", "prospect", "Marketing agency", 9, 0, 1),
    ("Ironbridge Engineering", "prospect", "Engineering", 62, 3, 2),
    ("Sunnyvale Pediatrics", "prospect", "Healthcare", 24, 1, 1),
    ("Hilltop Auto Repair", "prospect", "Automotive", 6, 0, 1),
    ("Brookfield Nonprofit Alliance", "prospect", "Nonprofit", 20, 1, 1),
    ("Tidewater Freight", "prospect", "Logistics", 85, 4, 3),
    ("Elm Street Florist", "prospect", "Retail", 3, 0, 1),
    ("Greystone Property Mgmt", "prospect", "Property management", 33, 1, 2),
    ("Kestrel Financial Advisors", "prospect", "Financial services", 15, 1, 1),
    ("Redwood Physical Therapy", "former", "Healthcare", 13, 1, 1),
    ("Silverline Staffing", "prospect", "Staffing", 28, 1, 1),
    ("Foxglove Books", "former", "Retail", 5, 0, 1),
    ("Meridian Medical Billing", "prospect", "Healthcare", 44, 2, 1),
    ("Northgate Church", "prospect", "Religious organisation", 8, 0, 1),
    ("Atlas Construction", "prospect", "Construction", 37, 1, 2),
    ("Juniper Wealth Partners", "prospect", "Financial services", 19, 1, 1),
    ("Quarry Hill School", "prospect", "Private school", 55, 2, 1),
]
for _i, (_name, _status, _industry, _pcs, _servers, _sites) in enumerate(_MORE):
    # Vary the signals so the demo book spans ready, nurture and not-a-fit prospects.
    _cs = _pcs >= 10 and _i % 4 != 3
    _support = (
        "provider"
        if _status == "client"
        else "in_house_it"
        if _pcs > 50
        else ["moonlighter", "volunteer", "owner", "nobody"][_i % 4]
        if _pcs >= 10
        else "owner"
    )
    COMPANIES.append(
        dict(
            name=_name,
            status=_status,
            industry=_industry,
            pcs=_pcs,
            servers=_servers,
            site_count=_sites,
            network="client_server" if _cs else "peer_to_peer",
            current_support=_support,
            annual_revenue=str(_pcs * (120000 if _i % 2 else 45000)),
            downtime_cost_per_hour=str(_pcs * (35 if _i % 2 == 0 else 6)),
            monthly_it_budget=str(max(100, _pcs * (50 if _i % 3 == 0 else 12))),
            has=["antivirus"] + (["server", "lan_wan"] if _servers and _i % 3 else []),
            needs=(["backup", "offsite_backup"] if _i % 3 != 2 else [])
            + (["firewall"] if _cs and _i % 2 == 0 else []),
            apps=["office_suite"]
            + (["outlook_exchange"] if _i % 2 == 0 else [])
            + (["quickbooks"] if _pcs < 30 and _i % 3 == 0 else []),
        )
    )

SITES = {
    "Harbor Dental": [
        ("Harbor Dental — Main office", "12 Wharf Rd", "Portsmouth", "NH", "03801", 22)
    ],
    "Maple Law": [
        ("Maple Law — Downtown", "400 Elm St", "Manchester", "NH", "03101", 25),
        ("Maple Law — Nashua", "9 Main St", "Nashua", "NH", "03060", 10),
    ],
    "Fern Bakery": [("Fern Bakery", "3 Mill Lane", "Dover", "NH", "03820", 4)],
    "Northwind Logistics": [
        ("Northwind HQ", "1 Harbor Pkwy", "Boston", "MA", "02110", 90),
        ("Northwind Warehouse", "77 Depot Rd", "Worcester", "MA", "01608", 50),
    ],
}

CONTACTS = {
    "Harbor Dental": [
        ("Hana Hughes", "hana@harbordental.example", "603-555-0110", "Office manager", True, True)
    ],
    "Maple Law": [
        ("Milo Marsh", "milo@maplelaw.example", "603-555-0120", "Managing partner", True, True)
    ],
    "Fern Bakery": [
        ("Fiona Fern", "fiona@fernbakery.example", "603-555-0130", "Owner", True, False)
    ],
    "Northwind Logistics": [
        ("Nate Norris", "nate@northwind.example", "617-555-0140", "IT manager", True, False)
    ],
}

CLIENT_USERS = [
    ("hana", "Hana", "Hughes", "Harbor Dental"),
    ("milo", "Milo", "Marsh", "Maple Law"),
]

# The domains the clients' staff mail from (mail intake: docs/mail-example.eml is from Hana).
MAIL_DOMAINS = {
    "Harbor Dental": ["harbordental.example"],
    "Maple Law": ["maplelaw.example"],
    "Fern Bakery": ["fernbakery.example"],
    "Northwind Logistics": ["northwind.example"],
}


def password_for(username: str) -> str:
    return f"{username}{DEMO_PASSWORD_SUFFIX}"


def _user(username: str, first: str, last: str, role: str, company: Company | None) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            role=role,
            company=company,
            email=f"{username}@brightline.example",
        )
        user.set_password(password_for(username))
        user.save()
    return user


def _link_portal_login(user: User) -> None:
    """Hana's and Milo's logins belong to their contacts, as an invitation would make them."""
    contact = Contact.objects.filter(
        company=user.company, email__istartswith=f"{user.username}@"
    ).first()
    if contact is not None and user.contact_id is None:
        User.objects.filter(pk=user.pk).update(contact=contact)
        Contact.objects.filter(pk=contact.pk).update(portal_access=True)


@transaction.atomic
def seed_demo(full: bool = True) -> dict[str, int]:
    """Create the demo firm; running it again changes nothing.

    ``full=False`` stops after the client book, assessments and pipeline (no team, catalog
    or agreements): most tests need only that, and it is several times faster.
    """
    firm = Firm.current()
    firm_contact = {
        "name": "Brightline IT",
        "address": "214 Harbor Street, Suite 3\nPortland, ME 04101",
        "phone": "(207) 555-0140",
        "email": "help@brightline.example",
    }
    changed = [field for field, value in firm_contact.items() if getattr(firm, field) != value]
    if changed:
        for field in changed:
            setattr(firm, field, firm_contact[field])
        firm.save(update_fields=[*changed, "updated_at"])
    for username, first, last, role in STAFF:
        _user(username, first, last, role, None)
    owner = User.objects.get(username="olivia")
    existing = set(Company.objects.values_list("name", flat=True))
    for spec in COMPANIES:
        if spec["name"] in existing:
            continue
        data = {k: v for k, v in spec.items() if k not in {"has", "needs", "apps"}}
        for money_field in ("annual_revenue", "downtime_cost_per_hour", "monthly_it_budget"):
            data[money_field] = Decimal(data[money_field])
        env: dict[str, Any] = {k: "has" for k in spec["has"]}
        env.update({k: "needs" for k in spec["needs"]})
        env["applications"] = spec["apps"]
        company = client_services.create_company(owner, data, env, firm=firm)
        for site in SITES.get(
            spec["name"], [(f"{spec['name']} — Main office", "", "", "", "", spec["pcs"])]
        ):
            client_services.create_site(
                owner,
                company,
                dict(
                    zip(
                        ["name", "street", "city", "region", "postal_code", "pcs"],
                        site,
                        strict=True,
                    )
                ),
            )
        first_word = spec["name"].split()[0].lower()
        default_contact = [
            (
                f"Office manager of {spec['name']}",
                f"office@{first_word}.example",
                "555-0100",
                "Office manager",
                True,
                False,
            )
        ]
        for contact in CONTACTS.get(spec["name"], default_contact):
            client_services.create_contact(
                owner,
                company,
                dict(
                    zip(
                        ["name", "email", "phone", "role", "is_primary", "portal_access"],
                        contact,
                        strict=True,
                    )
                )
                # The demo logins below are made with known passwords, then linked.
                | {"portal_access": False},
            )
    for username, first, last, company_name in CLIENT_USERS:
        user = _user(username, first, last, Role.CLIENT, Company.objects.get(name=company_name))
        _link_portal_login(user)
    for company_name, domains in MAIL_DOMAINS.items():
        # Set once (an empty list only), so a firm's own edits survive a second seed.
        Company.objects.filter(name=company_name, mail_domains=[]).update(mail_domains=domains)
    _seed_assessments(firm)
    _seed_pipeline()
    if full:
        _seed_delivery()
    return {
        "users": User.objects.count(),
        "companies": Company.objects.count(),
        "sites": Site.objects.count(),
        "contacts": Contact.objects.count(),
        "environments": EnvironmentProfile.objects.count(),
    }


def _seed_delivery() -> None:
    """The team, the service catalog and competitors, plans and agreements."""

    seed_team()
    seed_catalog()

    seed_agreements()
    _link_pipeline_to_catalog()

    seed_desk()
    seed_billing()
    seed_mail()


def _link_pipeline_to_catalog() -> None:
    """Demo opportunities propose the plan closest to their fee, or catalog services."""

    sam = User.objects.get(username="sam")
    plans = list(Plan.objects.filter(hourly_only=False, archived_at__isnull=True))
    sql = Service.objects.filter(name="SQL Server development").first()
    for opp in Opportunity.objects.filter(plan__isnull=True).select_related("company"):
        if opp.services.exists():
            continue
        if "SQL Server" in opp.title and sql is not None:
            update_opportunity(sam, opp, {"services": [sql]})
        elif plans:
            best = min(plans, key=lambda p: (abs(p.monthly_fee - opp.expected_monthly_fee), p.pk))
            update_opportunity(sam, opp, {"plan": best})


def _seed_assessments(firm: Firm) -> None:
    """Every demo prospect (and Harbor Dental) gets an assessment from its record, by Sam."""

    sam = User.objects.get(username="sam")
    todo = (
        Company.objects.filter(archived_at__isnull=True, assessments__isnull=True)
        .filter(models.Q(status="prospect") | models.Q(name="Harbor Dental"))
        .select_related("environment")
        .order_by("pk")
    )
    for company in todo:
        assess_company(sam, company, firm=firm)


# company, title, stage, fee, proposed
OPPORTUNITIES = [
    (
        "Lakeside Manufacturing",
        "Managed agreement — 48 seats",
        "proposal",
        "1900",
        "Sweet-spot plan, two on-site half-days a month",
    ),
    (
        "Greystone Property Mgmt",
        "Managed agreement",
        "qualified",
        "1500",
        "Sweet-spot plan, remote + emergency phone",
    ),
    (
        "Meridian Medical Billing",
        "Backup and firewall refresh + agreement",
        "proposal",
        "1750",
        "Sweet-spot plan with offsite backup",
    ),
    ("Juniper Wealth Partners", "Managed agreement", "lead", "1200", "Entry sweet-spot plan"),
    (
        "Brookfield Nonprofit Alliance",
        "Support agreement",
        "lead",
        "1000",
        "Entry plan, nonprofit rate",
    ),
    (
        "Northwind Logistics",
        "SQL Server reporting project",
        "qualified",
        "3000",
        "Specialist project via Quill Data",
    ),
    ("Atlas Construction", "Managed agreement", "lost", "1400", "Sweet-spot plan"),
]
# subject, kind, company, days from today (negative: overdue), done
ACTIVITIES = [
    ("Call Lakeside about the proposal", "follow_up", "Lakeside Manufacturing", -3, False),
    ("Send Greystone the backup assessment", "follow_up", "Greystone Property Mgmt", -1, False),
    ("Chamber of commerce breakfast", "networking", None, 0, False),
    ("Follow up with Juniper after intro call", "follow_up", "Juniper Wealth Partners", 2, False),
    ("Meeting with Meridian office manager", "meeting", "Meridian Medical Billing", 5, False),
    ("Referral from Harbor Dental: Willow Creek", "referral", "Willow Creek Dental", -10, True),
    ("Sales call: Brookfield", "sales_call", "Brookfield Nonprofit Alliance", 9, False),
]


def _seed_pipeline() -> None:
    """A pipeline and a business development log for Sam; some follow-ups overdue."""

    sam = User.objects.get(username="sam")
    companies = {c.name: c for c in Company.objects.all()}
    if not Opportunity.objects.exists():
        for name, title, stage, fee, proposed in OPPORTUNITIES:
            opp = create_opportunity(
                sam,
                {
                    "company": companies[name],
                    "title": title,
                    "owner": sam,
                    "expected_monthly_fee": Decimal(fee),
                    "proposed": proposed,
                },
            )
            if stage != "lead":
                move_opportunity(
                    sam, opp, stage, "Chose a cheaper hourly provider" if stage == "lost" else ""
                )
    if not Activity.objects.exists():
        today = timezone.localdate()
        for subject, kind, company_name, days, done in ACTIVITIES:
            activity = log_activity(
                sam,
                {
                    "subject": subject,
                    "kind": kind,
                    "owner": sam,
                    "company": companies.get(company_name) if company_name else None,
                    "due_date": today + dt.timedelta(days=days),
                },
            )
            if done:
                complete_activity(
                    sam, activity, "Booked an assessment visit.", today + dt.timedelta(days=days)
                )


def demo_logins() -> list[tuple[str, str, str]]:
    rows = [(u, password_for(u), str(r.label)) for u, _, _, r in STAFF]
    rows += [(u, password_for(u), f"Client contact, {c}") for u, _, _, c in CLIENT_USERS]
    return rows
