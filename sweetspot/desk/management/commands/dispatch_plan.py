"""manage.py dispatch_plan --scenario FILE [--time-limit SECONDS]

Runs dispatch ranking and batch assignment (``sweetspot.desk``) on a JSON scenario file
without touching the database and prints JSON:
``{"suggestions": {ticket: [{"id", "kind", "surplus", "reasons"}, ...]}, "assignments":
{ticket: person}, "unassigned": {ticket: reason}, "total_cost": "…", "solver": {…}}``.
Bad input: exit 2 with a message naming the bad field on stderr, nothing on stdout.

(It lives in the agreements app because ``sweetspot.desk`` is not an installed app yet.)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from sweetspot.desk import batch, engine, scenario


class Command(BaseCommand):
    help = "Dispatch suggestions and an optimal batch plan for a JSON scenario (no database)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scenario", metavar="FILE", required=True, help="Scenario JSON.")
        parser.add_argument(
            "--time-limit",
            type=float,
            metavar="SECONDS",
            help="Solver time limit (default: the scenario's time_limit_seconds, else 10).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["scenario"]
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            sys.stderr.write(f"(file): cannot read {path}: {exc}\n")
            sys.exit(2)
        try:
            people, tickets, settings = scenario.parse(text)
        except scenario.ScenarioError as exc:
            sys.stderr.write(f"{exc}\n")
            sys.exit(2)
        limit = options.get("time_limit")
        if limit is not None and not 0 < limit <= 600:
            sys.stderr.write("--time-limit: must be more than 0 and at most 600 seconds\n")
            sys.exit(2)
        suggestions = {
            t.id: [s.to_json() for s in engine.suggest(t, people, settings)] for t in tickets
        }
        result = batch.plan(tickets, people, settings, time_limit=limit)
        self.stdout.write(json.dumps({"suggestions": suggestions, **result.to_json()}, indent=2))
