"""DB -> triage snapshot for one message, loading only the rows the message can touch.

Tickets: those holding a Message-ID the message names (In-Reply-To, References, the headers
of an attached original) and those whose token appears in its subject or a returned subject.
Contacts: those with the sender's address. Companies: those registering the sender's domain
plus the companies of the loaded tickets and contacts. A handful of queries whatever the size
of the database.

A closed ticket is shown to triage as resolved on the day it was resolved (closed is later
still); the intake never reopens a closed ticket (see intake._apply).
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from sweetspot.clients.models import Company, Contact
from sweetspot.core.models import Firm
from sweetspot.desk.models import OPEN_STATUSES, Ticket

from .models import TicketMessageId
from .parse import ParsedMessage
from .triage import CompanyIn, ContactIn, Snapshot, TicketIn


def token_regex(pattern: str) -> re.Pattern[str]:
    """The firm's token pattern with ``{number}`` as a run of digits, the rest literal."""
    head, _, tail = (pattern or "[#{number}]").partition("{number}")
    return re.compile(re.escape(head) + r"(\d{1,18})" + re.escape(tail), re.IGNORECASE)


def referenced_ids(message: ParsedMessage) -> set[str]:
    ids = set(message.in_reply_to) | set(message.references)
    for headers in message.attached_headers:
        ids.add(headers.message_id)
        ids.update(headers.in_reply_to, headers.references)
    ids.discard("")
    return ids


def token_numbers(message: ParsedMessage, pattern: str) -> set[int]:
    regex = token_regex(pattern)
    subjects = [message.subject, *(h.subject for h in message.attached_headers)]
    return {int(m) for s in subjects for m in regex.findall(s or "")}


def _local_date(moment: dt.datetime | None, zone: ZoneInfo) -> dt.date | None:
    return moment.astimezone(zone).date() if moment is not None else None


def snapshot_for(message: ParsedMessage, firm: Firm, now: dt.datetime) -> Snapshot:
    zone = ZoneInfo(firm.time_zone or "UTC")
    ids = referenced_ids(message)
    by_ticket: dict[int, list[str]] = {}
    if ids:
        for ticket_id, mid in TicketMessageId.objects.filter(message_id__in=ids).values_list(
            "ticket_id", "message_id"
        ):
            by_ticket.setdefault(ticket_id, []).append(mid)
    wanted = set(by_ticket) | token_numbers(message, firm.ticket_token_pattern)
    tickets = []
    if wanted:
        rows = Ticket.objects.filter(pk__in=wanted).values_list(
            "pk", "company_id", "status", "resolved_at", "closed_at"
        )
        for pk, company_id, status, resolved_at, closed_at in rows.order_by("pk"):
            is_open = status in OPEN_STATUSES
            tickets.append(
                TicketIn(
                    id=pk,
                    number=pk,
                    company=company_id,
                    status="open" if is_open else "resolved",
                    resolved_on=None if is_open else _local_date(resolved_at or closed_at, zone),
                    message_ids=tuple(sorted(by_ticket.get(pk, []))),
                )
            )
    sender = message.sender.lower()
    contacts = []
    if sender:
        contacts = [
            ContactIn(id=pk, company=company_id, email=email.lower())
            for pk, company_id, email in Contact.objects.filter(
                email__iexact=sender, archived_at__isnull=True
            )
            .order_by("pk")
            .values_list("pk", "company_id", "email")
        ]
    domain = sender.rpartition("@")[2] if "@" in sender else ""
    companies: dict[int, CompanyIn] = {}
    needed = {t.company for t in tickets} | {c.company for c in contacts}
    rows2 = Company.objects.filter(archived_at__isnull=True).exclude(mail_domains=[])
    for pk, domains in rows2.order_by("pk").values_list("pk", "mail_domains"):
        clean = tuple(str(d).strip().lower().lstrip("@") for d in domains or [] if str(d).strip())
        if (domain and domain in clean) or pk in needed:
            companies[pk] = CompanyIn(id=pk, domains=clean)
    for pk in sorted(int(str(n)) for n in needed if n not in companies):
        companies[pk] = CompanyIn(id=pk)
    return Snapshot(
        firm_domain=(firm.mail_domain or "").lower(),
        today=now.astimezone(zone).date(),
        ticket_token=firm.ticket_token_pattern or "[#{number}]",
        allow_new_contacts_from_domains=firm.allow_new_contacts_from_domains,
        max_attachment_bytes=firm.max_attachment_bytes,
        allowed_extensions=tuple(firm.allowed_attachment_extensions or ()),
        companies=tuple(companies[k] for k in sorted(companies)),
        contacts=tuple(contacts),
        tickets=tuple(tickets),
    )
