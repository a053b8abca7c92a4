"""On-site visits and calendar feeds: the only place that writes them (atomic, audited).

Every change to a visit bumps ``sequence`` and keeps ``uid`` so calendar clients update the
same event; a cancelled visit stays in the feed as STATUS:CANCELLED.
"""

from __future__ import annotations

import calendar
import datetime as dt
import secrets
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
from sweetspot.team.models import Technician

from .models import STANDARD_CHECKLIST, CalendarFeed, Visit, VisitStatus

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
    errors: dict[str, str] = {}
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
    if errors:
        raise ValidationError(errors)


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
    return update_visit(actor, visit, {"status": VisitStatus.CANCELLED})


def complete_visit(actor: User | None, visit: Visit) -> Visit:
    return update_visit(actor, visit, {"status": VisitStatus.DONE})


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
) -> list[Visit]:
    """The agreement's on-site half-days for ``month`` as visits at 09:00 local, spread evenly
    over the working days; half-days already scheduled (not cancelled) that month count."""
    firm = firm or Firm.current()
    half_days = int(Decimal(str(terms_of(agreement).get("onsite_half_days_per_month") or 0)))
    if half_days <= 0:
        return []
    tz = ZoneInfo(firm.time_zone)
    days = working_days(month.year, month.month, firm)
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
    length = dt.timedelta(hours=float(firm.hours_per_half_day))
    site = agreement.company.sites.filter(archived_at__isnull=True).first()
    created = []
    for i in range(existing, half_days):
        day = days[min(len(days) - 1, (i * len(days)) // half_days)]
        start = dt.datetime.combine(day, dt.time(9, 0), tzinfo=tz)
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
    return (
        CalendarFeed.objects.select_related("technician")
        .filter(key_hash=hash_key(key), revoked_at__isnull=True)
        .first()
    )
