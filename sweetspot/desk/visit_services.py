"""On-site visits and calendar feeds: the only place that writes them (atomic, audited).

Every change to a visit bumps ``sequence`` and keeps ``uid`` so calendar clients update the
same event; a cancelled visit stays in the feed as STATUS:CANCELLED.

A technician is never booked twice: a visit that overlaps another visit of theirs that is not
cancelled is refused with an error naming the clash. Marking a visit done records the
checklist result and turns the time spent into an on-site time entry. Only a scheduled visit
is rescheduled, cancelled or marked done. Generation from an agreement keeps inside the
agreement's start and end dates and never creates a visit that starts in the past.
"""

from __future__ import annotations

import calendar
import datetime as dt
import secrets
from collections.abc import Collection
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sweetspot.agreements.models import Agreement
from sweetspot.agreements.services import terms_of
from sweetspot.core import audit
from sweetspot.core.models import AuditLog, Firm, User
from sweetspot.core.tokens import hash_key
from sweetspot.core.writes import CONFLICT
from sweetspot.team.models import Technician

from . import time_services
from .models import STANDARD_CHECKLIST, CalendarFeed, TimeEntry, Visit, VisitStatus, WorkType

VISIT_FIELDS = ["company", "site", "technician", "agreement", "starts_at", "ends_at", "purpose"]
FEED_PREFIX = "cal_"


def _snap(visit: Visit) -> dict[str, Any]:
    """audit.snapshot with the UUID as text (the audit log is JSON)."""
    out = audit.snapshot(visit)
    out["uid"] = str(visit.uid)
    return out


def standard_checklist() -> list[dict[str, Any]]:
    return [{"item": item, "done": False} for item in STANDARD_CHECKLIST]


def _check(visit: Visit) -> None:
    errors: dict[str, Any] = {}
    if visit.starts_at and visit.ends_at and visit.ends_at <= visit.starts_at:
        errors["ends_at"] = "The end must be after the start."
    if visit.site_id is not None and visit.site and visit.site.company_id != visit.company_id:
        errors["site"] = "The site belongs to another company."
    if (
        visit.agreement_id is not None
        and visit.agreement
        and visit.agreement.company_id != visit.company_id
    ):
        errors["agreement"] = "The agreement belongs to another company."
    if not errors:
        clash = _clash(visit)
        if clash is not None:
            errors["starts_at"] = ValidationError(clash_message(clash), code=CONFLICT)
    if errors:
        raise ValidationError(errors)


def _clash(visit: Visit) -> Visit | None:
    """Another visit of the same technician, not cancelled, overlapping this one."""
    if (
        visit.status == VisitStatus.CANCELLED
        or not visit.technician_id
        or not visit.starts_at
        or not visit.ends_at
    ):
        return None
    others = Visit.objects.filter(
        technician_id=visit.technician_id,
        starts_at__lt=visit.ends_at,
        ends_at__gt=visit.starts_at,
    ).exclude(status=VisitStatus.CANCELLED)
    if visit.pk:
        others = others.exclude(pk=visit.pk)
    return others.select_related("company", "technician").order_by("starts_at", "pk").first()


def clash_message(other: Visit) -> str:
    start = timezone.localtime(other.starts_at)
    end = timezone.localtime(other.ends_at)
    return (
        f"{other.technician.name} is already booked {start:%a %d %b %Y %H:%M}–{end:%H:%M} "
        f"at {other.company.name} ({other.purpose}). Pick another time or technician."
    )


def _only_scheduled(visit: Visit, action: str) -> None:
    if visit.status != VisitStatus.SCHEDULED:
        state = visit.get_status_display().lower()
        message = f"Only a scheduled visit can be {action}; this one is {state}."
        raise ValidationError({"status": ValidationError(message, code=CONFLICT)})


@transaction.atomic
def schedule_visit(actor: User | None, data: dict[str, Any]) -> Visit:
    visit = Visit()
    for key in VISIT_FIELDS:
        if key in data:
            setattr(visit, key, data[key])
    checklist = data.get("checklist")
    if checklist is None:
        visit.checklist = standard_checklist()
    else:
        visit.checklist = [
            c if isinstance(c, dict) else {"item": str(c), "done": False} for c in checklist
        ]
    _check(visit)
    visit.full_clean()
    visit.save()
    if data.get("tickets"):
        visit.tickets.set(data["tickets"])
    audit.record(actor, AuditLog.Action.CREATE, visit, {}, _snap(visit))
    return visit


