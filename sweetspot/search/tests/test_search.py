"""Search from the header (issue 14 item 6): tickets by number and words, companies, contacts
and sites, scoped like every list; the index follows inserts, edits and deletes."""

from __future__ import annotations

import pytest

from sweetspot.clients.models import Company
from sweetspot.desk import services as desk_services
from sweetspot.desk.models import Ticket
from sweetspot.search.queries import search

pytestmark = pytest.mark.django_db


def _ticket(actor, company, subject, description=""):
    return desk_services.open_ticket(
        actor, {"company": company, "subject": subject, "description": description}
    )


def test_words_find_tickets_by_subject_and_description(personas, harbor, maple):
    dan = personas["dan"]
    a = _ticket(dan, harbor, "Plotter jams on A1 sheets", "The Zyxel switch reboots too")
    b = _ticket(dan, maple, "Quarterly backup restore test")
    found = search(dan, "plott")  # a word prefix
    assert [t.pk for t in found["tickets"]] == [a.pk]
    assert [t.pk for t in search(dan, "zyxel switch")["tickets"]] == [a.pk]
    assert search(dan, "zyxel backup")["tickets"] == []  # every word must match
    assert [t.pk for t in search(dan, f"#{b.pk}")["tickets"]][0] == b.pk
    assert [t.pk for t in search(dan, str(b.pk))["tickets"]][0] == b.pk
    # Edits and deletes reach the index.
    desk_services.update_ticket(dan, a, {"subject": "Large-format printer fixed"})
    assert search(dan, "plotter")["tickets"] == []
    assert [t.pk for t in search(dan, "large format")["tickets"]] == [a.pk]
    Ticket.objects.filter(pk=b.pk).delete()
    assert search(dan, "quarterly")["tickets"] == []


def test_companies_contacts_and_sites(personas, harbor):
    found = search(personas["dan"], "harbor")
    assert harbor in found["companies"]
    hana = search(personas["dan"], "hana")
    assert any(c.company_id == harbor.pk for c in hana["contacts"])
    site = harbor.sites.first()
    assert site in search(personas["dan"], site.name)["sites"]


def test_search_is_scoped_like_every_list(personas, harbor, maple):
    dan = personas["dan"]
    mine = _ticket(dan, harbor, "Hana's scanner is offline")
    theirs = _ticket(dan, maple, "Milo's scanner is offline")
    hana = search(personas["hana"], "scanner")
    assert [t.pk for t in hana["tickets"]] == [mine.pk]
    assert search(personas["hana"], f"#{theirs.pk}")["tickets"] == []
    assert all(c.pk == harbor.pk for c in search(personas["hana"], "a")["companies"])
    assert Company.objects.filter(name__icontains="maple").exists()
    assert search(personas["hana"], "maple")["companies"] == []


def test_odd_input_never_errors(personas):
    for text in ['"', "*", "AND OR NOT", "(", "#", "'; DROP TABLE desk_ticket; --", "x" * 500, ""]:
        found = search(personas["dan"], text)
        assert isinstance(found["tickets"], list)


def test_header_search_page(client_for, personas, harbor):
    ticket = _ticket(personas["dan"], harbor, "Keyboard sticky keys")
    page = client_for("dan").get("/").content.decode()
    assert 'role="search"' in page and 'action="/search/"' in page
    r = client_for("dan").get("/search/", {"q": f"#{ticket.pk}"})
    assert r.status_code == 200 and f"/desk/tickets/{ticket.pk}/" in r.content.decode()
    r = client_for("hana").get("/search/", {"q": "keyboard"})
    assert f"/desk/portal/{ticket.pk}/" in r.content.decode()
