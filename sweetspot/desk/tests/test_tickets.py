"""Ticket services: SLA stored on create, pause/resume, transitions, dispatch on the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sweetspot.core.models import AuditLog
from sweetspot.desk import loaders, services
from sweetspot.desk.models import Ticket, TicketStatus
from sweetspot.team.models import Technician

UTC = dt.UTC
# Monday 2026-03-02 10:00 in New York (EST, UTC-5) = 15:00 UTC.
MONDAY_10 = dt.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def _open(actor, company, priority="P2", now=MONDAY_10, **extra):
    data = {"company": company, "subject": "Printer jammed", "priority": priority, **extra}
    return services.open_ticket(actor, data, now=now)


@pytest.mark.django_db
def test_sla_stored_on_create_with_firm_defaults(firm, personas, maple):
    maple.agreements.all().delete()
    ticket = _open(personas["dan"], maple, "P2")
    assert (ticket.response_target_minutes, ticket.resolution_target_minutes) == (240, 960)
    # 240 business minutes from Monday 10:00 -> Monday 14:00 local = 19:00 UTC.
    assert ticket.response_due_at == dt.datetime(2026, 3, 2, 19, 0, tzinfo=UTC)
    # 75 % of 240 = 180 min -> 13:00 local.
    assert ticket.response_at_risk_at == dt.datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
    # 960 min = 16 h: 7 h Monday (10-17), 9 h Tuesday (8-17) -> Tuesday 17:00 = 22:00 UTC.
    assert ticket.resolution_due_at == dt.datetime(2026, 3, 3, 22, 0, tzinfo=UTC)
    assert ticket.status == TicketStatus.NEW
    assert AuditLog.objects.filter(object_type="desk.Ticket", object_id=str(ticket.pk)).exists()


@pytest.mark.django_db
def test_sla_from_active_agreement_terms(full_demo, firm, personas, harbor):
    from sweetspot.agreements.services import terms_of

    ticket = _open(personas["dan"], harbor, "P1")
    assert ticket.agreement is not None
    terms = terms_of(ticket.agreement)
    assert ticket.response_target_minutes == terms["response_minutes"]["P1"]
    assert ticket.resolution_target_minutes == terms["resolution_minutes"]["P1"]


@pytest.mark.django_db
def test_pause_and_resume_move_the_resolution_due(firm, personas, maple):
    maple.agreements.all().delete()
    dan = personas["dan"]
    ticket = _open(dan, maple, "P2")
    tech = Technician.objects.create(name="Tess")
    services.assign(dan, ticket, tech, now=MONDAY_10 + dt.timedelta(minutes=30))
    assert ticket.responded_at is None  # an assignment is not a response
    assert ticket.status == TicketStatus.ASSIGNED
    services.start_work(dan, ticket, now=MONDAY_10 + dt.timedelta(hours=1))
    assert ticket.responded_at is None
    services.wait_on_client(dan, ticket, now=MONDAY_10 + dt.timedelta(hours=1))
    assert ticket.responded_at == MONDAY_10 + dt.timedelta(hours=1)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING
    assert ticket.resolution_due_at is None and ticket.resolution_at_risk_at is None
    # Waiting two business hours pushes resolution due back by two hours.
    services.resume(dan, ticket, now=MONDAY_10 + dt.timedelta(hours=3))
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.IN_PROGRESS
    assert ticket.resolution_due_at == dt.datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
    services.resolve(dan, ticket, now=MONDAY_10 + dt.timedelta(hours=4))
    services.close(dan, ticket, now=MONDAY_10 + dt.timedelta(hours=5))
    assert ticket.status == TicketStatus.CLOSED
    with pytest.raises(ValidationError):
        services.resume(dan, ticket)


@pytest.mark.django_db
def test_staff_comment_is_first_response_client_comment_is_not(firm, personas, harbor):
    ticket = _open(personas["hana"], harbor)
    assert ticket.source == "portal" and ticket.company_id == harbor.pk
    c = services.add_comment(personas["hana"], ticket, "Any news?", internal=True)
    assert c.internal is False
    assert ticket.responded_at is None
    services.add_comment(personas["tara"], ticket, "Looking", internal=False, now=MONDAY_10)
    assert ticket.responded_at == MONDAY_10


@pytest.mark.django_db
def test_only_what_the_client_sees_stops_the_response_clock(firm, personas, harbor):
    """Issue 14 item 7 (docs/DOMAIN.md §8): on the demo an internal note stopped the response
    clock. Internal notes, assignment, starting work and system notes do not; a client-visible
    staff comment (a phone call recorded for the client) does."""
    dan, tara = personas["dan"], personas["tara"]
    ticket = _open(personas["hana"], harbor)
    services.add_comment(dan, ticket, "Internal: check the backup first", internal=True)
    services.add_comment(dan, ticket, "Acknowledged automatically", internal=False, response=False)
    services.assign(dan, ticket, Technician.objects.create(name="Tess"))
    services.start_work(tara, ticket)
    ticket.refresh_from_db()
    assert ticket.responded_at is None
    at = MONDAY_10 + dt.timedelta(minutes=20)
    services.add_comment(tara, ticket, "Called Hana: restarting the server now.", False, at)
    ticket.refresh_from_db()
    assert ticket.responded_at == at
    # The first response is kept: later ones do not move it.
    services.add_comment(tara, ticket, "Done.", internal=False, now=at + dt.timedelta(hours=1))
    ticket.refresh_from_db()
    assert ticket.responded_at == at


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["wait_on_client", "resolve"])
def test_staff_status_change_the_client_sees_is_a_response(firm, personas, harbor, change):
    ticket = _open(personas["hana"], harbor)
    services.assign(personas["dan"], ticket, Technician.objects.create(name="Tess"))
    services.start_work(personas["dan"], ticket)
    getattr(services, change)(personas["dan"], ticket, now=MONDAY_10)
    ticket.refresh_from_db()
    assert ticket.responded_at == MONDAY_10


@pytest.mark.django_db
def test_a_status_change_without_a_person_is_no_response(firm, personas, harbor):
    ticket = _open(personas["hana"], harbor)
    services.assign(None, ticket, Technician.objects.create(name="Tess"))
    services.start_work(None, ticket)
    services.wait_on_client(None, ticket, now=MONDAY_10)
    ticket.refresh_from_db()
    assert ticket.responded_at is None


@pytest.mark.django_db
def test_dispatch_worked_example_outlook_at_harbor_suggests_tara(full_demo, personas, harbor):
    """The engine's worked example (tests/test_engine.py) on the seeded demo, as `make run`
    shows it: an Outlook ticket needing outlook-exchange-admin 2 at Harbor Dental goes to
    Tara (entry level, Outlook 2, $85/h), not to Ravi (senior, Outlook 3, $150/h)."""
    tara = Technician.objects.get(name__startswith="Tara")
    ticket = services.open_ticket(
        personas["dan"],
        {
            "company": harbor,
            "subject": "Outlook keeps asking for password",
            "extra_requirements": {"outlook-exchange-admin": 2},
        },
    )
    ranked = loaders.suggestions(ticket)
    assert ranked, "somebody qualifies"
    assert ranked[0][1].name.startswith("Tara")
    names = [person.name for _, person in ranked]
    assert names.index("Ravi Rao") > names.index("Tara Tran")
    client = _login(personas["dan"])
    page = client.get(f"/desk/tickets/{ticket.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Dispatch suggestions" in body and "Outlook/Exchange administration 2 ≥ 2" in body
    first = body.index('data-person="')
    assert f'data-person="{ranked[0][1].id}"' == body[first : first + len(ranked[0][1].id) + 14]
    response = client.post(f"/desk/tickets/{ticket.pk}/assign/", {"person": f"t{tara.pk}"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.technician_id == tara.pk and ticket.status == TicketStatus.ASSIGNED
    assert ticket.responded_at is None  # assigning is not a response (issue 14 item 7)


@pytest.mark.django_db
def test_ticket_create_page(demo, personas, maple):
    client = _login(personas["tara"])
    response = client.post(
        "/desk/tickets/new/",
        {"company": maple.pk, "subject": "VPN down", "source": "phone", "priority": "P1"},
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(subject="VPN down")
    assert ticket.response_due_at is not None and ticket.created_by == personas["tara"]


@pytest.mark.django_db
def test_internal_comments_are_staff_only(demo, personas, harbor):
    ticket = _open(personas["dan"], harbor)
    services.add_comment(personas["dan"], ticket, "secret note", internal=True)
    services.add_comment(personas["dan"], ticket, "public reply", internal=False)
    staff = _login(personas["sam"]).get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "secret note" in staff and "public reply" in staff
    portal = _login(personas["hana"]).get(f"/desk/portal/{ticket.pk}/").content.decode()
    assert "secret note" not in portal and "public reply" in portal


def _login(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_api_tickets_roles_scoping_and_strict_bodies(full_demo, personas, harbor, maple, api_token):
    from django.test import Client

    def api(user):
        return Client(HTTP_AUTHORIZATION=f"Bearer {api_token(user)}")

    dan, hana = api("dan"), api("hana")
    created = dan.post(
        "/api/v1/tickets",
        {"company_id": maple.pk, "subject": "API", "priority": "P1"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["response_due_at"] is not None
    bad = dan.post(
        "/api/v1/tickets",
        {"company_id": maple.pk, "subject": "x", "priority": "P9", "bogus": 1},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert hana.get(f"/api/v1/tickets/{pk}").status_code == 404
    own = hana.post("/api/v1/tickets", {"subject": "Mine"}, content_type="application/json")
    assert own.status_code == 201 and own.json()["company_id"] == harbor.pk
    mine = hana.get("/api/v1/tickets").json()["items"]
    assert "Mine" in [t["subject"] for t in mine]
    assert {t["company_id"] for t in mine} == {harbor.pk}
    suggestions = dan.get(f"/api/v1/tickets/{pk}/suggestions").json()
    assert isinstance(suggestions, list)
    tara = Technician.objects.get(name__startswith="Tara")
    assigned = dan.post(
        f"/api/v1/tickets/{pk}/assign",
        {"person": f"t{tara.pk}"},
        content_type="application/json",
    )
    assert assigned.status_code == 200 and assigned.json()["technician_id"] == tara.pk
    unknown = dan.post(
        f"/api/v1/tickets/{pk}/assign", {"person": "t999999"}, content_type="application/json"
    )
    assert unknown.status_code == 422
    comment = dan.post(
        f"/api/v1/tickets/{pk}/comments", {"body": "hi"}, content_type="application/json"
    )
    assert comment.status_code == 201 and comment.json()["internal"] is True
