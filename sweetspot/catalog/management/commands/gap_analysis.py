"""manage.py gap_analysis [--json]: the gap analysis on the current data.

--json prints the same document as GET /api/v1/gap-analysis (no cost rates); without it, a
readable summary.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from sweetspot.catalog import report


class Command(BaseCommand):
    help = "Staffing depth per service, gaps with their ranked remedies, differentiators."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="Print JSON (for scripts).")

    def handle(self, *args: Any, **options: Any) -> None:
        analysis = report.build().analysis
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(analysis), indent=2))
            return
        w = self.stdout.write
        w("Staffing depth (in-house + outside = total)")
        for d in analysis.depths:
            flag = {"unstaffed": "  UNSTAFFED", "single_point_of_failure": "  SINGLE POINT"}.get(
                d.status, ""
            )
            w(f"  {d.service.name:<34} {len(d.in_house)} + {len(d.outside)} = {d.total}{flag}")
        for title, gaps in [
            ("Services we cannot staff deeply", analysis.staffing),
            ("Sold by competitors, not by us", analysis.competitor_only),
        ]:
            w("")
            w(f"{title}: {len(gaps) or 'none'}")
            for gap in gaps:
                w(f"  {gap.service_name}: {gap.detail}")
                for r in gap.remedies:
                    cost = f" (about ${r.cost})" if r.cost is not None else ""
                    w(f"    {r.rank}. {r.description}{cost}")
        w("")
        w("What sets us apart: " + (", ".join(analysis.differentiators) or "nothing yet"))
