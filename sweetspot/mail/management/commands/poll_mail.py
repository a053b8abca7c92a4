"""`manage.py poll_mail`: one pass over the IMAP mailbox, for cron instead of the job worker.

Reads the MAIL_IMAP_* settings; says so and exits 0 when MAIL_IMAP_HOST is unset.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sweetspot.mail.imap import poll
from sweetspot.mail.services import purge_raw


class Command(BaseCommand):
    help = "Fetch new mail from the IMAP mailbox and turn it into tickets."

    def handle(self, *args: Any, **options: Any) -> None:
        result = poll()
        if result is None:
            self.stdout.write("MAIL_IMAP_HOST is not set: nothing to poll.")
        else:
            for line in result.outcomes:
                self.stdout.write(line)
            self.stdout.write(result.summary())
        purged = purge_raw()
        if purged:
            self.stdout.write(f"raw bytes of {purged} old message(s) dropped")
