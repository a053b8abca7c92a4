"""Editing a ticket after it is opened: page, API, extra required skills and SLA recompute."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from sweetspot.clients.models import Site
from sweetspot.core.models import AuditLog
from sweetspot.desk import loaders, services
from sweetspot.desk.models import Ticket
from sweetspot.team.models import Skill, Technician

UTC = dt.UTC
MONDAY_10 = dt.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 10:00 in New York


@pytest.fixture
def skill(demo):
    return Skill.objects.create(name="Fax servers", slug="fax-servers", group="desktop")


def _open(actor, company, priority="P3", now=MONDAY_10):
    return services.open_ticket(
        actor, {"company": company, "subject": "Scanner slow", "priority": priority}, now=now
    )


def _form(ticket, **overrides):
    data = {
        "subject": ticket.subject,
        "description": ticket.description,
        "priority": ticket.priority,
        "service": ticket.service_id or "",
        "estimate_hours": str(ticket.estimate_hours),
        "site": ticket.site_id or "",
        "contact": ticket.contact_id or "",
        "skills-TOTAL_FORMS": "2",
        "skills-INITIAL_FORMS": "0",
        "skills-MIN_NUM_FORMS": "0",
        "skills-MAX_NUM_FORMS": "12",
        "skills-0-skill": "",
        "skills-0-minimum": "2",
        "skills-1-skill": "",
        "skills-1-minimum": "2",
    }
    data.update({k: str(v) for k, v in overrides.items()})
    return data


@pytest.mark.django_db
def test_priority_change_recomputes_sla_like_a_ticket_opened_at_that_priority(
    firm, personas, maple
):
    maple.agreements.all().delete()
    ticket = _open(personas["dan"], maple, "P4")
    reference = _open(personas["dan"], maple, "P1")
    assert ticket.response_due_at != reference.response_due_at
    services.update_ticket(personas["dan"], ticket, {"priority": "P1"})
    ticket.refresh_from_db()
    assert ticket.priority == "P1"
    assert (ticket.response_target_minutes, ticket.resolution_target_minutes) == (
        reference.response_target_minutes,
        reference.resolution_target_minutes,
    )
    assert ticket.response_due_at == reference.response_due_at
    assert ticket.resolution_due_at == reference.resolution_due_at
    row = AuditLog.objects.filter(object_type="desk.Ticket", object_id=str(ticket.pk)).latest("pk")
    assert row.changes["priority"] == ["P4", "P1"]


@pytest.mark.django_db
def test_extra_requirements_are_validated(demo, personas, maple, skill):
    ticket = _open(personas["dan"], maple)
    with pytest.raises(ValidationError) as exc:
        services.update_ticket(personas["dan"], ticket, {"extra_requirements": {"cobol": 3}})
    assert "extra_requirements" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.update_ticket(personas["dan"], ticket, {"extra_requirements": {skill.slug: 9}})
    assert "1 to 5" in " ".join(exc.value.message_dict["extra_requirements"])
    ticket.refresh_from_db()
    assert ticket.extra_requirements == {}
    services.update_ticket(personas["dan"], ticket, {"extra_requirements": {skill.slug: 3}})
    ticket.refresh_from_db()
    assert ticket.extra_requirements == {skill.slug: 3}


@pytest.mark.django_db
def test_opening_with_an_unknown_skill_is_refused(demo, personas, maple):
    with pytest.raises(ValidationError) as exc:
        services.open_ticket(
            personas["dan"],
            {"company": maple, "subject": "x", "extra_requirements": {"no-such-skill": 2}},
        )
    assert "extra_requirements" in exc.value.message_dict
    assert not Ticket.objects.filter(subject="x").exists()


@pytest.mark.django_db
def test_edit_page_adds_a_skill_and_dispatch_follows(full_demo, personas, client_for, harbor):
    ticket = _open(personas["dan"], harbor)
    before = {s.person_id for s, _ in loaders.suggestions(ticket)}
    dan = client_for("dan")
    page = dan.get(f"/desk/tickets/{ticket.pk}/edit/")
    assert page.status_code == 200 and "Extra required skills" in page.content.decode()
    response = dan.post(
        f"/desk/tickets/{ticket.pk}/edit/",
        _form(ticket, **{"skills-0-skill": "firewalls", "skills-0-minimum": "4"}),
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.extra_requirements == {"firewalls": 4}
    after = loaders.suggestions(ticket)
    assert after and {s.person_id for s, _ in after} < before
    for _, person in after:
        assert person.skills.get("firewalls", 0) >= 4
    detail = dan.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "Firewalls ≥ 4" in detail
    # Drop the skill again by clearing the row.
    initial = {"skills-INITIAL_FORMS": "1", "skills-0-skill": "", "skills-0-minimum": "4"}
    assert dan.post(f"/desk/tickets/{ticket.pk}/edit/", _form(ticket, **initial)).status_code == 302
    ticket.refresh_from_db()
    assert ticket.extra_requirements == {}


@pytest.mark.django_db
def test_edit_page_field_errors_change_nothing(demo, personas, client_for, maple, harbor, skill):
    ticket = _open(personas["dan"], maple)
    other_site = Site.objects.filter(company=harbor).first()
    assert other_site is not None
    tara = client_for("tara")
    cases = [
        ({"estimate_hours": "-1"}, "estimate_hours"),
        ({"subject": ""}, "subject"),
        ({"site": other_site.pk}, "site"),
    ]
    for overrides, field in cases:
        response = tara.post(f"/desk/tickets/{ticket.pk}/edit/", _form(ticket, **overrides))
        assert response.status_code == 200, field
        assert field in response.context["form"].errors
    twice = {
        "skills-0-skill": skill.slug,
        "skills-1-skill": skill.slug,
    }
    response = tara.post(f"/desk/tickets/{ticket.pk}/edit/", _form(ticket, **twice))
    assert response.status_code == 200
    assert "listed twice" in " ".join(response.context["formset"].non_form_errors())
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.subject, fresh.estimate_hours, fresh.site_id, fresh.extra_requirements) == (
        ticket.subject,
        ticket.estimate_hours,
        ticket.site_id,
        {},
    )


@pytest.mark.django_db
def test_closed_ticket_is_not_editable(demo, personas, client_for, maple):
    ticket = _open(personas["dan"], maple)
    tech = Technician.objects.create(name="Closer")
    services.assign(personas["dan"], ticket, tech)
    services.resolve(personas["dan"], ticket)
    services.close(personas["dan"], ticket)
    with pytest.raises(ValidationError):
        services.update_ticket(personas["dan"], ticket, {"subject": "Changed"})
    response = client_for("dan").post(
        f"/desk/tickets/{ticket.pk}/edit/", _form(ticket, subject="Changed")
    )
    assert response.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).subject == "Scanner slow"


@pytest.mark.django_db
def test_api_patch_ticket(demo, personas, maple, harbor, skill, api_token):
    from django.test import Client

    def api(user):
        return Client(HTTP_AUTHORIZATION=f"Bearer {api_token(user)}")

    ticket = _open(personas["dan"], maple, "P4")
    url = f"/api/v1/tickets/{ticket.pk}"
    ok = api("tara").patch(
        url,
        {"priority": "P2", "extra_requirements": {skill.slug: 3}, "estimate_hours": "2.5"},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["priority"] == "P2" and body["extra_requirements"] == {skill.slug: 3}
    assert Decimal(body["estimate_hours"]) == Decimal("2.5")
    ticket.refresh_from_db()
    assert ticket.response_target_minutes == services.sla_targets(None, "P2")[0]

    other_site = Site.objects.filter(company=harbor).first()
    assert other_site is not None
    bad = [
        ({"extra_requirements": {"cobol": 3}}, "extra_requirements"),
        ({"site_id": other_site.pk}, "site_id"),
        ({"subject": None}, "subject"),
        ({"service_id": 999999}, "service_id"),
        ({"company_id": harbor.pk}, "company_id"),
    ]
    for payload, field in bad:
        r = api("dan").patch(url, payload, content_type="application/json")
        assert r.status_code == 422, (payload, r.content)
        assert field in r.content.decode()
    for user in ("sam", "hana", "milo"):
        r = api(user).patch(url, {"subject": "Mine now"}, content_type="application/json")
        assert r.status_code == 404, user
    ticket.refresh_from_db()
    assert ticket.subject == "Scanner slow" and ticket.extra_requirements == {skill.slug: 3}


@pytest.mark.django_db
def test_client_contacts_do_not_set_dispatch_requirements(demo, personas, skill, api_token):
    from django.test import Client

    hana = Client(HTTP_AUTHORIZATION=f"Bearer {api_token('hana')}")
    for extra in ({"extra_requirements": {skill.slug: 3}}, {"service_id": 1}):
        r = hana.post(
            "/api/v1/tickets",
            {"subject": "Printer", **extra},
            content_type="application/json",
        )
        assert r.status_code == 422 and next(iter(extra)) in r.content.decode(), extra
    assert not Ticket.objects.filter(subject="Printer").exists()
    ok = hana.post("/api/v1/tickets", {"subject": "Printer"}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["extra_requirements"] == {}
