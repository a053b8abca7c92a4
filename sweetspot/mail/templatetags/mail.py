"""``{% load mail %}``: what the mail app shows on desk and web pages, which load these tags
(desk's and web's Python code never imports the mail app).

* ``{% ticket_mail ticket %}``: the mail that reached a ticket and its attachments, the mail
  sent about it, and an after-hours page with its acknowledge button (staff).
* ``{% on_call_now %}``: who is on call today (the queue and the dispatcher's home).
"""

from __future__ import annotations

from typing import Any

from django import template

from sweetspot.core.permissions import is_staff

from ..queries import mail_for_ticket, page_for_ticket, sent_for_ticket
from ..rota import on_call_now as cover_now

register = template.Library()


@register.inclusion_tag("mail/_ticket_mail.html", takes_context=True)
def ticket_mail(context: dict[str, Any], ticket: Any) -> dict[str, Any]:
    user = context.get("user")
    staff = is_staff(user)
    return {
        "mail": mail_for_ticket(ticket, staff=staff),
        "sent": sent_for_ticket(ticket, staff=staff),
        "page": page_for_ticket(ticket) if staff else None,
        "staff": staff,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("mail/_on_call_now.html", takes_context=True)
def on_call_now(context: dict[str, Any]) -> dict[str, Any]:
    return {"cover": cover_now(), "can": context.get("can")}
