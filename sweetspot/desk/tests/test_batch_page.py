"""Batch dispatch page and API: preview within capacity, accept assigns with audit, roles."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sweetspot.core.models import AuditLog, Firm
from sweetspot.desk import batch_views, loaders, services
from sweetspot.desk.models import Ticket, TicketStatus
from sweetspot.team.models import Skill, Technician, TechnicianSkill


@pytest.fixture
def queue(demo, personas, maple):
    firm = Firm.current()
    firm.dispatch_time_limit_seconds = 2
    firm.save()
    skill = Skill.objects.create(name="Mail", slug="mail", group="desktop")
    techs = []
    for name, hours in (("Tess", "5"), ("Uma", "3")):
        tech = Technician.objects.create(name=name, weekly_capacity_hours=Decimal(hours))
        TechnicianSkill.objects.create(technician=tech, skill=skill, proficiency=3)
        techs.append(tech)
    tickets = [
        services.open_ticket(
            personas["dan"],
            {
                "company": maple,
                "subject": f"Mail issue {i}",
                "priority": "P2" if i < 2 else "P4",
                "estimate_hours": Decimal(2),
                "extra_requirements": {"mail": 2},
            },
        )
        for i in range(6)
    ]
    Skill.objects.create(name="COBOL", slug="cobol", group="development")
    nobody = services.open_ticket(
        personas["dan"],
        {"company": maple, "subject": "Mainframe", "extra_requirements": {"cobol": 5}},
    )
    return techs, tickets, nobody


@pytest.mark.django_db
def test_preview_lists_assignments_within_capacity(queue, client_for):
    techs, tickets, nobody = queue
    resp = client_for("dan").get("/desk/batch/")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "Mail issue 0" in body and "Nobody qualified" in body
    assert "Nobody qualified has the hours left" in body and "no_capacity" not in body
    assert "Greedy baseline" in body and "few hundred" in body
    preview = resp.context["preview"]
    # 5 h + 3 h of capacity, 2 h tickets: 2 + 1 fit.
    assert len(preview.rows) == 3
    per_person: dict[str, Decimal] = {}
    for row in preview.rows:
        per_person[row["person_id"]] = per_person.get(row["person_id"], 0) + row["hours"]
    free = {p.id: p.free_hours for p in preview.people}
    assert all(hours <= free[pid] for pid, hours in per_person.items())
    assert preview.plan.unassigned[str(nobody.pk)] == "no_qualified"
    # The two P2 tickets are planned first.
    assert {str(tickets[0].pk), str(tickets[1].pk)} <= set(preview.plan.assignments)
    assert preview.plan.total_cost <= preview.greedy.total_cost or len(
        preview.plan.assignments
    ) > len(preview.greedy.assignments)


@pytest.mark.django_db
def test_accept_assigns_and_audits(queue, client_for):
    before = AuditLog.objects.filter(object_type="desk.Ticket").count()
    resp = client_for("olivia").post("/desk/batch/accept/", follow=True)
    assert resp.status_code == 200
    assert "3 tickets assigned" in resp.content.decode()
    assigned = Ticket.objects.filter(status=TicketStatus.ASSIGNED)
    assert assigned.count() == 3
    assert all(t.technician_id for t in assigned)
    assert AuditLog.objects.filter(object_type="desk.Ticket").count() == before + 3


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["tara", "sam", "hana", "milo"])
def test_other_roles_get_404(queue, client_for, who):
    assert client_for(who).get("/desk/batch/").status_code == 404
    assert client_for(who).post("/desk/batch/accept/").status_code == 404
    assert not Ticket.objects.filter(status=TicketStatus.ASSIGNED).exists()


@pytest.mark.django_db
def test_api_preview_and_accept(queue, client_for):
    client = client_for("dan")
    resp = client.post("/api/v1/dispatch/batch/preview")
    assert resp.status_code == 200, resp.content
    data = resp.json()
    assert len(data["assignments"]) == 3 and data["solver"]["status"]
    assert "greedy" in data
    resp = client.post("/api/v1/dispatch/batch/accept")
    assert resp.status_code == 200 and resp.json() == {"assigned": 3}
    assert client_for("tara").post("/api/v1/dispatch/batch/preview").status_code == 404


def test_engine_tickets_carry_sla_minutes(queue):
    from django.utils import timezone

    tickets = batch_views.unassigned_queue()
    etickets = loaders.engine_tickets(tickets, timezone.now())
    assert all(t.sla_minutes_left is not None for t in etickets)
    assert etickets[0].requires == {"mail": 2}
