"""The seeded skill taxonomy (editable afterwards). Slugs are stable identifiers used by seeds,
the service catalog and the JSON scenario formats."""

from __future__ import annotations

# slug, name, group, description
SKILLS: list[tuple[str, str, str, str]] = [
    ("office-apps", "Office applications", "desktop", "Word, Excel, PowerPoint, Outlook client"),
    ("windows-desktop", "Windows desktop support", "desktop", "Installing, fixing, tuning PCs"),
    ("printing", "Printers and scanners", "desktop", "Shared printers, drivers, scanning"),
    ("mac-support", "Mac and iOS support", "desktop", "macOS desktops, iPhone and iPad setup"),
    ("quickbooks", "QuickBooks", "accounting", "Installing, upgrading, multi-user QuickBooks"),
    ("act", "ACT! contact manager", "accounting", "ACT! databases, sync and upgrades"),
    ("lob-apps", "Line-of-business applications", "accounting", "Vertical apps: dental, legal…"),
    (
        "outlook-exchange-admin",
        "Outlook/Exchange administration",
        "email",
        "Mailboxes, public folders, Exchange server care",
    ),
    ("m365-admin", "Microsoft 365 administration", "email", "Tenants, licences, Exchange Online"),
    ("exchange-dev", "Exchange development", "development", "Custom Exchange/Outlook solutions"),
    ("sql-server", "SQL Server", "databases", "Installing, tuning and maintaining SQL Server"),
    ("access-db", "Access databases", "databases", "Small Access applications"),
    ("vb-dotnet", "Visual Basic / .NET", "development", "VB6, VB.NET and C# line-of-business code"),
    ("hardware-upgrades", "Hardware upgrades", "hardware", "Memory, disks, cards, new PCs"),
    ("server-hardware", "Server hardware", "hardware", "RAID, UPS, server builds"),
    ("shared-folder-backup", "Shared-folder backup", "backup", "Backing up shared folders"),
    (
        "backup-recovery",
        "Backup and disaster recovery",
        "backup",
        "Image backups, offsite copies, restores",
    ),
    ("antivirus", "Antivirus and patching", "security", "AV, updates and patch management"),
    ("firewalls", "Firewalls", "security", "Configuring and keeping firewalls current"),
    ("security-hardening", "Security hardening", "security", "Policies, MFA, least privilege"),
    ("phone-pda-sync", "Phone/PDA sync", "mobile", "Syncing phones with e-mail and contacts"),
    ("lan", "LAN", "networking", "Switches, cabling, Wi-Fi, file sharing"),
    ("wan-vpn", "WAN and VPN", "networking", "Site-to-site links and remote access"),
    ("windows-server", "Windows Server", "servers", "Active Directory, file and print servers"),
    ("linux-server", "Linux server", "servers", "Small Linux servers and appliances"),
    ("virtualization", "Virtualization", "servers", "Hyper-V / VMware hosts"),
    ("azure", "Azure", "servers", "Azure infrastructure and identity"),
]
