"""Planner statistics (issue 18). The query planner picks an index from the statistics that
ANALYZE gathers; without them (a fresh SQLite file) or with stale ones (after a bulk load)
it guesses. ``refresh_statistics(full=True)`` runs after the bulk loaders (generate_scale,
seed_demo; a client import its tables); the hourly task runs the cheap form.

* SQLite: ``full`` runs ANALYZE; otherwise ``PRAGMA optimize`` with ``analysis_limit`` (each
  index sampled at most ANALYSIS_LIMIT rows, so it costs milliseconds at a million rows),
  which re-analyzes only the tables whose statistics look stale.
* PostgreSQL: ``full`` runs ANALYZE; otherwise nothing (autovacuum keeps them).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

ANALYSIS_LIMIT = 1000


def refresh_statistics(full: bool = False, tables: Sequence[str] = ()) -> None:
    """``tables``: ANALYZE just those (a client import touches only the client book)."""
    vendor = connection.vendor
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if tables and vendor in ("sqlite", "postgresql"):
            for table in tables:
                cursor.execute(f"ANALYZE {qn(table)}")
        elif full and vendor in ("sqlite", "postgresql"):
            cursor.execute("ANALYZE")
        elif vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
            cursor.execute("PRAGMA optimize")
