"""SLA clocks in the firm's business hours (issue 7, item 2). Pure: no ORM, no request.

How the desk uses this module: when a ticket is created or changes status, ``services.py``
builds a :class:`Clock` from the ticket's history and the firm's :class:`BusinessHours`,
computes the due-at (and at-risk-from) timestamps *here, in Python*, and stores them on the
ticket. "Breached" and "at risk" then become a plain comparison with now in the query
(``resolution_due_at < now``; ``resolution_at_risk_at < now <= resolution_due_at``), which
behaves the same on SQLite and PostgreSQL: no time-zone, calendar or holiday logic in SQL.

Conventions (each one tested in ``tests/test_sla.py``):

* Business time is the half-open window ``[opens, closes)`` in local wall time on each working
  weekday that is not a holiday. Wall times are turned into instants with ``zoneinfo`` and
  all arithmetic is done in UTC, so a business minute is a real minute, also on DST days
  (comparing or subtracting aware datetimes that share a ``tzinfo`` ignores the offset in
  Python; converting to UTC first avoids that trap).
* A start outside business hours (evening, weekend, holiday, or exactly at closing) begins
  counting at the next opening; ``add_business_minutes(start, 0)`` is that opening.
* When the budget runs out exactly at closing, the due time is the closing instant (not the
  next morning): due times are always inside ``[opens, closes]`` of a business day.
* Results are returned in UTC; minutes are whole minutes, counted exactly (no rounding) while
  adding, floored when reported by ``business_minutes_between``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ZERO = timedelta(0)
MINUTE = timedelta(minutes=1)
DEFAULT_AT_RISK_FRACTION = 0.25
Which = Literal["response", "resolution"]
Status = Literal["ok", "at_risk", "breached", "paused"]


@dataclass(frozen=True)
class BusinessHours:
    """The firm's business hours: the same opening and closing wall time on each working
    weekday (0 = Monday … 6 = Sunday), whole-day holidays, in one IANA time zone."""

    time_zone: str = "UTC"
    opens: time = time(8)
    closes: time = time(17)
    weekdays: frozenset[int] = frozenset(range(5))  # Monday-Friday
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.time_zone!r}") from exc
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise ValueError("opening and closing times are local wall times: no tzinfo")
        if self.closes <= self.opens:
            raise ValueError(
                f"closing time {self.closes:%H:%M} must be after opening time {self.opens:%H:%M}"
            )
        weekdays = frozenset(self.weekdays)
        if not weekdays or not weekdays <= frozenset(range(7)):
            raise ValueError("working weekdays must be a non-empty set of 0 (Mon) … 6 (Sun)")
        object.__setattr__(self, "weekdays", weekdays)
        object.__setattr__(self, "holidays", frozenset(self.holidays))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime]:
        """The day's opening and closing instants in UTC (the day need not be a business day).

        A wall time that does not exist (skipped by a DST jump) resolves with the offset in
        force before the jump; an ambiguous one to its first occurrence (``fold=0``)."""
        zone = self.zone
        start = datetime.combine(day, self.opens, tzinfo=zone).astimezone(UTC)
        end = datetime.combine(day, self.closes, tzinfo=zone).astimezone(UTC)
        return start, max(start, end)

    def windows_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Business windows (UTC) of the business days from ``moment``'s local date on."""
        day = moment.astimezone(self.zone).date()
        while True:
            if self.is_business_day(day):
                yield self.window(day)
            day += timedelta(days=1)


def _utc(moment: datetime, name: str = "datetime") -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)


def add_business_time(start: datetime, amount: timedelta, hours: BusinessHours) -> datetime:
    """The instant (UTC) when ``amount`` of business time has elapsed after ``start``.

    One step per business day, so 10,000 minutes (about 21 working days) take ~30 steps."""
    if amount < ZERO:
        raise ValueError("business time to add must not be negative")
    cursor = _utc(start, "start")
    remaining = amount
    for opens, closes in hours.windows_from(cursor):
        begin = max(opens, cursor)
        if begin >= closes:  # already past this day's closing (or at it exactly)
            continue
        available = closes - begin
        if remaining <= available:
            return begin + remaining
        remaining -= available
    raise AssertionError("unreachable: windows_from never ends")  # pragma: no cover