@transaction.atomic
def update_visit(actor: User | None, visit: Visit, data: dict[str, Any]) -> Visit:
    before = _snap(visit)
    for key in [*VISIT_FIELDS, "checklist", "status"]:
        if key in data:
            setattr(visit, key, data[key])
    _check(visit)
    visit.sequence += 1
    visit.full_clean()
    visit.save()
    if "tickets" in data:
        visit.tickets.set(data["tickets"])
    audit.record(actor, AuditLog.Action.UPDATE, visit, before, _snap(visit))
    return visit


def cancel_visit(actor: User | None, visit: Visit) -> Visit:
    _only_scheduled(visit, "cancelled")
    return update_visit(actor, visit, {"status": VisitStatus.CANCELLED})


def reschedule_visit(
    actor: User | None,
    visit: Visit,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    technician: Technician | None = None,
) -> Visit:
    """Move a scheduled visit (and optionally hand it to another technician); refused when it
    would double-book the technician."""
    _only_scheduled(visit, "rescheduled")
    data: dict[str, Any] = {"starts_at": starts_at, "ends_at": ends_at}
    if technician is not None:
        data["technician"] = technician
    return update_visit(actor, visit, data)


@transaction.atomic
def complete_visit(
    actor: User | None,
    visit: Visit,
    minutes: int,
    done_items: Collection[int] | None = None,
    note: str = "",
    billable: bool = True,
    now: dt.datetime | None = None,
) -> tuple[Visit, TimeEntry]:
    """Mark the visit done: the checklist items at the indexes in ``done_items`` are ticked,
    the others unticked (when given; else the checklist stays as ticked on site), and the
    ``minutes`` spent become an on-site time entry of the visit's technician for the client
    (and agreement), dated the visit's day. Returns the visit and the entry."""
    _only_scheduled(visit, "marked done")
    errors: dict[str, Any] = {}
    if (now or timezone.now()) < visit.starts_at:
        errors["status"] = ValidationError(
            "The visit has not started yet: mark it done once it has happened.", code=CONFLICT
        )
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        minutes = 0
    if minutes <= 0:
        errors["minutes"] = "Give the time spent on site, in minutes."
    elif minutes > 24 * 60:
        errors["minutes"] = "A visit cannot take more than 24 hours."
    if done_items is not None and any(not 0 <= i < len(visit.checklist) for i in done_items):
        errors["checklist"] = "No such checklist item."
    if errors:
        raise ValidationError(errors)
    checklist = [dict(c) for c in visit.checklist]
    if done_items is not None:
        ticked = set(done_items)
        for i, item in enumerate(checklist):
            item["done"] = i in ticked
    visit = update_visit(actor, visit, {"status": VisitStatus.DONE, "checklist": checklist})
    done = sum(1 for c in checklist if c.get("done"))
    entry = time_services.log_entry(
        actor,
        {
            "technician": visit.technician,
            "company": visit.company,
            "agreement": visit.agreement,
            "work_type": WorkType.ONSITE,
            "work_date": timezone.localtime(visit.starts_at).date(),
            "minutes": minutes,
            "billable": billable,
            "note": (
                f"Visit: {visit.purpose} (checklist {done}/{len(checklist)})"
                + (f" — {note.strip()}" if note.strip() else "")
            )[:500],
        },
    )
    return visit, entry


@transaction.atomic
def tick_checklist(actor: User | None, visit: Visit, index: int, done: bool) -> Visit:
    """Ticking an item is not a calendar change: no sequence bump."""
    if not 0 <= index < len(visit.checklist):
        raise ValidationError({"checklist": "No such item."})
    before = {"checklist": [dict(c) for c in visit.checklist]}
    visit.checklist[index]["done"] = bool(done)
    visit.save(update_fields=["checklist", "updated_at"])
    audit.record(actor, AuditLog.Action.UPDATE, visit, before, {"checklist": visit.checklist})
    return visit


