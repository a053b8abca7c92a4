"""manage.py cert_plan [--json] [--technician ID]: the certification planner on current data.

--json prints the engine's result, the same body as GET /api/v1/cert-plan for the owner.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sweetspot.growth import cert_services


class Command(BaseCommand):
    help = "Rank certifications per technician by payback (cost vs the work they unlock)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
        parser.add_argument("--technician", type=int, help="Only this technician (id).")
        parser.add_argument(
            "--top", type=int, default=3, help="Proposals per technician in text output."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        plan = cert_services.narrowed(cert_services.build_plan(), options["technician"])
        if options["json"]:
            self.stdout.write(json.dumps(plan.to_json(), indent=2))
            return
        self.stdout.write(f"Certification plan as of {plan.as_of.isoformat()}")
        for w in plan.warnings:
            self.stdout.write(f"! {w.message} {w.advice}")
        for t in plan.technicians:
            holds = ", ".join(t.holds) or "no certification"
            self.stdout.write(f"\n{t.name} ({t.level}; holds {holds})")
            for p in t.proposals[: max(options["top"], 0)]:
                payback = "never" if p.payback_months is None else f"{p.payback_months} months"
                self.stdout.write(
                    f"  {p.rank}. {p.certification.vendor} {p.certification.code}: "
                    f"cost ${p.cost.total:,.2f}, benefit ${p.benefit.total:,.2f}/yr, "
                    f"payback {payback}"
                )
        for note in plan.notes:
            self.stdout.write(f"\nNote: {note}")
