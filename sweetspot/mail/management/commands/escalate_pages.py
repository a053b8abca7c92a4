"""`manage.py escalate_pages`: page the next person for after-hours P1s nobody acknowledged,
for cron instead of the job worker (run it every minute)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sweetspot.mail.paging import escalate


class Command(BaseCommand):
    help = "Escalate unacknowledged after-hours P1 pages to the next person on the rota."

    def handle(self, *args: Any, **options: Any) -> None:
        pages = escalate()
        for page in pages:
            state = (
                "ended"
                if page.acknowledged_at
                else ("exhausted" if page.exhausted else f"step {page.step}")
            )
            self.stdout.write(f"ticket #{page.ticket_id}: {state}")
        if not pages:
            self.stdout.write("Nothing to escalate.")
