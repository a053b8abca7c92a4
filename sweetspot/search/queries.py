"""Search across tickets (number, subject, description), companies, contacts and sites, each
scoped like its list (desk.queries.tickets_visible_to, clients.scoping): a client contact
finds only their own company's rows. A fixed number of queries whatever the matches."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q

from sweetspot.clients.scoping import (
    companies_visible_to,
    contacts_visible_to,
    sites_visible_to,
)
from sweetspot.desk.queries import tickets_visible_to

from . import index

TICKET_ROWS = 25
OTHER_ROWS = 10
NUMBER = re.compile(r"^#?\s*(\d{1,12})$")
MAX_LENGTH = 200


def search(user: Any, text: str) -> dict[str, Any]:
    """Four queries (tickets, companies, contacts, sites); none for an empty box."""
    text = (text or "").strip()[:MAX_LENGTH]
    out: dict[str, Any] = {"q": text, "tickets": [], "companies": [], "contacts": [], "sites": []}
    if not text:
        return out
    number = NUMBER.match(text)
    condition = Q(pk=int(number.group(1))) if number else Q(pk__in=[])
    ids = index.matching_ticket_ids(text)
    if ids is not None:
        condition |= Q(pk__in=ids)
    out["tickets"] = list(
        tickets_visible_to(user)
        .filter(condition)
        .select_related("company", "technician", "subcontractor")
        .order_by("-created_at", "-pk")[:TICKET_ROWS]
    )
    if number:  # the ticket with that number first
        out["tickets"].sort(key=lambda t: t.pk != int(number.group(1)))
    words = index.words(text)
    if words:
        out["companies"] = list(
            companies_visible_to(user, include_archived=False)
            .filter(_all_words(words, ["name", "industry"]))
            .order_by("name", "pk")[:OTHER_ROWS]
        )
        out["contacts"] = list(
            contacts_visible_to(user)
            .filter(archived_at__isnull=True)
            .filter(_all_words(words, ["name", "email", "phone"]))
            .select_related("company")
            .order_by("name", "pk")[:OTHER_ROWS]
        )
        out["sites"] = list(
            sites_visible_to(user)
            .filter(archived_at__isnull=True)
            .filter(_all_words(words, ["name", "street", "city"]))
            .select_related("company")
            .order_by("name", "pk")[:OTHER_ROWS]
        )
    out["count"] = sum(len(out[k]) for k in ("tickets", "companies", "contacts", "sites"))
    return out


def _all_words(words: list[str], fields: list[str]) -> Q:
    """Every word appears in one of the fields (case-insensitive)."""
    q = Q()
    for w in words:
        any_field = Q()
        for f in fields:
            any_field |= Q(**{f"{f}__icontains": w})
        q &= any_field
    return q
