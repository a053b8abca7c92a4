"""Time entries: the only place that writes them. Every function is atomic and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from sweetspot.core import audit
from sweetspot.core.models import AuditLog, User
from sweetspot.team.models import Subcontractor, Technician

from .models import InternalCategory, TimeEntry

ENTRY_FIELDS = [
    "technician",
    "ticket",
    "company",
    "agreement",
    "work_type",
    "internal_category",
    "work_date",
    "started_at",
    "ended_at",
    "minutes",
    "billable",
    "out_of_scope",
    "note",
]


def _assign(entry: TimeEntry, data: dict[str, Any]) -> None:
    for key in ENTRY_FIELDS:
        if key in data and data[key] is not None:
            setattr(entry, key, data[key])
        elif key in data and key in {"ticket", "company", "agreement", "started_at", "ended_at"}:
            setattr(entry, key, None)


def _normalise(entry: TimeEntry, *, running: bool = False) -> None:
    """Derive and check: minutes from start/end, company/agreement from the ticket, internal
    work is neither billable nor for a company. Raises ValidationError with field errors."""
    errors: dict[str, str] = {}
    if entry.ticket_id is not None:
        ticket = entry.ticket
        assert ticket is not None
        if entry.company_id is None:
            entry.company_id = ticket.company_id
        elif entry.company_id != ticket.company_id:
            errors["company"] = "The ticket belongs to another company."
        if entry.agreement_id is None:
            entry.agreement_id = ticket.agreement_id
    if (
        entry.agreement_id is not None
        and entry.agreement is not None
        and entry.company_id is not None
        and entry.agreement.company_id != entry.company_id
    ):
        errors["agreement"] = "The agreement belongs to another company."
    if entry.agreement_id is not None and entry.company_id is None and entry.agreement:
        entry.company_id = entry.agreement.company_id
    if entry.internal_category and entry.internal_category != InternalCategory.NONE:
        if entry.company_id is not None or entry.ticket_id is not None:
            errors["internal_category"] = "Internal work is not for a client or a ticket."
        entry.billable = False
        entry.out_of_scope = False
        entry.agreement = None
    if entry.started_at is not None and entry.ended_at is not None:
        if entry.ended_at <= entry.started_at:
            errors["ended_at"] = "The end must be after the start."
        else:
            entry.minutes = int((entry.ended_at - entry.started_at).total_seconds() // 60)
        entry.work_date = timezone.localtime(entry.started_at).date()
    elif entry.started_at is not None and running:
        entry.work_date = timezone.localtime(entry.started_at).date()
        entry.minutes = 0
    elif entry.started_at is not None or entry.ended_at is not None:
        errors["ended_at" if entry.started_at is not None else "started_at"] = (
            "Give both the start and the end, or a duration."
        )
    elif not entry.minutes:
        errors["minutes"] = "Give a duration or the start and end times."
    if not entry.work_date:
        errors["work_date"] = "Give the date of the work."
    _check_day(entry, errors)
    if entry.started_at is not None and "ended_at" not in errors:
        end = entry.ended_at or entry.started_at + dt.timedelta(seconds=1)
        same_worker = (
            Q(technician_id=entry.technician_id)
            if entry.technician_id is not None
            else Q(subcontractor_id=entry.subcontractor_id)
        )
        overlapping = TimeEntry.objects.filter(
            same_worker,
            started_at__isnull=False,
            started_at__lt=end,
        ).filter(Q(ended_at__gt=entry.started_at) | Q(ended_at__isnull=True))
        if entry.pk:
            overlapping = overlapping.exclude(pk=entry.pk)
        _lock_worker(entry)
        if overlapping.exists():
            errors["started_at"] = "Overlaps another entry of this technician."
    if errors:
        raise ValidationError(errors)


DAY_MINUTES = 24 * 60


def _check_day(entry: TimeEntry, errors: dict[str, str]) -> None:
    """Sanity (issue 14 item 12): no work dated after tomorrow, and no more than 24 hours
    logged by one person on one day (this entry with their others)."""
    work_date = entry.work_date
    if not isinstance(work_date, dt.date):
        return
    if work_date > timezone.localdate() + dt.timedelta(days=1):
        errors["work_date"] = "Work cannot be dated after tomorrow."
        return
    minutes = int(entry.minutes or 0)
    if minutes > DAY_MINUTES:
        errors.setdefault("minutes", "One entry is at most 24 hours (1,440 minutes).")
        return
    if not minutes or (entry.technician_id is None and entry.subcontractor_id is None):
        return
    same_worker = (
        Q(technician_id=entry.technician_id)
        if entry.technician_id is not None
        else Q(subcontractor_id=entry.subcontractor_id)
    )
    others = TimeEntry.objects.filter(same_worker, work_date=work_date)
    if entry.pk:
        others = others.exclude(pk=entry.pk)
    logged = int(others.aggregate(total=Sum("minutes"))["total"] or 0)
    if logged + minutes > DAY_MINUTES:
        errors.setdefault(
            "minutes",
            f"That makes {(logged + minutes) / 60:.1f} hours on {work_date:%Y-%m-%d} for this "
            f"person ({logged / 60:.1f} h already logged); a day has 24.",
        )


def _lock_worker(entry: TimeEntry) -> None:
    """Lock the technician's (or subcontractor's) row until the transaction ends, so that two
    entries saved at once for one person are checked for overlap one after the other
    (issue 15 item 5: both were accepted). PostgreSQL row lock; SQLite's IMMEDIATE
    transactions already serialise writers."""
    if entry.technician_id is not None:
        list(Technician.objects.select_for_update().filter(pk=entry.technician_id).values("pk"))
    elif entry.subcontractor_id is not None:
        list(
            Subcontractor.objects.select_for_update().filter(pk=entry.subcontractor_id).values("pk")
        )


@transaction.atomic
def log_entry(actor: User | None, data: dict[str, Any]) -> TimeEntry:
    entry = TimeEntry()
    _assign(entry, data)
    _normalise(entry)
    entry.full_clean()
    entry.save()
    audit.record(actor, AuditLog.Action.CREATE, entry, {}, audit.snapshot(entry))
    return entry


RUNNING_MESSAGE = "This entry is the running timer: stop the timer before editing it."
BILLED_MESSAGE = (
    "This entry is billed: it can no longer be edited or deleted (a credit note, or taking "
    "its line off a draft invoice, releases it)."
)


def check_not_billed(entry: TimeEntry) -> None:
    """Billing sets ``billed_at`` when a line or ledger bills the entry: then it is history."""
    if entry.billed_at is not None:
        raise ValidationError(BILLED_MESSAGE, code="billed")


def is_running(entry: TimeEntry) -> bool:
    return entry.started_at is not None and entry.ended_at is None


def _check_edit(entry: TimeEntry, data: dict[str, Any]) -> dict[str, Any]:
    """The rules of an edit, checked on the entry as stored before anything is applied.

    Minutes and the date are derived from start and end, and an entry with a start and no end
    is a running timer; an edit must not silently do either:

    * the running timer is refused (stop it first);
    * a start without an end is refused, as when logging an entry;
    * minutes (or a date) that contradict the start and end are refused, not ignored;
    * the agreement follows the ticket: it is derived again when the ticket or company changes.

    Raises ValidationError with field errors; returns the data to pass on.
    """
    check_not_billed(entry)
    if is_running(entry):
        raise ValidationError(RUNNING_MESSAGE, code="running")
    started = data.get("started_at", entry.started_at)
    ended = data.get("ended_at", entry.ended_at)
    if started is not None and ended is None:
        raise ValidationError({"ended_at": "Give both the start and the end, or a duration."})
    if started is not None and ended is not None and ended > started:
        errors: dict[str, str] = {}
        minutes = data.get("minutes")
        if minutes and minutes != int((ended - started).total_seconds() // 60):
            errors["minutes"] = (
                "The duration follows from the start and end: change them, or clear them "
                "to give a duration."
            )
        day = data.get("work_date")
        if day and day != timezone.localtime(started).date():
            errors["work_date"] = "The date follows from the start time."
        if errors:
            raise ValidationError(errors)
    out = dict(data)
    moved = any(
        key in data and getattr(data[key], "pk", None) != getattr(entry, f"{key}_id")
        for key in ("ticket", "company")
    )
    if moved and entry.agreement_id is not None:
        out["agreement"] = None
    return out


@transaction.atomic
def update_entry(actor: User | None, entry: TimeEntry, data: dict[str, Any]) -> TimeEntry:
    """Edit a stopped entry (the running timer is stopped with stop_timer). On a validation
    error nothing is saved."""
    data = _check_edit(entry, data)
    before = audit.snapshot(entry)
    _assign(entry, data)
    _normalise(entry)
    entry.full_clean()
    entry.save()
    audit.record(actor, AuditLog.Action.UPDATE, entry, before, audit.snapshot(entry))
    return entry


@transaction.atomic
def delete_entry(actor: User | None, entry: TimeEntry) -> None:
    check_not_billed(entry)
    before = audit.snapshot(entry)
    audit.record(actor, AuditLog.Action.DELETE, entry, before, {})
    entry.delete()


def running_timer(technician: Technician) -> TimeEntry | None:
    return (
        TimeEntry.objects.select_related("ticket")
        .filter(technician=technician, started_at__isnull=False, ended_at__isnull=True)
        .first()
    )


@transaction.atomic
def start_timer(
    actor: User | None, technician: Technician, ticket: Any = None, note: str = ""
) -> TimeEntry:
    # Lock the technician row so two clicks cannot start two timers.
    Technician.objects.select_for_update().filter(pk=technician.pk).first()
    if running_timer(technician) is not None:
        raise ValidationError({"started_at": "A timer is already running."})
    now = timezone.now().replace(microsecond=0)
    entry = TimeEntry(technician=technician, ticket=ticket, started_at=now, note=note)
    _normalise(entry, running=True)
    entry.full_clean()
    entry.save()
    audit.record(actor, AuditLog.Action.CREATE, entry, {}, audit.snapshot(entry))
    return entry


@transaction.atomic
def stop_timer(actor: User | None, technician: Technician) -> TimeEntry:
    entry = running_timer(technician)
    if entry is None:
        raise ValidationError({"ended_at": "No timer is running."})
    before = audit.snapshot(entry)
    assert entry.started_at is not None
    end = timezone.now().replace(microsecond=0)
    entry.ended_at = max(end, entry.started_at + dt.timedelta(minutes=1))
    _normalise(entry)
    entry.full_clean()
    entry.save()
    audit.record(actor, AuditLog.Action.UPDATE, entry, before, audit.snapshot(entry))
    return entry
