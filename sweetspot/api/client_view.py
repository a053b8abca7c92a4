"""What the API shows a client contact about their own company (issue 14 item 3): the
client-side schema. Never the firm's internal sales record (segment, revenue, downtime cost,
IT budget, current support, notes)."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class PortalSiteOut(Schema):
    id: int
    name: str
    street: str
    city: str
    region: str
    postal_code: str


class PortalContactOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    role: str
    is_primary: bool


class PortalCompanyOut(Schema):
    """A company as its own client contact reads it."""

    id: int
    name: str
    sites: list[PortalSiteOut]
    contacts: list[PortalContactOut]


def portal_company(company: Any) -> PortalCompanyOut:
    """From a company whose ``sites`` and ``contacts`` are prefetched (active ones only)."""
    return PortalCompanyOut(
        id=company.pk,
        name=company.name,
        sites=[PortalSiteOut.from_orm(s) for s in company.sites.all() if s.archived_at is None],
        contacts=[
            PortalContactOut.from_orm(c) for c in company.contacts.all() if c.archived_at is None
        ],
    )
