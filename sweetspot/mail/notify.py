"""Notifications: desk's signals in, mail out (connected in ``MailConfig.ready``).

Who hears what (issue #17):

* the ticket's contact: the acknowledgement of a new ticket (number, subject, response target
  in business terms through ``core.wording.sla_target``, the helper the pages use), each
  client-visible staff comment, the resolution. A ticket without a contact goes to the client
  user who opened it on the portal; one without either reaches nobody.
* the assigned technician (their login's address; a subcontractor's own address): the
  assignment, and each client reply on their ticket.

Each person may turn a kind off on the profile page (``NotificationOptOut``); a contact
without a login gets everything. Acknowledgements are rate limited per address
(``MailSettings.acknowledgement_window_minutes``, one hour by default): the loop guard against
an auto-responder that opens ticket after ticket.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone

from sweetspot.core.models import Firm
from sweetspot.core.wording import BUSINESS_HOURS_NOTE, sla_target
from sweetspot.desk.models import Ticket, TicketComment

from . import outbound
from .models import MailSettings, Notification, NotificationOptOut, OutboundMessage

log = logging.getLogger(__name__)


def opted_out(addresses: Iterable[str], kind: str) -> set[str]:
    """The addresses (lower case) whose user turned ``kind`` off: one query."""
    wanted = {a.lower() for a in addresses if a}
    if not wanted:
        return set()
    # A client's login and the contact it is linked to may have different addresses: both
    # count as theirs.
    rows = NotificationOptOut.objects.filter(kind=kind).values_list(
        "user__email", "user__contact__email"
    )
    emails = {e.lower() for pair in rows for e in pair if e}
    return emails & wanted


def deliver(
    kind: str,
    addresses: Iterable[str],
    subject: str,
    template: str,
    context: dict[str, Any],
    ticket: Ticket | None = None,
    auto_submitted: str = outbound.AUTO_GENERATED,
    now: dt.datetime | None = None,
    optional: bool = True,
) -> list[OutboundMessage]:
    """Send to each address once (case-insensitive) unless its user opted out of ``kind``."""
    unique: dict[str, str] = {}
    for address in addresses:
        if address and "@" in address:
            unique.setdefault(address.strip().lower(), address.strip())
    skip = opted_out(unique, kind) if optional else set()
    firm = Firm.current()
    return [
        outbound.send(kind, address, subject, template, context, ticket, auto_submitted, firm, now)
        for key, address in unique.items()
        if key not in skip
    ]


def ticket_link(ticket: Ticket) -> str:
    return outbound.site_url(reverse("desk:ticket_detail", args=[ticket.pk]))


def client_address(ticket: Ticket) -> str:
    """Where the client hears about the ticket: its contact, else the portal user who
    opened it."""
    if ticket.contact is not None and ticket.contact.email:
        return ticket.contact.email
    creator = ticket.created_by
    if creator is None or not creator.is_client_contact:
        return ""
    linked = creator.contact
    if linked is not None and linked.email:
        return linked.email
    return creator.email or ""


def assignee_address(ticket: Ticket) -> str:
    if ticket.technician is not None:
        user = ticket.technician.user
        return user.email if user is not None and user.is_active else ""
    if ticket.subcontractor is not None:
        return ticket.subcontractor.email or ""
    return ""


def _ticket(ticket_id: int) -> Ticket | None:
    return (
        Ticket.objects.select_related(
            "company", "contact", "created_by__contact", "technician__user", "subcontractor"
        )
        .filter(pk=ticket_id)
        .first()
    )


def acknowledge(ticket: Ticket, now: dt.datetime | None = None) -> OutboundMessage | None:
    """The acknowledgement of a new ticket, unless the address had one within the window
    before the ticket came in (``ticket.created_at``, i.e. now, for a ticket just opened)."""
    to = client_address(ticket)
    if not to:
        return None
    came_in = ticket.created_at or timezone.now()
    window = dt.timedelta(minutes=MailSettings.current().acknowledgement_window_minutes)
    recent = OutboundMessage.objects.filter(
        kind=Notification.ACKNOWLEDGEMENT, to__iexact=to, sent_at__gte=came_in - window
    ).exists()
    if recent:
        log.info("mail: no acknowledgement to %s for #%s (one within the window)", to, ticket.pk)
        return None
    firm = Firm.current()
    sent = deliver(
        Notification.ACKNOWLEDGEMENT,
        [to],
        f"We have your request: {ticket.subject}",
        "acknowledgement",
        {
            "target": sla_target(ticket.response_target_minutes, firm),
            "note": BUSINESS_HOURS_NOTE,
            "link": ticket_link(ticket),
        },
        ticket,
        outbound.AUTO_REPLIED,
        now,
    )
    return sent[0] if sent else None


# --- receivers ---------------------------------------------------------------------------------


def on_ticket_opened(sender: Any, ticket_id: int, **kwargs: Any) -> None:
    ticket = _ticket(ticket_id)
    if ticket is None:
        return
    acknowledge(ticket)
    from .paging import page_if_after_hours  # noqa: PLC0415 (paging imports this module)

    page_if_after_hours(ticket)


def on_ticket_assigned(sender: Any, ticket_id: int, assignee: str = "", **kwargs: Any) -> None:
    ticket = _ticket(ticket_id)
    if ticket is None:
        return
    deliver(
        Notification.ASSIGNED,
        [assignee_address(ticket)],
        f"Assigned to you: {ticket.subject} ({ticket.company.name}, {ticket.priority})",
        "assigned",
        {"link": ticket_link(ticket)},
        ticket,
    )


def _comment(comment_id: int | None) -> TicketComment | None:
    if comment_id is None:
        return None
    return TicketComment.objects.select_related("author").filter(pk=comment_id).first()


def on_comment_added(sender: Any, ticket_id: int, comment_id: int | None = None, **kw: Any) -> None:
    ticket, comment = _ticket(ticket_id), _comment(comment_id)
    if ticket is None or comment is None or comment.internal:
        return
    deliver(
        Notification.COMMENT,
        [client_address(ticket)],
        f"Update: {ticket.subject}",
        "comment",
        {"comment": comment, "link": ticket_link(ticket)},
        ticket,
    )


def on_client_replied(
    sender: Any, ticket_id: int, comment_id: int | None = None, **kw: Any
) -> None:
    ticket, comment = _ticket(ticket_id), _comment(comment_id)
    if ticket is None or comment is None:
        return
    deliver(
        Notification.CLIENT_REPLY,
        [assignee_address(ticket)],
        f"{ticket.company.name} replied: {ticket.subject}",
        "client_reply",
        {"comment": comment, "link": ticket_link(ticket)},
        ticket,
    )


def on_ticket_resolved(sender: Any, ticket_id: int, **kwargs: Any) -> None:
    ticket = _ticket(ticket_id)
    if ticket is None:
        return
    deliver(
        Notification.RESOLVED,
        [client_address(ticket)],
        f"Resolved: {ticket.subject}",
        "resolved",
        {"link": ticket_link(ticket)},
        ticket,
    )
    from .paging import close_page  # noqa: PLC0415 (paging imports this module)

    close_page(ticket, None)


def connect() -> None:
    from sweetspot.desk import signals  # noqa: PLC0415 (connected once the apps are ready)

    signals.ticket_opened.connect(on_ticket_opened, dispatch_uid="mail.ticket_opened")
    signals.ticket_assigned.connect(on_ticket_assigned, dispatch_uid="mail.ticket_assigned")
    signals.comment_added.connect(on_comment_added, dispatch_uid="mail.comment_added")
    signals.client_replied.connect(on_client_replied, dispatch_uid="mail.client_replied")
    signals.ticket_resolved.connect(on_ticket_resolved, dispatch_uid="mail.ticket_resolved")
