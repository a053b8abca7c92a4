"""Ticket lists at a million tickets (issue 18): the count stops at a cap, a page is read
through an inner select of ids, and ties sort by pk in the sort's direction."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sweetspot.api.pagination import CappedPages
from sweetspot.desk import queries, services
from sweetspot.desk.models import Ticket


def _tickets(company, n, same_time=False):
    start = timezone.now() - dt.timedelta(days=1)
    made = []
    for i in range(n):
        t = services.open_ticket(None, {"company": company, "subject": f"T{i}"})
        at = start if same_time else start + dt.timedelta(minutes=i)
        Ticket.objects.filter(pk=t.pk).update(created_at=at)
        made.append(t.pk)
    return made


def test_count_stops_at_the_cap_and_pages_stop_there(demo, maple):
    Ticket.objects.all().delete()
    pks = _tickets(maple, 8)
    qs, _ = queries.sort_tickets(Ticket.objects.all(), "-created")
    paginator = queries.TicketPaginator(qs, 2, decorate=queries.for_list, cap=5)
    assert paginator.count == 6 and paginator.capped and paginator.num_pages == 2
    first = paginator.get_page(1)
    assert [t.pk for t in first] == pks[::-1][:2]
    assert all(hasattr(t, "is_breached") and t.company.name == "Maple Law" for t in first)
    assert [t.pk for t in paginator.get_page(99)] == pks[::-1][2:4]  # the last page there is
    uncapped = queries.TicketPaginator(qs, 3, decorate=queries.for_list, cap=100)
    assert uncapped.count == 8 and not uncapped.capped and uncapped.num_pages == 3
    assert [t.pk for t in uncapped.get_page(3)] == pks[::-1][6:]


def test_ties_sort_by_pk_in_the_direction_of_the_sort(demo, maple):
    Ticket.objects.all().delete()
    pks = _tickets(maple, 4, same_time=True)
    oldest, _ = queries.sort_tickets(Ticket.objects.all(), "created")
    newest, _ = queries.sort_tickets(Ticket.objects.all(), "-created")
    assert list(oldest.values_list("pk", flat=True)) == pks
    assert list(newest.values_list("pk", flat=True)) == pks[::-1]


def test_queue_says_when_the_list_stops(client_for, maple, monkeypatch):
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    _tickets(maple, 5)
    html = client_for("dan").get("/desk/queue/").content.decode()
    assert "More than 3 tickets match" in html


def test_api_count_stops_at_the_cap(client_for, api_token, maple, monkeypatch):
    monkeypatch.setattr(CappedPages, "CAP", 3)
    _tickets(maple, 5)
    c = client_for(None)
    body = c.get(
        "/api/v1/tickets?status=open", headers={"Authorization": f"Bearer {api_token('dan')}"}
    ).json()
    assert body["count"] == 4 and len(body["items"]) >= 4
