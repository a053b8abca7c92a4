"""Engine results cached until their inputs change (issue 18): the promise check, dispatch's
people, the requirements and skill names, the owner's charts, the on-call tag, the firm row.

* **Topics.** Each cached value depends on a few topics (``TOPICS``). Every topic has a row in
  ``core.CacheGeneration`` whose ``token`` is replaced by a fresh random number whenever a
  row of one of its models is saved or deleted: ``watch(model, topic)`` connects the
  ``post_save``/``post_delete`` receivers (each app declares its own models in its
  ``AppConfig.ready``), ``bump(topic)`` is for writes that bypass signals (``bulk_create``,
  ``QuerySet.update``). The writing process forgets its own values at once (a per-process
  salt in every key changes), and the UPDATE of the token runs once the transaction has
  committed (``transaction.on_commit``; at once outside a transaction): a process that reads
  the new token also sees the new rows, and a rolled-back write changes no token. Running
  the UPDATE inside the writing transaction held the topic's row lock to its end, so every
  ticket write waited for every other, and a transaction that had saved one ticket and then
  locked another (batch accept) could deadlock with a concurrent edit of that second ticket
  on PostgreSQL (tests/test_engine_cache.py shows the two now both commit). Between the
  commit and the UPDATE another process may still serve the value from before: the same as
  a read that started a moment earlier. Tokens are random, not counters.
* **Reading.** ``generations()`` reads every topic's token in one query, once per request
  (``GenerationsMiddleware`` keeps it for the request; a bump during the request forgets it).
  ``cached(name, topics, compute, *parts)`` looks the value up under the name, the tokens of
  its topics and the other key parts (the day, a company id), and computes it on a miss.
* **Where values live.** ``CACHES["engine"]``: per-process memory by default. That is correct
  across gunicorn workers and the Huey worker because the tokens live in the database; each
  process computes a value once per change. Pointing the alias at a cache all processes share
  only saves those recomputations.
* **Time.** A value that depends on the clock takes the day (or week) as a key part, or keeps
  the raw rows and lets the caller apply ``now`` (dispatch's visits ahead and familiarity), or
  stores how long it stays true (SLA attainment: until the next due time passes).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import secrets
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import caches
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse

from .models import CacheGeneration, Firm

TOPICS = (
    "firm",  # the Firm settings row
    "team",  # technicians, subcontractors, skills, certifications and their links
    "catalog",  # services and their required skills
    "agreements",  # plans, agreements, company names
    "tickets",
    "time",  # time entries
    "visits",
    "rota",  # on-call rota, swaps, mail settings
)
TIMEOUT = 24 * 3600  # keys change with the tokens; this only lets unused values go
ALIAS = "engine"

T = TypeVar("T")
_MISSING = object()
# None: not inside a request (read the tokens every time); {}: inside one, not read yet.
_memo: contextvars.ContextVar[dict[str, int] | None] = contextvars.ContextVar(
    "engine_generations", default=None
)


# topic -> how many times this process has bumped it: part of every key, so the writing
# process forgets its values at once, before its transaction commits and the tokens change.
_salt: dict[str, int] = {}
_salt_lock = threading.Lock()


def _token() -> int:
    return secrets.randbits(62)


def _read() -> dict[str, int]:
    rows = dict(CacheGeneration.objects.values_list("topic", "token"))
    missing = [t for t in TOPICS if t not in rows]
    if missing:  # first use of a database: create the rows (another process may race us)
        CacheGeneration.objects.bulk_create(
            [CacheGeneration(topic=t, token=_token()) for t in missing], ignore_conflicts=True
        )
        rows = dict(CacheGeneration.objects.values_list("topic", "token"))
    return rows


def generations() -> dict[str, int]:
    """topic -> token; one query (once per request inside GenerationsMiddleware)."""
    memo = _memo.get()
    if memo:
        return memo
    rows = _read()
    if memo is not None:
        memo.update(rows)
    return rows


def _forget_memo() -> None:
    """The request's tokens are read again on next use."""
    memo = _memo.get()
    if memo:
        memo.clear()


