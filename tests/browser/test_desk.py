"""Dan assigns the suggested technician with one click; Hana opens a ticket in the portal."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import login


def test_dan_assigns_the_first_suggestion_with_one_click(page: Page, demo_live: str, shot):
    from sweetspot.clients.models import Company
    from sweetspot.core.models import User
    from sweetspot.desk import services
    from sweetspot.desk.models import Ticket
    from sweetspot.team.models import Technician

    # The worked example on the demo as seeded: Tara (entry level, Outlook/Exchange 2).
    tara = Technician.objects.get(user__username="tara")
    ticket = services.open_ticket(
        User.objects.get(username="dan"),
        {
            "company": Company.objects.get(name="Harbor Dental"),
            "subject": "Outlook keeps asking for the password",
            "extra_requirements": {"outlook-exchange-admin": 2},
        },
    )
    login(page, demo_live, "dan")
    page.goto(f"{demo_live}/desk/tickets/{ticket.pk}/")
    first = page.locator("ol.suggestions > li").first
    expect(first).to_contain_text(tara.name)
    expect(first).to_contain_text("Outlook/Exchange administration 2 ≥ 2")
    shot(page, "desk-suggestions")
    first.get_by_role("button", name=f"Assign {tara.name}").click()
    expect(page.locator("#ticket-assignee")).to_have_text(tara.name)
    expect(page.locator("#ticket-status")).to_have_text("Assigned")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.technician_id == tara.pk


def test_hana_opens_a_ticket_in_the_portal_and_sees_it_listed(page: Page, demo_live: str, shot):
    from sweetspot.desk.models import Ticket

    login(page, demo_live, "hana")
    page.goto(f"{demo_live}/desk/portal/")
    page.get_by_role("link", name="Open a ticket").click()
    page.get_by_label("Subject").fill("Front desk scanner offline")
    page.get_by_label("Priority").select_option("P2")
    page.get_by_role("button", name="Open ticket").click()
    expect(page.locator("h1")).to_contain_text("Front desk scanner offline")
    page.get_by_role("link", name="All tickets").click()
    expect(page.locator("table")).to_contain_text("Front desk scanner offline")
    shot(page, "desk-portal-list")
    ticket = Ticket.objects.get(subject="Front desk scanner offline")
    assert ticket.company.name == "Harbor Dental" and ticket.source == "portal"
