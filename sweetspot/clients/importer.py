"""Import file format for companies with their sites and contacts (one row per site/contact)."""

from __future__ import annotations

import tablib

from .models import Company

IMPORT_COLUMNS = [
    "company", "status", "industry", "pcs", "servers", "network", "current_support",
    "annual_revenue", "downtime_cost_per_hour", "monthly_it_budget",
    "site_name", "site_street", "site_city", "site_region", "site_postal_code", "site_pcs",
    "contact_name", "contact_email", "contact_phone", "contact_role", "contact_primary",
]


def company_rows(company: Company) -> tablib.Dataset:
    data = tablib.Dataset(headers=IMPORT_COLUMNS)
    base = [
        company.name, company.status, company.industry, company.pcs, company.servers,
        company.network, company.current_support,
        company.annual_revenue or "", company.downtime_cost_per_hour or "",
        company.monthly_it_budget or "",
    ]
    sites = list(company.sites.filter(archived_at__isnull=True))
    contacts = list(company.contacts.filter(archived_at__isnull=True))
    for i in range(max(len(sites), len(contacts), 1)):
        site = sites[i] if i < len(sites) else None
        contact = contacts[i] if i < len(contacts) else None
        data.append(
            base
            + ([site.name, site.street, site.city, site.region, site.postal_code, site.pcs]
               if site else [""] * 6)
            + ([contact.name, contact.email, contact.phone, contact.role,
                "yes" if contact.is_primary else "no"] if contact else [""] * 5)
        )
    return data
