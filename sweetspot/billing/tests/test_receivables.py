"""Billing II through the services: sending, payments (partial, full, over the balance),
credit notes and client credit, aging, the statement, the three accounting exports (field
by field; IIF balances and parses back) and profitability with cost rates."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sweetspot.billing import ar, ar_queries, ar_services, exports, profitability, services
from sweetspot.billing.models import BillingSettings, Invoice, Item
from sweetspot.clients.models import Contact

from .conftest import World

TODAY = dt.date(2026, 12, 20)


def issued_invoice(world: World, month: str = "2026-12", **item: object) -> Invoice:
    """Harbor's invoice of ``month``: the 1,000.00 fee, plus an item when given."""
    if item:
        services.create_item(
            world.olivia,
            {
                "company": world.harbor,
                "date": dt.date(2026, 11, 5),
                "kind": "hardware",
                "description": item.get("description", "Switch"),
                "quantity": D("2"),
                "unit_price": D(str(item.get("price", "150.00"))),
                "unit_cost": D("90.00"),
            },
        )
    services.prepare_run(month, world.olivia)
    draft = Invoice.objects.get(company=world.harbor, status="draft")
    return services.issue(world.olivia, draft)


def balance_of(invoice: Invoice) -> ar.Amounts:
    return ar_queries.amounts(ar_queries.with_amounts(Invoice.objects.filter(pk=invoice.pk)).get())


def pay(world: World, invoice: Invoice, amount: str, day: dt.date | None = None) -> None:
    ar_services.record_payment(
        world.olivia,
        invoice,
        {"date": day or dt.date(2026, 12, 10), "amount": D(amount), "method": "check",
         "reference": "1042"},
    )  # fmt: skip


# --- payments -------------------------------------------------------------------------------


def test_partial_then_full_payment(world: World) -> None:
    inv = issued_invoice(world)
    assert inv.total == D("1000.00")
    pay(world, inv, "400.00")
    a = balance_of(inv)
    assert a.balance == D("600.00")
    assert ar.status("issued", a, sent=True) == "partly_paid"
    pay(world, inv, "600.00")
    a = balance_of(inv)
    assert a.balance == D("0.00")
    assert ar.status("issued", a, sent=True) == "paid"


def test_over_payment_is_refused_with_a_field_error(world: World) -> None:
    inv = issued_invoice(world)
    pay(world, inv, "900.00")
    with pytest.raises(ValidationError) as exc:
        pay(world, inv, "100.01")
    assert "amount" in exc.value.error_dict
    assert "600" not in str(exc.value) and "100.00" in str(exc.value)
    assert balance_of(inv).balance == D("100.00")


def test_a_draft_cannot_be_paid(world: World) -> None:
    services.prepare_run("2026-12", world.olivia)
    draft = Invoice.objects.get(company=world.harbor)
    with pytest.raises(ValidationError):
        pay(world, draft, "10.00")


