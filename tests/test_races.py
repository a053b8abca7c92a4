"""Issue 15 items 4 and 5: concurrent writes from real threads with their own connections
(transactional_db: rows are committed). CI runs this on SQLite and PostgreSQL.

On SQLite the test database is in-memory with a shared cache, where a second writer gets
"database table is locked" at once instead of waiting out the busy timeout; the threads retry
that error as the timeout does in production. On PostgreSQL nothing is retried: the row locks
and the unique index make the second transaction wait or fail."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sweetspot.clients import services as client_services
from sweetspot.clients.models import Company
from sweetspot.core.models import Role, User
from sweetspot.core.testing import at_once
from sweetspot.desk import time_services
from sweetspot.desk.models import TimeEntry
from sweetspot.team.models import Technician

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_database_refuses_a_second_active_company_of_the_same_name():
    Company.objects.create(name="Harbor Dental")
    with pytest.raises(IntegrityError), transaction.atomic():
        Company.objects.create(name="harbor dental")
    archived = Company.objects.create(name="Old Co", archived_at=timezone.now())
    Company.objects.create(name="OLD CO")  # an archived company's name may be reused
    assert archived.pk


def test_two_creates_of_one_company_at_once_make_one():
    results = at_once(
        *[
            (lambda: client_services.create_company(None, {"name": "Same Name Ltd"}))
            for _ in range(4)
        ]
    )
    made = [r for r in results if isinstance(r, Company)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 1 and len(refused) == 3, results
    assert all(r.message_dict["name"] == [client_services.DUPLICATE_NAME] for r in refused)
    assert Company.objects.filter(name__iexact="same name ltd").count() == 1


def test_an_integrity_error_on_the_name_is_a_field_error(monkeypatch):
    """The race the pre-check cannot see (PostgreSQL, both checked before either inserted):
    the unique index answers, and the service turns it into a field error."""
    Company.objects.create(name="Raced Co")
    real_filter = Company.objects.filter

    def blind_filter(*args: Any, **kwargs: Any) -> Any:
        if "name__iexact" in kwargs:
            return real_filter(pk__in=[])
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Company.objects, "filter", blind_filter)
    with pytest.raises(ValidationError) as exc:
        client_services.create_company(None, {"name": "RACED CO"})
    assert exc.value.message_dict["name"] == [client_services.DUPLICATE_NAME]


def test_restoring_a_company_whose_name_is_taken_is_refused():
    old = Company.objects.create(name="Twin", archived_at=timezone.now())
    Company.objects.create(name="twin")
    with pytest.raises(ValidationError) as exc:
        client_services.restore_company(None, old)
    assert "already exists" in exc.value.message_dict["name"][0]


def test_two_overlapping_time_entries_at_once_for_one_technician_keep_one():
    tara = Technician.objects.create(name="Tara Tran", bill_rate=Decimal("100.00"))
    harbor = Company.objects.create(name="Harbor Dental", status="client")
    olivia = User.objects.create_user("olivia", password="x", role=Role.OWNER)
    start = timezone.make_aware(dt.datetime(2026, 11, 3, 9, 0))
    data = {
        "technician": tara,
        "company": harbor,
        "started_at": start,
        "ended_at": start + dt.timedelta(hours=1),
        "billable": True,
    }
    results = at_once(*[(lambda: time_services.log_entry(olivia, dict(data))) for _ in range(4)])
    made = [r for r in results if isinstance(r, TimeEntry)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 1 and len(refused) == 3, results
    assert TimeEntry.objects.filter(technician=tara).count() == 1


# --------------------------------------------------------------------------- item 4


def _ticket() -> tuple[Any, Technician, User]:
    from sweetspot.desk import services as desk_services

    olivia = User.objects.create_user("olivia", password="x", role=Role.OWNER)
    harbor = Company.objects.create(name="Harbor Dental", status="client")
    ravi = Technician.objects.create(name="Ravi Rao", bill_rate=Decimal("120.00"))
    ticket = desk_services.open_ticket(
        olivia, {"company": harbor, "subject": "Printer", "priority": "P3"}
    )
    return ticket, ravi, olivia


def test_an_edit_and_an_assign_at_once_both_stay():
    """Issue 15 item 4: a PATCH of the description and an assign at the same moment both
    answered 200 and the description was lost (services saved whole rows read before the
    transaction). Each thread works from its own copy read before either wrote."""
    from sweetspot.desk import services as desk_services
    from sweetspot.desk.models import Ticket

    ticket, ravi, olivia = _ticket()
    for round_ in range(5):
        Ticket.objects.filter(pk=ticket.pk).update(technician=None, status="new")
        stale_a = Ticket.objects.get(pk=ticket.pk)
        stale_b = Ticket.objects.get(pk=ticket.pk)
        text = f"New description {round_}"
        results = at_once(
            partial(desk_services.update_ticket, olivia, stale_a, {"description": text}),
            partial(desk_services.assign, olivia, stale_b, ravi),
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        fresh = Ticket.objects.get(pk=ticket.pk)
        assert fresh.description == text and fresh.technician_id == ravi.pk


def test_a_stale_edit_form_is_refused_with_a_clear_message():
    """The page's form carries the version it was opened at; a save after someone else's
    change is refused (nothing saved) instead of writing the form's old values back."""
    from django.test import Client

    from sweetspot.desk import services as desk_services

    ticket, ravi, olivia = _ticket()
    dan = User.objects.create_user("dan", password="x", role=Role.DISPATCHER)
    browser = Client()
    browser.force_login(dan)
    page = browser.get(f"/desk/tickets/{ticket.pk}/edit/").content.decode()
    version = desk_services.version_of(ticket)
    assert f'name="version" value="{version}"' in page
    desk_services.update_ticket(olivia, ticket, {"description": "Olivia's note"})
    form = {
        "subject": "Printer (edited)",
        "description": "",
        "priority": "P3",
        "estimate_hours": "1",
        "version": version,
        "skills-TOTAL_FORMS": "0",
        "skills-INITIAL_FORMS": "0",
    }
    r = browser.post(f"/desk/tickets/{ticket.pk}/edit/", form)
    assert r.status_code == 200 and "Someone else changed this ticket" in r.content.decode()
    ticket.refresh_from_db()
    assert ticket.description == "Olivia's note" and ticket.subject == "Printer"
    form["version"] = desk_services.version_of(ticket)
    form["description"] = "Olivia's note"
    r = browser.post(f"/desk/tickets/{ticket.pk}/edit/", form)
    assert r.status_code == 302
    ticket.refresh_from_db()
    assert ticket.subject == "Printer (edited)" and ticket.description == "Olivia's note"


