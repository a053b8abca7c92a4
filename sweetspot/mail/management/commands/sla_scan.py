"""`manage.py sla_scan`: alert SLA stages reached (at risk, breached; each once per ticket),
for cron instead of the job worker."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sweetspot.mail.sla_alerts import scan


class Command(BaseCommand):
    help = "Mail the assignee and the dispatchers about tickets at risk or past their SLA."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = scan()
        if not counts:
            self.stdout.write("No new SLA alerts.")
        for stage, count in sorted(counts.items()):
            self.stdout.write(f"{stage}: {count}")
