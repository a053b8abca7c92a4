"""desk.loaders: subcontractor capacity, familiarity from recent tickets and visits, the client's
name in the reasons, and a query count that does not grow with the data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sweetspot.desk import batch_views, loaders, services
from sweetspot.desk.models import (
    OPEN_STATUSES,
    Ticket,
    TicketStatus,
    TimeEntry,
    Visit,
    VisitStatus,
)
from sweetspot.team.models import (
    Skill,
    Subcontractor,
    SubcontractorSkill,
    Technician,
    TechnicianSkill,
)

NOW = dt.datetime(2026, 3, 4, 15, 0, tzinfo=dt.UTC)  # a Wednesday


def _by_id(people):
    return {p.id: p for p in people}


def _ticket(actor, company, **data):
    return services.open_ticket(
        actor, {"company": company, "subject": "Help", "priority": "P3", **data}
    )


def _old_ticket(company, days_ago, now=NOW, **data):
    """A closed historical ticket created ``days_ago`` days before ``now``."""
    return Ticket.objects.create(
        company=company,
        subject="Old work",
        status=TicketStatus.CLOSED,
        created_at=now - dt.timedelta(days=days_ago),
        **data,
    )


def _visit(tech, company, days_ago, status=VisitStatus.DONE, now=NOW):
    start = now - dt.timedelta(days=days_ago)
    return Visit.objects.create(
        company=company,
        technician=tech,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
        purpose="On-site half-day",
        status=status,
    )


@pytest.mark.django_db
def test_subcontractor_free_hours_are_capacity_minus_open_estimates(demo, personas, maple):
    dan = personas["dan"]
    sub = Subcontractor.objects.create(company_name="Byte Forge", weekly_capacity_hours=20)
    idle = Subcontractor.objects.create(
        company_name="Idle Co", weekly_capacity_hours=Decimal("7.5")
    )
    key = loaders.person_id("subcontractor", sub.pk)
    assert _by_id(loaders.people(now=NOW))[key].free_hours == Decimal("20.00")

    open_one = _ticket(dan, maple, estimate_hours=Decimal("6.5"))
    services.assign(dan, open_one, sub)
    waiting = _ticket(dan, maple, estimate_hours=Decimal(2))
    services.assign(dan, waiting, sub)
    services.wait_on_client(dan, waiting)
    done = _ticket(dan, maple, estimate_hours=Decimal(9))
    services.assign(dan, done, sub)
    Ticket.objects.filter(pk=done.pk).update(status=TicketStatus.RESOLVED)
    _ticket(dan, maple, estimate_hours=Decimal(4))  # unassigned: nobody's load

    people = _by_id(loaders.people(now=NOW))
    assert people[key].free_hours == Decimal("11.50")  # 20 − 6.5 − 2; resolved work is done
    assert people[loaders.person_id("subcontractor", idle.pk)].free_hours == Decimal("7.50")

    # Time the subcontractor logged this week counts too: on a ticket it also shrinks what is
    # left of its estimate (no change), off a ticket it is simply used.
    week_day = dt.date(2026, 3, 2)
    TimeEntry.objects.create(subcontractor=sub, ticket=open_one, work_date=week_day, minutes=90)
    assert _by_id(loaders.people(now=NOW))[key].free_hours == Decimal("11.50")
    TimeEntry.objects.create(subcontractor=sub, company=maple, work_date=week_day, minutes=120)
    assert _by_id(loaders.people(now=NOW))[key].free_hours == Decimal("9.50")

    big = _ticket(dan, maple, estimate_hours=Decimal(30))
    services.assign(dan, big, sub)
    assert _by_id(loaders.people(now=NOW))[key].free_hours == Decimal("0.00")  # clamped


@pytest.mark.django_db
def test_technician_free_hours_count_open_work_and_visits_ahead(demo, personas, maple):
    """Issue 14 item 8 (docs/DOMAIN.md §8): dispatch showed a technician with ten open tickets as
    40 hours free. Free = capacity − logged this week − remaining estimates of open assigned
    tickets (estimate − hours logged, not below 0) − scheduled visit hours still ahead this
    week."""
    dan = personas["dan"]
    tess = Technician.objects.create(name="Tess", weekly_capacity_hours=40)
    key = loaders.person_id("technician", tess.pk)
    assert _by_id(loaders.people(now=NOW))[key].free_hours == Decimal("40.00")

    a = _ticket(dan, maple, estimate_hours=Decimal(6))
    services.assign(dan, a, tess)
    b = _ticket(dan, maple, estimate_hours=Decimal(3))
    services.assign(dan, b, tess)
    done = _ticket(dan, maple, estimate_hours=Decimal(10))
    services.assign(dan, done, tess)
    Ticket.objects.filter(pk=done.pk).update(status=TicketStatus.RESOLVED)
    entry = {"technician": tess, "company": maple}
    TimeEntry.objects.create(**entry, ticket=a, work_date=dt.date(2026, 3, 2), minutes=120)
    TimeEntry.objects.create(**entry, ticket=a, work_date=dt.date(2026, 2, 25), minutes=60)
    TimeEntry.objects.create(**entry, ticket=b, work_date=dt.date(2026, 3, 3), minutes=300)

    def visit(start: dt.datetime, hours: int, status: str = VisitStatus.SCHEDULED) -> None:
        Visit.objects.create(
            company=maple,
            technician=tess,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=hours),
            purpose="On site",
            status=status,
        )

    visit(NOW + dt.timedelta(days=1), 4)  # Thursday: ahead this week
    visit(NOW - dt.timedelta(hours=1), 2)  # under way: one hour left
    visit(NOW - dt.timedelta(days=2), 4)  # Monday: behind us
    visit(NOW + dt.timedelta(days=2), 4, VisitStatus.CANCELLED)  # never happens
    visit(NOW + dt.timedelta(days=7), 4)  # next week

    # 40 − 7 logged this week − (6 − 3 left on A + 0 on B, never below 0) − 5 visit hours
    assert _by_id(loaders.people(now=NOW))[key].free_hours == Decimal("25.00")


@pytest.mark.django_db
def test_familiarity_counts_recent_visits_and_tickets_only(demo, harbor, maple):
    from sweetspot.clients.models import Company

    fern = Company.objects.get(name="Fern Bakery")
    tess = Technician.objects.create(name="Tess")
    sub = Subcontractor.objects.create(company_name="Byte Forge")
    _visit(tess, harbor, days_ago=30)  # on site a month ago: knows Harbor Dental
    _old_ticket(maple, days_ago=400, technician=tess)  # over a year ago: forgotten
    _visit(tess, fern, days_ago=10, status=VisitStatus.CANCELLED)  # never happened
    _old_ticket(fern, days_ago=179, subcontractor=sub)  # inside the 180 days
    _old_ticket(harbor, days_ago=181, subcontractor=sub)  # just outside

    people = _by_id(loaders.people(now=NOW))
    assert people[loaders.person_id("technician", tess.pk)].clients == {str(harbor.pk)}
    assert people[loaders.person_id("subcontractor", sub.pk)].clients == {str(fern.pk)}

    # Asked about some clients only (the ticket page, the batch queue), only those are looked at.
    _visit(tess, maple, days_ago=5)
    key = loaders.person_id("technician", tess.pk)
    assert _by_id(loaders.people(now=NOW))[key].clients == {str(harbor.pk), str(maple.pk)}
    only = _by_id(loaders.people(now=NOW, company_ids={maple.pk}))
    assert only[key].clients == {str(maple.pk)}
    assert only[loaders.person_id("subcontractor", sub.pk)].clients == frozenset()

    # A visit still to come is not familiarity yet.
    later = Technician.objects.create(name="Uma")
    _visit(later, maple, days_ago=-5, status=VisitStatus.SCHEDULED)
    assert _by_id(loaders.people(now=NOW))[loaders.person_id("technician", later.pk)].clients == (
        frozenset()
    )


@pytest.mark.django_db
def test_reason_names_the_company(demo, personas, harbor):
    skill = Skill.objects.create(name="Mail", slug="mail", group="email")
    tess = Technician.objects.create(name="Tess", bill_rate=Decimal(80))
    uma = Technician.objects.create(name="Uma", bill_rate=Decimal(80))
    for tech in (tess, uma):
        TechnicianSkill.objects.create(technician=tech, skill=skill, proficiency=3)
    _visit(tess, harbor, days_ago=30, now=timezone.now())  # the page loads people as of now
    ticket = _ticket(personas["dan"], harbor, extra_requirements={"mail": 2})

    assert loaders.engine_ticket(ticket).client_name == "Harbor Dental"
    got = loaders.suggestions(ticket)
    assert [p.name for _, p in got] == ["Tess", "Uma"]  # same surplus and rate: familiarity
    (first, _), (second, _) = got
    assert first.familiar and "knows Harbor Dental (recent tickets or visits)" in first.reasons
    assert not second.familiar and "new to Harbor Dental" in second.reasons
    assert not any(f"client {harbor.pk}" in r for r in first.reasons + second.reasons)

    etickets = loaders.engine_tickets(batch_views.unassigned_queue(), timezone.now())
    assert [t.client_name for t in etickets] == ["Harbor Dental"]


@pytest.mark.django_db
def test_suggestions_api_shows_subcontractor_capacity(full_demo, personas, harbor, client_for):
    from sweetspot.catalog.models import Service

    dan = personas["dan"]
    quill = Subcontractor.objects.get(company_name="Quill Data")
    assert quill.weekly_capacity_hours == 20
    sql = Service.objects.get(name="SQL Server development")  # specialist, subcontractable
    ticket = _ticket(dan, harbor, service=sql, estimate_hours=Decimal(3))
    url = f"/api/v1/tickets/{ticket.pk}/suggestions"

    def quill_free() -> Decimal:
        resp = client_for("dan").get(url)
        assert resp.status_code == 200, resp.content
        row = next(s for s in resp.json() if s["id"] == f"s{quill.pk}")
        assert f"{Decimal(row['free_hours']).normalize():f} h free this week" in " ".join(
            row["reasons"]
        )
        return Decimal(row["free_hours"])

    def expected() -> Decimal:
        load = Ticket.objects.filter(subcontractor=quill, status__in=OPEN_STATUSES).aggregate(
            h=Sum("estimate_hours")
        )["h"] or Decimal(0)
        return max(Decimal(20) - load, Decimal(0))

    before = quill_free()
    assert before == expected()
    other = _ticket(dan, harbor, service=sql, estimate_hours=Decimal("2.5"))
    services.assign(dan, other, quill)
    after = quill_free()
    assert after == expected() == max(before - Decimal("2.5"), Decimal(0))


@pytest.mark.django_db
def test_people_query_count_does_not_grow(demo, harbor, maple):
    skill = Skill.objects.create(name="Mail", slug="mail", group="email")

    def grow(n: int) -> int:
        for i in range(n):
            tech = Technician.objects.create(name=f"T{i}")
            TechnicianSkill.objects.create(technician=tech, skill=skill, proficiency=2)
            sub = Subcontractor.objects.create(company_name=f"S{i}")
            SubcontractorSkill.objects.create(subcontractor=sub, skill=skill, proficiency=4)
            _visit(tech, harbor, days_ago=5 + i)
            _old_ticket(maple, days_ago=3 + i, technician=tech)
            Ticket.objects.create(
                company=maple,
                subject="Open",
                status=TicketStatus.ASSIGNED,
                subcontractor=sub,
                estimate_hours=Decimal(i + 1),
                created_at=NOW - dt.timedelta(days=1),
            )
        with CaptureQueriesContext(connection) as ctx:
            loaders.people(now=NOW)
        return len(ctx.captured_queries)

    one = grow(1)
    assert grow(20) == one