def _write(topics: tuple[str, ...]) -> None:
    """New tokens for ``topics`` in the database (every process sees them)."""
    updated = CacheGeneration.objects.filter(topic__in=topics).update(token=_token())
    if updated < len(set(topics)):
        CacheGeneration.objects.bulk_create(
            [CacheGeneration(topic=t, token=_token()) for t in topics], ignore_conflicts=True
        )
        # A concurrent reader may have created a row before ours: a new token all the same.
        CacheGeneration.objects.filter(topic__in=topics).update(token=_token())
    _forget_memo()


def bump(*topics: str, using: str | None = None) -> None:
    """A row of these topics changed: this process forgets their values now, every process
    once the write commits (the tokens' UPDATE runs then; at once outside a transaction)."""
    unknown = set(topics) - set(TOPICS)
    if unknown:
        raise ValueError(f"unknown cache topics: {sorted(unknown)}")
    if not topics:
        return
    with _salt_lock:
        for topic in topics:
            _salt[topic] = _salt.get(topic, 0) + 1
    _forget_memo()
    # robust: the write has committed by then; a failed token UPDATE is logged, never turned
    # into an error page for a change that is already saved.
    transaction.on_commit(lambda: _write(tuple(topics)), using=using, robust=True)


def bump_all() -> None:
    bump(*TOPICS)


def _key(name: str, topics: Iterable[str], parts: Iterable[Any]) -> str:
    gens = generations()
    raw = ":".join(
        [*(f"{t}={gens[t]:x}.{_salt.get(t, 0)}" for t in topics), *(str(p) for p in parts)]
    )
    if len(raw) > 160:
        raw = hashlib.sha256(raw.encode()).hexdigest()
    return f"{name}:{raw}"


def cached(name: str, topics: Iterable[str], compute: Callable[[], T], *parts: Any) -> T:
    """``compute()``'s value, kept until a token of ``topics`` changes (or ``parts`` differ)."""
    store = caches[ALIAS]
    key = _key(name, topics, parts)
    value = store.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        store.set(key, value, TIMEOUT)
    return value  # type: ignore[return-value]


def cached_until(
    name: str,
    topics: Iterable[str],
    compute: Callable[[], tuple[T, dt.datetime | None]],
    now: dt.datetime,
    *parts: Any,
) -> T:
    """Like ``cached`` for a value that also changes with the clock: ``compute()`` returns the
    value and the instant it stops being true (None: never, until an input changes); a later
    ``now`` at or past that instant computes it again."""
    store = caches[ALIAS]
    key = _key(name, topics, parts)
    hit = store.get(key)
    if hit is not None:
        since, until, value = hit
        if since <= now and (until is None or now < until):
            return value  # type: ignore[no-any-return]
    value, until = compute()
    store.set(key, (now, until, value), TIMEOUT)
    return value


def firm() -> Firm:
    """The firm settings row for reading (a copy: save changes through Firm.current())."""
    return cached("firm", ("firm",), Firm.current)


# --- invalidation -----------------------------------------------------------------------


def watch(model: type[Model] | str, *topics: str, singleton: bool = False) -> None:
    """Saving or deleting a ``model`` row bumps ``topics``. ``model`` may be "app.Model".

    ``singleton``: a settings row that ``current()`` creates with its defaults on first use;
    creating it changes no answer (every earlier reader created it too), only updates do.
    Raw saves (``loaddata``, the JSON backup restore) do not bump: the archive carries the
    generation rows of the same data."""

    def changed(sender: Any, created: bool = False, raw: bool = False, **kwargs: Any) -> None:
        if not raw and not (singleton and created):
            bump(*topics, using=kwargs.get("using"))

    # Keep a strong reference: the receivers are closures.
    uid = f"engine_cache:{model}:{','.join(topics)}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)


class GenerationsMiddleware:
    """Read the tokens at most once per request (and again after a write bumps them)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
