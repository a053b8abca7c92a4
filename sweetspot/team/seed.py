"""Seed data for the team inventory: the skill taxonomy, a certification catalog of real
certifications (current and retired) and the demo firm's people. Idempotent.

Fees and study hours are **estimates** as of ESTIMATED_ON, editable by the firm; each
certification's ``source`` says where its estimate comes from. Retired certifications stay in
the catalog because people still hold them and they still evidence skills (docs/DOMAIN.md §8).

Rows are looked up by slug (skills), code (certifications) and name (people) and only created
when missing, through the services (so each creation is audited as "system"); a row's skills,
certifications and evidence are seeded with the row, so later edits by the firm are never
overwritten by a second run.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from sweetspot.core.models import User

from . import services
from .models import Certification, Skill, Subcontractor, Technician
from .taxonomy import SKILLS

ESTIMATED_ON = dt.date(2026, 11, 25)

# Where the estimates come from (short, plain text, shown beside the figures).
SRC_MS_ROLE = (
    "Microsoft Learn exam price for the US (role-based exam, 2026); class cost typical of a "
    "Microsoft Learning Partner instructor-led course; free yearly online renewal"
)
SRC_MS_FUND = (
    "Microsoft Learn exam price for the US (fundamentals exam, 2026); one-day partner class; "
    "fundamentals do not expire"
)
SRC_MS_OLD = (
    "Historical Microsoft exam price (about $125 per exam, 2000s) times the exams required; "
    "class cost typical of a CTEC bootcamp then; retired by Microsoft"
)
SRC_COMPTIA = (
    "CompTIA exam voucher list price (US, 2026); class cost typical of authorised partner "
    "bootcamps; renewal every 3 years through continuing education"
)
SRC_CISCO = (
    "Cisco exam price list (US, 2026); class cost typical of Cisco Learning Partner courses; "
    "recertification every 3 years"
)
SRC_NOVELL = (
    "Historical Novell exam prices (1990s-2000s) times the exams required; retired with "
    "NetWare; class cost typical of a Novell training centre then"
)


def _cert(
    vendor: str,
    name: str,
    code: str,
    level: str,
    status: str,
    exam_fee: int,
    class_cost: int,
    study_hours: int,
    renewal_months: int | None,
    source: str,
    evidence: dict[str, int],
) -> dict[str, Any]:
    return {
        "vendor": vendor,
        "name": name,
        "code": code,
        "level": level,
        "status": status,
        "exam_fee": Decimal(exam_fee),
        "class_cost": Decimal(class_cost),
        "study_hours": study_hours,
        "renewal_months": renewal_months,
        "estimated_on": ESTIMATED_ON,
        "source": source,
        "evidence": evidence,
    }


C, R = "current", "retired"
MS, CT, CS = "Microsoft", "CompTIA", "Cisco"

# vendor, name, code, level, status, exam fee, class cost, study hours, renewal months,
# source, evidenced skills {slug: proficiency} (entry 2, intermediate 3, senior 4, expert 5,
# adjusted where a certification is narrow and deep or broad and shallow).
# fmt: off
CERTIFICATIONS: list[dict[str, Any]] = [
    # Microsoft, classic (retired) programme
    _cert(MS, "Microsoft Certified Professional", "MCP", "entry", R, 125, 1500, 40, None,
          SRC_MS_OLD, {"windows-desktop": 2, "office-apps": 2}),
    _cert(MS, "Microsoft Certified Solutions Associate", "MCSA", "intermediate", R, 375, 5000,
          150, None, SRC_MS_OLD + " (31 Jan 2021)",
          {"windows-server": 3, "windows-desktop": 3, "lan": 2}),
    _cert(MS, "Microsoft Certified Systems/Solutions Expert", "MCSE", "senior", R, 875, 9000,
          300, None, SRC_MS_OLD + " (31 Jan 2021); messaging track covered Exchange",
          {"windows-server": 4, "outlook-exchange-admin": 3, "lan": 3}),
    _cert(MS, "Microsoft Certified Database Administrator", "MCDBA", "senior", R, 500, 6000,
          200, None, SRC_MS_OLD + " (SQL Server 2000 era; replaced by MCITP)",
          {"sql-server": 4}),
    _cert(MS, "Microsoft Certified Solution Developer", "MCSD", "senior", R, 500, 8000, 250,
          None, SRC_MS_OLD + " (31 Jan 2021)",
          {"vb-dotnet": 4, "exchange-dev": 3, "access-db": 3}),
    _cert(MS, "Microsoft Certified Trainer", "MCT", "senior", C, 400, 0, 40, 12,
          "Microsoft MCT programme: no exam, an annual programme fee (about $400, estimate) "
          "in place of an exam fee; requires a current Microsoft certification and proven "
          "teaching skills; renewed yearly",
          {"windows-server": 3, "windows-desktop": 3}),
    # Microsoft, role-based (current)
    _cert(MS, "Microsoft 365 Certified: Administrator Expert", "MS-102", "senior", C, 165, 3000,
          100, 12, SRC_MS_ROLE,
          {"m365-admin": 4, "outlook-exchange-admin": 4, "security-hardening": 3}),
    _cert(MS, "Microsoft Certified: Azure Administrator Associate", "AZ-104", "intermediate", C,
          165, 2400, 90, 12, SRC_MS_ROLE, {"azure": 3, "virtualization": 2}),
    _cert(MS, "Microsoft Certified: Windows Server Hybrid Administrator Associate",
          "AZ-800/801", "intermediate", C, 330, 4800, 140, 12,
          SRC_MS_ROLE + "; two exams (AZ-800 and AZ-801)",
          {"windows-server": 3, "virtualization": 2, "azure": 2, "lan": 2}),
    _cert(MS, "Microsoft Certified: Azure Database Administrator Associate", "DP-300",
          "intermediate", C, 165, 2400, 80, 12, SRC_MS_ROLE, {"sql-server": 4, "azure": 2}),
    _cert(MS, "Microsoft 365 Certified: Endpoint Administrator Associate", "MD-102",
          "intermediate", C, 165, 3000, 70, 12, SRC_MS_ROLE,
          {"windows-desktop": 3, "m365-admin": 2, "security-hardening": 2, "phone-pda-sync": 2}),
    _cert(MS, "Microsoft Certified: Azure Fundamentals", "AZ-900", "entry", C, 99, 600, 15,
          None, SRC_MS_FUND, {"azure": 2}),
    _cert(MS, "Microsoft 365 Certified: Fundamentals", "MS-900", "entry", C, 99, 600, 15, None,
          SRC_MS_FUND, {"m365-admin": 2, "office-apps": 2}),
    _cert(MS, "Microsoft Certified: Security, Compliance, and Identity Fundamentals", "SC-900",
          "entry", C, 99, 600, 12, None, SRC_MS_FUND, {"security-hardening": 2}),
    _cert(MS, "Microsoft Office Specialist (Associate)", "MOS", "entry", C, 100, 300, 20, None,
          "Certiport exam price (US, 2026, estimate); short prep class; does not expire",
          {"office-apps": 3}),
    # CompTIA
    _cert(CT, "CompTIA A+", "A+", "entry", C, 530, 2500, 120, 36,
          SRC_COMPTIA + "; two exams (Core 1 and Core 2)",
          {"windows-desktop": 2, "hardware-upgrades": 2, "printing": 2, "phone-pda-sync": 2}),
    _cert(CT, "CompTIA Network+", "Network+", "intermediate", C, 369, 2200, 90, 36,
          SRC_COMPTIA, {"lan": 3, "wan-vpn": 2}),
    _cert(CT, "CompTIA Security+", "Security+", "intermediate", C, 404, 2500, 100, 36,
          SRC_COMPTIA, {"security-hardening": 3, "antivirus": 3, "firewalls": 2}),
    _cert(CT, "CompTIA Server+", "Server+", "intermediate", C, 369, 2000, 80, None,
          "CompTIA exam voucher list price (US, 2026); class cost typical of authorised "
          "partner bootcamps; Server+ is good for life (no renewal)",
          {"server-hardware": 3, "backup-recovery": 2, "windows-server": 2}),
    _cert(CT, "CompTIA Linux+", "Linux+", "intermediate", C, 369, 2400, 100, 36, SRC_COMPTIA,
          {"linux-server": 3}),
    _cert(CT, "CompTIA Cybersecurity Analyst (CySA+)", "CySA+", "intermediate", C, 404, 2800,
          120, 36, SRC_COMPTIA, {"security-hardening": 3, "firewalls": 3}),
    # Cisco
    _cert(CS, "Cisco Certified Technician Routing & Switching", "CCT", "entry", R, 125, 1000,
          40, None, "Cisco exam price list (100-490 RSTECH, about $125); exam retired Feb 2025 "
          "in favour of the field-technician track; class cost typical of a one-week course",
          {"lan": 2, "hardware-upgrades": 2}),
    _cert(CS, "Cisco Certified Support Technician Networking", "CCST", "entry", C, 125, 600,
          40, None, "Cisco/Certiport exam price (100-150, US, 2026); does not expire; class "
          "cost typical of a partner course", {"lan": 2}),
    _cert(CS, "Cisco Certified Network Associate", "CCNA", "intermediate", C, 300, 3000, 150,
          36, SRC_CISCO + " (200-301)", {"lan": 3, "wan-vpn": 3, "firewalls": 2}),
    _cert(CS, "Cisco Certified Network Professional Enterprise", "CCNP-ENT", "senior", C, 700,
          7000, 250, 36, SRC_CISCO + "; core exam (ENCOR) plus one concentration exam",
          {"lan": 4, "wan-vpn": 4, "firewalls": 3}),
    _cert(CS, "Cisco Certified Internetwork Expert Enterprise Infrastructure", "CCIE-EI",
          "expert", C, 2300, 12000, 900, 36,
          SRC_CISCO + "; qualifying exam (ENCOR) plus the 8-hour lab (about $1,900)",
          {"lan": 5, "wan-vpn": 5, "firewalls": 4}),
    # Novell (retired)
    _cert("Novell", "Certified Novell Administrator", "CNA", "entry", R, 195, 1500, 60, None,
          SRC_NOVELL, {"lan": 2, "printing": 2}),
    _cert("Novell", "Certified Novell Engineer", "CNE", "senior", R, 1000, 8000, 250, None,
          SRC_NOVELL, {"lan": 4, "wan-vpn": 3, "linux-server": 3}),
    # Accounting and contact-manager software
    _cert("Intuit", "QuickBooks Online Certified ProAdvisor", "QBO-PROADVISOR", "intermediate",
          C, 0, 0, 15, 12,
          "Intuit ProAdvisor programme: training and exam free with QuickBooks Online "
          "Accountant (2026); yearly recertification exam", {"quickbooks": 3}),
    _cert("Intuit", "QuickBooks Certified User", "QBCU", "entry", C, 100, 300, 20, None,
          "Certiport exam price (US, 2026, estimate); short prep class", {"quickbooks": 2}),
    _cert("Act!", "Act! Certified Consultant", "ACT-ACC", "intermediate", C, 250, 1000, 40, 12,
          "Act! partner programme (estimate: exam and yearly programme fee vary by partner "
          "tier, 2026)", {"act": 4}),
    # Security, cloud, virtualization, backup, firewalls
    _cert("ISC2", "Certified Information Systems Security Professional", "CISSP", "expert", C,
          749, 3500, 200, 36,
          "ISC2 exam price (US, 2026); official training class typical cost; annual "
          "maintenance fee and continuing education every 3 years; needs 5 years' experience",
          {"security-hardening": 5, "firewalls": 4}),
    _cert("AWS", "AWS Certified Solutions Architect – Associate", "AWS-SAA", "intermediate", C,
          150, 2000, 80, 36,
          "AWS exam price (SAA-C03, US, 2026); class cost typical of 'Architecting on AWS' "
          "(3 days); valid 3 years",
          {"virtualization": 3, "backup-recovery": 2, "security-hardening": 2}),
    _cert("VMware", "VMware Certified Professional – Data Center Virtualization", "VCP-DCV",
          "intermediate", C, 250, 5000, 80, None,
          "Broadcom/VMware exam price (2026, estimate); required authorised course typical "
          "cost; versioned certification without a fixed expiry",
          {"virtualization": 4, "server-hardware": 2}),
    _cert("Fortinet", "Fortinet Certified Professional – Network Security (FortiGate "
          "Administrator, formerly NSE 4)", "FCP-NSE4", "intermediate", C, 400, 2500, 60, 24,
          "Fortinet exam price via Pearson VUE (US, 2026); class cost typical of an "
          "authorised training centre; valid 2 years", {"firewalls": 4, "wan-vpn": 3}),
    _cert("SonicWall", "SonicWall Network Security Administrator", "SNSA", "intermediate", C,
          150, 1600, 40, 24,
          "SonicWall course price with exam voucher (US, 2026, estimate); valid 2 years",
          {"firewalls": 3, "wan-vpn": 3}),
    _cert("Veeam", "Veeam Certified Engineer", "VMCE", "intermediate", C, 150, 2500, 40, None,
          "Veeam exam price via Pearson VUE (2026, estimate); required Veeam course typical "
          "cost; versioned by release", {"backup-recovery": 4, "virtualization": 2}),
    # Apple
    _cert("Apple", "Apple Certified Support Professional", "ACSP", "intermediate", C, 149, 900,
          40, None,
          "Apple Device Support exam price (US, 2026, estimate); free Apple Training "
          "self-paced course; versioned by macOS release", {"mac-support": 3, "phone-pda-sync": 2}),
    _cert("Apple", "Apple Certified Mac Technician", "ACMT", "intermediate", C, 300, 1500, 50,
          12,
          "Apple service exams (Service Fundamentals and Mac Service, estimate 2026); yearly "
          "recertification for authorised service providers",
          {"hardware-upgrades": 3, "mac-support": 2}),
    # Service management
    _cert("PeopleCert (AXELOS)", "ITIL 4 Foundation", "ITIL4-F", "entry", C, 400, 1200, 20,
          36,
          "PeopleCert exam price (2026, estimate; often bundled with a 2-3 day course); "
          "renewal every 3 years; a process framework, it evidences no technical skill", {}),
]
# fmt: on

TECHNICIANS: list[dict[str, Any]] = [
    {
        "username": "tara",
        "data": {
            "name": "Tara Tran",
            "level": "entry",
            "bill_rate": Decimal("85.00"),
            "cost_rate": Decimal("32.00"),
            "weekly_capacity_hours": Decimal(40),
            "on_call": False,
            "notes": "Desktop and application support; started with A+ and MCP.",
        },
        "skills": {
            "windows-desktop": 3,
            "office-apps": 3,
            "printing": 3,
            "quickbooks": 2,
            "outlook-exchange-admin": 2,
            "phone-pda-sync": 2,
            "antivirus": 2,
            "shared-folder-backup": 2,
            "hardware-upgrades": 2,
        },
        "certs": [("A+", 620, None), ("MCP", dt.date(2019, 6, 10), None)],
    },
    {
        "username": "ravi",
        "data": {
            "name": "Ravi Rao",
            "level": "senior",
            "bill_rate": Decimal("150.00"),
            "cost_rate": Decimal("60.00"),
            "weekly_capacity_hours": Decimal(40),
            "on_call": True,
            "notes": "Senior network technician: LAN/WAN, firewalls, Windows Server, Exchange.",
        },
        "skills": {
            "lan": 4,
            "wan-vpn": 4,
            "firewalls": 4,
            "windows-server": 4,
            "outlook-exchange-admin": 3,
            "backup-recovery": 3,
            "virtualization": 3,
            "security-hardening": 3,
            "server-hardware": 3,
            "windows-desktop": 3,
            "antivirus": 3,
        },
        "certs": [("CCNA", 450, None), ("MCSE", dt.date(2012, 5, 20), None)],
    },
    {
        "username": None,
        "data": {
            "name": "Maya Ortiz",
            "level": "intermediate",
            "bill_rate": Decimal("115.00"),
            "cost_rate": Decimal("45.00"),
            "weekly_capacity_hours": Decimal(40),
            "on_call": False,
            "notes": "Applications, Microsoft 365 and small-office networks.",
        },
        "skills": {
            "office-apps": 3,
            "windows-desktop": 3,
            "m365-admin": 3,
            "outlook-exchange-admin": 3,
            "act": 3,
            "lob-apps": 3,
            "printing": 3,
            "phone-pda-sync": 3,
            "antivirus": 3,
            "shared-folder-backup": 3,
            "lan": 3,
            "backup-recovery": 2,
            "wan-vpn": 2,
            "firewalls": 2,
        },
        # Network+ comes up for renewal soon (expiry set 45 days after the first seeding).
        "certs": [("Network+", "expiring", None), ("MS-900", dt.date(2025, 2, 3), None)],
    },
    {
        "username": None,
        "data": {
            "name": "Leo Park",
            "level": "intermediate",
            "bill_rate": Decimal("110.00"),
            "cost_rate": Decimal("44.00"),
            "weekly_capacity_hours": Decimal(24),
            "on_call": True,
            "notes": "Part-time: servers, backup and Azure; covers the on-call rota.",
        },
        "skills": {
            "windows-server": 3,
            "backup-recovery": 3,
            "shared-folder-backup": 3,
            "m365-admin": 3,
            "windows-desktop": 3,
            "virtualization": 2,
            "azure": 2,
            "security-hardening": 2,
            "linux-server": 2,
            "lan": 2,
        },
        "certs": [
            ("AZ-104", 100, None),
            ("Security+", 680, None),
        ],
    },
]

SUBCONTRACTORS: list[dict[str, Any]] = [
    {
        "data": {
            "company_name": "Quill Data",
            "contact_name": "Quentin Quill",
            "email": "quentin@quilldata.example",
            "phone": "603-555-0177",
            "cost_rate": Decimal("110.00"),
            "bill_rate": Decimal("165.00"),
            # A two-person shop with other clients: about half a week is ours.
            "weekly_capacity_hours": Decimal(20),
            "notes": "SQL Server, Exchange development and VB/.NET line-of-business code.",
        },
        "skills": {
            "sql-server": 5,
            "exchange-dev": 4,
            "vb-dotnet": 4,
            "access-db": 4,
            "outlook-exchange-admin": 3,
        },
        "certs": [("MCDBA", dt.date(2004, 7, 1), None), ("DP-300", 200, None)],
    }
]


def _earned(spec: Any, cert: Certification, today: dt.date) -> tuple[dt.date, dt.date | None]:
    """A fixed date (retired, non-expiring certifications), a number of days ago (renewing
    ones, so they stay valid whenever the demo is seeded) or "expiring" (in 45 days)."""
    if isinstance(spec, int):
        return today - dt.timedelta(days=spec), None
    if spec == "expiring":
        expires = today + dt.timedelta(days=45)
        months = cert.renewal_months or 36
        return services.add_months(expires, -months), expires
    return spec, None


@transaction.atomic
def seed_team(today: dt.date | None = None) -> dict[str, int]:
    """Create whatever is missing; running it again changes nothing. Returns counts created."""
    today = today or dt.date.today()
    created = {"skills": 0, "certifications": 0, "technicians": 0, "subcontractors": 0}

    skills = {s.slug: s for s in Skill.objects.all()}
    by_name = {s.name: s for s in skills.values()}
    for slug, name, group, description in SKILLS:
        if slug not in skills and name in by_name:  # the firm changed the slug: keep theirs
            skills[slug] = by_name[name]
        elif slug not in skills:
            skills[slug] = services.create_skill(
                None, {"slug": slug, "name": name, "group": group, "description": description}
            )
            created["skills"] += 1

    certs = {c.code: c for c in Certification.objects.all()}
    for spec in CERTIFICATIONS:
        if spec["code"] in certs:
            continue
        data = {k: v for k, v in spec.items() if k != "evidence"}
        cert = services.create_certification(None, data)
        for slug, proficiency in spec["evidence"].items():
            services.set_certification_evidence(None, cert, skills[slug], proficiency)
        certs[cert.code] = cert
        created["certifications"] += 1

    existing = set(Technician.objects.values_list("name", flat=True))
    for spec in TECHNICIANS:
        if spec["data"]["name"] in existing:
            continue
        data = dict(spec["data"])
        if spec["username"]:
            user = User.objects.filter(username=spec["username"], technician__isnull=True).first()
            if user is not None:
                data["user"] = user
        tech = services.create_technician(None, data)
        for slug, proficiency in spec["skills"].items():
            services.set_technician_skill(None, tech, skills[slug], proficiency, today)
        for code, earned, expires in spec["certs"]:
            cert = certs[code]
            earned_on, default_expiry = _earned(earned, cert, today)
            services.add_technician_certification(
                None,
                tech,
                cert,
                {"earned_on": earned_on, "expires_on": expires or default_expiry},
            )
        created["technicians"] += 1

    existing = set(Subcontractor.objects.values_list("company_name", flat=True))
    for spec in SUBCONTRACTORS:
        if spec["data"]["company_name"] in existing:
            continue
        sub = services.create_subcontractor(None, spec["data"])
        for slug, proficiency in spec["skills"].items():
            services.set_subcontractor_skill(None, sub, skills[slug], proficiency)
        for code, earned, expires in spec["certs"]:
            earned_on, default_expiry = _earned(earned, certs[code], today)
            services.add_subcontractor_certification(
                None,
                sub,
                certs[code],
                {"earned_on": earned_on, "expires_on": expires or default_expiry},
            )
        created["subcontractors"] += 1
    return created
