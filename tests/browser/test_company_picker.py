"""The queue's client filter is a company picker (issue 18): Dan types part of a name, picks
the company (by mouse, then by keyboard), the queue shows only its tickets, and the choice
survives a reload."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from .conftest import login


def _rows_clients(page: Page) -> set[str]:
    return set(page.locator("#ticket-rows tbody td[data-label=Client]").all_inner_texts())


def _type_client(page: Page, typed: str, name: str) -> tuple[Locator, Locator]:
    """Click the Client picker, type ``typed`` key by key and wait until the option
    ``name`` shows; returns the list and that option."""
    box = page.get_by_role("combobox", name="Client")
    box.click()
    box.press_sequentially(typed, delay=40)
    listbox = page.get_by_role("listbox")
    option = listbox.get_by_role("option", name=name)
    expect(option).to_be_visible()
    return listbox, option


def test_dan_filters_the_queue_by_typing_part_of_a_client_name(page: Page, demo_live: str, shot):
    from sweetspot.clients.models import Company

    harbor = Company.objects.get(name="Harbor Dental")
    maple = Company.objects.get(name="Maple Law")
    login(page, demo_live, "dan")
    page.goto(f"{demo_live}/desk/queue/")
    assert len(_rows_clients(page)) > 1  # several clients before filtering

    listbox, option = _type_client(page, "arbor d", "Harbor Dental")
    expect(listbox.get_by_role("option")).to_have_count(2)  # "Any client", Harbor Dental
    shot(page, "queue-company-picker")
    option.click()
    expect(page).to_have_url(re.compile(rf"client={harbor.pk}\b"))
    expect(listbox).to_be_hidden()
    expect(page.locator("#ticket-rows tbody tr").first).to_contain_text("Harbor Dental")
    assert _rows_clients(page) == {"Harbor Dental"}

    # A reload keeps the filter and shows the company's name in the box.
    page.reload()
    expect(page.get_by_role("combobox", name="Client")).to_have_value("Harbor Dental")
    assert _rows_clients(page) == {"Harbor Dental"}
    shot(page, "queue-filtered-by-company")

    # Keyboard only: clear, type, arrow down to the match, Enter.
    box = page.get_by_role("combobox", name="Client")
    box.fill("")
    box.press_sequentially("maple", delay=40)
    # Wait for this answer: Maple Law listed, and only it (after "Any client").
    listbox = page.get_by_role("listbox")
    expect(listbox.get_by_role("option", name="Maple Law")).to_be_visible()
    expect(listbox.get_by_role("option")).to_have_count(2)
    box.press("ArrowDown")  # "Any client"
    box.press("ArrowDown")  # Maple Law
    expect(box).to_have_attribute("aria-activedescendant", f"queue-client-options-{maple.pk}")
    box.press("Enter")
    expect(page).to_have_url(re.compile(rf"client={maple.pk}\b"))
    expect(page.locator("#ticket-rows tbody tr").first).to_contain_text("Maple Law")
    assert _rows_clients(page) == {"Maple Law"}

    # Escape closes the list; "Any client" clears the filter.
    box.press("ArrowDown")
    expect(page.get_by_role("listbox")).to_be_visible()
    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    box.fill("")
    expect(page).to_have_url(re.compile(r"client=(&|$)"))
    other = page.locator("#ticket-rows tbody td[data-label=Client]", has_not_text="Maple Law")
    expect(other.first).to_be_visible()


def test_dan_opens_a_ticket_picking_the_client_then_one_of_its_sites(
    page: Page, demo_live: str, shot
):
    """The new-ticket form's client is the same picker (clients.widgets): picking it fills
    the site and contact lists with that company's own, and the ticket opens for it."""
    from sweetspot.clients.models import Company, Site
    from sweetspot.desk.models import Ticket

    harbor = Company.objects.get(name="Harbor Dental")
    site = Site.objects.filter(company=harbor).order_by("name").first()
    assert site is not None
    login(page, demo_live, "dan")
    page.goto(f"{demo_live}/desk/tickets/new/")
    sites = page.get_by_label("Site", exact=True)
    expect(sites.locator("option[value]:not([value=''])")).to_have_count(0)  # none yet

    listbox, option = _type_client(page, "harb", "Harbor Dental")
    expect(listbox.get_by_role("option")).to_have_count(1)  # the answer to "harb"
    shot(page, "ticket-form-company-picker")
    option.click()
    expect(listbox).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/desk/tickets/new/$"))  # picking submits nothing
    sites = page.get_by_label("Site", exact=True)
    expect(sites.locator(f"option[value='{site.pk}']")).to_have_count(1)
    expect(sites.locator("option[value]:not([value=''])")).to_have_count(
        Site.objects.filter(company=harbor).count()
    )
    sites.select_option(str(site.pk))
    page.get_by_label("Subject", exact=True).fill("Scanner offline")
    shot(page, "ticket-form-company-picked")
    page.get_by_role("button", name="Open ticket").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Scanner offline")
    ticket = Ticket.objects.get(subject="Scanner offline")
    assert (ticket.company_id, ticket.site_id) == (harbor.pk, site.pk)
