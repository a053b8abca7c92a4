"""The one spreadsheet-safe writer every export uses (client book, skills matrix, and every
future export: invoices, accounting files).

Formula injection: a cell whose text starts with ``=``, ``+``, ``-``, ``@``, tab or carriage
return is run as a formula by Excel/LibreOffice (``=HYPERLINK(...)``, ``=cmd|...``). So:

* text cells are **neutralised**: in CSV such a cell is written with a leading apostrophe
  (``'=1+1``), which spreadsheet apps show as the text ``=1+1``; in XLSX the cell is written
  as an explicit text cell (never a formula), with the apostrophe too so a copy saved as CSV
  stays harmless;
* numbers (int, Decimal, float) and dates are written as numbers and dates, never prefixed
  (a negative amount stays a number);
* characters XLSX cannot hold (control characters) are dropped instead of failing the export.

The importer strips that leading apostrophe again (``unquote``), so an exported file imports
back unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def neutralise(text: str) -> str:
    """Text that no spreadsheet app will run as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unquote(text: str) -> str:
    """The inverse of ``neutralise`` for a cell read back from an exported file."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def cell(value: Any) -> Any:
    """A value as it is written: numbers and dates as themselves, None as blank, booleans as
    yes/no, everything else as neutralised text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, dt.date | dt.time):
        return value
    return neutralise(str(value))


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([cell(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_value(cell(v)) for v in row])
    return out.getvalue().encode("utf-8")


def _csv_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def xlsx_bytes(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "Export"
) -> bytes:
    from openpyxl import Workbook  # noqa: PLC0415 (openpyxl is heavy; only XLSX exports load it)
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415 (same)
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: PLC0415 (same)

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31] or "Export")

    def xl(value: Any) -> Any:
        value = cell(value)
        if isinstance(value, str):
            text = ILLEGAL_CHARACTERS_RE.sub("", value)
            c = WriteOnlyCell(sheet, value=text)
            c.data_type = "s"  # never a formula, whatever the text
            return c
        return WriteOnlyCell(sheet, value=value)

    sheet.append([xl(h) for h in headers])
    for row in rows:
        sheet.append([xl(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def response(
    fmt: str, filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """An attachment download in ``fmt`` ("csv" or "xlsx") named ``filename.<fmt>``."""
    if fmt == "xlsx":
        body = xlsx_bytes(headers, rows, title=filename)
    else:
        fmt = "csv"
        body = csv_bytes(headers, rows)
    out = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    out["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return out
