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


def test_at_risk_and_breached_lists_are_the_flagged_tickets(client_for, api_token, maple):
    """The queue's and the API's at-risk and breached filters (open spelled with literal
    statuses, at risk bounded by the resolution clocks still ahead or paused, the API's page
    read by ids first) list exactly the open tickets the SLA flags mark, newest first."""
    Ticket.objects.all().delete()
    now = timezone.now()
    hour = dt.timedelta(hours=1)
    a, b, c, d, e, f = _tickets(maple, 6)
    clocks = {
        # response at risk, resolution clock paused
        a: dict(response_at_risk_at=now - hour, response_due_at=now + hour, **_paused()),
        # resolution at risk, due ahead
        b: dict(resolution_at_risk_at=now - hour, resolution_due_at=now + hour),
        # resolution breached
        c: dict(resolution_at_risk_at=now - 3 * hour, resolution_due_at=now - hour),
        # response breached, resolution ahead and at risk: breached only
        d: dict(
            response_due_at=now - hour,
            resolution_at_risk_at=now - hour,
            resolution_due_at=now + hour,
        ),
        # fine: nothing at risk yet
        e: dict(
            response_at_risk_at=now + hour,
            resolution_at_risk_at=now + hour,
            resolution_due_at=now + 2 * hour,
        ),
    }
    base = dict(responded_at=None, response_due_at=now + 2 * hour, response_at_risk_at=now + hour)
    for pk, times in clocks.items():
        Ticket.objects.filter(pk=pk).update(**(base | times))
    # closed, its clocks as b's: never listed
    Ticket.objects.filter(pk=f).update(status="closed", **(base | clocks[b]))
    flags = {t.pk: (t.is_at_risk, t.is_breached) for t in queries.with_flags(Ticket.objects.all())}
    assert [pk for pk in (a, b, c, d, e, f) if flags[pk][0]] == [a, b]
    assert [pk for pk in (a, b, c, d, e, f) if flags[pk][1]] == [c, d]
    auth = {"Authorization": f"Bearer {api_token('dan')}"}
    api = client_for(None)
    dan = client_for("dan")
    for query, expected in (("at_risk", [b, a]), ("breached", [d, c])):
        body = api.get(f"/api/v1/tickets?{query}=true", headers=auth).json()
        assert [t["id"] for t in body["items"]] == expected and body["count"] == 2
        page = dan.get(f"/desk/queue/?{query}=1").context["page"]
        assert [t.pk for t in page] == expected
    body = api.get("/api/v1/tickets?at_risk=true&page_size=1&page=2", headers=auth).json()
    assert [t["id"] for t in body["items"]] == [a] and body["count"] == 2


def _paused() -> dict[str, None]:
    return {"resolution_due_at": None, "resolution_at_risk_at": None}


def test_api_short_pages_list_their_own_rows(client_for, api_token, maple):
    """A page shorter than the inner select's floor of ids (CappedPages.IDS_AT_LEAST) still
    lists exactly its own tickets, newest first, on every page."""
    Ticket.objects.all().delete()
    pks = _tickets(maple, 5)[::-1]
    auth = {"Authorization": f"Bearer {api_token('dan')}"}
    api = client_for(None)
    for size in (1, 2, 3):
        got = []
        for number in range(1, 7):
            body = api.get(f"/api/v1/tickets?page_size={size}&page={number}", headers=auth)
            if body.status_code == 404:  # ninja: past the last page
                break
            items = [t["id"] for t in body.json()["items"]]
            assert len(items) <= size and body.json()["count"] == 5
            got += items
            if len(items) < size:
                break
        assert got == pks, size
