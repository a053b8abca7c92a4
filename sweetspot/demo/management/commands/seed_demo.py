from typing import Any

from django.core.management.base import BaseCommand

from sweetspot.core.dbstats import refresh_statistics
from sweetspot.demo.seed import demo_logins, seed_demo


class Command(BaseCommand):
    help = "Load the demo firm (Brightline IT). Idempotent: running it twice changes nothing."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = seed_demo()
        refresh_statistics(full=True)  # the planner's statistics for the rows just loaded
        self.stdout.write("Demo firm ready: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
        if not options["quiet_logins"]:
            self.stdout.write("\nDemo logins (http://127.0.0.1:8000/login/):")
            for username, password, label in demo_logins():
                self.stdout.write(f"  {username:<8} {password:<22} {label}")
