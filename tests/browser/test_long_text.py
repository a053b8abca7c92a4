"""Long unbroken text wraps (issue 14 item 12): an unbroken word as long as a ticket's subject
may be (limits.NAME, the column's size on PostgreSQL too) and a 5,000-character one in its
description and comments never widen the page, on a desktop and on a 390×844 phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .conftest import login

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
WORD = "Unbroken" * 625  # 5,000 characters, no space


@pytest.fixture
def long_ticket(demo_live: str):  # noqa: ANN201
    from sweetspot.clients.models import Company
    from sweetspot.core import limits
    from sweetspot.core.models import User
    from sweetspot.desk import services

    harbor = Company.objects.get(name="Harbor Dental")
    ticket = services.open_ticket(
        None, {"company": harbor, "subject": WORD[: limits.NAME], "description": WORD}
    )
    services.add_comment(User.objects.get(username="dan"), ticket, WORD * 2, internal=False)
    hana = User.objects.get(username="hana")
    services.add_comment(hana, ticket, "See " + WORD, internal=False)
    return ticket


def _fits(page: Page, viewport: dict[str, int]) -> None:
    page.wait_for_load_state("networkidle")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert inner == viewport["width"]
    assert scroll <= inner, f"{page.url} at {inner}px is {scroll}px wide"
    assert page.get_by_text(WORD[:40], exact=False).first.is_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_long_words_wrap_on_staff_and_portal_pages(browser, demo_live, long_ticket, viewport, shot):  # noqa: ANN001
    phone = viewport is PHONE
    for username, paths in (
        ("dan", [f"/desk/tickets/{long_ticket.pk}/", "/desk/queue/", "/"]),
        ("hana", [f"/desk/portal/{long_ticket.pk}/", "/desk/portal/"]),
    ):
        context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
        page = context.new_page()
        login(page, demo_live, username)
        for path in paths:
            page.goto(f"{demo_live}{path}")
            _fits(page, viewport)
        shot(page, f"long-text-{username}-{'phone' if phone else 'desktop'}")
        context.close()


def test_the_check_sees_a_page_widened_by_a_long_word(browser, demo_live, long_ticket):  # noqa: ANN001
    """Control: with the wrapping rules switched off the same ticket page is wider than the
    window, so the test above would catch their loss."""
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    login(page, demo_live, "dan")
    page.goto(f"{demo_live}/desk/tickets/{long_ticket.pk}/")
    page.add_style_tag(content="main, main * { overflow-wrap: normal !important; }")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll > page.evaluate("window.innerWidth")
    context.close()
