"""The accounting exports' cell writer: every cell goes through the project's one
spreadsheet-safe writer, ``core.spreadsheet.cell`` (text starting with ``=``, ``+``, ``-``,
``@``, tab or carriage return gets a leading apostrophe; numbers and dates stay numbers and
dates, so a negative amount is never prefixed). Only the layout is billing's own: dates as
MM/DD/YYYY (what QuickBooks and Xero read for a US firm), CSV with CRLF line ends, and IIF
as unquoted tab-separated rows (tabs and line breaks inside text become spaces first).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from sweetspot.core import spreadsheet

DATE_FORMAT = "%m/%d/%Y"


def cell(value: Any) -> Any:
    out = spreadsheet.cell(value)
    if isinstance(out, dt.date):
        return out.strftime(DATE_FORMAT)
    return out


def iif_cell(value: Any) -> str:
    if isinstance(value, str):
        value = " ".join(value.replace("\t", " ").splitlines())
    return str(cell(value))


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()


def tsv_lines(rows: Iterable[Sequence[Any]]) -> str:
    """IIF rows: keywords (``!TRNS``, ``SPL`` ...) and every other cell through ``iif_cell``."""
    return "".join("\t".join(iif_cell(v) for v in row) + "\r\n" for row in rows)
