"""manage.py backup: the database and uploaded files to a timestamped, checksummed archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sweetspot.core import backup


class Command(BaseCommand):
    help = "Back up the database and uploaded files (see sweetspot/core/backup.py)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dir", type=Path, help="where to write (default BACKUP_DIR)")
        parser.add_argument(
            "--json", action="store_true", help="dump the database with dumpdata (any engine)"
        )
        parser.add_argument(
            "--keep", type=int, help="then keep only this many newest archives (default: all)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup.create_backup(options["dir"], prefer_json=options["json"])
        except Exception as exc:  # a failed pg_dump, a full disk...
            raise CommandError(f"Backup failed: {exc}") from exc
        self.stdout.write(
            f"{result.path} ({result.size:,} bytes, database as {result.db_format}, "
            f"{result.files} file(s))\nsha256 {result.sha256}"
        )
        if options["keep"]:
            for gone in backup.prune(options["keep"], options["dir"]):
                self.stdout.write(f"removed {gone.name}")