def test_credit_note_reduces_the_balance_and_excess_becomes_client_credit(world: World) -> None:
    inv = issued_invoice(world, price="150.00")  # fee 1,000 + 2 × 150 switch = 1,300
    assert inv.total == D("1300.00")
    pay(world, inv, "1300.00")
    item_line = inv.lines.get(kind="item")
    services.credit(world.olivia, inv, [item_line.pk], "returned")
    a = balance_of(inv)
    assert a.balance == D("0.00") and a.excess == D("300.00")
    invoices = ar_queries.company_invoices(world.harbor, TODAY)
    assert ar_queries.client_credit(invoices) == D("300.00")
    # January's invoice applies the credit.
    jan = issued_invoice(world, "2027-01")
    applied = ar_services.apply_credit(world.olivia, jan)
    assert applied.amount == D("300.00")
    assert balance_of(jan).balance == jan.total - D("300.00")
    assert ar_queries.client_credit(ar_queries.company_invoices(world.harbor, TODAY)) == D("0")
    with pytest.raises(ValidationError) as exc:
        ar_services.apply_credit(world.olivia, jan, D("1.00"))
    assert "amount" in exc.value.error_dict


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    total=st.decimals(min_value=0, max_value=5000, places=2),
    paid=st.decimals(min_value=0, max_value=5000, places=2),
    credited=st.decimals(min_value=0, max_value=5000, places=2),
    applied=st.decimals(min_value=0, max_value=5000, places=2),
)
def test_balance_is_lines_minus_payments_minus_credits(total, paid, credited, applied) -> None:
    a = ar.Amounts(total, paid, credited, applied)
    raw = total - paid - credited - applied
    # Never negative; what would be negative is shown as client credit instead.
    assert a.balance >= 0 and a.excess >= 0
    assert a.balance - a.excess == raw
    assert a.balance == 0 or a.excess == 0


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    total=st.decimals(min_value=1, max_value=3000, places=2),
    payments=st.lists(st.decimals(min_value=D("0.01"), max_value=3000, places=2), max_size=5),
    credit=st.decimals(min_value=0, max_value=3000, places=2),
)
def test_payments_through_the_service_never_pass_the_balance(
    world: World, total: D, payments: list[D], credit: D
) -> None:
    """Through record_payment on a real invoice: every payment that fits is taken, every one
    that would pass the balance is refused on ``amount``; after a credit note the balance is
    Σ lines − Σ payments − Σ credits, shown as client credit when below zero."""
    from sweetspot.billing.models import CreditNote

    n = Invoice.objects.count()
    inv = Invoice.objects.create(
        company=world.harbor, status="issued", number=f"H-{n}", run_month=dt.date(2026, 12, 1),
        date=dt.date(2026, 12, 1), due_date=dt.date(2026, 12, 31), subtotal=total, total=total,
    )  # fmt: skip
    accepted = D("0.00")
    for amount in payments:
        try:
            pay(world, inv, str(amount))
        except ValidationError as exc:
            assert "amount" in exc.error_dict
            assert amount > total - accepted
        else:
            accepted += amount
    assert accepted <= total
    if credit:
        CreditNote.objects.create(invoice=inv, number=f"C-{n}", date=dt.date(2026, 12, 2),
                                  subtotal=credit, total=credit)  # fmt: skip
    a = balance_of(inv)
    assert a.balance >= 0 and a.excess >= 0
    assert a.balance - a.excess == total - accepted - credit
    if a.balance:
        assert ar.status("issued", a, sent=False) == ("partly_paid" if accepted else "issued")


def test_statement_running_balance_and_aging(world: World) -> None:
    inv = issued_invoice(world)
    pay(world, inv, "250.00", dt.date(2026, 12, 5))
    data = ar_queries.statement(world.harbor, dt.date(2027, 2, 15))
    kinds = [(m.kind, m.amount, bal) for m, bal in data["lines"]]
    assert kinds == [
        ("invoice", D("1000.00"), D("1000.00")),
        ("payment", D("-250.00"), D("750.00")),
    ]
    assert data["balance"] == D("750.00")
    days = (dt.date(2027, 2, 15) - inv.due_date).days
    assert 1 <= days <= 60
    bucket = ar.bucket(inv.due_date, dt.date(2027, 2, 15))
    assert data["aging"][bucket] == D("750.00")


def test_aging_buckets() -> None:
    due = dt.date(2026, 1, 31)
    assert ar.bucket(due, due) == "current"
    assert ar.bucket(due, due + dt.timedelta(days=1)) == "1_30"
    assert ar.bucket(due, due + dt.timedelta(days=30)) == "1_30"
    assert ar.bucket(due, due + dt.timedelta(days=31)) == "31_60"
    assert ar.bucket(due, due + dt.timedelta(days=61)) == "61_90"
    assert ar.bucket(due, due + dt.timedelta(days=91)) == "90_plus"


# --- sending --------------------------------------------------------------------------------


def test_send_goes_to_the_billing_contact_else_the_primary(world: World) -> None:
    inv = issued_invoice(world)
    Contact.objects.create(company=world.harbor, name="Hana", email="hana@h.test", is_primary=True)
    s = ar_services.send_invoice(world.olivia, inv)
    assert s.to_email == "hana@h.test"
    assert mail.outbox[-1].to == ["hana@h.test"]
    att = mail.outbox[-1].attachments[0]
    assert att[0].endswith(".pdf") and att[1][:4] == b"%PDF"
    Contact.objects.create(
        company=world.harbor, name="Bea Books", email="ap@h.test", billing_contact=True
    )
    again = ar_services.send_invoice(world.olivia, inv)  # a resend
    assert again.to_email == "ap@h.test" and inv.sendings.count() == 2
    a = balance_of(inv)
    assert ar.status("issued", a, sent=True) == "sent"


