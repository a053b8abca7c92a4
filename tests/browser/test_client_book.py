"""The client book in a real browser: create a company with a site and a contact, live
search, field errors, and a client contact's scoped view."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import login


def test_owner_builds_a_company_and_finds_it_by_live_search(
    page: Page, demo_live: str, shot
) -> None:
    base = demo_live
    login(page, base, "olivia")

    page.get_by_role("link", name="Clients", exact=True).click()
    expect(page.get_by_role("heading", name="Client book")).to_be_visible()
    expect(page.locator("#company-rows")).to_contain_text("Harbor Dental")
    shot(page, "01-olivia-company-list")

    page.get_by_role("link", name="New company").click()
    expect(page.get_by_role("heading", name="New company")).to_be_visible()
    page.fill("#id_name", "Brook Street Optometry")
    page.select_option("#id_status", "client")
    page.fill("#id_industry", "Optometry")
    page.fill("#id_pcs", "17")
    page.fill("#id_servers", "1")
    page.fill("#id_site_count", "1")
    page.fill("#id_annual_revenue", "1800000")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/clients/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Brook Street Optometry")
    expect(page.locator(".messages")).to_contain_text("Brook Street Optometry created.")
    expect(page.locator("#sites")).to_contain_text("No sites yet.")

    # Add a site through the htmx inline form.
    page.locator("#sites").get_by_role("button", name="Add site").click()
    site_form = page.locator("#site-form form")
    expect(site_form).to_be_visible()
    expect(site_form).to_contain_text("New site for Brook Street Optometry")
    site_form.locator("[name=name]").fill("Main office")
    site_form.locator("[name=street]").fill("12 Brook Street")
    site_form.locator("[name=city]").fill("Riverton")
    site_form.locator("[name=pcs]").fill("17")
    site_form.get_by_role("button", name="Save").click()
    sites = page.locator("#sites")
    expect(sites.locator("tbody")).to_contain_text("Main office")
    expect(sites.locator("tbody")).to_contain_text("12 Brook Street, Riverton")
    expect(sites).not_to_contain_text("No sites yet.")
    expect(page.locator("#site-form form")).to_have_count(0)

    # Add a contact the same way.
    page.locator("#contacts").get_by_role("button", name="Add contact").click()
    contact_form = page.locator("#contact-form form")
    expect(contact_form).to_be_visible()
    contact_form.locator("[name=name]").fill("Bea Brook")
    contact_form.locator("[name=email]").fill("bea@brookstreet.example")
    contact_form.locator("[name=role]").fill("Practice manager")
    contact_form.get_by_role("button", name="Save").click()
    contacts = page.locator("#contacts")
    expect(contacts.locator("tbody")).to_contain_text("Bea Brook")
    expect(contacts.locator("tbody")).to_contain_text("bea@brookstreet.example")
    expect(page.locator("#contact-form form")).to_have_count(0)

    # Both survive a reload (they were really saved, not just swapped in).
    page.reload()
    expect(page.locator("#sites tbody")).to_contain_text("Main office")
    expect(page.locator("#contacts tbody")).to_contain_text("Bea Brook")
    shot(page, "02-olivia-company-detail")

    # Live search in the client book.
    page.get_by_role("link", name="Clients", exact=True).click()
    rows = page.locator("#company-rows")
    expect(rows).to_contain_text("Harbor Dental")
    page.get_by_role("searchbox", name="Search", exact=True).press_sequentially("Brook", delay=50)
    expect(rows.locator("tbody")).to_contain_text("Brook Street Optometry")
    expect(rows.locator("tbody")).not_to_contain_text("Harbor Dental")
    # "Brookfield Nonprofit Alliance" (demo data) matches too; Harbor Dental must not.
    expect(rows.locator("tbody tr")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"[?&]q=Brook"))
    row = rows.locator("tbody tr", has_text="Brook Street Optometry")
    expect(row).to_contain_text("Client")
    expect(row.locator("td.num").first).to_have_text("17")
    shot(page, "03-olivia-search-brook")


def test_new_company_without_a_name_shows_a_field_error(page: Page, demo_live: str, shot) -> None:
    from sweetspot.clients.models import Company

    before = Company.objects.count()
    login(page, demo_live, "olivia")
    page.goto(f"{demo_live}/clients/new/")
    page.fill("#id_pcs", "5")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/clients/new/$"))
    name_field = page.locator(".field", has=page.locator("#id_name"))
    expect(name_field).to_have_class(re.compile(r"\bhas-error\b"))
    expect(name_field.locator("#id_name-error")).to_have_text("This field is required.")
    # The error sits with the name field, and no other field complains.
    expect(page.locator("p.error")).to_have_count(1)
    expect(page.locator("#id_pcs")).to_have_value("5")
    shot(page, "04-olivia-empty-name-error")
    assert Company.objects.count() == before


def test_client_contact_sees_only_their_own_company(page: Page, demo_live: str, shot) -> None:
    from sweetspot.clients.models import Company

    harbor = Company.objects.get(name="Harbor Dental")
    maple = Company.objects.get(name="Maple Law")

    login(page, demo_live, "hana")
    # A client contact's company page is the client's view (/my-company/), never the firm's
    # record of them.
    expect(page).to_have_url(f"{demo_live}/my-company/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Harbor Dental")
    nav = page.locator("header nav")
    expect(nav.get_by_role("link", name="My company")).to_be_visible()
    expect(nav.get_by_role("link", name="Clients", exact=True)).to_have_count(0)
    # A client contact reads but does not edit.
    expect(page.get_by_role("button", name="Add site")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Maple Law")
    shot(page, "05-hana-harbor-dental")

    # The client book and Harbor's record both lead back to the client's view.
    page.goto(f"{demo_live}/clients/")
    expect(page).to_have_url(f"{demo_live}/my-company/")
    page.goto(f"{demo_live}/clients/{harbor.pk}/")
    expect(page).to_have_url(f"{demo_live}/my-company/")
    expect(page.locator("main")).not_to_contain_text("Maple Law")
    shot(page, "06-hana-client-book")

    response = page.goto(f"{demo_live}/clients/{maple.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Maple Law")
