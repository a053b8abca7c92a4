"""A snapshot of the seeded demo firm, for the test suite.

Seeding the demo through the services takes seconds (every write is validated and audited);
the suite needs it in hundreds of tests. So the suite seeds it once per session inside a
transaction, reads every row the seed wrote (table by table), rolls back, and each test that
asks for the demo gets those rows back with plain INSERTs (COPY on PostgreSQL) inside its own
transaction: a tenth of a second instead of seconds, and each test still starts from the same
firm.

Rows are copied with the same primary keys. Foreign keys are deferred until the end of the
restoring transaction on both SQLite and PostgreSQL, so tables load in any order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction


@dataclass(frozen=True)
class TableRows:
    table: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


Snapshot = tuple[TableRows, ...]


class _Rollback(Exception):
    pass


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _read(table: str) -> TableRows:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {qn(table)}")  # noqa: S608 (table names from Django)
        columns = tuple(col[0] for col in cursor.description)
        rows = tuple(tuple(row) for row in cursor.fetchall())
    return TableRows(table, columns, tuple(sorted(rows, key=repr)))


def take(*seeders: Any) -> list[Snapshot]:
    """Run each seeder in turn inside one transaction that is rolled back; after each, keep
    every table whose rows differ from before the first. Returns one snapshot per seeder."""
    tables = _tables()
    before = {table: _read(table) for table in tables}
    snapshots: list[Snapshot] = []
    try:
        with transaction.atomic():
            for seeder in seeders:
                seeder()
                after = [_read(table) for table in tables]
                snapshots.append(tuple(t for t in after if t != before[t.table]))
            raise _Rollback
    except _Rollback:
        pass
    return snapshots


def _adapt(value: Any) -> Any:
    """Values as read back into parameters the same driver accepts."""
    if connection.vendor == "postgresql":
        if isinstance(value, dict | list):
            from psycopg.types.json import Jsonb  # noqa: PLC0415 (PostgreSQL only)

            return Jsonb(value)
        return value
    # SQLite: Django's converters turned text columns into Python values; turn them back.
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


# id(TableRows) -> (that TableRows, its statement, its rows as parameters): adapting every
# value again on each restore took half of a restore's time (the suite restores the demo in
# hundreds of tests). The TableRows is kept with them, so a reused id never matches.
_PREPARED: dict[int, tuple[TableRows, str, list[tuple[Any, ...]]]] = {}


def _prepared(table: TableRows) -> tuple[str, list[tuple[Any, ...]]]:
    """The statement that loads ``table``'s rows (a COPY on PostgreSQL, an INSERT for
    executemany on SQLite) and the rows as its parameters, made once per process."""
    hit = _PREPARED.get(id(table))
    if hit is None or hit[0] is not table:
        qn = connection.ops.quote_name
        cols = ", ".join(qn(c) for c in table.columns)
        if connection.vendor == "postgresql":
            sql = f"COPY {qn(table.table)} ({cols}) FROM STDIN"
        else:
            marks = ", ".join(["%s"] * len(table.columns))
            sql = f"INSERT INTO {qn(table.table)} ({cols}) VALUES ({marks})"  # noqa: S608
        hit = (table, sql, [tuple(_adapt(v) for v in row) for row in table.rows])
        _PREPARED[id(table)] = hit
    return hit[1], hit[2]


def restore(snapshot: Snapshot) -> None:
    """Replace the rows of the snapshot's tables with the snapshot's rows. On PostgreSQL
    with COPY: a third of the time of the same rows through executemany (113 against 341
    ms for the full demo)."""
    qn = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table in snapshot:
            cursor.execute(f"DELETE FROM {qn(table.table)}")  # noqa: S608
        for table in snapshot:
            if not table.rows:
                continue
            sql, rows = _prepared(table)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(sql, rows)
        if connection.vendor == "postgresql":
            # Keep identity sequences past the restored keys.
            resets = [
                f"setval(pg_get_serial_sequence('{qn(t.table)}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {qn(t.table)}), false)"
                for t in snapshot
                if "id" in t.columns
            ]
            if resets:
                cursor.execute("SELECT " + ", ".join(resets))
