"""seed_desk: demo tickets, time entries and visits; idempotent."""

from __future__ import annotations

import pytest

from sweetspot.core.models import AuditLog
from sweetspot.desk.models import Ticket, TicketStatus, TimeEntry, Visit
from sweetspot.desk.seed import seed_desk


@pytest.mark.django_db
def test_seed_desk_creates_history_and_is_idempotent(full_demo):
    # full_demo already ran seed_desk through _seed_delivery.
    tickets = Ticket.objects.count()
    assert tickets >= 250
    assert TimeEntry.objects.count() >= 250
    assert TimeEntry.objects.filter(billable=True).exists()
    assert {"remote", "phone", "onsite"} <= set(
        TimeEntry.objects.values_list("work_type", flat=True)
    )
    assert Ticket.objects.filter(company__status="client").values("company").distinct().count() == 8
    assert Ticket.objects.filter(priority__in=["P1", "P2"]).exists()
    assert Ticket.objects.filter(status__in=["resolved", "closed"]).count() >= 250
    unassigned = Ticket.objects.filter(
        status=TicketStatus.NEW, technician__isnull=True, subcontractor__isnull=True
    )
    assert unassigned.count() >= 3
    assert Ticket.objects.filter(status=TicketStatus.WAITING).exists()
    assert (
        not Ticket.objects.filter(resolution_due_at__isnull=True)
        .exclude(status=TicketStatus.WAITING)
        .exists()
    )
    assert Visit.objects.exists()
    assert AuditLog.objects.filter(object_repr__startswith="seed_desk:").count() == 1
    assert seed_desk() == {}
    assert Ticket.objects.count() == tickets


@pytest.mark.django_db
def test_batch_page_on_demo_data(full_demo, client_for):
    from sweetspot.core.models import Firm

    firm = Firm.current()
    firm.dispatch_time_limit_seconds = 2
    firm.save()
    resp = client_for("dan").get("/desk/batch/")
    assert resp.status_code == 200
    assert resp.context["preview"].rows
