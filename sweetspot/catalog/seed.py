"""The demo firm's sweet-spot service catalog and two competitors. Idempotent.

Rows are looked up by name and only created when missing (through services.py, so the audit
trail shows them); existing rows, including the firm's edits, are left alone. The skill
taxonomy is created first if the team seed has not run, so this works on its own.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from sweetspot.team.models import Skill
from sweetspot.team.taxonomy import SKILLS

from . import services
from .models import Competitor, Service

# name, tier, subcontractable, hours, {skill slug: minimum proficiency}, description
CATALOG: list[tuple[str, str, bool, str, dict[str, int], str]] = [
    (
        "Desktop support",
        "routine",
        False,
        "1.5",
        {"windows-desktop": 2, "printing": 1},
        "Fixing, tuning and upgrading PCs and printers, on site or remote.",
    ),
    (
        "Office & accounting app support",
        "routine",
        False,
        "1",
        {"office-apps": 2, "quickbooks": 2},
        "Office suite and QuickBooks: installs, upgrades, multi-user set-ups, how-to help.",
    ),
    (
        "E-mail and phone sync",
        "routine",
        False,
        "1",
        {"outlook-exchange-admin": 2, "phone-pda-sync": 2},
        "Mailboxes and Outlook profiles; phones and PDAs synced with mail and contacts.",
    ),
    (
        "Access database support",
        "routine",
        False,
        "2",
        {"access-db": 3},
        "Small Access databases many offices run on: fixes, upgrades, reports.",
    ),
    (
        "Backup management",
        "network",
        False,
        "1",
        {"shared-folder-backup": 2, "backup-recovery": 2},
        "Shared-folder and image backups with offsite copies, checked and test-restored.",
    ),
    (
        "Antivirus and patching",
        "routine",
        False,
        "0.5",
        {"antivirus": 2},
        "Keeping antivirus and Windows/Office updates current on every PC.",
    ),
    (
        "Firewall management",
        "network",
        False,
        "1",
        {"firewalls": 3},
        "Configuring the firewall, keeping its firmware and rules current.",
    ),
    (
        "LAN administration",
        "network",
        False,
        "2",
        {"lan": 3},
        "Switches, cabling, Wi-Fi and file sharing on the office network.",
    ),
    (
        "WAN/VPN administration",
        "network",
        False,
        "2",
        {"wan-vpn": 3},
        "Site-to-site links between offices and remote access for staff.",
    ),
    (
        "Server administration",
        "network",
        False,
        "2",
        {"windows-server": 3},
        "Active Directory, file and print services, server health and updates.",
    ),
    (
        "SQL Server development",
        "specialist",
        True,
        "16",
        {"sql-server": 4, "vb-dotnet": 3},
        "Databases, reports and integrations for line-of-business systems.",
    ),
    (
        "Exchange development",
        "specialist",
        True,
        "16",
        {"exchange-dev": 4},
        "Custom Exchange/Outlook solutions: forms, public-folder apps, transport rules.",
    ),
    (
        "Custom .NET/VB development",
        "specialist",
        True,
        "24",
        {"vb-dotnet": 4},
        "Small line-of-business applications and upgrades of old VB6 code.",
    ),
]

# name, segment focus, price notes, notes, our services they sell, services we have no entry for
COMPETITORS: list[tuple[str, str, str, str, list[str], list[str]]] = [
    (
        "Granite Managed IT",
        "sweet_spot",
        "Flat $95 per PC per month; three-year contracts; onboarding fee.",
        "Regional MSP with a NOC; sells remote monitoring hard, few on-site visits.",
        [
            "Desktop support",
            "Backup management",
            "Firewall management",
            "Antivirus and patching",
            "Server administration",
            "LAN administration",
        ],
        ["VoIP phone systems", "24/7 NOC monitoring"],
    ),
    (
        "Bytewise Consulting",
        "micro",
        "$85/h break-fix, no agreements; cheap website bundles.",
        "Two-person shop serving very small offices.",
        ["Desktop support", "Antivirus and patching"],
        ["Website hosting", "Security awareness training"],
    ),
]


def ensure_skills() -> dict[str, Skill]:
    """Create any skill of the taxonomy that is missing (same slug, name and group)."""
    existing = {s.slug: s for s in Skill.objects.all()}
    for slug, name, group, description in SKILLS:
        if slug not in existing:
            skill = Skill(slug=slug, name=name, group=group, description=description)
            skill.full_clean()
            skill.save()
            existing[slug] = skill
    return existing


@transaction.atomic
def seed_catalog() -> dict[str, int]:
    skills = ensure_skills()
    created = {"services": 0, "competitors": 0}
    for name, tier, subcontractable, hours, requires, description in CATALOG:
        if Service.objects.filter(name=name).exists():
            continue
        data: dict[str, Any] = {
            "name": name,
            "tier": tier,
            "subcontractable": subcontractable,
            "typical_duration_hours": Decimal(hours),
            "description": description,
        }
        services.create_service(
            None, data, {skills[slug]: level for slug, level in requires.items()}
        )
        created["services"] += 1
    for name, focus, price_notes, notes, ours, theirs in COMPETITORS:
        if Competitor.objects.filter(name=name).exists():
            continue
        competitor = services.create_competitor(
            None, {"name": name, "segment_focus": focus, "price_notes": price_notes, "notes": notes}
        )
        services.set_offerings(None, competitor, Service.objects.filter(name__in=ours), theirs)
        created["competitors"] += 1
    return created
