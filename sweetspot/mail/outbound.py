"""Sending one message: headers, both parts, threading, the record.

Every message Sweetspot sends goes through ``send``:

* one recipient per message (preferences and the sent-mail record are per person);
* a plain-text part and an HTML part (``mail/email/<template>.txt`` rendered, and the same
  text set in ``mail/email/base.html``);
* a Message-ID at the firm's ``Firm.mail_domain``, stored in ``TicketMessageId`` (direction
  "out") for ticket mail, so a reply threads through the intake; ``In-Reply-To`` and
  ``References`` name the ticket's first Message-ID (the client's own mail when it came by
  mail), so mail clients thread it too;
* the ticket token (``Firm.ticket_token_pattern``) in the subject;
* ``Auto-Submitted: auto-generated`` (``auto-replied`` for acknowledgements) and
  ``X-Auto-Response-Suppress: All`` (asks Exchange and Outlook not to answer with an
  out-of-office);
* an ``OutboundMessage`` row (to, subject, when, ticket); a message the mail server refused
  is recorded as failed with the error, and the caller goes on.
"""

from __future__ import annotations

import datetime as dt
import logging
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from sweetspot.core import audit
from sweetspot.core.models import AuditLog, Firm
from sweetspot.desk.models import Ticket

from .models import OutboundMessage, TicketMessageId

log = logging.getLogger(__name__)

AUTO_GENERATED = "auto-generated"
AUTO_REPLIED = "auto-replied"


def token_for(ticket: Ticket, firm: Firm) -> str:
    pattern = firm.ticket_token_pattern or "[#{number}]"
    if "{number}" not in pattern:
        pattern = "[#{number}]"
    return pattern.replace("{number}", str(ticket.pk))


def ticket_subject(ticket: Ticket, firm: Firm, text: str) -> str:
    return f"{token_for(ticket, firm)} {text}"[:500]


def site_url(path: str) -> str:
    """An absolute link for mail (sent outside any request): ``SITE_URL`` + path."""
    base = str(getattr(settings, "SITE_URL", "") or "http://127.0.0.1:8000")
    return base.rstrip("/") + path


def _thread_root(ticket: Ticket) -> str | None:
    first = (
        TicketMessageId.objects.filter(ticket=ticket)
        .order_by("created_at", "pk")
        .values_list("message_id", flat=True)
        .first()
    )
    return first


def send(
    kind: str,
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    ticket: Ticket | None = None,
    auto_submitted: str = AUTO_GENERATED,
    firm: Firm | None = None,
    now: dt.datetime | None = None,
) -> OutboundMessage:
    """Render ``mail/email/<template>.txt`` with ``context`` and send it to ``to``."""
    firm = firm or Firm.current()
    now = now or timezone.now()
    if ticket is not None:
        subject = ticket_subject(ticket, firm, subject)
    context = {**context, "firm": firm, "ticket": ticket, "subject": subject}
    text = render_to_string(f"mail/email/{template}.txt", context).strip() + "\n"
    html = render_to_string("mail/email/base.html", {**context, "text": text})
    domain = (firm.mail_domain or "localhost").strip() or "localhost"
    message_id = make_msgid(idstring="sweetspot", domain=domain)
    headers = {
        "Message-ID": message_id,
        "Auto-Submitted": auto_submitted,
        "X-Auto-Response-Suppress": "All",
    }
    if ticket is not None:
        root = _thread_root(ticket)
        if root:
            headers["In-Reply-To"] = f"<{root}>"
            headers["References"] = f"<{root}>"
    email = EmailMultiAlternatives(
        subject=subject.replace("\n", " "),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
    )
    email.attach_alternative(html, "text/html")
    row = OutboundMessage(
        kind=kind,
        to=to[:320],
        subject=subject[:500],
        sent_at=now,
        ticket=ticket,
        message_id=message_id.strip("<>"),
        auto_submitted=auto_submitted,
    )
    try:
        email.send()
    except Exception as exc:  # a refused recipient or a server down: record it, go on
        log.exception("mail: sending %s to %s failed", kind, to)
        row.status = OutboundMessage.Status.FAILED
        row.error = f"{type(exc).__name__}: {exc}"[:2000]
    row.save()
    if ticket is not None:
        TicketMessageId.objects.get_or_create(
            message_id=row.message_id,
            defaults={"ticket": ticket, "direction": TicketMessageId.Direction.OUT},
        )
    audit.record(
        None, AuditLog.Action.CREATE, row, {}, {"kind": kind, "to": row.to, "status": row.status}
    )
    return row
