"""`manage.py ingest_mail < message.eml`: one message from stdin through the mail intake.

For a mail server that pipes messages (Postfix/Exim: ``| /path/.venv/bin/python manage.py
ingest_mail``). Prints what happened and exits 0 even when the message failed: the failure is
recorded (quarantine page) and a non-zero exit would make the mail server bounce or retry it.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from sweetspot.mail.intake import ingest
from sweetspot.mail.models import MailSource


def describe(message: Any) -> str:
    if getattr(message, "duplicate", False):
        return f"already seen <{message.message_id}>: {message.status}, nothing done"
    parts = [f"{message.status}: {message.action or '-'} ({message.reason or '-'})"]
    if message.ticket_id:
        parts.append(f"ticket #{message.ticket_id}")
    if message.error:
        parts.append(f"error: {message.error}")
    return ", ".join(parts)


class Command(BaseCommand):
    help = "Ingest one e-mail message read from stdin (for a mail server's pipe)."

    def handle(self, *args: Any, **options: Any) -> None:
        raw = sys.stdin.buffer.read()
        message = ingest(raw, MailSource.PIPE)
        self.stdout.write(describe(message))
