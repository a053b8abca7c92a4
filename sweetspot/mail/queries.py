"""Read side of the mail app: the quarantine and failure lists, a ticket's mail."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Substr
from django.http import Http404

from sweetspot.desk.models import Ticket

from .models import (
    CLIENT_NOTIFICATIONS,
    InboundMessage,
    InboundStatus,
    MailAttachment,
    OutboundMessage,
    Page,
)

PREVIEW_CHARS = 600
PAGE = 50


def _listed(qs: QuerySet[InboundMessage]) -> QuerySet[InboundMessage]:
    """Rows for a list: a preview instead of the body, never the raw bytes, attachments in
    one prefetch query."""
    return (
        qs.annotate(preview=Substr("body", 1, PREVIEW_CHARS))
        .defer("raw", "body", "decision")
        .prefetch_related(Prefetch("attachments", queryset=MailAttachment.objects.order_by("pk")))
        .order_by("-received_at", "-pk")
    )


def held() -> QuerySet[InboundMessage]:
    return _listed(InboundMessage.objects.filter(status=InboundStatus.QUARANTINED))


def failed() -> QuerySet[InboundMessage]:
    return _listed(InboundMessage.objects.filter(status=InboundStatus.FAILED))


def get_message(pk: Any) -> InboundMessage:
    """One inbound message for the triage staff (the views check the role first)."""
    try:
        return InboundMessage.objects.defer("raw").get(pk=int(pk))
    except (ValueError, TypeError, InboundMessage.DoesNotExist) as exc:
        raise Http404("Not found") from exc


def mail_for_ticket(ticket: Ticket, staff: bool) -> list[InboundMessage]:
    """The messages that reached a ticket, with their attachments. Client contacts see the
    ones that became client-visible comments or opened the ticket, never bounce notes."""
    qs = (
        InboundMessage.objects.filter(ticket=ticket)
        .defer("raw", "body", "decision")
        .select_related("comment")
        .prefetch_related(Prefetch("attachments", queryset=MailAttachment.objects.order_by("pk")))
        .order_by("received_at", "pk")
    )
    if not staff:
        qs = qs.filter(action__in=["new_ticket", "reply", "reopen"])
    return list(qs)


def page_by_token(token: str) -> Page:
    page = Page.objects.select_related("ticket__company").filter(token=str(token)[:64]).first()
    if page is None or not token:
        raise Http404("Not found")
    return page


def sent_for_ticket(ticket: Ticket, staff: bool) -> list[OutboundMessage]:
    """The mail sent about a ticket, oldest first, in one query. A client contact sees what
    went to the client (acknowledgement, replies, resolution), not staff alerts or pages."""
    qs = OutboundMessage.objects.filter(ticket=ticket).order_by("sent_at", "pk")
    if not staff:
        qs = qs.filter(kind__in=[str(k) for k in CLIENT_NOTIFICATIONS])
    return list(qs)


def page_for_ticket(ticket: Ticket) -> Page | None:
    return Page.objects.filter(ticket=ticket).first()
