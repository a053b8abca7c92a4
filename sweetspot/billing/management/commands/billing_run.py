"""manage.py billing_run (--scenario FILE | --month YYYY-MM)

--scenario runs the billing engine on a JSON file (format: ``sweetspot.billing.scenario``)
without touching the database and prints the result as JSON; bad input → exit 2 with one
``path: reason`` line per problem on stderr and nothing on stdout.

--month prepares the draft invoices of that month from the database through
``sweetspot.billing.services.prepare_run``.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from sweetspot.billing import scenario


class Command(BaseCommand):
    help = "The monthly billing run: on a JSON scenario (no database) or for a month."

    def add_arguments(self, parser: Any) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--scenario", metavar="FILE", help="Run on a JSON scenario file.")
        group.add_argument("--month", metavar="YYYY-MM", help="Prepare that month's invoices.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scenario"]:
            self._scenario(options["scenario"])
        else:
            self._month(options["month"])

    # -- scenario mode: no database ----------------------------------------------------

    def _scenario(self, path: str) -> None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            sys.stderr.write(f"(file): cannot read {path}: {exc}\n")
            sys.exit(2)
        try:
            output = scenario.run(text)
        except scenario.ScenarioError as exc:
            sys.stderr.write(f"{exc}\n")
            sys.exit(2)
        self.stdout.write(json.dumps(output, indent=2))

    # -- live run: the database ----------------------------------------------------------

    def _month(self, month: str) -> None:
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
            sys.stderr.write("--month: must be a month YYYY-MM\n")
            sys.exit(2)
        try:
            # Imported here, not at the top: services need the ORM and the scenario path
            # must work without a database (and services.py may not exist yet).
            from sweetspot.billing.services import prepare_run  # noqa: PLC0415
        except ImportError:
            sys.stderr.write("--month: the live billing run is not available yet\n")
            sys.exit(2)
        outcome = prepare_run(month)
        self.stdout.write(
            f"{month}: {outcome.invoices_created} invoice(s) created, "
            f"{outcome.invoices_extended} extended, {outcome.lines} line(s), "
            f"{outcome.ledgers} ledger(s); {outcome.entries_billed} entries and "
            f"{outcome.items_billed} items billed."
        )
