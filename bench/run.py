"""Company-list benchmark: `make bench` (or `.venv/bin/python bench/run.py`).

Builds a throwaway SQLite database in a temp dir (never the dev database), loads the demo
firm, grows the client book to each scale with `generate_scale`, and times the company list
page and endpoint through django.test.Client. Writes bench/results/YYYY-MM-DD-company-list.json
and prints a markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"

# Cases: (name, kind, url). kind "page" uses the session, "api" the bearer token.
CASES = [
    ("page: /clients/", "page", "/clients/"),
    ("page: /clients/?q=dental&sort=-pcs", "page", "/clients/?q=dental&sort=-pcs"),
    ("api: /api/v1/companies", "api", "/api/v1/companies"),
    (
        "api: /api/v1/companies?status=client&sort=-pcs",
        "api",
        "/api/v1/companies?status=client&sort=-pcs",
    ),
]
SLOW_P95_MS = 200.0


def _setup(tmp: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "1"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["SWEETSPOT_VAR_DIR"] = str(tmp / "var")
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, round(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def _result_count(kind: str, response: Any) -> int | None:
    if kind == "api":
        return int(response.json()["count"])
    match = re.search(rb"([\d,]+) compan(?:y|ies)</p>", response.content)
    return int(match.group(1).replace(b",", b"")) if match else None


class _QueryTimer:
    """execute_wrapper that times each statement with perf_counter (Django's own log rounds
    to the millisecond)."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.times.append((time.perf_counter() - started) * 1000)


def _measure(
    client: Any, kind: str, url: str, headers: dict[str, str], warmup: int, requests: int
) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
    timings: list[float] = []
    query_counts: list[int] = []
    per_query: list[list[float]] = []
    sql: list[str] = []
    for _ in range(requests):
        timer = _QueryTimer()
        with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        query_counts.append(len(ctx.captured_queries))
        if not sql:
            sql = [q["sql"] for q in ctx.captured_queries]
            per_query = [[] for _ in sql]
        for i, ms in enumerate(timer.times[: len(per_query)]):
            per_query[i].append(ms)
    assert len(set(query_counts)) == 1, (
        f"{url}: the query count varies between requests: {sorted(set(query_counts))}"
    )
    return {
        "url": url,
        "requests": requests,
        "warmup": warmup,
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(_percentile(timings, 95), 2),
        "max_ms": round(max(timings), 2),
        "queries": query_counts[0],
        "results": _result_count(kind, response),
        # Median execute() time of each SQL statement, in request order.
        "query_p50_ms": [
            {"ms": round(statistics.median(times), 2), "sql": text[:200]}
            for text, times in zip(sql, per_query, strict=True)
        ],
    }


def _machine() -> dict[str, Any]:
    import sqlite3

    import django
    from django.db import connection

    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "django": django.get_version(),
        "database_engine": connection.settings_dict["ENGINE"],
        "sqlite_version": sqlite3.sqlite_version,
    }


def _table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| Case | Companies | p50 ms | p95 ms | max ms | Queries | Results |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| `{r['case'].split(': ', 1)[1]}` | {r['scale']:,} | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['max_ms']:.1f} | {r['queries']} | {r['results']} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="Company-list benchmark.")
    parser.add_argument("--scales", default="1000,10000", help="Total companies, comma-separated.")
    parser.add_argument("--requests", type=int, default=200, help="Timed requests per case.")
    parser.add_argument("--warmup", type=int, default=10, help="Untimed requests per case.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="JSON path (default: dated).")
    parser.add_argument("--keep", action="store_true", help="Keep the temp database.")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]

    tmp = Path(tempfile.mkdtemp(prefix="sweetspot-bench-"))
    bench_started = time.perf_counter()
    try:
        _setup(tmp)
        from django.core.management import call_command
        from django.test import Client

        from sweetspot.clients.models import Company
        from sweetspot.core.models import User
        from sweetspot.core.tokens import create_token
        from sweetspot.demo.seed import seed_demo

        call_command("migrate", verbosity=0, interactive=False)
        seed_demo()
        dan = User.objects.get(username="dan")
        page_client = Client()
        page_client.force_login(dan)
        api_client = Client()
        _, key = create_token(dan, "bench")
        api_headers = {"Authorization": f"Bearer {key}"}

        generation: dict[str, Any] = {}
        results: list[dict[str, Any]] = []
        for step, scale in enumerate(scales):
            missing = scale - Company.objects.count()
            if missing > 0:
                started = time.perf_counter()
                call_command(
                    "generate_scale",
                    companies=missing,
                    seed=args.seed + step,
                    verbosity=0,
                    stdout=io.StringIO(),
                )
                seconds = time.perf_counter() - started
                generation[str(scale)] = {"added": missing, "seconds": round(seconds, 2)}
                print(
                    f"generate_scale: +{missing} companies (total {scale}) in {seconds:.2f} s",
                    flush=True,
                )
            for name, kind, url in CASES:
                client, headers = (page_client, {}) if kind == "page" else (api_client, api_headers)
                row = {
                    "case": name,
                    "scale": scale,
                    **_measure(client, kind, url, headers, args.warmup, args.requests),
                }
                results.append(row)
                print(
                    f"  {scale:>6} {name:<50} p50 {row['p50_ms']:7.1f} ms  "
                    f"p95 {row['p95_ms']:7.1f} ms  queries {row['queries']}",
                    flush=True,
                )

        today = dt.date.today().isoformat()
        out = args.out or RESULTS / f"{today}-company-list.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "benchmark": "company-list",
            "date": today,
            "machine": _machine(),
            "settings": {
                "requests": args.requests,
                "warmup": args.warmup,
                "seed": args.seed,
                "persona": "dan (dispatcher)",
                "page_size": 25,
            },
            "generation": generation,
            "results": results,
            "total_seconds": round(time.perf_counter() - bench_started, 1),
        }
        out.write_text(json.dumps(payload, indent=2) + "\n")
        print()
        print(_table(results))
        print()
        slow = [r for r in results if r["scale"] >= 10000 and r["p95_ms"] > SLOW_P95_MS]
        for r in slow:
            print(f"SLOW: {r['case']} at {r['scale']}: p95 {r['p95_ms']} ms")
        try:
            shown = out.relative_to(ROOT)
        except ValueError:
            shown = out
        print(f"Wrote {shown} in {payload['total_seconds']} s.")
        return 0
    finally:
        if args.keep:
            print(f"Database kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
