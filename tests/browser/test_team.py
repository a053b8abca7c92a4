"""Olivia accepts "train Maya for …" from the gap analysis and finds it on Maya's page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import login


def test_olivia_accepts_a_training_remedy_and_sees_it_on_the_technicians_page(
    page: Page, demo_live: str, shot
):
    from sweetspot.catalog.models import PlanItem
    from sweetspot.team.models import Technician

    maya = Technician.objects.get(name="Maya Ortiz")
    login(page, demo_live, "olivia")
    page.goto(f"{demo_live}/catalog/gaps/")
    remedy = page.locator("ol.remedies li", has_text=re.compile(r"Train Maya")).first
    expect(remedy).to_be_visible()
    text = remedy.inner_text()
    remedy.get_by_role("link", name="Accept").click()
    form = remedy.locator("form")
    expect(form).to_be_visible()
    form.get_by_role("button", name="Add to plan").click()
    expect(remedy).to_contain_text("In plan")
    shot(page, "team-gap-accepted")

    item = PlanItem.objects.get(technician=maya)
    assert item.kind == "train" and item.certification_id is not None
    assert item.certification.code in text

    page.goto(f"{demo_live}/team/technicians/{maya.pk}/")
    plan = page.locator("#plan-items")
    expect(plan).to_contain_text(item.description)
    expect(plan).to_contain_text("Open")
    shot(page, "team-maya-plan")
