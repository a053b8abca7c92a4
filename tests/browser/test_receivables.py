"""Billing II in a real browser: Olivia reads the aged receivables, records a payment on an
open invoice, exports the month for QuickBooks Desktop and downloads the file (which
balances); she reads profitability by segment. Hana then sees Harbor Dental's invoices, the
balance and her statement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from playwright.sync_api import Page, expect

from .conftest import login


def test_olivia_records_a_payment_and_exports_the_month(page: Page, demo_live: str, shot):
    from sweetspot.billing import ar_queries, exports
    from sweetspot.billing.models import Invoice, Payment

    today = dt.date.today()
    open_invoices = ar_queries.decorate(
        list(
            ar_queries.with_amounts(Invoice.objects.filter(status="issued")).order_by(
                "-run_month", "company__name"
            )
        ),
        today,
    )
    target = next(i for i in open_invoices if i.balance > 100 and i.ar_status == "issued")
    login(page, demo_live, "olivia")
    page.goto(f"{demo_live}/billing/receivables/")
    expect(page.locator("h1")).to_contain_text("Aged receivables")
    expect(page.locator("#aging-chart")).to_be_visible()
    expect(page.locator("#receivables")).to_contain_text(target.company.name)
    shot(page, "billing-receivables")

    page.goto(f"{demo_live}/billing/invoices/{target.pk}/")
    form = page.locator("#payment-form")
    form.locator("input[name=amount]").fill("100.00")
    form.locator("select[name=method]").select_option("ach")
    form.locator("input[name=reference]").fill("ACH 7781")
    form.get_by_role("button", name="Record payment").click()
    expect(page.locator(".messages")).to_contain_text("Payment of $100.00 recorded")
    expect(page.locator("#ar-status")).to_have_text("Partly paid")
    expect(page.locator("#balance")).to_contain_text(f"{target.balance - 100:,.2f}")
    shot(page, "billing-invoice-payment")
    form.locator("input[name=amount]").fill(f"{target.balance:.2f}")  # now over the balance
    form.get_by_role("button", name="Record payment").click()
    expect(page.locator(".messages")).to_contain_text("More than the balance")
    assert Payment.objects.filter(invoice=target).count() == 1

    page.get_by_role("link", name="Accounting export").click()
    export = page.locator("#export-form")
    export.locator("select[name=format]").select_option("iif")
    export.locator("input[name=date_from]").fill(f"{today.replace(day=1):%Y-%m-%d}")
    export.locator("input[name=date_to]").fill(f"{today:%Y-%m-%d}")
    export.get_by_role("button", name="Export").click()
    expect(page.locator(".messages")).to_contain_text("payment(s)")
    shot(page, "billing-exports")
    with page.expect_download() as download:
        page.locator("#export-batches a").first.click()
    text = open(download.value.path(), encoding="utf-8").read()  # noqa: SIM115 - temp file
    txns = exports.parse_iif(text)
    assert any(t["type"] == "PAYMENT" and t["amount"] == Decimal("100.00") for t in txns)
    assert all(t["amount"] + sum(s["amount"] for s in t["lines"]) == 0 for t in txns)

    page.get_by_role("link", name="Profitability").click()
    expect(page.locator("#margin-chart")).to_be_visible()
    expect(page.locator("#segments")).to_contain_text("Sweet spot")
    shot(page, "billing-profitability")
    page.get_by_role("link", name="Billing settings").click()
    expect(page.locator("#settings-form")).to_contain_text("Receivables account")
    shot(page, "billing-settings")


def test_hana_sees_her_invoices_and_balance(page: Page, demo_live: str, shot):
    from sweetspot.billing import ar_queries
    from sweetspot.clients.models import Company

    harbor = Company.objects.get(name="Harbor Dental")
    invoices = ar_queries.company_invoices(harbor, dt.date.today())
    owed = sum((i.balance for i in invoices), Decimal("0.00"))
    login(page, demo_live, "hana")
    page.get_by_role("link", name="Invoices", exact=True).click()
    expect(page.locator("#account-balance")).to_have_text(f"${owed:,.2f}")
    expect(page.locator("#invoice-rows")).to_contain_text(invoices[-1].number)
    expect(page.locator("#invoice-rows")).to_contain_text("Paid")
    expect(page.locator("#invoice-rows")).not_to_contain_text("Maple Law")
    shot(page, "billing-portal-balance")
    with page.expect_download() as download:
        page.locator("#statement-link").click()
    assert download.value.suggested_filename.startswith("statement-harbor-dental")
