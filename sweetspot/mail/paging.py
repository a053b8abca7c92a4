"""After-hours P1 paging and its escalation.

A P1 opened outside business hours (any source: mail, portal, API, a dispatcher's phone
note) pages the on-call technician by e-mail, and by their e-mail-to-SMS address when the
rota has one. Nobody acknowledges it (the one-click page in the mail, or the button on the
ticket) within ``MailSettings.escalation_minutes``: the next person on the rota is paged,
then the owner(s); then the chain is exhausted (it is still on the ticket page). A staff
response on the ticket (``responded_at``) or its resolution also ends the page.

``escalate(now)`` runs every minute in the Huey worker and as ``manage.py escalate_pages``.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sweetspot.core import audit
from sweetspot.core.models import AuditLog, Firm, User
from sweetspot.desk.models import OPEN_STATUSES, Priority, Ticket
from sweetspot.desk.services import business_hours

from . import outbound, rota
from .models import MailSettings, Notification, Page
from .notify import deliver, ticket_link

AUDITED = ["step", "acknowledged_at", "acknowledged_by", "exhausted"]


def after_hours(moment: dt.datetime, firm: Firm | None = None) -> bool:
    hours = business_hours(firm)
    day = moment.astimezone(hours.zone).date()
    if not hours.is_business_day(day):
        return True
    opens, closes = hours.window(day)
    return not (opens <= moment < closes)


def _send_step(page: Page, ticket: Ticket, targets: list[rota.Target], now: dt.datetime) -> None:
    target = targets[page.step]
    ack = outbound.site_url(reverse("mail:page_ack", args=[page.token]))
    deliver(
        Notification.PAGE,
        target.addresses,
        f"P1 after hours: {ticket.subject} ({ticket.company.name})",
        "page",
        {"ack_link": ack, "link": ticket_link(ticket), "step": page.step, "who": target.label},
        ticket,
        now=now,
        optional=False,
    )
    page.paged_at = now
    page.history = [
        *page.history,
        {
            "step": page.step,
            "who": target.label,
            "to": target.addresses,
            "at": now.astimezone(dt.UTC).isoformat(),
        },
    ]


def page_if_after_hours(ticket: Ticket, now: dt.datetime | None = None) -> Page | None:
    """Open the page of a P1 created outside business hours (once per ticket)."""
    if ticket.priority != Priority.P1 or ticket.status not in OPEN_STATUSES:
        return None
    firm = Firm.current()
    if not after_hours(ticket.created_at, firm) or Page.objects.filter(ticket=ticket).exists():
        return None
    now = now or ticket.created_at  # the escalation clock starts when the P1 came in
    targets = rota.chain(rota.firm_today(ticket.created_at, firm))
    with transaction.atomic():
        page = Page(
            ticket=ticket,
            opened_at=now,
            paged_at=now,
            token=secrets.token_urlsafe(24),
        )
        _send_step(page, ticket, targets, now)
        page.save()
        audit.record(None, AuditLog.Action.CREATE, page, {}, audit.snapshot(page, AUDITED))
    return page


def _ended(ticket: Ticket) -> bool:
    return ticket.responded_at is not None or ticket.status not in OPEN_STATUSES


def escalate(now: dt.datetime | None = None) -> list[Page]:
    """Page the next step of every unacknowledged page whose step has waited long enough."""
    now = now or timezone.now()
    wait = dt.timedelta(minutes=MailSettings.current().escalation_minutes)
    due = Page.objects.filter(
        acknowledged_at__isnull=True, exhausted=False, paged_at__lte=now - wait
    ).select_related("ticket__company")
    moved = []
    for page in due:
        before = audit.snapshot(page, AUDITED)
        ticket = page.ticket
        if _ended(ticket):
            page.acknowledged_at = now
            page.history = [*page.history, {"step": page.step, "ended": "responded or closed"}]
        else:
            targets = rota.chain(rota.firm_today(ticket.created_at))
            if page.step + 1 >= len(targets):
                page.exhausted = True
            else:
                page.step += 1
                _send_step(page, ticket, targets, now)
        page.save()
        audit.record(None, AuditLog.Action.UPDATE, page, before, audit.snapshot(page, AUDITED))
        moved.append(page)
    return moved


def close_page(ticket: Ticket, user: User | None, now: dt.datetime | None = None) -> None:
    """End the page of a ticket (acknowledged by ``user``, or by the ticket's resolution)."""
    page = Page.objects.filter(ticket=ticket, acknowledged_at__isnull=True).first()
    if page is not None:
        acknowledge(user, page, now)


def acknowledge(user: User | None, page: Page, now: dt.datetime | None = None) -> Page:
    if page.acknowledged_at is not None:
        return page
    now = now or timezone.now()
    before = audit.snapshot(page, AUDITED)
    page.acknowledged_at = now
    page.acknowledged_by = user if user is not None and user.is_authenticated else None
    who = user.label if page.acknowledged_by is not None and user is not None else "mail link"
    page.history = [*page.history, {"acknowledged": who, "at": now.astimezone(dt.UTC).isoformat()}]
    page.save()
    audit.record(user, AuditLog.Action.UPDATE, page, before, audit.snapshot(page, AUDITED))
    return page
