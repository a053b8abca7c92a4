"""Scale benchmark (issue 18): the same pages at 1,000 and at 1,000,000 tickets, in one run.

`make bench` (or `.venv/bin/python bench/scale_bench.py`). For each scale it builds (or
reuses) a SQLite database under var/bench/: migrate, seed_demo, `generate_scale --companies`
(one company per 100 tickets) and `generate_scale --tickets` up to the scale. A database is
reused while its sidecar var/bench/scale-N.json names the same generator version and seed
(`migrate` still runs on it, so new indexes are applied); otherwise it is rebuilt. The
1M database takes about 7 minutes to build on 2 shared cores; a rerun reuses it.

Each scale is measured in its own subprocess (one DATABASE_URL per process) through
django.test.Client, logged in as the persona each page is for: p50, p95, max, the SQL
query count and the tickets listed ("rows") of every case. The scales take turns, five
requests at a time (``_measure``), and each process's clock runs from the moment its
database was built (``_pin_clock``: what is at risk depends on "now"). The parent writes
bench/results/YYYY-MM-DD-scale.json with, per case, p50/p95 and queries at each scale and
the ratio p95(largest) / p95(smallest), and prints a markdown table.

Where the small database lists fewer tickets than the large one (at risk: 4 against 25),
the ratio compares a short page with a full one. For the API the large database is then
also timed with its page cut to the same rows (``page_size``), in turns with the small one:
``p95_ratio_same_rows``. The pages have no such parameter; their ratio is left as it is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
# SCALE_BENCH_DIR: where the databases live (a checkout of older code can share them).
BENCH_DIR = Path(os.environ.get("SCALE_BENCH_DIR") or ROOT / "var" / "bench")
SEED = 1
TICKETS_PER_COMPANY = 100


def _paths(scale: int) -> tuple[Path, Path, Path]:
    return (
        BENCH_DIR / f"scale-{scale}.sqlite3",
        BENCH_DIR / f"scale-{scale}.json",
        BENCH_DIR / f"scale-{scale}-var",
    )


def _setup(db: Path, var: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "1"
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["SWEETSPOT_VAR_DIR"] = str(var)
    os.environ.pop("REDIS_URL", None)
    # Run as a script, bench/ is sys.path[0]; keep it out of the way of stdlib modules.
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != here]
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _generator_version() -> int:
    """GENERATOR_VERSION from generate_scale.py, read before Django is set up."""
    source = (ROOT / "sweetspot/demo/management/commands/generate_scale.py").read_text()
    match = re.search(r"^GENERATOR_VERSION = (\d+)", source, re.M)
    return int(match.group(1)) if match else 0


def build(scale: int) -> dict[str, Any]:
    """Build the database for ``scale`` tickets, or reuse it; returns the sidecar."""
    db, meta_path, var = _paths(scale)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    var.mkdir(parents=True, exist_ok=True)
    building = db.with_suffix(".building")
    wanted = {"scale": scale, "seed": SEED, "generator_version": _generator_version()}
    meta = json.loads(meta_path.read_text()) if db.exists() and meta_path.exists() else {}
    if meta and all(meta.get(k) == v for k, v in wanted.items()):
        _setup(db, var)
        from django.core.management import call_command
        from django.db import connection

        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
            if cursor.fetchone() is None:  # built without statistics: gather them once
                cursor.execute("ANALYZE")
        meta["migrate_seconds"] = round(time.perf_counter() - t0, 1)
        meta["reused"] = True
        return meta
    for stale in (db, meta_path, building, *db.parent.glob(db.name + "-*")):
        stale.unlink(missing_ok=True)
    _setup(building, var)
    from django.core.management import call_command
    from django.db import connection

    from sweetspot.desk.models import Ticket

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    call_command(
        "generate_scale",
        companies=max(1, scale // TICKETS_PER_COMPANY),
        seed=SEED,
        stdout=io.StringIO(),
    )
    have = Ticket.objects.count()
    if have < scale:
        call_command("generate_scale", tickets=scale - have, seed=SEED, stdout=io.StringIO())
    connection.close()  # generate_scale ended with ANALYZE (core.dbstats)
    meta = wanted | {
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - t0, 1),
        "reused": False,
    }
    for suffix in ("-wal", "-shm"):
        Path(str(building) + suffix).unlink(missing_ok=True)
    building.rename(db)
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    return meta


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    rank = max(1, round(pct / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def cases() -> list[dict[str, str]]:
    """(name, persona, kind, url) per case, with this database's ids filled in."""
    from sweetspot.clients.models import Company
    from sweetspot.desk.models import Ticket
    from sweetspot.desk.queries import SORTS
    from sweetspot.team.models import Technician

    harbor = Company.objects.get(name="Harbor Dental").pk
    tara = Technician.objects.get(user__username="tara").pk
    ticket = (
        Ticket.objects.filter(company_id=harbor, status="new").order_by("-pk").first()
        or Ticket.objects.filter(status="new").order_by("-pk").first()
    )
    assert ticket is not None, "no open ticket to measure"
    out = [dict(name="queue: default sort", persona="dan", url="/desk/queue/")]
    for key in SORTS:
        if key != "-created":
            out.append(
                dict(name=f"queue: sort {key}", persona="dan", url=f"/desk/queue/?sort={key}")
            )
    filters = [
        ("status open", "status=open"),
        ("status new", "status=new"),
        ("status closed", "status=closed"),
        ("priority P1", "priority=P1"),
        ("company", f"client={harbor}"),
        ("technician", f"assignee=t{tara}"),
        ("unassigned", "assignee=none"),
        ("at risk", "at_risk=1"),
        ("breached", "breached=1"),
        ("open P1 at risk", "status=open&priority=P1&at_risk=1"),
    ]
    for label, query in filters:
        out.append(dict(name=f"queue: {label}", persona="dan", url=f"/desk/queue/?{query}"))
    out += [
        dict(name="my tickets (Tara)", persona="tara", url="/desk/mine/"),
        dict(name="my tickets, open (Tara)", persona="tara", url="/desk/mine/?status=open"),
        dict(name="ticket page (open)", persona="dan", url=f"/desk/tickets/{ticket.pk}/"),
        dict(name="home: owner", persona="olivia", url="/"),
        dict(name="home: dispatcher", persona="dan", url="/"),
        dict(name="home: technician", persona="tara", url="/"),
        dict(name="home: sales", persona="sam", url="/"),
    ]
    api = [
        ("all", ""),
        ("status open", "?status=open"),
        ("priority P1", "?priority=P1"),
        ("company", f"?client={harbor}"),
        ("technician", f"?assignee=t{tara}"),
        ("unassigned", "?assignee=none"),
        ("at risk", "?at_risk=true"),
        ("breached", "?breached=true"),
    ]
    for label, query in api:
        out.append(
            dict(name=f"api tickets: {label}", persona="dan:api", url=f"/api/v1/tickets{query}")
        )
    return out


