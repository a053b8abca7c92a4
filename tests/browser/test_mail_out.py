"""Mail out (#17) in a real browser: Dan puts Tara on the rota and on call today with a swap,
the queue says so; Hana opens a ticket in the portal and her acknowledgement goes out."""

from __future__ import annotations

from django.core import mail
from playwright.sync_api import Page, expect

from .conftest import login


def test_dan_swaps_tara_on_call_and_the_queue_shows_it(page: Page, demo_live: str, shot):
    from sweetspot.team.models import Technician

    login(page, demo_live, "dan")
    page.goto(f"{demo_live}/mail/rota/")
    expect(page.locator("#rota-now")).to_contain_text("Ravi Rao")
    page.locator("#add-member select[name=technician]").select_option(label="Tara Tran")
    page.get_by_role("button", name="Add to the rota").click()
    expect(page.locator("#rota-members")).to_contain_text("Tara Tran")
    assert Technician.objects.get(name="Tara Tran").on_call  # the rota is the source
    page.locator("#add-swap select[name=technician]").select_option(label="Tara Tran")
    page.locator("#add-swap input[name=note]").fill("Ravi at a client dinner")
    page.get_by_role("button", name="Add swap").click()
    expect(page.locator("#rota-now")).to_contain_text("Tara Tran")
    shot(page, "mail-rota")
    page.goto(f"{demo_live}/desk/queue/")
    expect(page.locator("#on-call-now")).to_contain_text("Tara Tran")


def test_hana_gets_her_acknowledgement(page: Page, demo_live: str, shot):
    mail.outbox = []
    login(page, demo_live, "hana")
    page.goto(f"{demo_live}/desk/portal/new/")
    page.get_by_label("Subject").fill("Scanner offline")
    page.get_by_role("button", name="Open ticket").click()
    expect(page.locator("h1")).to_contain_text("Scanner offline")
    expect(page.locator("#ticket-sent-mail")).to_contain_text("Acknowledgement")
    shot(page, "mail-portal-ticket")
    acks = [m for m in mail.outbox if "We have your request" in m.subject]
    assert len(acks) == 1 and acks[0].to == ["hana@harbordental.example"]
    assert acks[0].extra_headers["Auto-Submitted"] == "auto-replied"
