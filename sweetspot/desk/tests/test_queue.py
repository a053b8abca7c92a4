"""Queue: at-risk / breached flags are comparisons with now in the query; filters, sort."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import Client
from django.urls import reverse

from sweetspot.desk import queries, services
from sweetspot.desk.models import Ticket

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def _ticket(maple, subject, **times):
    ticket = services.open_ticket(None, {"company": maple, "subject": subject}, now=NOW)
    Ticket.objects.filter(pk=ticket.pk).update(**times)
    return ticket


@pytest.fixture
def three(demo, maple):
    hour = dt.timedelta(hours=1)
    ok = _ticket(
        maple,
        "fine",
        response_due_at=NOW + 4 * hour,
        response_at_risk_at=NOW + 3 * hour,
        resolution_due_at=NOW + 9 * hour,
        resolution_at_risk_at=NOW + 7 * hour,
    )
    risky = _ticket(
        maple,
        "risky",
        response_due_at=NOW + hour,
        response_at_risk_at=NOW - hour,
        resolution_due_at=NOW + 9 * hour,
        resolution_at_risk_at=NOW + 7 * hour,
    )
    late = _ticket(
        maple,
        "late",
        response_due_at=NOW - hour,
        response_at_risk_at=NOW - 2 * hour,
        resolution_due_at=NOW + 9 * hour,
        resolution_at_risk_at=NOW + 7 * hour,
    )
    paused = _ticket(
        maple,
        "paused",
        response_due_at=NOW + 4 * hour,
        response_at_risk_at=NOW + 3 * hour,
        responded_at=NOW,
        resolution_due_at=None,
        resolution_at_risk_at=None,
        status="waiting",
    )
    return {"ok": ok, "risky": risky, "late": late, "paused": paused}


def _subjects(qs):
    return sorted(t.subject for t in qs)


@pytest.mark.django_db
def test_flags_in_the_query(three):
    base = Ticket.objects.all()
    assert _subjects(queries.filter_tickets(base, {"at_risk": "1"}, NOW)) == ["risky"]
    assert _subjects(queries.filter_tickets(base, {"breached": "1"}, NOW)) == ["late"]
    flags = {t.subject: (t.is_at_risk, t.is_breached) for t in queries.with_flags(base, NOW)}
    assert flags == {
        "fine": (False, False),
        "risky": (True, False),
        "late": (False, True),
        "paused": (False, False),
    }
    # A responded ticket is no longer at risk on its response clock.
    Ticket.objects.filter(pk=three["risky"].pk).update(responded_at=NOW)
    assert _subjects(queries.filter_tickets(base, {"at_risk": "1"}, NOW)) == []
    # Later, the resolution clock's at-risk window is reached.
    Ticket.objects.filter(pk=three["ok"].pk).update(responded_at=NOW)
    later = NOW + dt.timedelta(hours=8)
    assert _subjects(queries.filter_tickets(base, {"at_risk": "1"}, later)) == ["fine", "risky"]


@pytest.mark.django_db
def test_at_risk_on_the_index_is_the_same_as_the_clocks_say(demo, maple):
    """``at_risk_now`` (two expressions that ``ticket_open_next_sla`` indexes) picks the very
    tickets "at risk and not breached" picks from the clocks, on every combination of clock
    states: responded or not, and each due and at-risk time missing, past or ahead."""
    hour = dt.timedelta(hours=1)
    times = (None, NOW - hour, NOW + hour)
    first = _ticket(maple, "clocks")
    pks = []
    for n, (responded, r_due, r_risk, s_due, s_risk) in enumerate(
        itertools.product((None, NOW - 2 * hour), times, times, times, times)
    ):
        ticket = first if n == 0 else _ticket(maple, f"clocks {n}")
        Ticket.objects.filter(pk=ticket.pk).update(
            responded_at=responded,
            response_due_at=r_due,
            response_at_risk_at=r_risk,
            resolution_due_at=s_due,
            resolution_at_risk_at=s_risk,
        )
        pks.append(ticket.pk)
    mine = Ticket.objects.filter(pk__in=pks)
    by_clocks = set(
        mine.filter(queries._at_risk(NOW) & ~queries._breached(NOW)).values_list("pk", flat=True)
    )
    by_index = set(mine.filter(*queries.at_risk_now(NOW)).values_list("pk", flat=True))
    assert len(pks) == 162 and 0 < len(by_clocks) < len(pks)
    assert by_index == by_clocks


@pytest.mark.django_db
def test_filters_are_whitelisted(three, maple, harbor):
    base = Ticket.objects.all()
    assert _subjects(queries.filter_tickets(base, {"status": "waiting"}, NOW)) == ["paused"]
    assert queries.filter_tickets(base, {"status": "bogus"}, NOW).count() == 4
    assert queries.filter_tickets(base, {"client": str(harbor.pk)}, NOW).count() == 0
    assert queries.filter_tickets(base, {"client": "1 OR 1=1"}, NOW).count() == 4
    assert queries.filter_tickets(base, {"assignee": "none"}, NOW).count() == 4
    assert queries.filter_tickets(base, {"priority": "P1"}, NOW).count() == 0
    qs, key = queries.sort_tickets(base, "company__contacts__email")
    assert key == queries.DEFAULT_SORT


@pytest.mark.django_db
def test_queue_page_lists_and_filters(three, personas):
    c = Client()
    c.force_login(personas["dan"])
    body = c.get("/desk/queue/?sort=subject").content.decode()
    assert "risky" in body and "late" in body and 'hx-trigger="every 30s"' in body
    part = c.get("/desk/queue/?status=waiting", headers={"HX-Request": "true"}).content.decode()
    assert "paused" in part and "risky" not in part and "<html" not in part


@pytest.mark.django_db
def test_each_queue_row_links_to_its_own_ticket_and_names_client_and_assignee(three, personas):
    """The rows' links are built from one reverse (views._detail_urls) and the rows load
    only the columns they show (queries.LIST_FIELDS): each link still opens its own
    ticket, and the client and assignee still show."""
    from sweetspot.team.models import Technician

    tech = Technician.objects.create(name="Queue Row Tech")
    services.assign(personas["dan"], three["risky"], tech)
    c = Client()
    c.force_login(personas["dan"])
    body = c.get(f"/desk/queue/?client={three['ok'].company_id}").content.decode()
    for ticket in three.values():
        link = f'<a href="{reverse("desk:ticket_detail", args=[ticket.pk])}">{ticket.subject}</a>'
        assert link in body
    assert "Queue Row Tech" in body and three["ok"].company.name in body
    page = c.get(reverse("desk:ticket_detail", args=[three["late"].pk]))
    assert page.status_code == 200 and "late" in page.content.decode()


@pytest.mark.django_db
def test_my_tickets_only_mine(demo, personas, maple):
    from sweetspot.team.models import Technician

    tara = personas["tara"]
    tech = Technician.objects.filter(user=tara).first() or Technician.objects.create(
        name="Tara T", user=tara
    )
    mine = services.open_ticket(None, {"company": maple, "subject": "mine"})
    services.assign(personas["dan"], mine, tech)
    services.open_ticket(None, {"company": maple, "subject": "someone else's"})
    c = Client()
    c.force_login(tara)
    body = c.get("/desk/mine/").content.decode()
    assert "mine" in body and "someone else" not in body


def test_countdown_text():
    assert queries.countdown(NOW + dt.timedelta(minutes=125), NOW) == "2 h 5 min left"
    assert queries.countdown(NOW - dt.timedelta(minutes=40), NOW) == "overdue by 40 min"
    assert queries.countdown(None, NOW) == "paused"


def test_clock_text_after_the_clock_stops():
    due = NOW + dt.timedelta(minutes=60)
    assert queries.clock_text(due, None, NOW) == queries.countdown(due, NOW)
    assert queries.clock_text(due, NOW, NOW, "resolved") == "resolved"
    late = due + dt.timedelta(minutes=90)
    assert queries.clock_text(due, late, NOW, "responded") == "responded late by 1 h 30 min"