def add_business_minutes(start: datetime, minutes: int, hours: BusinessHours) -> datetime:
    """The instant (aware, UTC) when ``minutes`` business minutes have elapsed after
    ``start`` (aware). A start outside business hours begins counting at the next opening;
    a budget that runs out exactly at closing gives the closing instant."""
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    return add_business_time(start, timedelta(minutes=minutes), hours)


def business_time_between(a: datetime, b: datetime, hours: BusinessHours) -> timedelta:
    """Exact business time in ``[a, b)``; zero when ``b <= a``."""
    a, b = _utc(a, "a"), _utc(b, "b")
    total = ZERO
    if b <= a:
        return total
    for opens, closes in hours.windows_from(a):
        if opens >= b:
            break
        overlap = min(closes, b) - max(opens, a)
        if overlap > ZERO:
            total += overlap
    return total


def business_minutes_between(a: datetime, b: datetime, hours: BusinessHours) -> int:
    """Whole business minutes elapsed from ``a`` to ``b`` (floored; 0 when ``b <= a``)."""
    return business_time_between(a, b, hours) // MINUTE


Pause = tuple[datetime, datetime | None]


def _check_fraction(fraction: float) -> None:
    if not 0 <= fraction <= 1:
        raise ValueError(f"the at-risk fraction must be between 0 and 1, got {fraction}")


