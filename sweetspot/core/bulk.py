"""Multi-row INSERTs of plain values, for bulk writes that must be fast (the company import).

Why not ``QuerySet.bulk_create``: it builds a model instance per row and prepares every value
through the SQL compiler; on the import benchmark (issue 15 item 3, about 50,000 rows written
for 10,000 file rows) that was most of the time, about 4× what these INSERTs take. Rows here are
dicts of attname → value that the caller has already validated (``full_clean`` rules, checked
in memory); ``row`` fills in every other column as the model would (defaults,
``auto_now``/``auto_now_add``). Values go through Django's field preparation where the type
needs it (decimals, dates, JSON), so the stored values are the ones ``save()`` would store.

The INSERTs run on Django's cursor (query counts and the debug toolbar see them) in batches
that fit the backend's parameter limit; ids come back through ``RETURNING`` in row order, as
``bulk_create`` relies on for SQLite ≥ 3.35 and PostgreSQL.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import operator
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

# Fields whose Python values are already what the driver takes.
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)
PG_MAX_PARAMS = 32_000  # PostgreSQL's protocol allows 65,535 parameters a statement


@contextlib.contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a bulk job, then restore it (it runs again on the
    next allocations and frees whatever cycles the job left).

    Why: the import holds tens of thousands of small dicts and tuples at once; each of those
    allocations counts toward the collector's thresholds, and its full passes walked every
    live object again and again: on the import benchmark that was more than half the CPU of
    a preview (1.1 s → 0.4 s) and of an apply (3.0 s → 1.1 s). The job's data has no
    cycles to collect. Process-wide, so keep the block short and bounded (an import is at
    most ``MAX_ROWS`` rows)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _fields(model: type[models.Model]) -> list[models.Field]:  # type: ignore[type-arg]
    return [f for f in model._meta.concrete_fields if not f.primary_key]


@functools.cache
def _template(model: type[models.Model]) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """Per model: every column's constant default (None for the others, keys in sorted
    order, so a row's keys come out sorted as ``audit.diff`` sorts them), the callable
    defaults, and the ``auto_now``/``auto_now_add`` columns."""
    constant: dict[str, Any] = {}
    made: dict[str, Any] = {}
    now: list[str] = []
    for field in sorted(_fields(model), key=lambda f: f.attname):
        constant[field.attname] = None
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            now.append(field.attname)
        elif field.has_default() and callable(field.default):
            made[field.attname] = field.default
        else:
            constant[field.attname] = field.get_default()
    return constant, made, now


def row(model: type[models.Model], values: dict[str, Any], now: Any = None) -> dict[str, Any]:
    """Every column of one new ``model`` row: ``values`` (by attname, e.g. ``company_id``)
    over the defaults the model would give."""
    constant, made, auto = _template(model)
    out = constant.copy()
    if auto:
        now = now or timezone.now()
        for name in auto:
            out[name] = now
    out.update(values)
    for name, make in made.items():
        if name not in values:
            out[name] = make()
    return out


def insert(
    model: type[models.Model], rows: Sequence[dict[str, Any]], *, returning: bool = True
) -> list[int]:
    """INSERT ``rows`` (complete rows, see ``row``) in multi-row batches; their new ids, in
    row order (none without ``returning``)."""
    if not rows:
        return []
    fields = _fields(model)
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper itself: the proxy costs a lookup a value
    qn = db.ops.quote_name
    get = operator.itemgetter(*[f.attname for f in fields])
    convert: list[tuple[int, Callable[[Any], Any]]] = [
        (i, lambda v, f=f: f.get_db_prep_save(v, db))  # type: ignore[misc]
        for i, f in enumerate(fields)
        if not isinstance(f, _PLAIN) or isinstance(f, models.JSONField)
    ]
    seen: dict[int, tuple[Any, Any]] = {}  # column -> (last value, prepared): "now" once

    def values(r: dict[str, Any]) -> tuple[Any, ...]:
        out = get(r)
        if not convert:
            return out  # type: ignore[no-any-return]
        listed = list(out)
        for i, conv in convert:
            value = listed[i]
            if value is None:
                continue
            last = seen.get(i)
            if last is not None and last[0] is value:
                listed[i] = last[1]
            else:
                listed[i] = conv(value)
                seen[i] = (value, listed[i])
        return tuple(listed)

    head = (  # names from the model's _meta, quoted; every value is a bound parameter
        f"INSERT INTO {qn(model._meta.db_table)} "  # noqa: S608
        f"({', '.join(qn(f.column) for f in fields)}) VALUES "
    )
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    ids: list[int] = []
    with db.cursor() as cursor:
        if not returning and db.vendor == "sqlite":
            # In-process: one prepared statement run per row is as fast and needs no batches.
            cursor.executemany(head + one, [values(r) for r in rows])
            return ids
        if db.vendor == "postgresql":
            # COPY: no SQL text to build and parse for thousands of rows (psycopg's own
            # writer). The ids come first from the table's sequence, in one query. Django's
            # query log sees that query but not the COPY.
            table = model._meta.db_table
            pk = model._meta.pk.column  # type: ignore[union-attr]
            columns = ", ".join(qn(f.column) for f in fields)
            if returning:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [qn(table), pk, len(rows)],
                )
                ids = [i for (i,) in cursor.fetchall()]
                columns = f"{qn(pk)}, {columns}"
            sql = f"COPY {qn(table)} ({columns}) FROM STDIN"
            # Django's errors (IntegrityError...), as for its own cursor's queries.
            with db.wrap_database_errors, cursor.cursor.copy(sql) as copy:
                if returning:
                    for i, r in zip(ids, rows, strict=True):
                        copy.write_row((i, *values(r)))
                else:
                    for r in rows:
                        copy.write_row(values(r))
            return ids
        limit = db.features.max_query_params or PG_MAX_PARAMS
        size = max(1, min(2000, limit // len(fields)))
        tail = f" RETURNING {qn(model._meta.pk.column)}"  # type: ignore[union-attr]
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            params: list[Any] = []
            for r in chunk:
                params.extend(values(r))
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, params)
            ids.extend(pk for (pk,) in cursor.fetchall())
    return ids
