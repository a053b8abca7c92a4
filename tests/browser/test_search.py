"""Dan searches a ticket number from the header box and lands on the ticket (issue 14 item 6)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import login


def test_dan_searches_a_ticket_number_from_the_header(page: Page, demo_live: str, shot):
    from sweetspot.desk.models import Ticket

    ticket = Ticket.objects.order_by("pk")[3]
    login(page, demo_live, "dan")
    box = page.get_by_role("searchbox", name="Search tickets, companies, contacts and sites")
    box.fill(f"#{ticket.pk}")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.locator("#search-tickets")
    expect(results).to_contain_text(f"#{ticket.pk} {ticket.subject}")
    shot(page, "search-results")
    results.get_by_role("link", name=f"#{ticket.pk} {ticket.subject}").first.click()
    page.wait_for_url(f"**/desk/tickets/{ticket.pk}/")
    expect(page.locator("h1")).to_contain_text(ticket.subject)
