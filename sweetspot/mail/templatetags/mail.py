"""``{% load mail %}{% ticket_mail ticket %}``: the mail that reached a ticket and its
attachments. Desk templates load this tag; desk's Python code never imports the mail app."""

from __future__ import annotations

from typing import Any

from django import template

from sweetspot.core.permissions import is_staff

from ..queries import mail_for_ticket

register = template.Library()


@register.inclusion_tag("mail/_ticket_mail.html", takes_context=True)
def ticket_mail(context: dict[str, Any], ticket: Any) -> dict[str, Any]:
    user = context.get("user")
    staff = is_staff(user)
    return {"mail": mail_for_ticket(ticket, staff=staff), "staff": staff}
