"""The full-text index on tickets (subject and description), per database vendor.

* SQLite: an FTS5 table ``search_ticket_fts`` with external content ``desk_ticket`` kept in
  step by three triggers (insert, delete, update of the text). SQLite drops a table's
  triggers when a migration rebuilds the table, so ``after_migrate`` recreates any that are
  missing and rebuilds the index when it had to.
* PostgreSQL: a GIN index on ``to_tsvector('simple', subject || ' ' || description)``; the
  query uses the same expression, so the planner takes the index.

``matching_ticket_ids(text, limit)`` is the one raw SQL read: the newest ``limit`` ticket
ids matching every word of ``text`` (prefix match on SQLite), as a subquery for the ORM.
"""

# ruff: noqa: S608, S611 (table and index names are module constants; user words are bound parameters)
from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL

FTS = "search_ticket_fts"
TRIGGERS = {
    "search_ticket_ai": (
        f"CREATE TRIGGER IF NOT EXISTS search_ticket_ai AFTER INSERT ON desk_ticket BEGIN "
        f"INSERT INTO {FTS}(rowid, subject, description) "
        f"VALUES (new.id, new.subject, new.description); END"
    ),
    "search_ticket_ad": (
        f"CREATE TRIGGER IF NOT EXISTS search_ticket_ad AFTER DELETE ON desk_ticket BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, subject, description) "
        f"VALUES ('delete', old.id, old.subject, old.description); END"
    ),
    "search_ticket_au": (
        f"CREATE TRIGGER IF NOT EXISTS search_ticket_au AFTER UPDATE OF subject, description "
        f"ON desk_ticket BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, subject, description) "
        f"VALUES ('delete', old.id, old.subject, old.description); "
        f"INSERT INTO {FTS}(rowid, subject, description) "
        f"VALUES (new.id, new.subject, new.description); END"
    ),
}
PG_INDEX = "search_ticket_text_gin"
PG_DOCUMENT = "to_tsvector('simple', coalesce(subject, '') || ' ' || coalesce(description, ''))"
WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 8


def install(schema_editor: Any = None) -> None:
    """Create the index for the current vendor (idempotent)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS} USING fts5("
                "subject, description, content='desk_ticket', content_rowid='id')"
            )
            for sql in TRIGGERS.values():
                cursor.execute(sql)
            cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
        elif connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON desk_ticket USING gin ({PG_DOCUMENT})"
            )


def uninstall() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")


def after_migrate(**kwargs: Any) -> None:
    """SQLite: recreate triggers a table rebuild dropped, then rebuild the index."""
    using = kwargs.get("using") or "default"
    if connection.alias != using or connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type='table' AND name=%s", [FTS])
        if cursor.fetchone() is None:
            return  # not migrated yet (the search migration creates it)
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type='trigger' AND tbl_name='desk_ticket'"
        )
        have = {row[0] for row in cursor.fetchall()}
        if set(TRIGGERS) <= have:
            return
        for sql in TRIGGERS.values():
            cursor.execute(sql)
        cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")


def words(text: str) -> list[str]:
    return WORD.findall(text or "")[:MAX_WORDS]


def matching_ticket_ids(text: str, limit: int = 200) -> RawSQL | None:
    """The newest ``limit`` ids of tickets whose subject or description holds every word of
    ``text`` (SQLite: word prefixes), or None when ``text`` has no words."""
    terms = words(text)
    if not terms:
        return None
    if connection.vendor == "sqlite":
        match = " ".join('"' + t.replace('"', '""') + '"*' for t in terms)
        return RawSQL(
            f"SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s ORDER BY rowid DESC LIMIT %s",
            (match, limit),
        )
    query = " & ".join(f"{t}:*" for t in (re.sub(r"[^\w]", "", x) for x in terms) if t)
    return RawSQL(
        f"SELECT id FROM desk_ticket WHERE {PG_DOCUMENT} @@ to_tsquery('simple', %s) "
        "ORDER BY id DESC LIMIT %s",
        (query, limit),
    )
