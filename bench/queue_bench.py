"""Ticket-queue benchmark: `make bench` (or `.venv/bin/python bench/queue_bench.py`).

Throwaway SQLite database in a temp dir (never the dev database): migrate, seed_demo, then
grow the ticket table to each scale (`generate_scale --tickets` when it exists, else bulk
inserts here, in chunks) and time GET /desk/queue/ as Dan through django.test.Client.
Writes bench/results/YYYY-MM-DD-queue.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
CASES = [
    ("default sort", "/desk/queue/"),
    ("P1 at risk", "/desk/queue/?priority=P1&at_risk=1"),
]


def _setup(tmp: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "1"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["SWEETSPOT_VAR_DIR"] = str(tmp / "var")
    os.environ.pop("REDIS_URL", None)
    # Run as a script, bench/ is sys.path[0]; keep it out of the way of stdlib modules
    # (imported lazily by concurrent.futures during django.setup()).
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != here]
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    rank = max(1, round(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def _has_tickets_option() -> bool:
    from django.core.management import get_commands, load_command_class

    # Wherever the command lives (it moved from clients to demo with the app layers).
    cmd = load_command_class(get_commands()["generate_scale"], "generate_scale")
    parser = cmd.create_parser("manage.py", "generate_scale")
    return any("--tickets" in a.option_strings for a in parser._actions)


def _grow(target: int, seed: int) -> tuple[float, str]:
    """Add tickets until there are ``target``; returns (seconds, method)."""
    from django.core.management import call_command
    from django.utils import timezone

    from sweetspot.clients.models import Company
    from sweetspot.desk.models import OPEN_STATUSES, Priority, Ticket, TicketStatus

    have = Ticket.objects.count()
    if have >= target:
        return 0.0, "none"
    start = time.perf_counter()
    if _has_tickets_option():
        call_command("generate_scale", tickets=target - have, seed=seed, stdout=io.StringIO())
        return time.perf_counter() - start, "generate_scale --tickets"
    rng = random.Random(seed)
    companies = list(Company.objects.values_list("pk", flat=True))
    now = timezone.now()
    statuses = [*OPEN_STATUSES, TicketStatus.RESOLVED, TicketStatus.CLOSED]
    priorities = [p.value for p in Priority]
    n = target - have
    for offset in range(0, n, 5000):
        batch = []
        for _ in range(min(5000, n - offset)):
            created = now - dt.timedelta(minutes=rng.randint(0, 180 * 24 * 60))
            due = created + dt.timedelta(hours=rng.randint(1, 72))
            batch.append(
                Ticket(
                    company_id=rng.choice(companies),
                    subject=f"Scale ticket {rng.randint(1, 10**9)}",
                    priority=rng.choice(priorities),
                    status=rng.choice(statuses),
                    created_at=created,
                    response_due_at=due,
                    response_at_risk_at=due - dt.timedelta(hours=1),
                    resolution_due_at=due + dt.timedelta(hours=8),
                    resolution_at_risk_at=due + dt.timedelta(hours=6),
                )
            )
        Ticket.objects.bulk_create(batch)
    return time.perf_counter() - start, "bulk_create in bench/queue.py"


def _measure(client: Any, url: str, requests: int, warmup: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    times, counts = [], set()
    for _ in range(requests):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            r = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, url
        counts.add(len(ctx.captured_queries))
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(_percentile(times, 95), 2),
        "max_ms": round(max(times), 2),
        "queries": sorted(counts),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="1000,100000")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sweetspot-bench-queue-"))
    try:
        _setup(tmp)
        from django.core.management import call_command
        from django.test import Client

        from sweetspot.core.models import User

        call_command("migrate", verbosity=0)
        call_command("seed_demo", stdout=io.StringIO())
        client = Client()
        client.force_login(User.objects.get(username="dan"))
        results: list[dict[str, Any]] = []
        for scale in [int(s) for s in args.scales.split(",")]:
            secs, method = _grow(scale, args.seed)
            for name, url in CASES:
                row = {"scale": scale, "case": name, "url": url, "grow_seconds": round(secs, 1)}
                row |= {"method": method}
                row |= _measure(client, url, args.requests, args.warmup)
                results.append(row)
        out = Path(args.out) if args.out else RESULTS / f"{dt.date.today():%Y-%m-%d}-queue.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        doc = {
            "machine": {"python": platform.python_version(), "platform": platform.platform()},
            "requests": args.requests,
            "warmup": args.warmup,
            "results": results,
        }
        out.write_text(json.dumps(doc, indent=2) + "\n")
        print("| tickets | case | p50 ms | p95 ms | max ms | queries |")
        print("|---:|---|---:|---:|---:|---|")
        for r in results:
            q = ",".join(str(c) for c in r["queries"])
            print(
                f"| {r['scale']:,} | {r['case']} | {r['p50_ms']} | {r['p95_ms']} "
                f"| {r['max_ms']} | {q} |"
            )
        print(f"\nWrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