def _pin_clock(built_at: str | None) -> None:
    """Run this process's clock from the moment its database was built.

    The generator dates tickets back from the moment it ran, so what is open, at risk or
    breached depends on "now": a day after its build, three of the 1k database's four
    at-risk tickets have breached, and the at-risk cases would measure a different list on
    every run.
    ``django.utils.timezone.now`` (which the code reads, as ``timezone.now()`` and through
    ``localdate()``) then starts at ``built_at`` and runs at the real pace. Written here
    rather than with a time-travel library: one function in one benchmark process."""
    if not built_at:
        return
    from django.utils import timezone

    real_now = timezone.now
    shift = real_now() - dt.datetime.fromisoformat(built_at)
    timezone.now = lambda: real_now() - shift  # type: ignore[assignment]


_TICKET_LINK = re.compile(r'href="/desk/tickets/(\d+)/"')


def _rows(url: str, body: bytes) -> int | None:
    """Tickets listed: the API page's items, a page's distinct ticket links."""
    if url.startswith("/api/"):
        return len(json.loads(body)["items"])
    return len(set(_TICKET_LINK.findall(body.decode())))


def worker(scale: int) -> None:
    """Measure cases on one scale's database, as asked line by line on stdin (JSON)."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sweetspot.core.models import User
    from sweetspot.core.testing import mark_mfa_verified
    from sweetspot.core.tokens import create_token

    clients: dict[str, Any] = {}
    for username in ("olivia", "dan", "tara", "sam"):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
        mark_mfa_verified(clients[username])  # the owner's pages ask for the second factor
    _, key = create_token(User.objects.get(username="dan"), "scale bench")
    clients["dan:api"] = Client(headers={"Authorization": f"Bearer {key}"})
    print(json.dumps({"cases": cases()}), flush=True)
    for line in sys.stdin:
        ask = json.loads(line)
        client = clients[ask["persona"]]
        url = ask["url"]
        for _ in range(ask["warmup"]):
            assert client.get(url).status_code == 200, url
        times, counts, size = [], set(), 0
        for _ in range(ask["requests"]):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                r = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, url
            counts.add(len(ctx.captured_queries))
            size = len(r.content)
        rows = _rows(url, r.content)
        reset_queries()
        print(
            json.dumps({"times": times, "queries": sorted(counts), "bytes": size, "rows": rows}),
            flush=True,
        )


# Requests per turn: each case's scales take turns, this many requests at a time.
CHUNK = 5


def _ask(proc: subprocess.Popen[str], ask: dict[str, Any]) -> dict[str, Any]:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(json.dumps(ask) + "\n")
    proc.stdin.flush()
    answer: dict[str, Any] = json.loads(proc.stdout.readline())
    return answer


def _measure(
    jobs: list[tuple[subprocess.Popen[str], dict[str, Any]]], requests: int, warmup: int
) -> list[dict[str, Any]]:
    """Time each (worker, case) ``requests`` times, taking turns CHUNK requests at a time,
    so that a burst of load on the shared machine falls on every side of a comparison
    alike (one side's 60 requests after the other's moved single p95s by ±30 %)."""
    times: list[list[float]] = [[] for _ in jobs]
    queries: list[set[int]] = [set() for _ in jobs]
    last: list[dict[str, Any]] = [{} for _ in jobs]
    done = 0
    while done < requests:
        n = min(CHUNK, requests - done)
        for i, (proc, ask) in enumerate(jobs):
            got = _ask(proc, ask | {"requests": n, "warmup": warmup if done == 0 else 0})
            times[i] += got["times"]
            queries[i] |= set(got["queries"])
            last[i] = got
        done += n
    return [
        {
            "p50_ms": round(statistics.median(t), 2),
            "p95_ms": round(_percentile(t, 95), 2),
            "max_ms": round(max(t), 2),
            "queries": sorted(q),
            "bytes": got["bytes"],
            "rows": got["rows"],
        }
        for t, q, got in zip(times, queries, last, strict=True)
    ]


def _spawn(scale: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, "--worker", str(scale)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", default="1000,1000000")
    ap.add_argument("--requests", type=int, default=60)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--only", default="", help="measure only cases whose name has this")
    ap.add_argument("--out", default="")
    ap.add_argument("--build", type=int, default=0, help="(internal) build one scale")
    ap.add_argument("--worker", type=int, default=0, help="(internal) measure one scale")
    args = ap.parse_args()
    if args.build:
        print(json.dumps(build(args.build)))
        return
    if args.worker:
        db, meta_path, var = _paths(args.worker)
        _setup(db, var)
        _pin_clock(json.loads(meta_path.read_text()).get("built_at"))
        worker(args.worker)
        return
    scales = [int(s) for s in args.scales.split(",")]
    started = time.perf_counter()
    builds = {}
    for scale in scales:
        out = subprocess.run(
            [sys.executable, __file__, "--build", str(scale)],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        builds[scale] = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{scale:,} tickets: {builds[scale]}", file=sys.stderr)
    workers = {scale: _spawn(scale) for scale in scales}
    plans = {}
    for scale, proc in workers.items():
        assert proc.stdout is not None
        plans[scale] = json.loads(proc.stdout.readline())["cases"]
    names = [c["name"] for c in plans[scales[0]] if args.only in c["name"]]
    results = []
    # Case by case, the scales taking turns (_measure).
    for name in names:
        row: dict[str, Any] = {"case": name}
        jobs = []
        for scale, proc in workers.items():
            case = next(c for c in plans[scale] if c["name"] == name)
            jobs.append((proc, case | {"requests": args.requests, "warmup": args.warmup}))
        for (scale, _), (_, ask), got in zip(
            workers.items(), jobs, _measure(jobs, args.requests, args.warmup), strict=True
        ):
            row[str(scale)] = {"url": ask["url"], "persona": ask["persona"]} | got
        small, large = row[str(scales[0])], row[str(scales[-1])]
        row["p95_ratio"] = round(large["p95_ms"] / small["p95_ms"], 2)
        row["p95_ratio_same_rows"] = None
        url = jobs[-1][1]["url"]
        if small["rows"] is not None and large["rows"] is not None:
            if small["rows"] == large["rows"]:
                row["p95_ratio_same_rows"] = row["p95_ratio"]
            elif url.startswith("/api/") and small["rows"] < large["rows"]:
                # Like for like: the large database's page cut to the rows the small one
                # has (the API's page_size), so the ratio is the data's, not the page's;
                # timed again in turns with the small one.
                cut = "&" if "?" in url else "?"
                same = jobs[-1][1] | {"url": f"{url}{cut}page_size={max(1, small['rows'])}"}
                again, cut_page = _measure(
                    [jobs[0], (jobs[-1][0], same)], args.requests, args.warmup
                )
                row["same_rows"] = {"url": same["url"]} | cut_page
                row["p95_ratio_same_rows"] = round(cut_page["p95_ms"] / again["p95_ms"], 2)
        results.append(row)
        print(
            f"{name}: {small['p95_ms']} → {large['p95_ms']} ms p95 (x{row['p95_ratio']}), "
            f"queries {small['queries']} → {large['queries']}",
            file=sys.stderr,
        )
    for proc in workers.values():
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait()
    out_path = Path(args.out) if args.out else RESULTS / f"{dt.date.today():%Y-%m-%d}-scale.json"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "database": "sqlite",
        "scales": scales,
        "builds": {str(k): v for k, v in builds.items()},
        "requests": args.requests,
        "warmup": args.warmup,
        "seconds": round(time.perf_counter() - started, 1),
        "worst_p95_ratio": max(r["p95_ratio"] for r in results),
        "max_queries": max(max(r[str(s)]["queries"]) for r in results for s in scales),
        "results": results,
    }
    out_path.write_text(json.dumps(doc, indent=2) + "\n")
    a, b = scales[0], scales[-1]
    print(
        f"| case | p50 {a:,} | p95 {a:,} | p50 {b:,} | p95 {b:,} | p95 ratio | rows | "
        "ratio, same rows | queries |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        x, y = r[str(a)], r[str(b)]
        q = f"{','.join(map(str, x['queries']))} → {','.join(map(str, y['queries']))}"
        same = "—" if r["p95_ratio_same_rows"] is None else r["p95_ratio_same_rows"]
        print(
            f"| {r['case']} | {x['p50_ms']} | {x['p95_ms']} | {y['p50_ms']} | {y['p95_ms']} "
            f"| {r['p95_ratio']} | {x['rows']} → {y['rows']} | {same} | {q} |"
        )
    shown = out_path.relative_to(ROOT) if out_path.is_relative_to(ROOT) else out_path
    print(f"\nWrote {shown}")


if __name__ == "__main__":
    main()
