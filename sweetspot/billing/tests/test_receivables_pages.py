"""Billing II through the pages and the API: send, pay (over the balance refused with the
field named), receivables, statement PDF, exports, profitability for the owner only, and
the client's invoices with their balance."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.core import mail
from django.test import Client
from pypdf import PdfReader

from sweetspot.billing.models import Invoice, Payment
from sweetspot.clients.models import Contact
from sweetspot.core.models import Role, User
from sweetspot.core.tokens import create_token

from .conftest import World
from .test_receivables import issued_invoice, pay


@pytest.fixture
def olivia(world: World) -> Client:
    c = Client()
    c.force_login(world.olivia)
    return c


def test_send_pay_and_read_the_balance_through_the_pages(world: World, olivia: Client) -> None:
    inv = issued_invoice(world)
    Contact.objects.create(company=world.harbor, name="Hana", email="hana@h.test", is_primary=True)
    base = f"/billing/invoices/{inv.pk}"
    assert olivia.post(f"{base}/send/").status_code == 302
    assert mail.outbox[-1].to == ["hana@h.test"]
    page = olivia.get(f"{base}/").content.decode()
    assert "Sent" in page and "hana@h.test" in page and "Resend by e-mail" in page
    r = olivia.post(f"{base}/payments/", {"date": "2026-12-05", "amount": "400", "method": "ach"})
    assert r.status_code == 302
    page = olivia.get(f"{base}/").content.decode()
    assert "Partly paid" in page and "$600.00" in page
    r = olivia.post(
        f"{base}/payments/",
        {"date": "2026-12-06", "amount": "600.01", "method": "ach"},
        follow=True,
    )
    assert "amount: More than the balance of $600.00" in r.content.decode()
    assert Payment.objects.filter(invoice=inv).count() == 1
    receivables = olivia.get("/billing/receivables/").content.decode()
    assert "Harbor Dental" in receivables and 'id="aging-chart"' in receivables
    pdf = olivia.get(f"/billing/statements/{world.harbor.pk}/pdf/")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Statement of account" in text and inv.number in text and "600.00" in text


def test_export_page_records_a_batch_and_leaves_out_what_was_exported(
    world: World, olivia: Client
) -> None:
    issued_invoice(world)
    data = {"format": "iif", "date_from": "2026-12-01", "date_to": "2026-12-31"}
    assert olivia.post("/billing/exports/", data).status_code == 302
    page = olivia.get("/billing/exports/").content.decode()
    assert "iif-20261201-20261231.iif" in page
    r = olivia.post("/billing/exports/", data, follow=True)
    assert "Nothing to export in this range" in r.content.decode()
    assert olivia.post("/billing/exports/", data | {"include_exported": "on"}).status_code == 302


def test_api_payment_over_the_balance_is_a_422_naming_amount(world: World) -> None:
    inv = issued_invoice(world)
    token = create_token(world.olivia, "t")[1]
    c = Client(headers={"Authorization": f"Bearer {token}"})
    url = f"/api/v1/invoices/{inv.pk}/payments"
    r = c.post(url, {"amount": "250.00", "method": "card"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["amount"] == "250.00"
    r = c.post(url, {"amount": "750.01"}, content_type="application/json")
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][-1] == "amount"
    r = c.post(url, {"amount": "-1"}, content_type="application/json")
    assert r.status_code == 422
    listed = c.get("/api/v1/invoices").json()["items"][0]
    assert listed["balance"] == "750.00" and listed["payment_status"] == "partly_paid"
    rec = c.get("/api/v1/receivables").json()
    assert rec["total"]["total"] == "750.00"
    r = c.post(
        "/api/v1/exports",
        {"format": "qbo", "date_from": "2026-12-01", "date_to": "2026-12-31"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["invoice_count"] == 1
    body = c.get(f"/api/v1/exports/{r.json()['id']}/file").content.decode()
    assert body.startswith("Invoice no,Customer,Invoice date")
    assert c.get("/api/v1/profitability?period=2026-12").status_code == 200


def test_non_owners_never_see_cost_or_margin(world: World) -> None:
    world.tara.cost_rate = D("40.00")
    world.tara.save()
    issued_invoice(world)
    dan = User.objects.create_user("dan", password="x", role=Role.DISPATCHER, may_run_billing=True)
    c = Client()
    c.force_login(dan)
    assert c.get("/billing/receivables/").status_code == 200  # billing staff
    assert c.get("/billing/profitability/").status_code == 404
    assert "Profitability" not in c.get("/billing/exports/").content.decode()
    token = create_token(dan, "t")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})
    assert api.get("/api/v1/profitability?period=2026-12").status_code == 404
    batch = api.post(
        "/api/v1/exports",
        {"format": "iif", "date_from": "2026-12-01", "date_to": "2026-12-31"},
        content_type="application/json",
    ).json()
    body = api.get(f"/api/v1/exports/{batch['id']}/file").content.decode()
    assert "40.00" not in body and "margin" not in body.lower()


def test_client_sees_their_invoices_with_balance_and_statement(world: World) -> None:
    inv = issued_invoice(world)
    pay(world, inv, "100.00", dt.date(2026, 12, 3))
    contact = Contact.objects.create(company=world.harbor, name="Hana", email="hana@h.test")
    hana = User.objects.create_user(
        "hana", password="x", role=Role.CLIENT, company=world.harbor, contact=contact
    )
    c = Client()
    c.force_login(hana)
    page = c.get("/billing/invoices/").content.decode()
    assert inv.number in page and "$900.00" in page and 'id="statement-link"' in page
    assert c.get(f"/billing/statements/{world.harbor.pk}/pdf/").status_code == 200
    assert c.get(f"/billing/statements/{world.fern.pk}/pdf/").status_code == 404
    assert c.get("/billing/receivables/").status_code == 404
    assert c.post(f"/billing/invoices/{inv.pk}/payments/", {"amount": "1"}).status_code == 404
    assert Invoice.objects.get(pk=inv.pk).payments.count() == 1


def test_demo_has_paid_partly_paid_overdue_sent_and_last_months_export(full_demo) -> None:
    from collections import Counter

    from django.utils import timezone

    from sweetspot.billing import ar_queries
    from sweetspot.billing.models import ExportBatch, InvoiceSending

    today = timezone.localdate()
    invoices = ar_queries.decorate(
        list(ar_queries.with_amounts(Invoice.objects.exclude(status="draft"))), today
    )
    statuses = Counter(i.ar_status for i in invoices)
    assert statuses["paid"] >= 1 and statuses["partly_paid"] >= 1
    assert any(i.overdue for i in invoices)
    assert InvoiceSending.objects.exists()
    batch = ExportBatch.objects.get()
    assert batch.format == "iif" and batch.invoice_count >= 1
    assert batch.date_from == (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def test_billing_contact_flag_is_set_on_the_contact_form_and_api(world: World, olivia) -> None:
    r = olivia.post(
        f"/clients/{world.harbor.pk}/contacts/new/",
        {"name": "Bea Books", "email": "ap@h.test", "billing_contact": "on"},
    )
    assert r.status_code == 302
    assert Contact.objects.get(name="Bea Books").billing_contact is True
    token = create_token(world.olivia, "t")[1]
    c = Client(headers={"Authorization": f"Bearer {token}"})
    r = c.post(
        f"/api/v1/companies/{world.harbor.pk}/contacts",
        {"name": "Cy Ledger", "email": "cy@h.test", "billing_contact": True},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["billing_contact"] is True
    inv = issued_invoice(world)
    assert c.post(f"/api/v1/invoices/{inv.pk}/send").json()["to_email"] == "ap@h.test"


def test_settings_page_saves_names_the_export_then_uses(world: World, olivia) -> None:
    from sweetspot.billing.ar_forms import BillingSettingsForm
    from sweetspot.billing.models import BillingSettings
    from sweetspot.core.models import AuditLog

    data = {
        k: v for k, v in BillingSettingsForm(instance=BillingSettings.current()).initial.items()
    }
    data.pop("id", None)
    data["fee_account"] = "4000 · Managed IT"
    assert olivia.post("/billing/settings/", data).status_code == 302
    r = olivia.post("/billing/settings/", data | {"tax_agency": ""}, follow=True)
    assert "tax_agency" in r.content.decode() or "required" in r.content.decode()
    issued_invoice(world)
    r = olivia.post(
        "/billing/exports/", {"format": "iif", "date_from": "2026-12-01", "date_to": "2026-12-31"}
    )
    assert r.status_code == 302
    from sweetspot.billing.models import ExportBatch

    assert "4000 · Managed IT\t" in ExportBatch.objects.get().content
    assert AuditLog.objects.filter(object_type="billing.BillingSettings").exists()
    assert AuditLog.objects.filter(object_type="billing.ExportBatch").exists()


def test_profitability_page_names_a_bad_period(world: World, olivia) -> None:
    r = olivia.get("/billing/profitability/?period=2026-13")
    assert r.status_code == 200
    assert "period: Give a month as YYYY-MM" in r.content.decode()
    assert (
        "Profitability — Q4 2026"
        in olivia.get("/billing/profitability/?period=2026-Q4").content.decode()
    )