@dataclass(frozen=True)
class Clock:
    """The two SLA clocks of one ticket.

    * The **response** clock runs from ``created_at`` for ``response_target_minutes`` business
      minutes and is *never* paused: a first response is owed even when the ticket immediately
      waits on the client, and the response usually *is* the question that starts the wait.
    * The **resolution** clock runs from ``created_at`` for ``resolution_target_minutes``
      business minutes but stops during ``pauses`` (waiting on the client): each pause pushes
      the resolution due time back by the business time it lasted. A pause that starts after
      the resolution was already due does not un-breach the ticket.

    ``pauses`` are ``(paused_at, resumed_at)`` in order, not overlapping, at or after
    ``created_at``; only the last may still be open (``resumed_at`` is ``None``).

    The clock describes an open ticket; once responded to or resolved, the service stops
    recomputing and "met or missed" is ``responded_at <= response_due_at``, stored as is.
    """

    created_at: datetime
    response_target_minutes: int
    resolution_target_minutes: int
    pauses: tuple[Pause, ...] = ()

    def __post_init__(self) -> None:
        _utc(self.created_at, "created_at")
        if self.response_target_minutes < 0 or self.resolution_target_minutes < 0:
            raise ValueError("SLA targets must not be negative")
        pauses = tuple(self.pauses)
        previous = self.created_at
        for i, (paused_at, resumed_at) in enumerate(pauses):
            _utc(paused_at, "paused_at")
            if paused_at < previous:
                raise ValueError(
                    f"pause {i} starts at {paused_at.isoformat()}, before the ticket was "
                    "created or the previous pause ended"
                )
            if resumed_at is None:
                if i != len(pauses) - 1:
                    raise ValueError(f"pause {i} is open but is not the last pause")
                break
            _utc(resumed_at, "resumed_at")
            if resumed_at < paused_at:
                raise ValueError(f"pause {i} resumes before it starts")
            previous = resumed_at
        object.__setattr__(self, "pauses", pauses)

    # -- helpers -------------------------------------------------------------------------

    def _target(self, which: Which) -> timedelta:
        if which == "response":
            return timedelta(minutes=self.response_target_minutes)
        if which == "resolution":
            return timedelta(minutes=self.resolution_target_minutes)
        raise ValueError(f"unknown clock {which!r}: 'response' or 'resolution'")

    def _pauses(self, which: Which, now: datetime | None = None) -> tuple[Pause, ...]:
        """The pauses that apply to a clock, as known at ``now`` (all when ``now`` is None):
        pauses not yet started are dropped, one resumed after ``now`` is still open."""
        if which == "response":
            return ()
        if now is None:
            return self.pauses
        known: list[Pause] = []
        for paused_at, resumed_at in self.pauses:
            if paused_at > now:
                break
            known.append((paused_at, resumed_at if resumed_at and resumed_at <= now else None))
        return tuple(known)

    def _reach(
        self, amount: timedelta, hours: BusinessHours, pauses: tuple[Pause, ...]
    ) -> datetime | None:
        """When the running (unpaused) business time reaches ``amount``; None if a pause
        that is still open stops the clock first."""
        remaining, cursor = amount, self.created_at
        for paused_at, resumed_at in pauses:
            running = business_time_between(cursor, paused_at, hours)
            if remaining <= running:
                moment = add_business_time(cursor, remaining, hours)
                if moment <= paused_at:  # else: a zero amount whose next opening is paused
                    return moment
            remaining -= running
            if resumed_at is None:
                return None
            cursor = resumed_at
        return add_business_time(cursor, remaining, hours)

    def _consumed(self, now: datetime, hours: BusinessHours, which: Which) -> timedelta:
        """Running business time from ``created_at`` to ``now``, less the pauses."""
        total, cursor = ZERO, self.created_at
        for paused_at, resumed_at in self._pauses(which, now):
            total += business_time_between(cursor, paused_at, hours)
            if resumed_at is None:
                return total
            cursor = resumed_at
        return total + business_time_between(cursor, now, hours)

    # -- what services store -------------------------------------------------------------

    def due_at(self, hours: BusinessHours, which: Which = "resolution") -> datetime | None:
        return self._reach(self._target(which), hours, self._pauses(which))

    def response_due_at(self, hours: BusinessHours) -> datetime:
        """created_at + response target in business minutes (UTC). Never paused."""
        due = self.due_at(hours, "response")
        assert due is not None  # the response clock has no pauses
        return due

    def resolution_due_at(self, hours: BusinessHours) -> datetime | None:
        """created_at + resolution target + the business time spent paused (UTC).

        ``None`` while a pause is open and the target was not reached before it: the clock is
        stopped, so there is no due time. Store NULL (``NULL < now`` is never true, so the
        ticket is neither breached nor at risk in the query) and recompute on resume."""
        return self.due_at(hours, "resolution")

    def at_risk_at(
        self,
        hours: BusinessHours,
        which: Which = "resolution",
        fraction: float = DEFAULT_AT_RISK_FRACTION,
    ) -> datetime | None:
        """The instant after which less than ``fraction`` of the target's business time is
        left: store it beside the due time, at risk is ``at_risk_at < now <= due_at``."""
        _check_fraction(fraction)
        return self._reach(self._target(which) * (1 - fraction), hours, self._pauses(which))

    # -- what pages show -----------------------------------------------------------------

    def minutes_left(self, now: datetime, hours: BusinessHours, which: Which = "resolution") -> int:
        """Business minutes left on the clock at ``now`` (floored): negative once business time
        has run past the target. Between a due time at closing and the next opening it is 0
        while the status is already "breached" (no business time has passed since)."""
        return (self._target(which) - self._consumed(now, hours, which)) // MINUTE

    def status(
        self,
        now: datetime,
        hours: BusinessHours,
        which: Which = "resolution",
        at_risk_fraction: float = DEFAULT_AT_RISK_FRACTION,
    ) -> Status:
        """``breached`` when now is past the due time (also if the ticket has since been
        paused: a miss stays a miss); else ``paused`` while waiting on the client; else
        ``at_risk`` when less than ``at_risk_fraction`` of the target's business time is left;
        else ``ok``. Exactly the comparisons the query makes with the stored timestamps."""
        _check_fraction(at_risk_fraction)
        pauses = self._pauses(which, now)
        due = self._reach(self._target(which), hours, pauses)
        if due is not None and due < now:
            return "breached"
        if pauses and pauses[-1][1] is None:
            return "paused"
        risky = self._reach(self._target(which) * (1 - at_risk_fraction), hours, pauses)
        if risky is not None and risky < now:
            return "at_risk"
        return "ok"
