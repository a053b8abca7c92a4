"""`manage.py send_digest`: the daily digest, once a firm day from the digest hour on, for
cron instead of the job worker (``--force`` sends it now, again if it was sent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sweetspot.mail.digest import send_digests


class Command(BaseCommand):
    help = "Send the daily digest (renewals, certifications, follow-ups, visits of the day)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Send now, even if sent today.")

    def handle(self, *args: Any, **options: Any) -> None:
        day, sent = send_digests(force=options["force"])
        if sent is None:
            self.stdout.write(f"Digest of {day}: not due (before the digest hour or sent).")
        else:
            self.stdout.write(f"Digest of {day}: {sent} message(s) sent.")
