"""RFC 5545 feeds of a technician's visits (icalendar): UID = visit.uid, SEQUENCE bumps.

A feed covers a window, not all of history: visits starting from ``FEED_PAST`` (60 days) ago
up to ``FEED_AHEAD`` (365 days) ahead. Calendar apps re-poll the whole feed, so an ever-growing
one costs every poll more; 60 days back keeps recent visits at hand, a year ahead covers the
planning horizon. The window is applied in the query (``window()``, used by the feed view);
cancelled visits inside it stay as STATUS:CANCELLED so calendars remove them. A subscribed
calendar mirrors the feed, so visits older than the window leave the technician's calendar
too; the visit pages keep the full history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import icalendar
from django.utils import timezone

from .models import Visit, VisitStatus

FEED_PAST = dt.timedelta(days=60)
FEED_AHEAD = dt.timedelta(days=365)


def window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The feed's range of visit starts around ``now``, both ends included."""
    return now - FEED_PAST, now + FEED_AHEAD


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def _location(visit: Visit) -> str:
    site = visit.site
    if site is None:
        return visit.company.name
    parts = [site.street, site.city, site.region, site.postal_code]
    address = ", ".join(p for p in parts if p)
    return f"{visit.company.name}, {site.name}" + (f", {address}" if address else "")


def calendar_for(name: str, visits: Iterable[Visit]) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Sweetspot//Visits//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Sweetspot visits — {name}")
    stamp = _utc(timezone.now()).replace(microsecond=0)
    for visit in visits:
        event = icalendar.Event()
        event.add("uid", str(visit.uid))
        event.add("sequence", visit.sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(visit.starts_at))
        event.add("dtend", _utc(visit.ends_at))
        event.add("summary", f"{visit.purpose} — {visit.company.name}")
        event.add("location", _location(visit))
        event.add("status", "CANCELLED" if visit.status == VisitStatus.CANCELLED else "CONFIRMED")
        if visit.updated_at:
            event.add("last-modified", _utc(visit.updated_at).replace(microsecond=0))
        cal.add_component(event)
    return cal.to_ical()  # type: ignore[no-any-return]
