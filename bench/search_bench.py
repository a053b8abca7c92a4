"""Search benchmark (issue 14 item 6): `.venv/bin/python bench/search_bench.py`.

Throwaway SQLite database in a temp dir (never the dev database): migrate (which installs the
FTS5 index and its triggers), seed_demo, grow the ticket table with `generate_scale --tickets`
(the triggers index every row as it is inserted), then time GET /search/?q=… as Dan through
django.test.Client for a ticket number, a common word, a rare pair of words, a prefix and a
company name. Writes bench/results/YYYY-MM-DD-search.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import queue_bench as qb  # noqa: E402 (bench/ on the path first)

ROOT = qb.ROOT
RESULTS = qb.RESULTS


def cases(ticket_pk: int) -> list[tuple[str, str]]:
    return [
        ("ticket number", f"/search/?q=%23{ticket_pk}"),
        ("common word", "/search/?q=outlook"),
        ("two words", "/search/?q=printer+floor"),
        ("prefix", "/search/?q=passw"),
        ("company name", "/search/?q=harbor"),
        ("no match", "/search/?q=zzqxv"),
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="1000000")
    ap.add_argument("--requests", type=int, default=50)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sweetspot-bench-search-"))
    try:
        qb._setup(tmp)
        from django.core.management import call_command
        from django.test import Client

        from sweetspot.core.models import User
        from sweetspot.desk.models import Ticket

        call_command("migrate", verbosity=0)
        call_command("seed_demo", stdout=io.StringIO())
        client = Client()
        client.force_login(User.objects.get(username="dan"))
        results: list[dict[str, Any]] = []
        for scale in [int(s) for s in args.scales.split(",")]:
            t0 = time.perf_counter()
            have = Ticket.objects.count()
            if have < scale:
                call_command(
                    "generate_scale", tickets=scale - have, seed=args.seed, stdout=io.StringIO()
                )
            grow = time.perf_counter() - t0
            middle = Ticket.objects.order_by("pk").values_list("pk", flat=True)[scale // 2]
            for name, url in cases(middle):
                row = {"scale": scale, "case": name, "url": url, "grow_seconds": round(grow, 1)}
                row |= {"method": "generate_scale --tickets (FTS5 triggers on)"}
                row |= qb._measure(client, url, args.requests, args.warmup)
                results.append(row)
        out = Path(args.out) if args.out else RESULTS / f"{dt.date.today():%Y-%m-%d}-search.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        doc = {
            "machine": {"python": platform.python_version(), "platform": platform.platform()},
            "database": "sqlite (FTS5)",
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
