"""Billing pages: the run preview, an invoice's life (edit, issue, credit) through the
views, the PDF's text (read with pypdf), items, hours left on the agreement and portal."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from sweetspot.billing import services
from sweetspot.billing.models import CreditNote, Invoice, InvoiceStatus, Item
from sweetspot.core.models import Role, User
from sweetspot.desk.models import Ticket

from .conftest import World


@pytest.fixture
def olivia(world: World) -> Client:
    c = Client()
    c.force_login(world.olivia)
    return c


def test_preview_lists_drafts_lines_entries_and_ledgers(world: World, olivia: Client) -> None:
    ticket = Ticket.objects.create(
        company=world.harbor, subject="Printer offline", created_at=timezone.now()
    )
    world.entry(dt.date(2026, 11, 3), 700, ticket=ticket)
    r = olivia.post("/billing/run/prepare/", {"month": "2026-12"})
    assert r.status_code == 302
    page = olivia.get("/billing/run/?month=2026-12").content.decode()
    assert "Prepare invoices for December 2026" in page
    assert "Harbor Dental" in page and "Premium: monthly fee, December 2026" in page
    assert "Printer offline" in page  # the entry behind the overage line
    assert "Included hours, November 2026" in page


def test_draft_edit_issue_and_credit_through_the_pages(world: World, olivia: Client) -> None:
    world.entry(dt.date(2026, 11, 3), 660)
    services.prepare_run("2026-12", world.olivia)
    inv = Invoice.objects.get(company=world.harbor)
    base = f"/billing/invoices/{inv.pk}"
    r = olivia.post(
        f"{base}/lines/",
        {"description": "Setup", "quantity": "2", "rate": "50", "tax_category": "labor"},
    )
    assert r.status_code == 302
    olivia.post(
        f"{base}/discount/", {"description": "Loyalty", "amount": "25", "tax_category": "fee"}
    )
    olivia.post(f"{base}/notes/", {"notes": "Thank you!"})
    inv.refresh_from_db()
    assert inv.total == D("1000.00") + D("120.00") + D("100.00") - D("25.00")
    assert olivia.post(f"{base}/issue/").status_code == 302
    inv.refresh_from_db()
    assert inv.status == InvoiceStatus.ISSUED and inv.number == "INV-2026-00001"
    overage = inv.lines.get(kind="overage")
    r = olivia.post(f"{base}/credit/", {"lines": [overage.pk], "scope": "lines", "reason": "x"})
    note = CreditNote.objects.get()
    assert r["Location"] == f"/billing/credit-notes/{note.pk}/"
    page = olivia.get(r["Location"]).content.decode()
    assert note.number in page and "120.00" in page


def test_invoice_pdf_text(world: World, olivia: Client) -> None:
    ticket = Ticket.objects.create(
        company=world.harbor, subject="Server restarted", created_at=timezone.now()
    )
    world.entry(dt.date(2026, 11, 3), 660, ticket=ticket)
    services.prepare_run("2026-12", world.olivia)
    inv = services.issue(world.olivia, Invoice.objects.get(company=world.harbor))
    r = olivia.get(f"/billing/invoices/{inv.pk}/pdf/")
    assert r["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    for expected in [
        "Invoice INV-2026-00001",
        "Harbor Dental",
        "Premium: monthly fee, December 2026",
        "1,120.00",
        "Included hours",
        "Server restarted",
    ]:
        assert expected in text, expected


def test_client_sees_only_issued_invoices_of_their_company(world: World) -> None:
    hana = User.objects.create_user("hana", password="x", role=Role.CLIENT, company=world.harbor)
    world.entry(dt.date(2026, 11, 3), 60, company=world.fern)
    services.prepare_run("2026-12", world.olivia)
    harbor = Invoice.objects.get(company=world.harbor)
    fern = services.issue(world.olivia, Invoice.objects.get(company=world.fern))
    c = Client()
    c.force_login(hana)
    assert c.get(f"/billing/invoices/{harbor.pk}/").status_code == 404  # a draft
    assert c.get(f"/billing/invoices/{fern.pk}/").status_code == 404  # another company
    services.issue(world.olivia, harbor)
    assert c.get(f"/billing/invoices/{harbor.pk}/").status_code == 200
    listing = c.get("/billing/invoices/").content.decode()
    assert "INV-2026-00002" in listing and fern.number not in listing
    assert c.post(f"/billing/invoices/{harbor.pk}/credit/").status_code == 404


def test_items_page_adds_an_item_and_hides_cost_from_dispatchers(
    world: World, olivia: Client
) -> None:
    r = olivia.post(
        "/billing/items/",
        {
            "company": world.fern.pk,
            "date": "2026-11-10",
            "kind": "hardware",
            "description": "UPS 1500VA",
            "quantity": "1",
            "unit_price": "320.00",
            "unit_cost": "250.00",
        },
    )
    assert r.status_code == 302, r.content.decode()[:500]
    assert Item.objects.get().unit_cost == D("250.00")
    dan = User.objects.create_user("dan", password="x", role=Role.DISPATCHER)
    c = Client()
    c.force_login(dan)
    assert c.get("/billing/items/").status_code == 404
    dan.may_run_billing = True
    dan.save()
    page = c.get("/billing/items/").content.decode()
    assert "UPS 1500VA" in page and "250.00" not in page and "unit_cost" not in page


def test_hours_left_on_the_agreement_page_and_portal(world: World, olivia: Client) -> None:
    today = dt.date.today()
    world.entry(today.replace(day=1), 90)
    page = olivia.get(f"/agreements/{world.agreement.pk}/").content.decode()
    assert "1.50 of 10.00 included hours used" in page and "8.50 left" in page
    hana = User.objects.create_user("hana", password="x", role=Role.CLIENT, company=world.harbor)
    c = Client()
    c.force_login(hana)
    portal = c.get("/agreements/mine/").content.decode()
    assert "8.50 left" in portal
