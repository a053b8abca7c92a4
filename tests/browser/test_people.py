"""Olivia invites a technician who sets a password from the e-mailed link and logs in;
Hana resets her password from the login page (issue 14 item 1)."""

from __future__ import annotations

import re

from django.core import mail
from playwright.sync_api import Page, expect

from .conftest import login


def _emailed_link(base_url: str) -> str:
    found = re.search(r"https?://\S+/password/reset/\S+/", mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return found.group(0)


def test_olivia_invites_a_technician_who_sets_a_password_and_logs_in(
    page: Page, demo_live: str, shot
):
    login(page, demo_live, "olivia")
    page.goto(f"{demo_live}/people/")
    shot(page, "people-list")
    page.get_by_role("link", name="Add a staff member").click()
    page.get_by_label("First name").fill("Theo")
    page.get_by_label("Last name").fill("Tran")
    page.get_by_label("E-mail").fill("theo@brightline.example")
    page.get_by_label("Username").fill("theo")
    page.get_by_label("Role").select_option("technician")
    shot(page, "people-invite")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".messages")).to_contain_text("theo@brightline.example")
    expect(page.locator("dl.facts")).to_contain_text("invited, no password yet")
    shot(page, "person-detail")
    assert mail.outbox[-1].to == ["theo@brightline.example"]
    link = _emailed_link(demo_live)
    page.locator("header form button", has_text="Log out").click()

    page.goto(link)
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    page.get_by_label("New password", exact=True).fill("theo-strong-pass-77")
    page.get_by_label("New password confirmation").fill("theo-strong-pass-77")
    shot(page, "password-choose")
    page.get_by_role("button", name="Set the password").click()
    expect(page.get_by_role("heading", name="Your password is set")).to_be_visible()
    page.get_by_role("link", name="Log in").click()
    page.fill("input[name=username]", "theo")
    page.fill("input[name=password]", "theo-strong-pass-77")
    page.click("form.stacked button[type=submit]")
    expect(page.locator("header .who")).to_contain_text("Theo Tran")

    page.goto(link)  # one-time
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()


def test_hana_resets_her_password(page: Page, demo_live: str, shot):
    from sweetspot.core.models import User

    hana = User.objects.get(username="hana")
    page.goto(f"{demo_live}/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(hana.email)
    shot(page, "password-reset")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    link = _emailed_link(demo_live)
    page.goto(link)
    page.get_by_label("New password", exact=True).fill("hana-new-pass-2027")
    page.get_by_label("New password confirmation").fill("hana-new-pass-2027")
    page.get_by_role("button", name="Set the password").click()
    expect(page.get_by_role("heading", name="Your password is set")).to_be_visible()
    page.goto(f"{demo_live}/login/")
    page.fill("input[name=username]", "hana")
    page.fill("input[name=password]", "hana-new-pass-2027")
    page.click("form.stacked button[type=submit]")
    expect(page.locator("header .who")).to_contain_text("Hana")
