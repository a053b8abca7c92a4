"""Planner statistics (core.dbstats, issue 18): the bulk loaders' full ANALYZE and the
hourly PRAGMA optimize, never sampled on SQLite (a sampled analysis misjudged the ticket
table at a million rows)."""

from __future__ import annotations

import pytest
from django.db import connection

from sweetspot.core.dbstats import refresh_statistics


@pytest.mark.django_db
def test_statistics_are_gathered_in_full_and_optimize_runs_unsampled(full_demo):
    refresh_statistics(full=True)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'desk_ticket'")
            assert cursor.fetchone()[0] > 0
        else:
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'desk_ticket'")
            assert cursor.fetchone()[0] > 0
    refresh_statistics()  # the hourly form
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA analysis_limit")
            assert cursor.fetchone()[0] == 0
