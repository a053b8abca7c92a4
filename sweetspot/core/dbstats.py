"""Planner statistics (issue 18). The query planner picks an index from the statistics that
ANALYZE gathers; without them (a fresh SQLite file) or with stale ones (after a bulk load)
it guesses. ``refresh_statistics(full=True)`` runs after the bulk loaders (generate_scale,
seed_demo; a client import its tables); the hourly task runs the cheap form.

* SQLite: ``full`` runs ANALYZE; otherwise ``PRAGMA optimize``, which re-analyzes only the
  tables whose statistics look stale (grown many times over since the last ANALYZE), in
  full (``analysis_limit`` 0). A sampled analysis (``analysis_limit=1000``, which this used
  to set) read only the first thousand entries of each index and estimated, at a million
  tickets, 1,001 tickets per status: the at-risk filter then read every open ticket by
  status (750 ms instead of 30). A full one takes about 3 s for the ticket table at a
  million rows, and runs only when a table has grown that much.
* PostgreSQL: ``full`` runs ANALYZE; otherwise nothing (autovacuum keeps them).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

ANALYSIS_LIMIT = 0  # no sampling: see above


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