def test_send_without_any_contact_is_a_field_error(world: World) -> None:
    inv = issued_invoice(world)
    with pytest.raises(ValidationError) as exc:
        ar_services.send_invoice(world.olivia, inv)
    assert "to" in exc.value.error_dict


# --- exports --------------------------------------------------------------------------------


@pytest.fixture
def taxed(world: World) -> World:
    world.firm.tax_percent_item = D("8.000")
    world.firm.save()
    return world


def test_iif_balances_and_parses_back_into_the_same_invoices(taxed: World) -> None:
    world = taxed
    inv = issued_invoice(world, price="150.00", description='=HYPERLINK("x")')
    pay(world, inv, "500.00", dt.date(2026, 12, 12))
    # Dated inside the exported December (a credit note is dated today otherwise, which
    # falls outside the range from 2027-01-01 on).
    services.credit(world.olivia, inv, [inv.lines.get(kind="item").pk], "returned", today=TODAY)
    batch = ar_services.create_export(
        world.olivia, "iif", dt.date(2026, 12, 1), dt.date(2026, 12, 31)
    )
    assert (batch.invoice_count, batch.credit_note_count, batch.payment_count) == (1, 1, 1)
    text = batch.content
    assert text.startswith("!TRNS\tTRNSID\tTRNSTYPE\tDATE\tACCNT\tNAME\tAMOUNT")
    txns = exports.parse_iif(text)
    assert [t["type"] for t in txns] == ["INVOICE", "CREDIT MEMO", "PAYMENT"]
    for t in txns:
        assert t["amount"] + sum(s["amount"] for s in t["lines"]) == 0
    s = BillingSettings.current()
    invoice_t = txns[0]
    assert invoice_t["docnum"] == inv.number
    assert invoice_t["name"] == "Harbor Dental"
    assert invoice_t["accnt"] == s.receivables_account
    assert invoice_t["date"] == inv.date.strftime("%m/%d/%Y")
    assert invoice_t["amount"] == inv.total == D("1000.00") + D("300.00") + D("24.00")
    income = [x for x in invoice_t["lines"] if x["accnt"] != s.tax_account]
    assert [(x["accnt"], x["amount"], x["invitem"]) for x in income] == [
        (s.fee_account, D("-1000.00"), s.fee_item),
        (s.item_account, D("-300.00"), s.item_item),
    ]
    assert income[1]["memo"] == '\'=HYPERLINK("x")'  # neutralised text
    tax = [x for x in invoice_t["lines"] if x["accnt"] == s.tax_account]
    assert [(x["name"], x["amount"]) for x in tax] == [(s.tax_agency, D("-24.00"))]
    memo = txns[1]
    assert memo["amount"] == D("-324.00") and memo["accnt"] == s.receivables_account
    payment = txns[2]
    assert payment["accnt"] == s.deposit_account and payment["amount"] == D("500.00")
    assert [(x["accnt"], x["amount"]) for x in payment["lines"]] == [
        (s.receivables_account, D("-500.00"))
    ]
    # A second export leaves out what was exported, unless asked.
    with pytest.raises(ValidationError):
        ar_services.create_export(world.olivia, "iif", dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    again = ar_services.create_export(
        world.olivia, "iif", dt.date(2026, 12, 1), dt.date(2026, 12, 31), include_exported=True
    )
    assert again.invoice_count == 1
    # Another format is its own history.
    assert (
        ar_services.create_export(
            world.olivia, "qbo", dt.date(2026, 12, 1), dt.date(2026, 12, 31)
        ).invoice_count
        == 1
    )


def test_qbo_csv_columns_and_one_row_per_line(taxed: World) -> None:
    world = taxed
    inv = issued_invoice(world, price="150.00")
    batch = ar_services.create_export(
        world.olivia, "qbo", dt.date(2026, 12, 1), dt.date(2026, 12, 31)
    )
    rows = list(csv.reader(io.StringIO(batch.content)))
    assert rows[0] == exports.QBO_COLUMNS == [
        "Invoice no", "Customer", "Invoice date", "Due date", "Terms", "Item", "Description",
        "Qty", "Rate", "Amount", "Tax code",
    ]  # fmt: skip
    s = BillingSettings.current()
    terms = f"Net {(inv.due_date - inv.date).days}"
    lines = list(inv.lines.order_by("position", "pk"))
    assert len(rows) == 1 + len(lines) == 3
    fee, item = rows[1], rows[2]
    assert fee == [
        inv.number, "Harbor Dental", inv.date.strftime("%m/%d/%Y"),
        inv.due_date.strftime("%m/%d/%Y"), terms, s.fee_item, lines[0].description, "1.00",
        "1000.00", "1000.00", s.qbo_exempt_code,
    ]  # fmt: skip
    assert item == [
        inv.number, "Harbor Dental", inv.date.strftime("%m/%d/%Y"),
        inv.due_date.strftime("%m/%d/%Y"), terms, s.item_item, "Switch", "2.00", "150.00",
        "300.00", s.qbo_taxable_code,
    ]  # fmt: skip


def test_xero_csv_columns_invoice_number_on_each_line_and_credit_notes(world: World) -> None:
    inv = issued_invoice(world, price="150.00")
    note = services.credit(world.olivia, inv, [inv.lines.get(kind="item").pk], today=TODAY)
    batch = ar_services.create_export(
        world.olivia, "xero", dt.date(2026, 12, 1), dt.date(2026, 12, 31)
    )
    rows = list(csv.reader(io.StringIO(batch.content)))
    assert rows[0] == [
        "ContactName", "InvoiceNumber", "InvoiceDate", "DueDate", "Description", "Quantity",
        "UnitAmount", "AccountCode", "TaxType",
    ]  # fmt: skip
    s = BillingSettings.current()
    assert [r[1] for r in rows[1:]] == [inv.number, inv.number, note.number]
    assert rows[2] == [
        "Harbor Dental", inv.number, inv.date.strftime("%m/%d/%Y"),
        inv.due_date.strftime("%m/%d/%Y"), "Switch", "2.00", "150.00", s.xero_item_code,
        s.xero_exempt_tax_type,
    ]  # fmt: skip
    assert rows[3][5] == "-2.00" and rows[3][7] == s.xero_item_code
    again = ar_services.create_export(
        world.olivia, "xero", dt.date(2026, 12, 1), dt.date(2026, 12, 31), include_exported=True
    )
    assert again.invoice_count == 1 and again.credit_note_count == 1


def test_export_range_errors_are_field_errors(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        ar_services.create_export(world.olivia, "iif", dt.date(2026, 12, 2), dt.date(2026, 12, 1))
    assert "date_to" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        ar_services.create_export(world.olivia, "csv", dt.date(2026, 12, 1), dt.date(2026, 12, 2))
    assert "format" in exc.value.error_dict


# --- profitability ---------------------------------------------------------------------------


def test_profitability_worked_example_with_cost_rates(world: World) -> None:
    """December: Harbor's invoice (fee 1,000 + switch 2 × 150) against Tara's 6 h at a
    $40/h cost rate, Quill's 2 h at $120/h and the switch's cost 2 × 90:
    cost = 240 + 240 + 180 = 660, margin 640 (49.2%), effective rate 1,300 / 8 h = 162.50."""
    world.tara.cost_rate = D("40.00")
    world.tara.save()
    world.quill.cost_rate = D("120.00")
    world.quill.save()
    issued_invoice(world, price="150.00")  # the item is dated November; billed in December
    Item.objects.filter(company=world.harbor).update(date=dt.date(2026, 12, 1))
    world.entry(dt.date(2026, 12, 3), 360)
    world.entry(dt.date(2026, 12, 4), 120, sub=True)
    start, end, label = profitability.parse_period("2026-12")
    assert label == "December 2026"
    data = profitability.report(start, end)
    (client,) = data["clients"]
    p = client["profit"]
    assert p.revenue == D("1300.00")
    assert (p.labor_cost, p.sub_cost, p.item_cost) == (D("240.00"), D("240.00"), D("180.00"))
    assert p.margin == D("640.00") and p.margin_percent == D("49.2")
    assert p.effective_rate == D("162.50")
    by_agreement = {str(a["agreement"] or "none"): a["profit"] for a in client["agreements"]}
    assert by_agreement["none"].revenue == D("300.00")  # the item line has no agreement
    assert by_agreement["none"].item_cost == D("180.00")
    q = profitability.parse_period("2026-Q4")
    assert q[:2] == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    with pytest.raises(ValueError):
        profitability.parse_period("2026-13")
