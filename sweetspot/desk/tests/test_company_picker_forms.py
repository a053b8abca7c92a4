"""Forms that choose a client use the company picker (issue 18, clients.widgets): the new
ticket, visit and time entry pages no longer list every company, nor every company's sites
and contacts, and the site and contact fields follow the company picked."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sweetspot.clients.models import Company, Contact, Site
from sweetspot.core.testing import mark_mfa_verified
from sweetspot.desk.models import Ticket
from sweetspot.team.models import Technician

PAGES = [("dan", "/desk/tickets/new/"), ("dan", "/visits/new/"), ("tara", "/time/")]


def _options(page: str, field: str) -> set[str]:
    """The values listed by the select named ``field``."""
    match = re.search(rf'<select name="{field}".*?</select>', page, re.S)
    assert match, field
    return set(re.findall(r'<option value="(\d+)"', match.group(0)))


def _book(n: int, tag: str) -> None:
    for i in range(n):
        company = Company.objects.create(name=f"{tag} Co {i}")
        site = Site.objects.create(company=company, name=f"{tag} Site {i}")
        Contact.objects.create(company=company, site=site, name=f"{tag} Person {i}")


def _get(client, url):
    client.get(url)  # cached engine values computed: count the page's own queries
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(ctx.captured_queries)


@pytest.mark.parametrize(("who", "url"), PAGES)
def test_the_form_pages_do_not_grow_with_the_client_book(full_demo, client_for, who, url):
    client = client_for(who)
    mark_mfa_verified(client)
    _book(1, "Small")
    small, small_queries = _get(client, url)
    _book(20, "Large")
    large, large_queries = _get(client, url)
    assert large_queries == small_queries
    for text in ("Large Co 7", "Large Site 7", "Large Person 7", "Small Site 0"):
        assert text not in large, (url, text)
    assert 'role="combobox"' in large and 'name="company"' in large
    assert abs(len(large) - len(small)) < 200  # the CSRF token and the like, not 20 rows


def test_picking_a_company_lists_its_sites_and_contacts_only(full_demo, client_for, harbor, maple):
    dan = client_for("dan")
    page, _ = _get(dan, "/desk/tickets/new/")
    assert 'hx-trigger="change from:#id_company-value"' in page  # site and contact follow
    harbor_site = Site.objects.filter(company=harbor).first()
    maple_site = Site.objects.filter(company=maple).first()
    assert harbor_site is not None and maple_site is not None
    assert _options(page, "site") == set() and _options(page, "contact") == set()
    page, _ = _get(dan, f"/desk/tickets/new/?company={harbor.pk}")
    assert _options(page, "site") == {str(s.pk) for s in Site.objects.filter(company=harbor)}
    assert _options(page, "contact") == {str(c.pk) for c in Contact.objects.filter(company=harbor)}
    assert str(maple_site.pk) not in _options(page, "site")
    assert f'value="{harbor.pk}"' in page and harbor.name in page  # the pick is shown


def test_a_ticket_opened_through_the_picker_and_a_foreign_site_is_refused(
    full_demo, client_for, harbor, maple
):
    dan = client_for("dan")
    harbor_site = Site.objects.filter(company=harbor).first()
    maple_site = Site.objects.filter(company=maple).first()
    base = {"company": harbor.pk, "subject": "Printer jam", "source": "phone", "priority": "P3"}
    refused = dan.post("/desk/tickets/new/", {**base, "site": maple_site.pk})
    assert refused.status_code == 200 and not Ticket.objects.filter(subject="Printer jam")
    assert 'id="id_site-error"' in refused.content.decode()
    assert harbor.name in refused.content.decode()  # the pick survives the error
    done = dan.post("/desk/tickets/new/", {**base, "site": harbor_site.pk})
    assert done.status_code == 302
    ticket = Ticket.objects.get(subject="Printer jam")
    assert (ticket.company_id, ticket.site_id) == (harbor.pk, harbor_site.pk)
    bad = dan.post("/desk/tickets/new/", {**base, "company": "99999999"})
    assert bad.status_code == 200 and 'id="id_company-error"' in bad.content.decode()


def test_editing_a_visit_refreshes_the_sites_for_the_company_picked(
    full_demo, client_for, harbor, maple
):
    dan = client_for("dan")
    tara = Technician.objects.get(user__username="tara")
    made = dan.post(
        "/visits/new/",
        {
            "company": harbor.pk,
            "technician": tara.pk,
            "starts_at": "2026-04-02T09:00",
            "ends_at": "2026-04-02T13:00",
            "purpose": "Picker check",
        },
    )
    assert made.status_code == 302
    url = made["Location"].rstrip("/") + "/edit/"
    harbor_site = Site.objects.filter(company=harbor).first()
    maple_site = Site.objects.filter(company=maple).first()
    page, _ = _get(dan, url)
    assert str(harbor_site.pk) in _options(page, "site")
    assert str(maple_site.pk) not in _options(page, "site")
    page, _ = _get(dan, f"{url}?company={maple.pk}")
    assert str(maple_site.pk) in _options(page, "site")
    assert str(harbor_site.pk) not in _options(page, "site")


def test_a_forms_picker_offers_active_companies_only(full_demo, client_for):
    """The queue's filter finds archived companies too (old tickets); a form's picker asks
    for active ones only, since the form refuses an archived company."""
    from django.utils import timezone

    Company.objects.create(name="Zephyr Old Co", archived_at=timezone.now())
    Company.objects.create(name="Zephyr New Co")
    dan = client_for("dan")
    page, _ = _get(dan, "/desk/tickets/new/")
    assert '"active": "1"' in page
    everything = dan.get("/clients/lookup/", {"q": "zephyr"}).content.decode()
    active = dan.get("/clients/lookup/", {"q": "zephyr", "active": "1"}).content.decode()
    assert "Zephyr Old Co" in everything and "Zephyr New Co" in everything
    assert "Zephyr Old Co" not in active and "Zephyr New Co" in active
