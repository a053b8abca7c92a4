"""manage.py restore ARCHIVE: into an empty database (checksums verified first)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sweetspot.core import backup


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and put the uploaded files back."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--check", action="store_true", help="only verify the checksums, change nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["archive"]
        if not archive.exists():
            raise CommandError(f"{archive}: no such file")
        try:
            if options["check"]:
                manifest = backup.verify(archive)
                self.stdout.write(f"OK: {len(manifest['members'])} member(s) match")
                return
            manifest = backup.restore(archive)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Restored {archive.name} (made {manifest['created_at']}, "
            f"{manifest['engine']} as {manifest['db_format']}, "
            f"{len(manifest['members']) - 1} file(s))."
        )