def working_days(year: int, month: int, firm: Firm) -> list[dt.date]:
    weekdays = set(firm.business_weekdays or [0, 1, 2, 3, 4])
    holidays = set(firm.holidays or [])
    days = []
    for day in range(1, calendar.monthrange(year, month)[1] + 1):
        d = dt.date(year, month, day)
        if d.weekday() in weekdays and d.isoformat() not in holidays:
            days.append(d)
    return days


@transaction.atomic
def generate_recurring(
    actor: User | None,
    agreement: Agreement,
    month: dt.date,
    technician: Technician,
    firm: Firm | None = None,
    now: dt.datetime | None = None,
) -> list[Visit]:
    """The agreement's on-site half-days for ``month`` as visits at 09:00 local, spread evenly
    over the working days inside the agreement's dates that are still ahead (a visit never
    starts in the past); half-days already scheduled (not cancelled) that month count. A day
    on which the technician is already booked at 09:00 gives way to the next free one."""
    firm = firm or Firm.current()
    moment = now or timezone.now()
    half_days = int(Decimal(str(terms_of(agreement).get("onsite_half_days_per_month") or 0)))
    if half_days <= 0:
        return []
    tz = ZoneInfo(firm.time_zone)
    length = dt.timedelta(hours=float(firm.hours_per_half_day))
    days = [
        d
        for d in working_days(month.year, month.month, firm)
        if d >= agreement.start_date
        and (agreement.end_date is None or d <= agreement.end_date)
        and dt.datetime.combine(d, dt.time(9, 0), tzinfo=tz) > moment
    ]
    if not days:
        return []
    first = dt.datetime(month.year, month.month, 1, tzinfo=tz)
    last_day = calendar.monthrange(month.year, month.month)[1]
    after = dt.datetime(month.year, month.month, last_day, tzinfo=tz) + dt.timedelta(days=1)
    existing = (
        Visit.objects.filter(agreement=agreement, starts_at__gte=first, starts_at__lt=after)
        .exclude(status=VisitStatus.CANCELLED)
        .count()
    )
    site = agreement.company.sites.filter(archived_at__isnull=True).first()
    busy = list(
        Visit.objects.filter(
            technician=technician,
            starts_at__lt=after,
            ends_at__gt=first,
        )
        .exclude(status=VisitStatus.CANCELLED)
        .values_list("starts_at", "ends_at")
    )
    created: list[Visit] = []
    for i in range(existing, half_days):
        wanted = min(len(days) - 1, (i * len(days)) // half_days)
        start = None
        for day in days[wanted:] + days[:wanted]:
            candidate = dt.datetime.combine(day, dt.time(9, 0), tzinfo=tz)
            if all(not (s < candidate + length and e > candidate) for s, e in busy):
                start = candidate
                break
        if start is None:
            break  # the technician is booked on every day left
        busy.append((start, start + length))
        created.append(
            schedule_visit(
                actor,
                {
                    "company": agreement.company,
                    "site": site,
                    "technician": technician,
                    "agreement": agreement,
                    "starts_at": start,
                    "ends_at": start + length,
                    "purpose": "Scheduled on-site maintenance",
                },
            )
        )
    return created


# --- calendar feeds -------------------------------------------------------------------------


@transaction.atomic
def create_feed(actor: User | None, technician: Technician) -> tuple[CalendarFeed, str]:
    """A new secret feed key: returned once, only its SHA-256 is stored."""
    key = FEED_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(technician=technician, key_hash=hash_key(key))
    audit.record(actor, AuditLog.Action.CREATE, feed, {}, {"technician": technician.pk})
    return feed, key


@transaction.atomic
def revoke_feed(actor: User | None, feed: CalendarFeed) -> CalendarFeed:
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
        audit.record(actor, AuditLog.Action.UPDATE, feed, {"revoked": False}, {"revoked": True})
    return feed


def feed_for_key(key: str) -> CalendarFeed | None:
    if not key or not key.startswith(FEED_PREFIX):
        return None
    # An archived technician's feed, or one whose login is deactivated, stops answering.
    return (
        CalendarFeed.objects.select_related("technician")
        .filter(
            key_hash=hash_key(key), revoked_at__isnull=True, technician__archived_at__isnull=True
        )
        .exclude(technician__user__is_active=False)
        .first()
    )
