"""The iCal feed: RFC 5545 round trip, UID/SEQUENCE, cancellations, revocation."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.utils import timezone

from sweetspot.core.tokens import hash_key
from sweetspot.desk import ical, visit_services
from sweetspot.desk.models import CalendarFeed
from sweetspot.team.models import Technician


@pytest.fixture
def tara_tech(full_demo, personas):
    return Technician.objects.get(user=personas["tara"])


def test_feed_round_trip_and_revocation(tara_tech, harbor, client):
    start = timezone.now().replace(microsecond=0, second=0) + dt.timedelta(days=2)
    site = harbor.sites.first()
    visit = visit_services.schedule_visit(
        None,
        {
            "company": harbor,
            "site": site,
            "technician": tara_tech,
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=4),
            "purpose": "Monthly maintenance",
        },
    )
    cancelled = visit_services.schedule_visit(
        None,
        {
            "company": harbor,
            "technician": tara_tech,
            "starts_at": start + dt.timedelta(days=7),
            "ends_at": start + dt.timedelta(days=7, hours=4),
            "purpose": "Old",
        },
    )
    visit_services.update_visit(None, visit, {"purpose": "Monthly maintenance (moved)"})
    visit_services.cancel_visit(None, cancelled)
    feed, key = visit_services.create_feed(None, tara_tech)
    assert feed.key_hash == hash_key(key) and key not in feed.key_hash
    assert not CalendarFeed.objects.filter(key_hash=key).exists()

    r = client.get(f"/visits/feed/{key}.ics")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(r.content)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    event = events[str(visit.uid)]
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == start.astimezone(dt.UTC)
    assert event.decoded("DTSTART").tzinfo is not None
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "moved" in str(event["SUMMARY"])
    assert site.name in str(event["LOCATION"])
    gone = events[str(cancelled.uid)]
    assert str(gone["STATUS"]) == "CANCELLED" and int(gone["SEQUENCE"]) == 1

    visit_services.revoke_feed(None, feed)
    assert client.get(f"/visits/feed/{key}.ics").status_code == 404
    assert client.get("/visits/feed/cal_nonsense.ics").status_code == 404


def test_feed_created_from_the_timesheet_is_shown_once(tara_tech, client_for):
    c = client_for("tara")
    r = c.post("/time/feeds/new/", {"technician": tara_tech.pk})
    assert r.status_code == 302
    page = c.get(r["Location"]).content.decode()
    assert "/visits/feed/cal_" in page
    assert "/visits/feed/cal_" not in c.get(r["Location"]).content.decode()
    feed = CalendarFeed.objects.get(technician=tara_tech)
    assert c.post(f"/time/feeds/{feed.pk}/revoke/").status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None


def test_feed_lists_only_the_window_of_visits(tara_tech, harbor, client):
    """From ical.FEED_PAST ago to ical.FEED_AHEAD ahead, filtered in the query; cancelled
    visits inside the window stay (STATUS:CANCELLED)."""
    now = timezone.now().replace(microsecond=0, second=0)

    def visit(offset: dt.timedelta, purpose: str):
        return visit_services.schedule_visit(
            None,
            {
                "company": harbor,
                "technician": tara_tech,
                "starts_at": now + offset,
                "ends_at": now + offset + dt.timedelta(hours=2),
                "purpose": purpose,
            },
        )

    old = visit(-dt.timedelta(days=90), "Too old")
    recent = visit(-dt.timedelta(days=10), "Recent")
    ahead = visit(dt.timedelta(days=30), "Next month")
    cancelled = visit(-dt.timedelta(days=5), "Called off")
    visit_services.cancel_visit(None, cancelled)
    too_far = visit(ical.FEED_AHEAD + dt.timedelta(days=1), "Too far")
    edge_past = visit(-ical.FEED_PAST + dt.timedelta(hours=1), "Just inside")
    _feed, key = visit_services.create_feed(None, tara_tech)

    r = client.get(f"/visits/feed/{key}.ics")
    assert r.status_code == 200
    cal = icalendar.Calendar.from_ical(r.content)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert str(recent.uid) in events and str(ahead.uid) in events
    assert str(edge_past.uid) in events
    assert str(old.uid) not in events and str(too_far.uid) not in events
    assert str(events[str(cancelled.uid)]["STATUS"]) == "CANCELLED"
    since, until = ical.window(timezone.now())
    for event in events.values():
        assert since <= event.decoded("DTSTART") <= until
