"""Accounting exports: QuickBooks Desktop IIF, QuickBooks Online invoice CSV, Xero
sales-invoice CSV. Builders over loaded rows (invoices with their lines and company, credit
notes with their lines, payments); ``ar_services.create_export`` picks the rows and records
the batch. Every cell goes through ``csvsafe`` (text neutralised, numbers and dates as such).

* **IIF** (tab-separated TRNS/SPL/ENDTRNS): an INVOICE puts the total on the receivables
  account (positive) and each line on its category's income account (negative, quantity
  negative, the category's item), the sales tax as one SPL to the tax-payable account with
  the agency as name; a CREDIT MEMO mirrors it; a PAYMENT puts the amount on the deposit
  account and takes it off receivables. The TRNS amount is minus the sum of its SPL lines,
  so every transaction sums to zero.
* **QuickBooks Online** takes invoices only (its invoice import has no credit notes or
  payments): one row per line, the invoice's fields repeated, Tax code taxable / exempt.
* **Xero** takes invoices and credit notes (a credit note is imported as an invoice with
  negative quantities, which Xero reads as a credit note): one row per line, the invoice
  number on each line, the account code of the line's category, the tax type.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from . import csvsafe
from .models import BillingSettings

IIF_HEADER = [
    ["!TRNS", "TRNSID", "TRNSTYPE", "DATE", "ACCNT", "NAME", "AMOUNT", "DOCNUM", "MEMO",
     "DUEDATE"],
    ["!SPL", "SPLID", "TRNSTYPE", "DATE", "ACCNT", "NAME", "AMOUNT", "DOCNUM", "MEMO",
     "QNTY", "PRICE", "INVITEM", "TAXABLE"],
    ["!ENDTRNS"],
]  # fmt: skip
QBO_COLUMNS = [
    "Invoice no", "Customer", "Invoice date", "Due date", "Terms", "Item", "Description",
    "Qty", "Rate", "Amount", "Tax code",
]  # fmt: skip
XERO_COLUMNS = [
    "ContactName", "InvoiceNumber", "InvoiceDate", "DueDate", "Description", "Quantity",
    "UnitAmount", "AccountCode", "TaxType",
]  # fmt: skip


def _account(s: BillingSettings, category: str) -> str:
    return {"fee": s.fee_account, "labor": s.labor_account}.get(category, s.item_account)


def _item(s: BillingSettings, category: str) -> str:
    return {"fee": s.fee_item, "labor": s.labor_item}.get(category, s.item_item)


def _xero_code(s: BillingSettings, category: str) -> str:
    return {"fee": s.xero_fee_code, "labor": s.xero_labor_code}.get(category, s.xero_item_code)


def terms(invoice: Any) -> str:
    return f"Net {(invoice.due_date - invoice.date).days}"


def _iif_transaction(
    kind: str, sign: int, doc: Any, name: str, lines: list[Any], tax: Decimal, s: BillingSettings,
    memo: str, due: Any = None,
) -> list[list[Any]]:  # fmt: skip
    """One TRNS with its SPLs. ``sign`` is +1 for an invoice (income negative), −1 for a
    credit memo (income positive)."""
    spl: list[list[Any]] = []
    for ln in lines:
        spl.append(
            ["SPL", "", kind, doc.date, _account(s, ln.tax_category), name,
             -sign * ln.amount, doc.number, ln.description, -sign * ln.quantity, ln.rate,
             _item(s, ln.tax_category), "Y" if ln.tax else "N"]
        )  # fmt: skip
    if tax:
        spl.append(
            ["SPL", "", kind, doc.date, s.tax_account, s.tax_agency, -sign * tax, doc.number,
             "Sales tax", "", "", s.tax_item, "N"]
        )  # fmt: skip
    amount = -sum((row[6] for row in spl), Decimal("0.00"))
    trns = ["TRNS", "", kind, doc.date, s.receivables_account, name, amount, doc.number, memo,
            due or ""]  # fmt: skip
    return [trns, *spl, ["ENDTRNS"]]


def iif(
    invoices: Iterable[Any], credit_notes: Iterable[Any], payments: Iterable[Any],
    s: BillingSettings,
) -> str:  # fmt: skip
    rows: list[list[Any]] = [list(r) for r in IIF_HEADER]
    for inv in invoices:
        rows += _iif_transaction(
            "INVOICE", 1, inv, inv.company.name, list(inv.lines.all()), inv.tax, s,
            memo=f"Invoice {inv.number}", due=inv.due_date,
        )  # fmt: skip
    for note in credit_notes:
        lines = [
            _CreditLine(cl.description, cl.quantity, cl.rate, cl.amount, cl.tax,
                        cl.invoice_line.tax_category)
            for cl in note.lines.all()
        ]  # fmt: skip
        rows += _iif_transaction(
            "CREDIT MEMO", -1, note, note.invoice.company.name, lines, note.tax, s,
            memo=f"Credit note {note.number} on invoice {note.invoice.number}",
        )  # fmt: skip
    for p in payments:
        name = p.invoice.company.name
        memo = f"Payment on invoice {p.invoice.number}"
        ref = p.reference or f"PMT-{p.pk}"
        rows += [
            ["TRNS", "", "PAYMENT", p.date, s.deposit_account, name, p.amount, ref, memo, ""],
            ["SPL", "", "PAYMENT", p.date, s.receivables_account, name, -p.amount, ref, memo,
             "", "", "", "N"],
            ["ENDTRNS"],
        ]  # fmt: skip
    return csvsafe.tsv_lines(rows)


class _CreditLine:
    def __init__(
        self, description: str, quantity: Decimal, rate: Decimal, amount: Decimal, tax: Decimal,
        tax_category: str,
    ) -> None:  # fmt: skip
        self.description = description
        self.quantity = quantity
        self.rate = rate
        self.amount = amount
        self.tax = tax
        self.tax_category = tax_category


def qbo(invoices: Iterable[Any], s: BillingSettings) -> str:
    rows = []
    for inv in invoices:
        for ln in inv.lines.all():
            rows.append(
                [inv.number, inv.company.name, inv.date, inv.due_date, terms(inv),
                 _item(s, ln.tax_category), ln.description, ln.quantity, ln.rate, ln.amount,
                 s.qbo_taxable_code if ln.tax else s.qbo_exempt_code]
            )  # fmt: skip
    return csvsafe.csv_text(QBO_COLUMNS, rows)


def xero(invoices: Iterable[Any], credit_notes: Iterable[Any], s: BillingSettings) -> str:
    rows = []
    for inv in invoices:
        for ln in inv.lines.all():
            rows.append(
                [inv.company.name, inv.number, inv.date, inv.due_date, ln.description,
                 ln.quantity, ln.rate, _xero_code(s, ln.tax_category),
                 s.xero_tax_type if ln.tax else s.xero_exempt_tax_type]
            )  # fmt: skip
    for note in credit_notes:
        for cl in note.lines.all():
            rows.append(
                [note.invoice.company.name, note.number, note.date, note.date,
                 f"{cl.description} (credit on {note.invoice.number})", -cl.quantity, cl.rate,
                 _xero_code(s, cl.invoice_line.tax_category),
                 s.xero_tax_type if cl.tax else s.xero_exempt_tax_type]
            )  # fmt: skip
    return csvsafe.csv_text(XERO_COLUMNS, rows)


def parse_iif(text: str) -> list[dict[str, Any]]:
    """Read an IIF file back into transactions (for tests and for checking a file):
    ``{"type", "docnum", "name", "date", "amount", "lines": [{"accnt", "amount", ...}]}``."""
    out: list[dict[str, Any]] = []
    heads: dict[str, list[str]] = {}
    current: dict[str, Any] | None = None
    for raw in text.splitlines():
        if not raw:
            continue
        cells = raw.split("\t")
        key = cells[0]
        if key.startswith("!"):
            heads[key[1:]] = cells
            continue
        row = dict(zip(heads.get(key, []), cells, strict=False))
        if key == "TRNS":
            current = {
                "type": row["TRNSTYPE"],
                "docnum": row["DOCNUM"],
                "name": row["NAME"],
                "date": row["DATE"],
                "accnt": row["ACCNT"],
                "amount": Decimal(row["AMOUNT"]),
                "lines": [],
            }
        elif key == "SPL" and current is not None:
            current["lines"].append(
                {k.lower(): v for k, v in row.items() if k != "!SPL"}
                | {"amount": Decimal(row["AMOUNT"])}
            )
        elif key == "ENDTRNS" and current is not None:
            out.append(current)
            current = None
    return out
