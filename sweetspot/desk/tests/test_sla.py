"""SLA clocks: business hours worked by hand, DST, pauses, breach flags with frozen time
(``now`` passed explicitly), and hypothesis properties. Pure: no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sweetspot.desk.sla import (
    BusinessHours,
    Clock,
    add_business_minutes,
    business_minutes_between,
)

NY = ZoneInfo("America/New_York")
HOURS = BusinessHours("America/New_York", time(8), time(17))  # Mon-Fri 08:00-17:00


def ny(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=NY)


# -- business hours, by hand ------------------------------------------------------------


def test_friday_afternoon_runs_over_the_weekend():
    due = add_business_minutes(ny(2026, 1, 16, 16, 30), 60, HOURS)  # Fri 16:30
    assert due == ny(2026, 1, 19, 8, 30)  # 30 min Friday + 30 min Monday
    assert due.tzinfo is UTC and due.hour == 13  # returned in UTC
    assert business_minutes_between(ny(2026, 1, 16, 16, 30), due, HOURS) == 60


def test_a_start_outside_business_hours_counts_from_the_next_opening():
    saturday = ny(2026, 1, 17, 10)
    assert add_business_minutes(saturday, 0, HOURS) == ny(2026, 1, 19, 8)
    assert add_business_minutes(saturday, 30, HOURS) == ny(2026, 1, 19, 8, 30)
    assert add_business_minutes(ny(2026, 1, 13, 6), 30, HOURS) == ny(2026, 1, 13, 8, 30)
    assert add_business_minutes(ny(2026, 1, 13, 21), 30, HOURS) == ny(2026, 1, 14, 8, 30)
    assert business_minutes_between(saturday, ny(2026, 1, 19, 8), HOURS) == 0


def test_a_holiday_monday_moves_the_due_time_to_tuesday():
    hours = BusinessHours("America/New_York", holidays=frozenset({date(2026, 1, 19)}))
    due = add_business_minutes(ny(2026, 1, 16, 16, 30), 60, hours)
    assert due == ny(2026, 1, 20, 8, 30)


def test_spring_forward_weekend():
    start = ny(2026, 3, 6, 16)  # Friday, EST (UTC-5); DST starts Sunday 2026-03-08
    due = add_business_minutes(start, 120, HOURS)
    assert due == ny(2026, 3, 9, 9)  # Monday 09:00 EDT (UTC-4)
    assert start.utcoffset() == timedelta(hours=-5)
    assert due.astimezone(NY).utcoffset() == timedelta(hours=-4)
    assert due == datetime(2026, 3, 9, 13, tzinfo=UTC)
    assert business_minutes_between(start, due, HOURS) == 120  # not 120 ± 60


def test_fall_back_weekend():
    start = ny(2026, 10, 30, 16)  # Friday EDT; DST ends Sunday 2026-11-01
    due = add_business_minutes(start, 120, HOURS)
    assert due == ny(2026, 11, 2, 9) == datetime(2026, 11, 2, 14, tzinfo=UTC)
    assert business_minutes_between(start, due, HOURS) == 120


def test_a_business_minute_is_a_real_minute_on_the_dst_day_itself():
    # A help desk open Sundays from midnight: on 2026-03-08 02:00-03:00 does not exist.
    hours = BusinessHours("America/New_York", time(0), time(12), frozenset(range(7)))
    assert business_minutes_between(ny(2026, 3, 8, 0), ny(2026, 3, 8, 12), hours) == 11 * 60
    assert add_business_minutes(ny(2026, 3, 8, 0), 180, hours) == ny(2026, 3, 8, 4)
    assert business_minutes_between(ny(2026, 11, 1, 0), ny(2026, 11, 1, 12), hours) == 13 * 60


def test_closing_boundary_convention():
    # A budget that runs out exactly at closing is due at closing, not the next morning ...
    assert add_business_minutes(ny(2026, 1, 12, 16), 60, HOURS) == ny(2026, 1, 12, 17)
    assert add_business_minutes(ny(2026, 1, 12, 16, 59), 1, HOURS) == ny(2026, 1, 12, 17)
    # ... but closing itself is outside business hours: counting starts next opening.
    assert add_business_minutes(ny(2026, 1, 12, 17), 0, HOURS) == ny(2026, 1, 13, 8)
    assert add_business_minutes(ny(2026, 1, 12, 17), 1, HOURS) == ny(2026, 1, 13, 8, 1)
    assert add_business_minutes(ny(2026, 1, 12, 16), 61, HOURS) == ny(2026, 1, 13, 8, 1)


def test_ten_thousand_minutes_span_weeks():
    # 9 h = 540 min a day: 10,000 = 18 days x 540 + 280. Mon 12 Jan + 18 business days
    # ends Wed 4 Feb; then Thu 5 Feb 08:00 + 4 h 40 min.
    due = add_business_minutes(ny(2026, 1, 12, 8), 10_000, HOURS)
    assert due == ny(2026, 2, 5, 12, 40)
    assert business_minutes_between(ny(2026, 1, 12, 8), due, HOURS) == 10_000


def test_between_is_zero_backwards_and_floors_seconds():
    assert business_minutes_between(ny(2026, 1, 13, 10), ny(2026, 1, 12, 10), HOURS) == 0
    a = ny(2026, 1, 13, 10)
    assert business_minutes_between(a, a + timedelta(seconds=119), HOURS) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "unknown time zone"),
        ({"time_zone": "../etc"}, "unknown time zone"),
        ({"opens": time(17), "closes": time(8)}, "must be after opening"),
        ({"opens": time(9), "closes": time(9)}, "must be after opening"),
        ({"weekdays": frozenset()}, "working weekdays"),
        ({"weekdays": frozenset({7})}, "working weekdays"),
        ({"opens": time(8, tzinfo=UTC)}, "wall times"),
    ],
)
def test_business_hours_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BusinessHours(**kwargs)


def test_naive_or_negative_input_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_minutes(datetime(2026, 1, 12, 9), 10, HOURS)
    with pytest.raises(ValueError, match="negative"):
        add_business_minutes(ny(2026, 1, 12, 9), -1, HOURS)
    with pytest.raises(ValueError, match="timezone-aware"):
        business_minutes_between(ny(2026, 1, 12, 9), datetime(2026, 1, 13, 9), HOURS)


def test_weekdays_may_be_given_as_a_set():
    hours = BusinessHours("Europe/London", weekdays={5, 6})  # type: ignore[arg-type]
    assert hours.weekdays == frozenset({5, 6})
    london = ZoneInfo("Europe/London")
    # Friday 16:00 London -> Saturday 08:00 + 60 min
    due = add_business_minutes(datetime(2026, 1, 16, 16, tzinfo=london), 60, hours)
    assert due == datetime(2026, 1, 17, 9, tzinfo=london)


# -- clocks ------------------------------------------------------------------------------

MON_9 = ny(2026, 1, 12, 9)


def test_due_times_without_pauses():
    clock = Clock(MON_9, response_target_minutes=60, resolution_target_minutes=240)
    assert clock.response_due_at(HOURS) == ny(2026, 1, 12, 10)
    assert clock.resolution_due_at(HOURS) == ny(2026, 1, 12, 13)
    assert clock.at_risk_at(HOURS) == ny(2026, 1, 12, 12)  # 25 % of 240 = 60 min before
    assert clock.at_risk_at(HOURS, "response") == ny(2026, 1, 12, 9, 45)


def test_a_two_hour_pause_shifts_resolution_by_two_business_hours_not_response():
    paused = Clock(MON_9, 60, 240, ((ny(2026, 1, 12, 10), ny(2026, 1, 12, 12)),))
    assert paused.resolution_due_at(HOURS) == ny(2026, 1, 12, 15)
    assert paused.response_due_at(HOURS) == ny(2026, 1, 12, 10)  # never paused
    # Overnight: Mon 16:00 -> Tue 09:00 is 2 business hours (16-17, 08-09).
    overnight = Clock(MON_9, 60, 480, ((ny(2026, 1, 12, 16), ny(2026, 1, 13, 9)),))
    assert Clock(MON_9, 60, 480).resolution_due_at(HOURS) == ny(2026, 1, 12, 17)
    assert overnight.resolution_due_at(HOURS) == ny(2026, 1, 13, 10)
    assert overnight.resolution_due_at(HOURS) == add_business_minutes(
        ny(2026, 1, 12, 17), 120, HOURS
    )


def test_status_ok_then_at_risk_then_breached_as_now_advances():
    clock = Clock(MON_9, 60, 240)  # resolution due 13:00, at risk after 12:00
    expected = [
        ((9, 0), "ok", 240),
        ((11, 59), "ok", 61),
        ((12, 0), "ok", 60),  # exactly 25 % left is not "less than 25 %"
        ((12, 1), "at_risk", 59),
        ((13, 0), "at_risk", 0),
        ((13, 1), "breached", -1),
        ((15, 0), "breached", -120),
    ]
    for (h, m), status, left in expected:
        now = ny(2026, 1, 12, h, m)
        assert clock.status(now, HOURS) == status, (h, m)
        assert clock.minutes_left(now, HOURS) == left, (h, m)
    assert clock.status(ny(2026, 1, 12, 9, 50), HOURS, "response") == "at_risk"
    assert clock.status(ny(2026, 1, 12, 10, 1), HOURS, "response") == "breached"
    assert clock.status(ny(2026, 1, 12, 11, 30), HOURS, at_risk_fraction=0.5) == "at_risk"


def test_due_at_closing_is_breached_overnight_with_zero_minutes_left():
    clock = Clock(MON_9, 60, 480)  # due Mon 17:00
    assert clock.status(ny(2026, 1, 12, 17), HOURS) == "at_risk"
    assert clock.status(ny(2026, 1, 12, 20), HOURS) == "breached"
    assert clock.minutes_left(ny(2026, 1, 12, 20), HOURS) == 0
    assert clock.minutes_left(ny(2026, 1, 13, 8, 30), HOURS) == -30


def test_paused_while_waiting_on_the_client():
    open_pause = Clock(MON_9, 60, 240, ((ny(2026, 1, 12, 10), None),))
    assert open_pause.status(ny(2026, 1, 12, 11), HOURS) == "paused"
    assert open_pause.status(ny(2026, 1, 14, 11), HOURS) == "paused"  # days later, still
    assert open_pause.minutes_left(ny(2026, 1, 14, 11), HOURS) == 180  # frozen at pause
    assert open_pause.resolution_due_at(HOURS) is None  # store NULL while stopped
    assert open_pause.at_risk_at(HOURS) is None
    assert open_pause.response_due_at(HOURS) == ny(2026, 1, 12, 10)
    assert open_pause.status(ny(2026, 1, 12, 9, 30), HOURS, "response") == "ok"
    assert open_pause.minutes_left(ny(2026, 1, 12, 11), HOURS, "response") == -60  # runs on
    assert open_pause.status(ny(2026, 1, 12, 11), HOURS, "response") == "breached"

    # The same ticket, resumed at 12:00, looked at over the day (frozen time).
    resumed = Clock(MON_9, 60, 240, ((ny(2026, 1, 12, 10), ny(2026, 1, 12, 12)),))
    assert resumed.status(ny(2026, 1, 12, 9, 30), HOURS) == "ok"  # pause not yet started
    assert resumed.status(ny(2026, 1, 12, 11), HOURS) == "paused"  # not yet resumed then
    assert resumed.status(ny(2026, 1, 12, 12, 30), HOURS) == "ok"
    assert resumed.minutes_left(ny(2026, 1, 12, 12, 30), HOURS) == 150
    assert resumed.status(ny(2026, 1, 12, 14, 1), HOURS) == "at_risk"
    assert resumed.status(ny(2026, 1, 12, 15, 1), HOURS) == "breached"


def test_a_pause_after_the_due_time_does_not_unbreach():
    clock = Clock(MON_9, 60, 240, ((ny(2026, 1, 12, 14), None),))
    assert clock.resolution_due_at(HOURS) == ny(2026, 1, 12, 13)
    assert clock.status(ny(2026, 1, 12, 15), HOURS) == "breached"
    assert clock.status(ny(2026, 1, 12, 13, 30), HOURS) == "breached"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"created_at": datetime(2026, 1, 12, 9)}, "timezone-aware"),
        ({"resolution_target_minutes": -1}, "negative"),
        ({"pauses": ((ny(2026, 1, 12, 8), None),)}, "before the ticket was created"),
        (
            {"pauses": ((ny(2026, 1, 12, 10), None), (ny(2026, 1, 12, 11), None))},
            "open but is not the last",
        ),
        (
            {
                "pauses": (
                    (ny(2026, 1, 12, 10), ny(2026, 1, 12, 12)),
                    (ny(2026, 1, 12, 11), None),
                )
            },
            "previous pause ended",
        ),
        ({"pauses": ((ny(2026, 1, 12, 10), ny(2026, 1, 12, 9, 30)),)}, "resumes before"),
    ],
)
def test_clock_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Clock(**{"created_at": MON_9, "response_target_minutes": 60,
                 "resolution_target_minutes": 240, **kwargs})  # fmt: skip


def test_bad_fraction_and_clock_name():
    clock = Clock(MON_9, 60, 240)
    with pytest.raises(ValueError, match="fraction"):
        clock.status(MON_9, HOURS, at_risk_fraction=1.5)
    with pytest.raises(ValueError, match="unknown clock"):
        clock.minutes_left(MON_9, HOURS, "lunch")  # type: ignore[arg-type]


# -- properties --------------------------------------------------------------------------

ZONES = ["America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata", "UTC"]
# Opening from 04:00 keeps the window clear of the 00:00-03:00 DST jumps of these zones.
hours_strategy = st.builds(
    BusinessHours,
    time_zone=st.sampled_from(ZONES),
    opens=st.builds(time, st.integers(4, 11), st.sampled_from([0, 15, 30])),
    closes=st.builds(time, st.integers(12, 23), st.sampled_from([0, 30, 59])),
    weekdays=st.frozensets(st.integers(0, 6), min_size=1),
    holidays=st.frozensets(st.dates(date(2025, 12, 1), date(2027, 3, 1)), max_size=30),
)
starts = st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31), timezones=st.just(UTC))
minutes = st.integers(0, 12_000)


@settings(max_examples=150, deadline=None)
@given(hours_strategy, starts, minutes, minutes)
def test_add_is_monotone_in_minutes(hours, start, m1, m2):
    m1, m2 = sorted((m1, m2))
    assert start <= add_business_minutes(start, m1, hours) <= add_business_minutes(start, m2, hours)


@settings(max_examples=150, deadline=None)
@given(hours_strategy, starts, minutes)
def test_between_inverts_add(hours, start, m):
    # Holds for any start, inside business hours or not (counting begins at the opening).
    assert business_minutes_between(start, add_business_minutes(start, m, hours), hours) == m


@settings(max_examples=150, deadline=None)
@given(hours_strategy, starts, minutes)
def test_due_time_is_never_in_a_closed_period(hours, start, m):
    due = add_business_minutes(start, m, hours)
    local_day = due.astimezone(hours.zone).date()
    assert hours.is_business_day(local_day)
    opens, closes = hours.window(local_day)
    # Inside [opens, closes); exactly at closing only when the budget ran out there.
    assert opens <= due <= closes
    if due == closes:
        assert m > 0


@settings(max_examples=40, deadline=None)
@given(hours_strategy, starts, st.integers(0, 3 * 24 * 60))
def test_between_matches_a_minute_by_minute_count(hours, start, span):
    start = start.replace(second=0, microsecond=0)
    zone = hours.zone
    count = 0
    for i in range(span):
        local = (start + timedelta(minutes=i)).astimezone(zone)
        if hours.is_business_day(local.date()) and hours.opens <= local.time() < hours.closes:
            count += 1
    assert business_minutes_between(start, start + timedelta(minutes=span), hours) == count


@settings(max_examples=100, deadline=None)
@given(
    st.integers(0, 2000),
    st.integers(0, 3000),
    st.integers(0, 3000),
    st.integers(0, 5000),
    st.integers(0, 8000),
)
def test_status_is_the_stored_timestamp_comparison(target, pause_start, pause_len, now_off, ahead):
    paused_at = MON_9 + timedelta(minutes=pause_start)
    resumed_at = paused_at + timedelta(minutes=pause_len)
    clock = Clock(MON_9, 60, target, ((paused_at, resumed_at),))
    now = resumed_at + timedelta(minutes=now_off)  # after the pause: what the query sees
    due, risky = clock.resolution_due_at(HOURS), clock.at_risk_at(HOURS)
    assert due is not None and risky is not None and risky <= due
    expected = "breached" if due < now else "at_risk" if risky < now else "ok"
    assert clock.status(now, HOURS) == expected
    if clock.minutes_left(now, HOURS) < 0:
        assert expected == "breached"
    # A pause that ends before the due time shifts it by exactly its business minutes.
    if resumed_at <= due:
        shift = business_minutes_between(paused_at, resumed_at, HOURS)
        assert due == add_business_minutes(MON_9, target + shift, HOURS)
    # And a later look never un-breaches.
    if expected == "breached":
        assert clock.status(now + timedelta(minutes=ahead), HOURS) == "breached"


def test_a_zero_target_is_due_at_creation_even_if_paused_at_once():
    clock = Clock(MON_9, 0, 0, ((MON_9, ny(2026, 1, 12, 17)),))
    assert clock.resolution_due_at(HOURS) == MON_9 == clock.response_due_at(HOURS)
    saturday = Clock(ny(2026, 1, 17, 10), 0, 0, ((ny(2026, 1, 17, 11), ny(2026, 1, 19, 9)),))
    assert saturday.resolution_due_at(HOURS) == ny(2026, 1, 19, 9)  # next opening was paused
    assert saturday.response_due_at(HOURS) == ny(2026, 1, 19, 8)
