"""Olivia drafts an agreement for Maple Law, sees the what-if flag a shortfall, changes the
plan and signs it — in a real browser. The team, services and plans the story needs are made
here, so it holds whether or not the team and catalog demo seeds have run."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import login


def test_olivia_checks_a_draft_before_signing_it(page: Page, demo_live: str, shot):
    from sweetspot.agreements.models import Agreement
    from sweetspot.agreements.tests.test_pages import make_plan, make_team
    from sweetspot.clients.models import Company

    team = make_team()  # Agr mainframe care: nobody can deliver it
    legacy = make_plan("Legacy Care", [team["desktop"], team["mainframe"]], fee="1600.00")
    office = make_plan("Office Care", [team["desktop"]], fee="1400.00")
    maple = Company.objects.get(name="Maple Law")
    login(page, demo_live, "olivia")

    page.goto(f"{demo_live}/agreements/new/")
    page.select_option("select[name=company]", str(maple.pk))
    page.select_option("select[name=plan]", str(legacy.pk))
    page.fill("input[name=start_date]", "2026-12-01")
    page.fill("input[name=end_date]", "2027-11-30")
    page.get_by_role("button", name="Save draft").click()

    what_if = page.locator("#what-if")
    expect(what_if.get_by_test_id("what-if-verdict")).to_contain_text("Signing adds 1 shortfall")
    expect(page.locator("#what-if-new")).to_contain_text("Nobody can deliver Agr mainframe care")
    expect(page.get_by_test_id("status")).to_have_text("Draft")
    shot(page, "agreements-what-if-shortfall")

    page.get_by_role("link", name="Edit draft").click()
    page.select_option("select[name=plan]", str(office.pk))
    page.get_by_role("button", name="Save draft").click()
    expect(what_if.get_by_test_id("what-if-verdict")).to_contain_text("No new shortfalls")
    expect(page.get_by_test_id("fee")).to_contain_text("$1,400.00 per month")
    shot(page, "agreements-what-if-clean")

    page.get_by_role("button", name="Activate (sign)").click()
    expect(page.get_by_test_id("status")).to_have_text("Active")
    expect(page.locator(".messages")).to_contain_text("Signed")
    expect(page.locator("#promise")).to_be_visible()
    expect(page.locator("#terms")).to_contain_text("Signed terms")
    shot(page, "agreements-signed")

    agreement = Agreement.objects.get(company=maple, plan=office)
    assert agreement.status == "active"
    assert agreement.terms["plan_name"] == "Office Care"
    assert [s["name"] for s in agreement.terms["services"]] == ["Agr desktop support"]
