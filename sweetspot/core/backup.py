"""Backup and restore: the database and the uploaded files in one timestamped archive.

An archive ``sweetspot-YYYYMMDDTHHMMSSZ.tar.gz`` holds

* the database, in the form the engine allows:
  - SQLite: ``db.sqlite3``, a consistent copy made with SQLite's online backup API while the
    app keeps running;
  - PostgreSQL: ``db.dump`` from ``pg_dump --format=custom`` when ``pg_dump`` is on the PATH,
    else ``db.json`` from Django's ``dumpdata`` (primary keys kept, content types by natural
    key; content types and permissions are recreated by ``migrate``; times kept to the
    millisecond). ``dumpdata`` is slower and holds the data in memory, so install the
    PostgreSQL client tools on a production server;
* ``files/<name>/...``: the uploaded files (``MEDIA_ROOT``: the firm's logo; the stored mail
  attachments);
* ``manifest.json``: when, which engine and format, the applied migrations, and the SHA-256
  of every member.

Beside it, ``<archive>.sha256`` holds the archive's own checksum (``sha256sum -c`` reads it).
``restore`` checks both checksums, refuses a database that already has tables, loads the
database and puts the files back. ``prune`` keeps the newest ``BACKUP_KEEP`` archives.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

PREFIX = "sweetspot-"
SUFFIX = ".tar.gz"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    sha256: str
    size: int
    db_format: str
    files: int


def backup_dir() -> Path:
    return Path(getattr(settings, "BACKUP_DIR", Path(settings.VAR_DIR) / "backups"))


def file_roots() -> dict[str, Path]:
    """The uploaded-file folders that go into a backup, by archive name."""
    roots = {"media": Path(settings.MEDIA_ROOT)}
    attachments = getattr(settings, "MAIL_ATTACHMENT_DIR", "")
    if attachments:
        roots["mail-attachments"] = Path(attachments)
    return roots


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --- the database --------------------------------------------------------------------


def _dump_sqlite(target: Path, alias: str = "default") -> None:
    conn = connections[alias]
    conn.ensure_connection()
    dest = sqlite3.connect(target)
    try:
        conn.connection.backup(dest)  # online backup: consistent while others write
    finally:
        dest.close()


def _pg_env(alias: str) -> tuple[list[str], dict[str, str]]:
    db = connections[alias].settings_dict
    args = ["--host", str(db.get("HOST") or "localhost"), "--username", str(db.get("USER", ""))]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    return args, env


def _dump_postgres(target: Path, alias: str = "default") -> None:
    args, env = _pg_env(alias)
    name = connections[alias].settings_dict["NAME"]
    subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
        [
            shutil.which("pg_dump") or "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            *args,
            "--file",
            str(target),
            name,
        ],
        env=env,
        check=True,
        capture_output=True,
    )


def _dump_json(target: Path, alias: str = "default") -> None:
    with target.open("w", encoding="utf-8") as out:
        call_command(
            "dumpdata",
            "--natural-foreign",
            "--exclude=contenttypes",
            "--exclude=auth.permission",
            "--exclude=sessions",
            f"--database={alias}",
            stdout=out,
        )


def _db_format(alias: str, prefer_json: bool) -> str:
    vendor = connections[alias].vendor
    if prefer_json:
        return "json"
    if vendor == "sqlite":
        return "sqlite"
    if vendor == "postgresql" and shutil.which("pg_dump"):
        return "pg_dump"
    return "json"


DB_MEMBER = {"sqlite": "db.sqlite3", "pg_dump": "db.dump", "json": "db.json"}


# --- backup ----------------------------------------------------------------------------


def _walk(root: Path) -> Iterator[Path]:
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                yield path


def create_backup(
    dest: Path | None = None, *, prefer_json: bool = False, alias: str = "default"
) -> BackupResult:
    """Write a new archive into ``dest`` (default ``BACKUP_DIR``) and its ``.sha256``."""
    dest = Path(dest or backup_dir())
    dest.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    path = dest / f"{PREFIX}{stamp}{SUFFIX}"
    n = 1
    while path.exists():  # two backups in the same second
        n += 1
        path = dest / f"{PREFIX}{stamp}-{n}{SUFFIX}"
    fmt = _db_format(alias, prefer_json)
    members: dict[str, str] = {}
    files = 0
    with tempfile.TemporaryDirectory(dir=dest) as tmp:
        db_file = Path(tmp) / DB_MEMBER[fmt]
        {"sqlite": _dump_sqlite, "pg_dump": _dump_postgres, "json": _dump_json}[fmt](db_file, alias)
        members[db_file.name] = sha256_file(db_file)
        partial = path.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(db_file, arcname=db_file.name)
            for name, root in file_roots().items():
                for f in _walk(root):
                    arcname = f"files/{name}/{f.relative_to(root).as_posix()}"
                    members[arcname] = sha256_file(f)
                    tar.add(f, arcname=arcname)
                    files += 1
            manifest = {
                "format": 1,
                "created_at": now.isoformat(),
                "engine": connections[alias].vendor,
                "db_format": fmt,
                "db_member": db_file.name,
                "migrations": sorted(
                    f"{app}.{name}"
                    for app, name in MigrationRecorder(connections[alias]).applied_migrations()
                ),
                "members": members,
            }
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mtime = int(now.timestamp())
            tar.addfile(info, io.BytesIO(data))
        partial.rename(path)
    digest = sha256_file(path)
    Path(f"{path}.sha256").write_text(f"{digest}  {path.name}\n")
    return BackupResult(path, digest, path.stat().st_size, fmt, files)


def prune(keep: int, dest: Path | None = None) -> list[Path]:
    """Delete all but the newest ``keep`` archives (and their checksum files)."""
    dest = Path(dest or backup_dir())
    archives = sorted(dest.glob(f"{PREFIX}*{SUFFIX}"), key=lambda p: p.stat().st_mtime)
    removed = archives[: max(0, len(archives) - keep)]
    for p in removed:
        p.unlink()
        Path(f"{p}.sha256").unlink(missing_ok=True)
    return removed


# --- restore ---------------------------------------------------------------------------


def verify(archive: Path) -> dict[str, Any]:
    """Check the archive's checksum file (if present) and every member's checksum; return
    the manifest."""
    archive = Path(archive)
    side = Path(f"{archive}.sha256")
    if side.exists():
        expected = side.read_text().split()[0]
        if sha256_file(archive) != expected:
            raise BackupError(f"{archive.name}: checksum does not match {side.name}.")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            manifest_file = tar.extractfile("manifest.json")
            if manifest_file is None:
                raise BackupError("No manifest in the archive.")
            manifest: dict[str, Any] = json.load(manifest_file)
            for member in tar.getmembers():
                if member.name == "manifest.json":
                    continue
                extracted = tar.extractfile(member)
                if extracted is None:
                    raise BackupError(f"{member.name}: not a regular file.")
                digest = hashlib.sha256(extracted.read()).hexdigest()
                if manifest["members"].get(member.name) != digest:
                    raise BackupError(f"{member.name}: checksum does not match the manifest.")
            missing = set(manifest["members"]) - {m.name for m in tar.getmembers()}
            if missing:
                raise BackupError(f"Missing from the archive: {', '.join(sorted(missing))}.")
    except (tarfile.TarError, KeyError, OSError) as exc:
        raise BackupError(f"{archive.name} is not a readable backup: {exc}") from exc
    return manifest


def _has_tables(alias: str) -> bool:
    tables = connections[alias].introspection.table_names()
    return any(not t.startswith("sqlite_") for t in tables)


def restore(
    archive: Path, *, alias: str = "default", files_to: dict[str, Path] | None = None
) -> dict[str, Any]:
    """Restore ``archive`` into the (empty) database ``alias`` and put the files back."""
    manifest = verify(archive)
    conn = connections[alias]
    fmt = manifest["db_format"]
    if fmt == "sqlite" and conn.vendor != "sqlite":
        raise BackupError("This archive holds a SQLite database; restore it on SQLite.")
    if fmt == "pg_dump" and conn.vendor != "postgresql":
        raise BackupError("This archive holds a pg_dump; restore it on PostgreSQL.")
    if _has_tables(alias):
        raise BackupError(
            "The database is not empty: restore into a new, empty database "
            "(create it, point DATABASE_URL at it, then run restore)."
        )
    roots = files_to or file_roots()
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(archive, "r:gz") as tar:
        tar.extractall(tmp, filter="data")
        db_file = Path(tmp) / manifest["db_member"]
        if fmt == "sqlite":
            _restore_sqlite(db_file, alias)
        elif fmt == "pg_dump":
            _restore_postgres(db_file, alias)
        else:
            call_command("migrate", database=alias, verbosity=0)
            call_command("loaddata", str(db_file), database=alias, verbosity=0)
        for name, root in roots.items():
            source = Path(tmp) / "files" / name
            if source.is_dir():
                shutil.copytree(source, root, dirs_exist_ok=True)
    return manifest


def _restore_sqlite(db_file: Path, alias: str) -> None:
    conn = connections[alias]
    conn.ensure_connection()
    src = sqlite3.connect(db_file)
    try:
        src.backup(conn.connection)  # page by page into the live connection's database
    finally:
        src.close()


def _restore_postgres(db_file: Path, alias: str) -> None:
    if not shutil.which("pg_restore"):
        raise BackupError("pg_restore is not installed (PostgreSQL client tools).")
    args, env = _pg_env(alias)
    name = connections[alias].settings_dict["NAME"]
    connections[alias].close()
    subprocess.run(  # noqa: S603 (fixed program, arguments from settings)
        [
            shutil.which("pg_restore") or "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            *args,
            "--dbname",
            name,
            str(db_file),
        ],
        env=env,
        check=True,
        capture_output=True,
    )


def default_keep() -> int:
    return int(getattr(settings, "BACKUP_KEEP", 14))