def test_a_transaction_saving_two_tickets_and_an_edit_of_the_second_both_commit():
    """The engine cache's tokens are written after commit (core.engine_cache): when they were
    written inside the transaction, the first save held the "tickets" token's row lock to
    the end, so a transaction that had saved ticket A and then saved B (batch accept) and a
    concurrent edit that had saved B and then wanted the token deadlocked on PostgreSQL,
    and one of them failed. Now both commit, whatever the interleaving."""
    import threading

    from sweetspot.desk.models import Ticket

    company = Company.objects.create(name="Lock Co")
    a = Ticket.objects.create(company=company, subject="A", created_at=timezone.now())
    b = Ticket.objects.create(company=company, subject="B", created_at=timezone.now())
    first_saved, second_saved = threading.Event(), threading.Event()

    def batch() -> str:
        with transaction.atomic():
            ticket = Ticket.objects.get(pk=a.pk)
            ticket.subject = "A, batch"
            ticket.save()
            first_saved.set()
            second_saved.wait(2)  # the edit holds B now (or is stuck behind a token lock)
            time.sleep(0.2)
            other = Ticket.objects.get(pk=b.pk)
            other.priority = "P1"
            other.save()
        return "batch"

    def edit() -> str:
        first_saved.wait(5)
        with transaction.atomic():
            ticket = Ticket.objects.get(pk=b.pk)
            ticket.subject = "B, edited"
            ticket.save()
            second_saved.set()
        return "edit"

    assert at_once(batch, edit) == ["batch", "edit"]
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.subject, b.subject, b.priority) == ("A, batch", "B, edited", "P1")
