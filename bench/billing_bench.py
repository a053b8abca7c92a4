"""Billing-run benchmark: `make bench` (or `.venv/bin/python bench/billing_bench.py`).

Throwaway SQLite database in a temp dir (never the dev database): migrate, then 500
companies with a signed agreement each (a mix of monthly, quarterly and annual; some with
rollover, on-site hours or hourly-only), 20 technicians and a subcontractor, and 20,000
billable time entries in the month before the run (a few late, out-of-scope or without an
agreement) plus 200 items. Times ``billing.services.prepare_run`` (load, engine, save) and
counts its queries, then times a second run of the same month (idempotent: nothing new).
Writes bench/results/YYYY-MM-DD-billing.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
MONTH = dt.date(2026, 12, 1)


def _setup(tmp: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "1"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["SWEETSPOT_VAR_DIR"] = str(tmp / "var")
    os.environ.pop("REDIS_URL", None)
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != here]
    sys.path.insert(0, str(ROOT))
    # Imported after the environment is set: settings read it at import.
    import django  # noqa: PLC0415

    django.setup()


def _build(agreements: int, entries: int, seed: int = 12) -> None:
    # Django is set up by _setup first; the models cannot be imported before.
    from django.utils import timezone  # noqa: PLC0415

    from sweetspot.agreements.models import Agreement, Plan  # noqa: PLC0415
    from sweetspot.agreements.services import plan_terms  # noqa: PLC0415
    from sweetspot.billing.models import Item  # noqa: PLC0415
    from sweetspot.clients.models import Company  # noqa: PLC0415
    from sweetspot.desk.models import TimeEntry  # noqa: PLC0415
    from sweetspot.team.models import Subcontractor, Technician  # noqa: PLC0415

    rng = random.Random(seed)
    techs = Technician.objects.bulk_create(
        [Technician(name=f"Tech {i}", bill_rate=Decimal(85 + 5 * i)) for i in range(20)]
    )
    sub = Subcontractor.objects.create(company_name="Quill Data", bill_rate=Decimal("175"))
    plans = []
    for i, (cadence, rollover, onsite, hourly) in enumerate(
        [
            ("monthly", "none", "0", False),
            ("monthly", "next_month", "2", False),
            ("quarterly", "none", "1", False),
            ("annual", "next_month", "0", False),
            ("monthly", "none", "0", True),
        ]
    ):
        plans.append(
            Plan.objects.create(
                name=f"Bench plan {i}",
                monthly_fee=Decimal("0") if hourly else Decimal(900 + 100 * i),
                included_hours_per_month=Decimal("0") if hourly else Decimal(8 + 2 * i),
                onsite_half_days_per_month=Decimal(onsite),
                overage_rate=Decimal("125"),
                billing_cadence=cadence,
                hourly_only=hourly,
                rollover=rollover,
            )
        )
    months = {"monthly": 1, "quarterly": 3, "annual": 12}
    companies = Company.objects.bulk_create(
        [Company(name=f"Bench client {i:04d}", status="client") for i in range(agreements)]
    )
    signed = timezone.make_aware(dt.datetime(2026, 1, 1, 10))
    rows = []
    for i, company in enumerate(companies):
        plan = plans[i % len(plans)]
        start = dt.date(2026, 1 + i % 11, 1)
        rows.append(
            Agreement(
                company=company,
                plan=plan,
                status="active",
                start_date=start,
                period_fee=plan.monthly_fee * months[plan.billing_cadence],
                billing_cadence=plan.billing_cadence,
                terms=plan_terms(plan, []),
                signed_at=signed,
            )
        )
    ags = Agreement.objects.bulk_create(rows)
    previous = dt.date(2026, 11, 1)
    batch = []
    for n in range(entries):
        k = rng.randrange(len(ags))
        ag = ags[k]
        late = n % 50 == 0
        breakfix = n % 97 == 0
        batch.append(
            TimeEntry(
                technician=None if n % 200 == 0 else techs[n % len(techs)],
                subcontractor=sub if n % 200 == 0 else None,
                company_id=ag.company_id,
                agreement=None if breakfix else ag,
                work_type=rng.choice(["remote", "remote", "phone", "onsite"]),
                work_date=(dt.date(2026, 10, 1) if late else previous)
                + dt.timedelta(days=rng.randrange(28)),
                minutes=rng.choice([10, 15, 20, 30, 45, 60, 90, 120]),
                out_of_scope=n % 31 == 0,
            )
        )
    TimeEntry.objects.bulk_create(batch, batch_size=2000)
    Item.objects.bulk_create(
        [
            Item(
                company_id=ags[i * 2 % len(ags)].company_id,
                date=previous + dt.timedelta(days=i % 28),
                description=f"Bench item {i}",
                quantity=Decimal(1 + i % 3),
                unit_price=Decimal("49.99"),
                unit_cost=Decimal("30"),
            )
            for i in range(200)
        ]
    )


def _timed(month: dt.date) -> tuple[float, int, Any]:
    # Django is set up by then (see _setup).
    from django.db import connection, reset_queries  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from sweetspot.billing.services import prepare_run  # noqa: PLC0415

    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        outcome = prepare_run(month)
        seconds = time.perf_counter() - started
    return seconds, len(ctx.captured_queries), outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agreements", type=int, default=500)
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sweetspot-billing-bench-"))
    try:
        _setup(tmp)
        # Django is set up now (see _setup).
        from django.core.management import call_command  # noqa: PLC0415

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        _build(args.agreements, args.entries)
        build_seconds = time.perf_counter() - started
        first_s, first_q, first = _timed(MONTH)
        again_s, again_q, again = _timed(MONTH)
        result = {
            "date": dt.date.today().isoformat(),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, SQLite",
            "agreements": args.agreements,
            "time_entries": args.entries,
            "items": 200,
            "build_seconds": round(build_seconds, 2),
            "runs": [
                {
                    "case": "first run",
                    "seconds": round(first_s, 2),
                    "queries": first_q,
                    "invoices": first.invoices_created,
                    "lines": first.lines,
                    "ledgers": first.ledgers,
                    "entries_billed": first.entries_billed,
                    "items_billed": first.items_billed,
                },
                {
                    "case": "same month again",
                    "seconds": round(again_s, 2),
                    "queries": again_q,
                    "invoices": again.invoices_created,
                    "lines": again.lines,
                    "ledgers": again.ledgers,
                    "entries_billed": again.entries_billed,
                    "items_billed": again.items_billed,
                },
            ],
        }
        out = args.out or RESULTS / f"{dt.date.today().isoformat()}-billing.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n")
        print(f"Billing run, {args.agreements} agreements, {args.entries:,} time entries")
        print("| Case | Seconds | Queries | Invoices | Lines | Ledgers | Entries billed |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for r in result["runs"]:
            print(
                f"| {r['case']} | {r['seconds']} | {r['queries']} | {r['invoices']} | "
                f"{r['lines']} | {r['ledgers']} | {r['entries_billed']} |"
            )
        print(f"written to {out}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
