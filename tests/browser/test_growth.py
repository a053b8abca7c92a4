"""Sam qualifies two prospects and wins an opportunity, in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import login


def test_sam_qualifies_prospects_and_wins_an_opportunity(page: Page, demo_live: str, shot):
    from sweetspot.clients.models import Company
    from sweetspot.growth.models import Opportunity

    fern = Company.objects.get(name="Fern Bakery")
    harbor = Company.objects.get(name="Harbor Dental")
    login(page, demo_live, "sam")

    page.goto(f"{demo_live}/clients/{fern.pk}/")
    page.get_by_role("link", name=re.compile("Open assessment|Assess")).click()
    card = page.locator("#result-card")
    expect(card.get_by_test_id("segment")).to_have_text("micro")
    expect(card.get_by_test_id("verdict")).to_have_text("not a fit")
    expect(card).to_contain_text("PCs is a micro business")
    shot(page, "growth-fern")

    page.goto(f"{demo_live}/growth/companies/{harbor.pk}/assess/")
    expect(card.get_by_test_id("segment")).to_have_text("sweet spot")
    expect(card.get_by_test_id("verdict")).to_have_text("ready")
    expect(card).to_contain_text("22 PCs is in the sweet spot")
    # the what-if recomputes live: drop to 6 PCs and the segment turns micro
    page.fill("input[name=pcs]", "6")
    expect(card.get_by_test_id("segment")).to_have_text("micro")
    shot(page, "growth-harbor-what-if")

    page.goto(f"{demo_live}/growth/pipeline/")
    opp = Opportunity.objects.get(company__name="Lakeside Manufacturing")
    form = page.locator(f"#opp-{opp.pk} form.move")
    form.locator("select[name=stage]").select_option("won")
    dialogs: list[str] = []

    def accept(dialog):  # noqa: ANN001
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)  # winning asks first (issue 14 item 13)
    form.get_by_role("button", name="Move").click()
    won_column = page.locator("#board")
    expect(won_column).to_contain_text("Won")
    expect(page.locator(f"#opp-{opp.pk}")).to_contain_text("Won")
    shot(page, "growth-pipeline-won")
    page.wait_for_load_state("networkidle")
    opp.refresh_from_db()
    assert opp.stage == "won"
    assert dialogs and "as won?" in dialogs[0]
    assert Company.objects.get(name="Lakeside Manufacturing").status == "client"
