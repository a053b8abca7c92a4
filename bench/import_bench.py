"""Company-import benchmark: `.venv/bin/python bench/import_bench.py [--rows 9773]`.

Throwaway SQLite database in a temp dir (never the dev database): migrate, then a generated
CSV in the import format (one row per site/contact; about three rows per company, new
companies only) is read (``importer.read_file``), previewed (``run_import(apply=False)``)
and applied (``run_import(apply=True)``), each timed; rows/s for each. Then the hostile
files of issue 15 item 3: a 0.9 MB CSV with 100,000 columns and a 30 KB XLSX that expands to
200,000 rows, timed until they are refused. Writes bench/results/YYYY-MM-DD-import.json and
prints a markdown table.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"


def _setup(tmp: Path, database_url: str | None) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "1"
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["SWEETSPOT_VAR_DIR"] = str(tmp / "var")
    os.environ["HUEY_IMMEDIATE"] = "1"
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != here]
    sys.path.insert(0, str(ROOT))
    import django  # noqa: PLC0415 (after the environment is set)

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415 (after setup)

    call_command("migrate", verbosity=0)


def _csv(rows: int) -> bytes:
    from sweetspot.clients.importer import IMPORT_COLUMNS  # noqa: PLC0415 (after setup)

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(IMPORT_COLUMNS)
    for i in range(rows):
        company = i // 3
        values = {
            "company": f"Bench Company {company:05d}",
            "status": "prospect",
            "industry": "Dental",
            "pcs": str(10 + company % 40),
            "servers": "1",
            "network": "client_server",
            "current_support": "nobody",
            "annual_revenue": "1200000.00",
            "site_name": f"Site {i % 3}",
            "site_city": "Portsmouth",
            "contact_name": f"Person {i}",
            "contact_email": f"person{i}@bench{company}.example",
            "contact_primary": "yes" if i % 3 == 0 else "no",
        }
        writer.writerow([values.get(c, "") for c in IMPORT_COLUMNS])
    return out.getvalue().encode()


def _timed(call: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    try:
        out = call()
    except Exception as exc:  # noqa: BLE001 - the hostile files are meant to be refused
        out = exc
    return out, time.perf_counter() - start


def _importer(path: str | None) -> Any:
    """The importer module, or another version of it loaded from ``path`` as a sibling
    module of sweetspot.clients (its relative imports resolve there)."""
    from sweetspot.clients import importer  # noqa: PLC0415 (after setup)

    if not path:
        return importer
    import importlib.util  # noqa: PLC0415 (only for a comparison run)

    spec = importlib.util.spec_from_file_location("sweetspot.clients._importer_other", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _hostile(importer: Any) -> dict[str, Any]:
    from openpyxl import Workbook  # noqa: PLC0415 (after setup)

    wide = ("company," + ",".join(f"c{i}" for i in range(100_000)) + "\nAcme\n").encode()
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["company"])
    for _ in range(200_000):
        sheet.append(["x"])
    buf = io.BytesIO()
    book.save(buf)
    tall = buf.getvalue()
    out = {}
    for name, content, fmt in [("csv_100k_columns", wide, "csv"), ("xlsx_200k_rows", tall, "xlsx")]:
        check, check_s = _timed(lambda c=content, f=fmt: importer.check_file(c, f))
        read, read_s = _timed(lambda c=content, f=fmt: importer.read_file(c, f))
        out[name] = {
            "bytes": len(content),
            "upload_check_s": round(check_s, 3),
            "upload_check": str(check) if isinstance(check, Exception) else "accepted",
            "worker_read_s": round(read_s, 3),
            "worker_read": str(read) if isinstance(read, Exception) else f"{len(read)} rows",
        }
    return out


def _audit_rows() -> int:
    from sweetspot.core.models import AuditLog  # noqa: PLC0415 (after setup)

    return AuditLog.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=9773)
    parser.add_argument(
        "--database-url",
        help="an empty PostgreSQL database to run on (migrated here) instead of a temp SQLite",
    )
    parser.add_argument("--out", help="where to write the JSON (default: dated file in results/)")
    parser.add_argument(
        "--importer",
        help="time another version of importer.py (e.g. `git show <rev>:...` saved to a file)",
    )
    args = parser.parse_args()
    today = dt.datetime.now(dt.UTC).date()  # before Django sets the process time zone
    tmp = Path(tempfile.mkdtemp(prefix="import-bench-"))
    try:
        _setup(tmp, args.database_url)
        from django.conf import settings  # noqa: PLC0415 (after setup)
        from django.db import connection  # noqa: PLC0415 (after setup)

        # As in production: with DEBUG on, Django logs every query with its parameters (on
        # SQLite it reads each parameter back with SELECT QUOTE(?)), which is not the
        # importer's time. DEBUG=1 above only spares the bench a SECRET_KEY.
        settings.DEBUG = False

        from sweetspot.clients.models import Company  # noqa: PLC0415 (after setup)

        importer = _importer(args.importer)

        content = _csv(args.rows)
        cpu = time.process_time()
        rows, read_s = _timed(lambda: importer.read_file(content, "csv"))
        preview, preview_s = _timed(lambda: importer.run_import(rows, None, apply=False))
        preview_cpu = time.process_time() - cpu
        cpu = time.process_time()
        applied, apply_s = _timed(lambda: importer.run_import(rows, None, apply=True))
        apply_cpu = time.process_time() - cpu
        assert applied.applied, applied.summary
        result = {
            "date": today.isoformat(),
            "machine": f"{platform.machine()} {os.cpu_count()} cpus, "
            f"Python {platform.python_version()}",
            "importer": args.importer or "sweetspot/clients/importer.py",
            "database": "SQLite (file, temp dir)"
            if connection.vendor == "sqlite"
            else f"PostgreSQL {connection.pg_version // 10000} (local)",
            "rows": args.rows,
            "bytes": len(content),
            "read_s": round(read_s, 3),
            "preview_s": round(preview_s, 3),
            "apply_s": round(apply_s, 3),
            "preview_rows_per_s": round(args.rows / (read_s + preview_s)),
            "apply_rows_per_s": round(args.rows / apply_s),
            # CPU seconds of this process: on a shared machine, wall time includes waiting.
            "preview_cpu_s": round(preview_cpu, 3),
            "apply_cpu_s": round(apply_cpu, 3),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "audit_rows": _audit_rows(),
            "companies_created": Company.objects.count(),
            "summary": applied.summary,
            # The old importer spent 88 s and 1.2 GB on these (issue 15): not run again.
            "hostile": {} if args.importer else _hostile(importer),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    suffix = "-before" if args.importer else ""
    path = Path(args.out) if args.out else RESULTS / f"{result['date']}-import{suffix}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    print("| rows | read s | preview s | apply s | preview rows/s | apply rows/s |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {args.rows} | {result['read_s']} | {result['preview_s']} | {result['apply_s']} "
        f"| {result['preview_rows_per_s']} | {result['apply_rows_per_s']} |"
    )
    for name, h in result["hostile"].items():
        print(
            f"{name}: upload check {h['upload_check_s']} s ({h['upload_check'][:80]}), "
            f"worker {h['worker_read_s']} s ({h['worker_read'][:80]})"
        )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
