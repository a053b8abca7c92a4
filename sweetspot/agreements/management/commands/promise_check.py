"""manage.py promise_check [--json] [--scenario FILE]

--scenario runs the engine on a JSON file without touching the database (exit 2 with a
message naming the bad field on bad input, nothing on stdout).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from sweetspot.agreements import engine, promise, scenario


class Command(BaseCommand):
    help = "Can the firm keep the promises its agreements make? (coverage, capacity, response)"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="Print JSON.")
        parser.add_argument("--scenario", metavar="FILE", help="Run on a JSON scenario file.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scenario"]:
            try:
                text = Path(options["scenario"]).read_text(encoding="utf-8")
            except OSError as exc:
                sys.stderr.write(f"(file): cannot read {options['scenario']}: {exc}\n")
                sys.exit(2)
            try:
                terms, members, services, settings = scenario.parse(text)
            except scenario.ScenarioError as exc:
                sys.stderr.write(f"{exc}\n")
                sys.exit(2)
            result = engine.check(terms, members, services, settings)
            self.stdout.write(json.dumps(result.to_json(), indent=2))
            return

        result = promise.run()
        if options["json"]:
            self.stdout.write(json.dumps(result.to_json(), indent=2))
            return
        cap = result.to_json()["capacity"]
        self.stdout.write(
            f"{'OK' if result.ok else 'SHORTFALLS'}: {len(result.findings)} finding(s); "
            f"{cap['required_hours']} h/month required, {cap['available_hours']} available."
        )
        for f in result.findings:
            self.stdout.write(f"- [{f.severity}] {f.kind}: {f.detail} → {f.remedy.text}")
