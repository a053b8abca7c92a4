"""The daily backup, run by the Huey worker (`make run` starts it; production runs run_huey),
and the hourly refresh of the query planner's statistics.

At 02:30 (the server's TIME_ZONE) it writes an archive into BACKUP_DIR and keeps the newest
BACKUP_KEEP (default 14). BACKUP_SCHEDULE=off turns it off (e.g. when cron runs
``manage.py backup --keep 14`` instead).
"""

from __future__ import annotations

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import backup
from .dbstats import refresh_statistics

log = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="30", hour="2"))
@lock_task("daily-backup")
def daily_backup() -> str | None:
    if not getattr(settings, "BACKUP_SCHEDULE", True):
        return None
    result = backup.create_backup()
    removed = backup.prune(backup.default_keep())
    log.info(
        "backup: %s (%s bytes), %d old archive(s) removed", result.path, result.size, len(removed)
    )
    return str(result.path)


@db_periodic_task(crontab(minute="41"))
def optimize_statistics() -> None:
    """Hourly: SQLite's PRAGMA optimize, which re-analyzes the tables whose statistics look
    stale (issue 18, core.dbstats); nothing on PostgreSQL, whose autovacuum keeps them."""
    refresh_statistics()
