"""Load and faults (issue 15 item 11; not part of CI or `make bench`).

Simulated staff hit gunicorn + PostgreSQL on this machine: a throwaway PostgreSQL cluster is
created (initdb on a free port, as in .ci/run), migrated and seeded with the demo; gunicorn
serves the app with DEBUG off. Each user logs in through the form and loops over the desk's
daily work: the queue, a ticket page, a comment on a ticket (API, session + CSRF), the
timer (start/stop pages) and time entries (API). Halfway through, PostgreSQL is stopped for
``--outage`` seconds and started again. Afterwards every acknowledged write (2xx) is looked
up in the database.

Recorded in bench/results/<date>-load-faults.json: p50/p95 per action and overall, the error
rate outside the outage (5xx or no answer), the statuses during the outage, how many error
bodies showed a traceback, and acknowledged writes missing after the restart.

    .venv/bin/python bench/load_faults.py --users 50 --duration 300 --outage 20
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.cookiejar
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DISPATCHERS = ["dan"]
TECHNICIANS = ["tara", "ravi"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pgbin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not found:
        sys.exit("PostgreSQL server binaries not found (apt-get install postgresql)")
    return found[-1]


class Postgres:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="load-pg-"))
        self.port = free_port()
        self.bin = pgbin()
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.root, "postgres")
        self.run(
            "initdb",
            "-D",
            f"{self.root}/data",
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        self.start()
        for sql in (
            "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB",
            "CREATE DATABASE load OWNER app",
        ):
            subprocess.run(
                ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-qc", sql],
                check=True,
            )
        self.url = f"postgres://app:app@127.0.0.1:{self.port}/load"

    def run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.as_postgres, str(self.bin / tool), *args], check=True, stdout=subprocess.DEVNULL
        )

    def start(self) -> None:
        self.run(
            "pg_ctl",
            "-D",
            f"{self.root}/data",
            "-w",
            "-l",
            f"{self.root}/log",
            "-o",
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} -c max_connections=200",
            "start",
        )

    def stop(self) -> None:
        self.run("pg_ctl", "-D", f"{self.root}/data", "-m", "fast", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def app_env(url: str, var: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": "load-test-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "SWEETSPOT_VAR_DIR": str(var),
        "AXES_FAILURE_LIMIT": "1000",
        "BACKUP_SCHEDULE": "0",
    }


class User(threading.Thread):
    def __init__(self, n: int, base: str, stop_at: float, tickets: list[int], log: list) -> None:
        super().__init__(daemon=True)
        self.n, self.base, self.stop_at, self.tickets, self.log = n, base, stop_at, tickets, log
        self.username = (DISPATCHERS if n % 2 == 0 else TECHNICIANS)[
            n // 2 % (1 if n % 2 == 0 else 2)
        ]
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.rng = random.Random(n)

    def csrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def call(
        self,
        action: str,
        method: str,
        path: str,
        data: dict | None = None,
        as_json: bool = False,
        write: str | None = None,
    ) -> tuple[int, str]:
        headers = {"X-CSRFToken": self.csrf(), "Referer": self.base + "/"}
        body = None
        if data is not None:
            if as_json:
                body = json.dumps(data).encode()
                headers["Content-Type"] = "application/json"
            else:
                body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        req = urllib.request.Request(self.base + path, data=body, headers=headers, method=method)
        start = time.perf_counter()
        status, text = 0, ""
        try:
            with self.opener.open(req, timeout=30) as resp:
                status, text = resp.status, resp.read().decode(errors="replace")
        except urllib.error.HTTPError as exc:
            status, text = exc.code, exc.read().decode(errors="replace")
        except (urllib.error.URLError, OSError, TimeoutError):
            status = 0
        self.log.append(
            {
                "t": time.time(),
                "user": self.n,
                "action": action,
                "status": status,
                "ms": (time.perf_counter() - start) * 1000,
                "write": write if 200 <= status < 300 else None,
                "traceback": "Traceback" in text,
                "body": text[:200] if status >= 500 else "",
            }
        )
        return status, text

    def login(self) -> bool:
        from sweetspot.demo.seed import password_for

        self.call("login_page", "GET", "/login/")
        self.call(
            "login",
            "POST",
            "/login/",
            {"username": self.username, "password": password_for(self.username)},
        )
        return any(c.name == "sessionid" for c in self.jar)

    def run(self) -> None:
        while not self.login():
            if time.time() > self.stop_at:
                return
            time.sleep(1)
        technician = self.username in TECHNICIANS
        while time.time() < self.stop_at:
            roll = self.rng.random()
            if roll < 0.3:
                self.call("queue", "GET", "/desk/queue/")
            elif roll < 0.55:
                self.call("ticket", "GET", f"/desk/tickets/{self.rng.choice(self.tickets)}/")
            elif roll < 0.75 and not technician:
                marker = f"load-{uuid.uuid4().hex}"
                ticket = self.rng.choice(self.tickets)
                self.call(
                    "comment",
                    "POST",
                    f"/api/v1/tickets/{ticket}/comments",
                    {"body": f"Checked in ({marker})", "internal": True},
                    as_json=True,
                    write=f"comment:{marker}",
                )
            elif roll < 0.85 and technician:
                self.call("timer_start", "POST", "/time/timer/start/", {"note": "load"})
                self.call("timer_stop", "POST", "/time/timer/stop/", {})
            else:
                marker = f"load-{uuid.uuid4().hex}"
                day = dt.date.today() - dt.timedelta(days=self.rng.randint(1, 300))
                self.call(
                    "time_entry",
                    "POST",
                    "/api/v1/time-entries",
                    {
                        "minutes": 1,
                        "work_date": day.isoformat(),
                        "billable": False,
                        "internal_category": "admin",
                        "note": marker,
                    },
                    as_json=True,
                    write=f"time:{marker}",
                )
            time.sleep(self.rng.uniform(0.05, 0.3))  # think time


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))], 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=300, help="seconds of load")
    parser.add_argument("--outage", type=int, default=20, help="seconds PostgreSQL is down")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "bench" / "results" / f"{dt.date.today()}-load-faults.json",
    )
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    pg = Postgres()
    var = Path(tempfile.mkdtemp(prefix="load-var-"))
    env = app_env(pg.url, var)
    server = None
    try:
        print(f"PostgreSQL on port {pg.port}; migrating and seeding the demo…", flush=True)
        subprocess.run([PY, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        subprocess.run(
            [PY, "manage.py", "seed_demo", "--quiet-logins"],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        import psycopg

        with psycopg.connect(pg.url) as conn:
            tickets = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM desk_ticket WHERE status NOT IN ('closed', 'resolved')"
                )
            ]
        port = free_port()
        server = subprocess.Popen(
            [
                GUNICORN,
                "config.wsgi",
                "--no-control-socket",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
            stderr=(var / "gunicorn.log").open("w"),  # noqa: SIM115 (lives as long as gunicorn)
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        os.environ.update({k: v for k, v in env.items() if k in {"DATABASE_URL", "SECRET_KEY"}})
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        os.environ["DEBUG"] = "1"
        import django

        django.setup()

        log: list[dict] = []
        start = time.time()
        stop_at = start + args.duration
        users = [User(n, base, stop_at, tickets, log) for n in range(args.users)]
        for u in users:
            u.start()
            time.sleep(0.05)
        outage_start = start + args.duration / 2
        time.sleep(max(0, outage_start - time.time()))
        print(f"{time.time() - start:.0f} s: stopping PostgreSQL for {args.outage} s", flush=True)
        down_at = time.time()
        pg.stop()
        time.sleep(args.outage)
        pg.start()
        up_at = time.time()
        print(f"{up_at - start:.0f} s: PostgreSQL is back", flush=True)
        for u in users:
            u.join(timeout=args.duration + 60)

        # Every acknowledged write must be there after the restart.
        acknowledged = [e["write"] for e in log if e["write"]]
        with psycopg.connect(pg.url) as conn:
            comments = {
                r[0]
                for r in conn.execute(
                    "SELECT substring(body from 'load-[0-9a-f]{32}') FROM desk_ticketcomment "
                    "WHERE body LIKE '%load-%'"
                )
            }
            entries = {
                r[0]
                for r in conn.execute("SELECT note FROM desk_timeentry WHERE note LIKE 'load-%'")
            }
        missing = [
            w
            for w in acknowledged
            if (w.startswith("comment:") and w[8:] not in comments)
            or (w.startswith("time:") and w[5:] not in entries)
        ]

        grace = 5  # requests already in flight when PostgreSQL stopped or came back
        normal = [e for e in log if not (down_at - grace <= e["t"] <= up_at + grace)]
        during = [e for e in log if down_at <= e["t"] <= up_at]
        by_action: dict[str, dict] = {}
        for action in sorted({e["action"] for e in normal}):
            rows = [e for e in normal if e["action"] == action]
            ms = [e["ms"] for e in rows]
            by_action[action] = {
                "requests": len(rows),
                "p50_ms": percentile(ms, 50),
                "p95_ms": percentile(ms, 95),
                "errors": sum(1 for e in rows if e["status"] == 0 or e["status"] >= 500),
            }
        errors = sum(1 for e in normal if e["status"] == 0 or e["status"] >= 500)
        statuses: dict[str, int] = {}
        for e in during:
            statuses[str(e["status"])] = statuses.get(str(e["status"]), 0) + 1
        result = {
            "date": dt.datetime.now().isoformat(timespec="seconds"),
            "machine": f"{os.cpu_count()} cores, gunicorn {args.workers}x{args.threads}, "
            f"PostgreSQL {pgbin().parent.name}",
            "users": args.users,
            "duration_s": args.duration,
            "outage_s": args.outage,
            "requests": len(log),
            "throughput_rps": round(
                len(normal) / max(1, args.duration - args.outage - 2 * grace), 1
            ),
            "p50_ms": percentile([e["ms"] for e in normal], 50),
            "p95_ms": percentile([e["ms"] for e in normal], 95),
            "error_rate_outside_outage": round(errors / max(1, len(normal)), 4),
            "by_action": by_action,
            "outage": {
                "requests": len(during),
                "statuses": statuses,
                "tracebacks": sum(1 for e in log if e["traceback"]),
                "sample_5xx_bodies": sorted({e["body"][:120] for e in during if e["body"]})[:3],
            },
            "acknowledged_writes": len(acknowledged),
            "missing_after_restart": len(missing),
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")
        print(json.dumps(result, indent=2))
        print(f"written to {args.out}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        pg.destroy()
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
