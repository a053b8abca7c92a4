"""Backup drill: seed the demo, back up, restore into a new database, compare every table row
for row (0 differences); checksums; refusal to restore over data; retention; the daily job."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from sweetspot.core import backup

ROOT = Path(__file__).resolve().parents[3]
# Recreated by `migrate` with their own ids when the database comes back from dumpdata.
REBUILT_BY_MIGRATE = {"django_content_type", "auth_permission"}


@pytest.fixture
def seeded(transactional_db, demo_snapshots, settings, tmp_path):
    """The full demo, committed (pg_dump runs in another process), and an uploaded file."""
    from sweetspot.demo import snapshot

    snapshot.restore(demo_snapshots[1])
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MAIL_ATTACHMENT_DIR = str(tmp_path / "attachments")
    (tmp_path / "media" / "firm").mkdir(parents=True)
    (tmp_path / "media" / "firm" / "logo.png").write_bytes(b"\x89PNG logo")
    return tmp_path


@pytest.fixture
def new_database(tmp_path):
    """make() -> (DATABASE_URL, raw DB-API connection) of a new, empty database on the test
    database's engine. The restore itself runs as `manage.py restore` in a subprocess, the
    way an operator would run it."""
    made: list[tuple[Any, str | None]] = []
    base = connections["default"].settings_dict

    def make() -> tuple[str, Any]:
        tag = uuid.uuid4().hex[:8]
        if connections["default"].vendor == "sqlite":
            path = tmp_path / f"drill_{tag}.sqlite3"
            url, dropped = f"sqlite:///{path}", None
            raw = lambda: sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES)  # noqa: E731
        else:
            import psycopg

            name = f"{base['NAME']}_drill_{tag}"
            with connections["default"].cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}"')
            url = (
                f"postgres://{base['USER']}:{base['PASSWORD']}@{base['HOST']}:{base['PORT']}/{name}"
            )
            dropped = name
            raw = lambda: psycopg.connect(  # noqa: E731
                host=base["HOST"],
                port=base["PORT"],
                user=base["USER"],
                password=base["PASSWORD"],
                dbname=name,
                autocommit=True,
            )
        holder: dict[str, Any] = {}

        def connect() -> Any:
            if "conn" not in holder:
                holder["conn"] = raw()
            return holder["conn"]

        made.append((holder, dropped))
        return url, connect

    yield make
    for holder, dropped in made:
        if "conn" in holder:
            holder["conn"].close()
        if dropped:
            with connections["default"].cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{dropped}"')


def _manage(*args: str, url: str, var: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "1",
        "SWEETSPOT_VAR_DIR": str(var),
        "MEDIA_ROOT": str(var / "media"),
        "MAIL_ATTACHMENT_DIR": str(var / "attachments"),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def _plain(row: Any, millis: bool = False) -> str:
    """A row as comparable text: instants in UTC, bytes as bytes, JSON in one spelling.
    ``millis``: Django's JSON serializer keeps times to the millisecond, so compare times as
    the dumpdata fallback stores them."""
    out = []
    for value in row:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        if millis and isinstance(value, dt.datetime | dt.time):
            value = value.replace(microsecond=value.microsecond // 1000 * 1000)
        if isinstance(value, str) and value[:1] in "[{":
            # PostgreSQL's driver parses jsonb that Django's cursor leaves as text.
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        if isinstance(value, dict | list):
            value = json.dumps(value, sort_keys=True)
        elif isinstance(value, memoryview):
            value = bytes(value)
        elif isinstance(value, Decimal):
            value = value.normalize()
        out.append(value)
    return repr(out)


def _differences(
    connect: Any, skip: frozenset[str] = frozenset(), millis: bool = False
) -> tuple[int, int, list[str]]:
    """(tables, rows, tables whose rows differ) between the test database and the other."""
    src = connections["default"]
    dst = connect()
    tables = [
        t
        for t in src.introspection.table_names()
        # A full-text index's internal pages depend on insertion order (the words are
        # the same): compared only where the database is copied page for page.
        if t not in skip and not (millis and "_fts" in t)
    ]
    rows, differing = 0, []
    for table in tables:
        quoted = src.ops.quote_name(table)
        sql = f"SELECT * FROM {quoted}"  # noqa: S608 (table names from introspection)
        with src.cursor() as a:
            a.execute(sql)
            left = sorted(_plain(row, millis) for row in a.fetchall())
        b = dst.cursor()
        b.execute(sql)
        right = sorted(_plain(row, millis) for row in b.fetchall())
        rows += len(left)
        if left != right:
            differing.append(table)
            if os.environ.get("DRILL_DEBUG"):
                extra = sorted(set(left) ^ set(right))[:2]
                print("DIFF", table, len(left), len(right), extra)
    return len(tables), rows, differing


def test_backup_restores_into_a_new_database_row_for_row(seeded, new_database):
    result = backup.create_backup(seeded / "backups")
    expected_format = "sqlite" if connections["default"].vendor == "sqlite" else "pg_dump"
    assert result.db_format == expected_format and result.files == 1
    assert Path(f"{result.path}.sha256").read_text().split() == [result.sha256, result.path.name]

    url, connect = new_database()
    var = seeded / "restored"
    done = _manage("restore", str(result.path), url=url, var=var)
    assert done.returncode == 0, done.stderr
    assert "Restored" in done.stdout
    tables, rows, differing = _differences(connect)
    assert differing == [] and rows > 2000 and tables > 60, (tables, rows, differing)
    assert (var / "media" / "firm" / "logo.png").read_bytes() == b"\x89PNG logo"
    manifest = backup.verify(result.path)
    assert "core.0008_security_mfa_policy_audit_ip" in manifest["migrations"]

    again = _manage("restore", str(result.path), url=url, var=var)
    assert again.returncode != 0 and "not empty" in again.stderr


def test_dumpdata_fallback_round_trips_the_data(seeded, new_database):
    result = backup.create_backup(seeded / "backups", prefer_json=True)
    assert result.db_format == "json"
    url, connect = new_database()
    done = _manage("restore", str(result.path), url=url, var=seeded / "restored")
    assert done.returncode == 0, done.stderr
    skip = frozenset(REBUILT_BY_MIGRATE | {"django_session", "django_migrations"})
    _, rows, differing = _differences(connect, skip, millis=True)
    assert differing == [] and rows > 2000, differing


def test_a_damaged_archive_is_refused(seeded, tmp_path):
    result = backup.create_backup(seeded / "backups")
    data = bytearray(result.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    result.path.write_bytes(bytes(data))
    with pytest.raises(backup.BackupError, match="checksum"):
        backup.verify(result.path)

    # A member altered inside a re-packed archive (its .sha256 gone) fails the manifest check.
    good = backup.create_backup(seeded / "backups2")
    Path(f"{good.path}.sha256").unlink()
    repacked = tmp_path / "repacked.tar.gz"
    with tarfile.open(good.path) as src, tarfile.open(repacked, "w:gz") as out:
        for member in src.getmembers():
            payload = src.extractfile(member).read()
            if member.name == "files/media/firm/logo.png":
                payload = b"evil"
                member.size = len(payload)
            out.addfile(member, io.BytesIO(payload))
    with pytest.raises(backup.BackupError, match="logo.png: checksum"):
        backup.verify(repacked)


def test_commands_retention_and_daily_job(seeded, settings, capsys):
    settings.BACKUP_DIR = seeded / "daily"
    settings.BACKUP_KEEP = 2
    call_command("backup", "--dir", str(seeded / "daily"))
    out = capsys.readouterr().out
    archive = Path(out.split(" (")[0])
    assert archive.exists() and "sha256" in out
    call_command("restore", str(archive), "--check")
    assert "OK:" in capsys.readouterr().out
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))

    from sweetspot.core.tasks import daily_backup

    for _ in range(3):
        daily_backup.call_local()
    assert len(list((seeded / "daily").glob("sweetspot-*.tar.gz"))) == 2
    settings.BACKUP_SCHEDULE = False
    assert daily_backup.call_local() is None
