"""Database invariants hold even against raw writes that skip the services (a bulk loader, a
bug): each test tries to break one with a plain ORM write or SQL and expects the database to
refuse."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from sweetspot.desk.models import Ticket, TimeEntry, Visit
from sweetspot.team.models import Subcontractor, Technician

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(full_demo):
    return {
        "tara": Technician.objects.get(user__username="tara"),
        "quill": Subcontractor.objects.get(company_name__startswith="Quill"),
    }


def refused(write) -> None:  # noqa: ANN001
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_a_ticket_is_not_assigned_to_a_technician_and_a_subcontractor(people):
    ticket = Ticket.objects.filter(technician__isnull=True, subcontractor__isnull=True).first()
    assert ticket is not None
    refused(
        lambda: Ticket.objects.filter(pk=ticket.pk).update(
            technician=people["tara"], subcontractor=people["quill"]
        )
    )
    # Either one alone is fine.
    Ticket.objects.filter(pk=ticket.pk).update(technician=people["tara"])
    assert Ticket.objects.get(pk=ticket.pk).technician_id == people["tara"].pk


def test_a_time_entry_has_exactly_one_worker(people, harbor):
    day = timezone.localdate()
    refused(lambda: TimeEntry.objects.create(company=harbor, work_date=day, minutes=30))
    refused(
        lambda: TimeEntry.objects.create(
            technician=people["tara"],
            subcontractor=people["quill"],
            company=harbor,
            work_date=day,
            minutes=30,
        )
    )
    entry = TimeEntry.objects.create(
        subcontractor=people["quill"], company=harbor, work_date=day, minutes=30
    )
    assert entry.pk and entry.technician_id is None


def test_a_time_entry_ends_after_it_starts(people, harbor):
    start = timezone.now().replace(microsecond=0) - dt.timedelta(hours=3)
    refused(
        lambda: TimeEntry.objects.create(
            technician=people["tara"],
            company=harbor,
            work_date=start.date(),
            started_at=start,
            ended_at=start,
        )
    )
    refused(
        lambda: TimeEntry.objects.create(
            technician=people["tara"],
            company=harbor,
            work_date=start.date(),
            started_at=start,
            ended_at=start - dt.timedelta(minutes=5),
        )
    )


def test_one_running_timer_per_technician(people, harbor):
    TimeEntry.objects.filter(technician=people["tara"], ended_at__isnull=True).exclude(
        started_at__isnull=True
    ).delete()
    start = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=20)
    TimeEntry.objects.create(
        technician=people["tara"], company=harbor, work_date=start.date(), started_at=start
    )
    refused(
        lambda: TimeEntry.objects.create(
            technician=people["tara"],
            company=harbor,
            work_date=start.date(),
            started_at=start + dt.timedelta(minutes=1),
        )
    )
    # Finished entries and dated durations are not timers: any number of them.
    TimeEntry.objects.create(
        technician=people["tara"], company=harbor, work_date=start.date(), minutes=15
    )
    TimeEntry.objects.create(
        technician=people["tara"], company=harbor, work_date=start.date(), minutes=15
    )


def test_a_visit_ends_after_it_starts(people, harbor):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    refused(
        lambda: Visit.objects.create(
            company=harbor,
            technician=people["tara"],
            starts_at=start,
            ends_at=start,
            purpose="Raw write",
        )
    )
