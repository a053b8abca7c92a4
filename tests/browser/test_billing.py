"""Olivia previews this month's billing run (the demo prepares it: December when the demo is
seeded on 1 December 2026), edits Harbor Dental's draft, issues it, downloads its PDF and
credits one line — in a real browser. Hana then finds the invoice in the portal."""

from __future__ import annotations

import io

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from .conftest import login


def test_olivia_prepares_issues_and_credits_an_invoice(page: Page, demo_live: str, shot):
    from sweetspot.billing.models import CreditNote, Invoice

    draft = Invoice.objects.get(company__name="Harbor Dental", status="draft")
    login(page, demo_live, "olivia")
    page.get_by_role("link", name="Billing", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Prepare invoices for")
    card = page.locator(f"#draft-{draft.pk}")
    expect(card).to_contain_text("Harbor Dental")
    expect(card).to_contain_text("monthly fee")
    card.locator("details.work summary").first.click()  # the entries behind a line
    shot(page, "billing-run-preview")

    card.get_by_role("link", name="Review and issue").click()
    expect(page.locator("h1")).to_contain_text("Draft invoice")
    discount = page.locator("#add-discount")
    discount.locator("input[name=description]").fill("Loyalty discount")
    discount.locator("input[name=amount]").fill("50")
    discount.get_by_role("button", name="Add discount").click()
    expect(page.locator("table.lines")).to_contain_text("Loyalty discount")
    add = page.locator("#add-line")
    add.locator("input[name=description]").fill("Cable run to reception")
    add.locator("input[name=quantity]").fill("1")
    add.locator("input[name=rate]").fill("85")
    add.get_by_role("button", name="Add line").click()
    expect(page.locator("table.lines")).to_contain_text("Cable run to reception")
    shot(page, "billing-draft-edited")

    page.get_by_role("button", name="Issue invoice").click()
    expect(page.locator(".messages")).to_contain_text("Issued as INV-")
    draft.refresh_from_db()
    assert draft.status == "issued" and draft.number
    expect(page.locator("h1")).to_contain_text(f"Invoice {draft.number}")
    shot(page, "billing-invoice-issued")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    pdf = download.value
    data = open(pdf.path(), "rb").read()  # noqa: SIM115 - a one-shot read of a temp file
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert f"Invoice {draft.number}" in text and "Harbor Dental" in text
    assert "Loyalty discount" in text and "Included hours" in text

    line = draft.lines.get(description="Cable run to reception")
    page.locator(f"tr[data-line='{line.pk}'] input[type=checkbox]").check()
    page.locator("#credit-form input[name=reason]").fill("Cable run was under warranty")
    page.get_by_role("button", name="Credit the ticked lines").click()
    note = CreditNote.objects.get(invoice=draft)
    expect(page.locator("h1")).to_contain_text(f"Credit note {note.number}")
    expect(page.locator("main")).to_contain_text("Cable run to reception")
    shot(page, "billing-credit-note")
    assert note.total == line.amount + line.tax

    page.goto(f"{demo_live}/billing/invoices/")
    expect(page.locator("#invoice-rows")).to_contain_text(draft.number)
    shot(page, "billing-invoice-list")
    page.goto(f"{demo_live}/billing/items/")
    expect(page.locator("#item-list")).to_contain_text("APC Smart-UPS 1500VA")
    shot(page, "billing-items")
    agreement = draft.lines.filter(agreement__isnull=False).first().agreement
    page.goto(f"{demo_live}/agreements/{agreement.pk}/")
    expect(page.locator(f"#hours-left-{agreement.pk}")).to_contain_text("left")
    shot(page, "billing-agreement-hours-left")


def test_hana_reads_harbor_invoices_in_the_portal(page: Page, demo_live: str, shot):
    from sweetspot.billing.models import Invoice

    issued = Invoice.objects.filter(company__name="Harbor Dental", status="issued").first()
    maple = Invoice.objects.filter(company__name="Maple Law").exclude(status="draft").first()
    login(page, demo_live, "hana")
    page.get_by_role("link", name="Invoices", exact=True).click()  # the nav link
    expect(page.locator("#invoice-rows")).to_contain_text(issued.number)
    expect(page.locator("#invoice-rows")).not_to_contain_text("Maple Law")
    page.get_by_role("link", name=issued.number).click()
    expect(page.locator("h1")).to_contain_text(issued.number)
    shot(page, "billing-portal-invoice")
    response = page.goto(f"{demo_live}/billing/invoices/{maple.pk}/")
    assert response is not None and response.status == 404
    page.goto(f"{demo_live}/agreements/mine/")
    expect(page.locator("main")).to_contain_text("included hours used")
    shot(page, "billing-portal-hours-left")
