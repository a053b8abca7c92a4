"""Import file format for companies with their sites and contacts (one row per site/contact).

Reading a file (``read_file``) turns a CSV/XLSX upload into plain rows; ``run_import`` checks
every row in memory (cells against the model fields, rows against the client book loaded in a
few queries: import_book), then the apply writes them all in bulk in one short transaction.
The preview writes nothing; an apply with any bad row writes nothing either.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models

from sweetspot.core import bulk, spreadsheet
from sweetspot.core.models import User
from sweetspot.core.validators import field_text_errors, is_single_line

from . import import_book
from .import_book import company_key
from .models import Company, CompanyStatus, CurrentSupport, Network

JOB_KIND = "company_import"
FORMATS = {".csv": "csv", ".xlsx": "xlsx"}
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Limits (issue 15 item 3): a file past them is refused with a message naming the limit.
MAX_ROWS = 20_000
MAX_COLUMNS = 50
MAX_CELL = 1_000
RETENTION_DAYS = 7  # uploads and row-by-row results of import jobs are kept this long
PROGRESS_EVERY = 1_000  # rows between progress updates (each is a small write)

IMPORT_COLUMNS = [
    "company",
    "status",
    "industry",
    "pcs",
    "servers",
    "network",
    "current_support",
    "annual_revenue",
    "downtime_cost_per_hour",
    "monthly_it_budget",
    "site_name",
    "site_street",
    "site_city",
    "site_region",
    "site_postal_code",
    "site_pcs",
    "contact_name",
    "contact_email",
    "contact_phone",
    "contact_role",
    "contact_primary",
]

# Import column -> model field, per model. The company name column is "company".
COMPANY_COLUMNS = {
    "company": "name",
    "status": "status",
    "industry": "industry",
    "pcs": "pcs",
    "servers": "servers",
    "network": "network",
    "current_support": "current_support",
    "annual_revenue": "annual_revenue",
    "downtime_cost_per_hour": "downtime_cost_per_hour",
    "monthly_it_budget": "monthly_it_budget",
}
SITE_COLUMNS = {
    "site_name": "name",
    "site_street": "street",
    "site_city": "city",
    "site_region": "region",
    "site_postal_code": "postal_code",
    "site_pcs": "pcs",
}
CONTACT_COLUMNS = {
    "contact_name": "name",
    "contact_email": "email",
    "contact_phone": "phone",
    "contact_role": "role",
    "contact_primary": "is_primary",
}
CHOICES = {"status": CompanyStatus, "network": Network, "current_support": CurrentSupport}
INTEGER_COLUMNS = {"pcs", "servers", "site_pcs"}
MONEY_COLUMNS = {"annual_revenue", "downtime_cost_per_hour", "monthly_it_budget"}
TRUE_WORDS = {"yes", "true", "1"}
FALSE_WORDS = {"no", "false", "0", ""}
MAX_INTEGER = 2_147_483_647

Row = dict[str, Any]  # {"row": spreadsheet row number, "values": {column: text}}
Error = dict[str, str]  # {"field": column, "message": text}


def company_rows(company: Company) -> tablib.Dataset:
    data = tablib.Dataset(headers=IMPORT_COLUMNS)
    base = [
        company.name,
        company.status,
        company.industry,
        company.pcs,
        company.servers,
        company.network,
        company.current_support,
        company.annual_revenue or "",
        company.downtime_cost_per_hour or "",
        company.monthly_it_budget or "",
    ]
    sites = list(company.sites.filter(archived_at__isnull=True))
    contacts = list(company.contacts.filter(archived_at__isnull=True))
    for i in range(max(len(sites), len(contacts), 1)):
        site = sites[i] if i < len(sites) else None
        contact = contacts[i] if i < len(contacts) else None
        data.append(
            base
            + (
                [site.name, site.street, site.city, site.region, site.postal_code, site.pcs]
                if site
                else [""] * 6
            )
            + (
                [
                    contact.name,
                    contact.email,
                    contact.phone,
                    contact.role,
                    "yes" if contact.is_primary else "no",
                ]
                if contact
                else [""] * 5
            )
        )
    return data


# --------------------------------------------------------------------------- reading a file


class ImportFileError(Exception):
    """The file as a whole cannot be imported; ``messages`` says why."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


def format_for(filename: str) -> str | None:
    """ "csv" or "xlsx" from the file name's extension, else None."""
    match = re.search(r"\.[^.]+$", filename or "")
    return FORMATS.get(match.group(0).lower()) if match else None


def _header(value: Any) -> str:
    return re.sub(r"[\s-]+", "_", _text(value).lower())


def _text(value: Any) -> str:
    """A cell as the text a user typed (XLSX cells arrive as numbers, booleans, dates)."""
    if type(value) is str:  # every CSV cell: the quick way
        value = value.strip()
        # An exported text cell that looked like a formula carries a leading apostrophe.
        return spreadsheet.unquote(value) if value[:1] == "'" else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time.min:
        return value.date().isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    # An exported text cell that looked like a formula carries a leading apostrophe.
    return spreadsheet.unquote(str(value).strip())


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(["The file is not readable text. Save it as “CSV UTF-8”."])


def _xlsx_rows(content: bytes) -> Generator[tuple[int, list[Any]], None, None]:
    """The first worksheet's rows as (row number, values), streamed from the sheet's XML.

    Why not ``load_workbook(read_only=True)``: its worksheet looks for the sheet's dimensions
    first and, when the file does not state them up front (openpyxl's own write-only files),
    parses the whole sheet to find them: 10 s for a 200,000-row sheet before the first row.
    This reads the same parts with openpyxl's own readers (pinned version), row by row, so the
    row limit stops it at once."""
    # Heavy modules, loaded only by XLSX imports.
    from openpyxl.reader.excel import ExcelReader  # noqa: PLC0415
    from openpyxl.styles.stylesheet import apply_stylesheet  # noqa: PLC0415
    from openpyxl.worksheet._reader import WorkSheetParser  # noqa: PLC0415

    reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)  # number formats: which numbers are dates
        book = reader.wb
        for _sheet, rel in reader.parser.find_sheets():
            if rel.target not in reader.valid_files or "chartsheet" in rel.Type:
                continue
            with reader.archive.open(rel.target) as source:
                parser = WorkSheetParser(
                    source,
                    reader.shared_strings,
                    data_only=True,
                    epoch=book.epoch,
                    date_formats=book._date_formats,
                    timedelta_formats=book._timedelta_formats,
                )
                first = True
                for number, cells in parser.parse():
                    if first and number > 1:
                        yield 1, []  # the header row is row 1, even when it is empty
                    first = False
                    values: list[Any] = [None] * (cells[-1]["column"] if cells else 0)
                    for cell in cells:
                        values[cell["column"] - 1] = cell["value"]
                    yield number, values
            return
    finally:
        reader.archive.close()


def _cells(content: bytes, fmt: str) -> Generator[tuple[int, list[Any]], None, None]:
    """The file's rows as (spreadsheet row number, cells), streamed: a small file that
    expands to a huge sheet never sits in memory as a whole, and reading stops where the
    caller stops asking."""
    if fmt == "csv":
        text = _decode(content)
        try:
            yield from enumerate(csv.reader(io.StringIO(text, newline="")), start=1)
        except csv.Error as exc:
            raise ImportFileError(["The file could not be read as CSV."]) from exc
    elif fmt == "xlsx":
        try:
            yield from _xlsx_rows(content)
        except ImportFileError:
            raise
        except Exception as exc:  # zip and openpyxl errors: all mean "unreadable"
            raise ImportFileError(["The file could not be read as XLSX."]) from exc
    else:
        raise ImportFileError(["Upload a .csv or .xlsx file."])


def _headers(first: list[Any]) -> list[str]:
    """Check the header row on its own (linear: a set of seen names, not a count per name)."""
    while first and _text(first[-1]) == "":
        first = first[:-1]
    if len(first) > MAX_COLUMNS:
        raise ImportFileError(
            [f"The header row has {len(first):,} columns; an import has at most {MAX_COLUMNS}."]
        )
    headers = [_header(h) for h in first]
    if not any(headers):
        raise ImportFileError(["The file needs a header row naming its columns."])
    errors: list[str] = []
    names = [h for h in headers if h]
    unknown = sorted({n for n in names if n not in IMPORT_COLUMNS})
    if unknown:
        errors.append(
            f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
            f"Allowed columns: {', '.join(IMPORT_COLUMNS)}."
        )
    seen: set[str] = set()
    repeated: set[str] = set()
    for name in names:
        if name in seen:
            repeated.add(name)
        seen.add(name)
    duplicates = sorted(repeated)
    if duplicates:
        errors.append(f"Column repeated: {', '.join(duplicates)}.")
    if "company" not in names:
        errors.append("The file needs a “company” column.")
    if errors:
        raise ImportFileError(errors)
    return headers


def check_file(content: bytes, fmt: str) -> None:
    """The quick check at upload (in the request): the file opens, its header row is right
    and a data row follows. Reads at most a few rows; the worker reads the rest."""
    rows = _cells(content, fmt)
    first = next(rows, None)
    if first is None:
        raise ImportFileError(["The file needs a header row naming its columns."])
    _headers(first[1])
    for _number, row in rows:
        if any(_text(v) for v in row):
            rows.close()
            return
    raise ImportFileError(["The file has a header row but no data rows."])


def read_file(content: bytes, fmt: str) -> list[Row]:
    """Parse an upload into rows numbered as the spreadsheet shows them (in the worker).

    The header row is row 1, so the first data row is row 2. Rows with no values are skipped
    (they keep their number). Raises ImportFileError for problems with the file as a whole,
    including the limits: MAX_ROWS data rows, MAX_COLUMNS columns, MAX_CELL characters a cell.
    """
    with bulk.cycle_collector_paused():
        return _read_rows(content, fmt)


def _read_rows(content: bytes, fmt: str) -> list[Row]:
    cells = _cells(content, fmt)
    first = next(cells, None)
    if first is None:
        raise ImportFileError(["The file needs a header row naming its columns."])
    headers = _headers(first[1])
    width = len(headers)
    keep = [i for i, name in enumerate(headers) if name]
    blank = [i for i, name in enumerate(headers) if not name]
    rows: list[Row] = []
    errors: list[str] = []
    for number, row in cells:
        if len(row) > width:
            if any(_text(v) for v in row[width:]):
                raise ImportFileError(["A row has more cells than the header row has columns."])
            row = row[:width]
        if len(row) < width:
            row = row + [None] * (width - len(row))
        texts = [_text(v) for v in row]
        if not any(texts):
            continue
        for i in blank:
            if texts[i]:
                message = f"Column {i + 1} has values but no header."
                if message not in errors:
                    errors.append(message)
        long = [headers[i] for i in keep if len(texts[i]) > MAX_CELL]
        if long:
            raise ImportFileError(
                [f"Row {number}: “{long[0]}” is longer than {MAX_CELL:,} characters."]
            )
        if len(rows) >= MAX_ROWS:
            cells.close()  # stop reading at the limit
            raise ImportFileError(
                [f"The file has more than {MAX_ROWS:,} data rows; split it into smaller files."]
            )
        values = dict.fromkeys(IMPORT_COLUMNS, "")
        values.update({headers[i]: texts[i] for i in keep})
        rows.append({"row": number, "values": values})
    if errors:
        raise ImportFileError(errors)
    if not rows:
        raise ImportFileError(["The file has a header row but no data rows."])
    return rows


# --------------------------------------------------------------------------- the stored upload


def upload_dir() -> Path:
    return Path(settings.VAR_DIR) / "imports"


def store_upload(content: bytes, fmt: str) -> str:
    """Keep an upload as a file (not in the job row) under var/imports; returns its name."""
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{fmt}"
    (folder / name).write_bytes(content)
    return name


def load_upload(name: str) -> bytes:
    """The stored upload's bytes; ImportFileError when it is gone (past retention)."""
    if not re.fullmatch(r"[0-9a-f]{32}\.(csv|xlsx)", name or ""):
        raise ImportFileError(["The uploaded file is no longer available; upload it again."])
    path = upload_dir() / name
    if not path.is_file():
        raise ImportFileError(["The uploaded file is no longer available; upload it again."])
    return path.read_bytes()


def purge(days: int = RETENTION_DAYS, now: dt.datetime | None = None) -> int:
    """Delete uploads and the row-by-row results of import jobs older than ``days``; the
    job keeps its summary. Returns how many jobs were purged."""
    from django.utils import timezone  # noqa: PLC0415 (keeps the module's imports light)

    from sweetspot.core.models import Job  # noqa: PLC0415 (same)

    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    purged = 0
    for job in Job.objects.filter(kind=JOB_KIND, created_at__lt=cutoff).iterator():
        result = job.result or {}
        if result.get("purged"):
            continue
        name = result.get("file", "")
        if re.fullmatch(r"[0-9a-f]{32}\.(csv|xlsx)", name or ""):
            (upload_dir() / name).unlink(missing_ok=True)
        job.result = {
            "filename": result.get("filename", ""),
            "summary": result.get("summary") or {},
            "applied": bool(result.get("applied")),
            "purged": True,
        }
        job.save(update_fields=["result"])
        purged += 1
    # Files no job points at any more (a job row deleted, a crash between write and create).
    folder = upload_dir()
    if folder.is_dir():
        for path in folder.iterdir():
            modified = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
            if modified < cutoff:
                path.unlink(missing_ok=True)
    return purged


# --------------------------------------------------------------------------- checking a row


@dataclass
class ParsedRow:
    row: int
    name: str
    key: str  # the company name as rows are grouped: case- and spacing-insensitive
    company: dict[str, Any] = field(default_factory=dict)  # non-empty company fields
    site: dict[str, Any] | None = None
    contact: dict[str, Any] | None = None
    errors: list[Error] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.errors.append({"field": column, "message": message})


def _choice(value: str, choices: Any) -> str:
    def norm(s: str) -> str:
        return re.sub(r"[\s_\-/]+", " ", s.casefold()).strip()

    wanted = norm(value)
    for choice_value, label in choices.choices:
        if wanted in {norm(choice_value), norm(str(label))}:
            return str(choice_value)
    labels = ", ".join(str(label) for _, label in choices.choices)
    raise ValueError(f"“{value}” is not one of: {labels}.")


def _integer(value: str) -> int:
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number != number.to_integral_value() or number < 0:
        raise ValueError(f"“{value}” is not a whole number 0 or more.")
    if number > MAX_INTEGER:
        raise ValueError(f"“{value}” is too large.")
    return int(number)


def _money(value: str) -> Decimal:
    cleaned = value.replace("$", "").replace(",", "").replace(" ", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():
        raise ValueError(f"“{value}” is not an amount like 1234.50.")
    if amount < 0:
        raise ValueError(f"“{value}” is negative; amounts must be 0 or more.")
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ValueError(f"“{value}” has more than 2 decimal places.")
    return amount


def _boolean(value: str) -> bool:
    word = value.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"“{value}” is not one of yes, no, true, false, 1, 0 (or blank).")


def _value(column: str, value: str) -> Any:
    if column in CHOICES:
        return _choice(value, CHOICES[column])
    if column in INTEGER_COLUMNS:
        return _integer(value)
    if column in MONEY_COLUMNS:
        return _money(value)
    if column == "contact_primary":
        return _boolean(value)
    return value


def _fields() -> dict[str, Any]:
    """Import column -> the model field it fills."""
    from .models import Contact, Site  # noqa: PLC0415 (Company is imported above)

    out: dict[str, Any] = {}
    for model, columns in (
        (Company, COMPANY_COLUMNS),
        (Site, SITE_COLUMNS),
        (Contact, CONTACT_COLUMNS),
    ):
        for column, name in columns.items():
            out[column] = model._meta.get_field(name)
    return out


COLUMN_FIELDS = _fields()


def _plain_text(model_field: Any) -> bool:
    """A CharField whose only rules are its length and the one-line rule (no choices, no
    e-mail or other validators): a short one-line text passes ``full_clean`` as it is."""
    builtin = (MaxLengthValidator, ProhibitNullCharactersValidator)
    return (
        type(model_field) is models.CharField
        and not model_field.choices
        and all(isinstance(v, builtin) for v in model_field.validators)
    )


PLAIN_TEXT = {column: _plain_text(f) for column, f in COLUMN_FIELDS.items()}


def _cell(column: str, text: str) -> tuple[Any, list[str]]:
    """One non-empty cell: its value and the messages against it. Its type first (``_value``),
    then the checks ``full_clean`` would make of the model field it fills (length, digits,
    range, e-mail, choices) and, for text, the one-line rule of ``TextChecked``."""
    model_field = COLUMN_FIELDS[column]
    if PLAIN_TEXT[column] and len(text) <= model_field.max_length and is_single_line(text):
        return text, []  # the common case, without the validators' round
    try:
        value = _value(column, text)
    except ValueError as exc:
        return None, [str(exc)]
    errors: list[ValidationError] = []
    try:
        value = model_field.clean(value, None)
    except ValidationError as exc:
        errors = list(exc.error_list)
    if isinstance(model_field, models.CharField):  # as TextChecked.clean_fields merges them
        rules = field_text_errors(model_field, value)
        if not errors:
            errors = rules
        elif any(e.code == "max_length" for e in rules):
            errors = [e for e in errors if e.code != "max_length"]
            errors += [e for e in rules if e.code == "max_length"]
    if errors:
        messages = [m for e in errors for m in e.messages]
        if column == "contact_email" and any(e.code == "invalid" for e in errors):
            messages = [f"“{text}” is not a valid e-mail address."]  # the field's EmailValidator
        return None, messages
    return value, []


Outcome = tuple[Any, list[str]]  # a cell's value and the messages against it
_PARTS = [
    (column, part, columns[column])
    for part, columns in (
        ("company", COMPANY_COLUMNS),
        ("site", SITE_COLUMNS),
        ("contact", CONTACT_COLUMNS),
    )
    for column in IMPORT_COLUMNS
    if column in columns
]
_PARTS.sort(key=lambda item: IMPORT_COLUMNS.index(item[0]))


def parse_row(row: Row, cache: dict[str, dict[str, Outcome]] | None = None) -> ParsedRow:
    """Check one row's values on their own (no database): types, choices, the model fields'
    rules, required columns. ``cache`` keeps each distinct cell's outcome across rows, per
    column (a file repeats its statuses, cities and company names)."""
    cache = {} if cache is None else cache
    if not cache:
        cache.update((column, {}) for column in IMPORT_COLUMNS)
    values: dict[str, str] = row["values"]
    name = values.get("company", "")
    parsed = ParsedRow(row=row["row"], name=name, key=company_key(name))
    if not name:
        parsed.error("company", "The company name is required.")
    found: dict[str, dict[str, Any]] = {"company": {}, "site": {}, "contact": {}}
    has_site = has_contact = False
    for column, part, model_field in _PARTS:
        text = values.get(column)
        if not text:
            continue
        if part == "site":
            has_site = True
        elif part == "contact" and column != "contact_primary":
            has_contact = True
        known = cache[column]
        outcome = known.get(text)
        if outcome is None:
            outcome = known[text] = _cell(column, text)
        value, messages = outcome
        if messages:
            for message in messages:
                parsed.error(column, message)
        elif column != "company":
            found[part][model_field] = value
    parsed.company = found["company"]
    if has_site:
        parsed.site = found["site"]
        if not values.get("site_name"):
            parsed.error("site_name", "A site needs a name when other site columns are filled.")
    if has_contact or found["contact"].get("is_primary"):
        parsed.contact = found["contact"]
        if not values.get("contact_name"):
            parsed.error(
                "contact_name", "A contact needs a name when other contact columns are filled."
            )
    return parsed


def _check_consistency(parsed: list[ParsedRow]) -> None:
    """Rows of one company must not disagree about the company's own fields."""
    seen: dict[str, dict[str, tuple[Any, int]]] = {}
    columns = {model_field: column for column, model_field in COMPANY_COLUMNS.items()}
    for row in parsed:
        if not row.key:
            continue
        company_seen = seen.setdefault(row.key, {})
        for model_field, value in row.company.items():
            if model_field not in company_seen:
                company_seen[model_field] = (value, row.row)
            elif company_seen[model_field][0] != value:
                first_value, first_row = company_seen[model_field]
                row.error(
                    columns[model_field],
                    f"Row {first_row} gives “{first_value}” for this company; "
                    f"rows of one company must agree.",
                )


# --------------------------------------------------------------------------- running an import


@dataclass
class ImportOutcome:
    rows: list[dict[str, Any]]
    summary: dict[str, int]
    applied: bool


def summarize(rows: list[dict[str, Any]]) -> dict[str, int]:
    def count(action: str) -> int:
        return sum(1 for r in rows if not r["errors"] and action in r["actions"])

    return {
        "rows": len(rows),
        "companies_created": count("create company"),
        "companies_updated": count("update company"),
        "sites_added": count("add site"),
        "contacts_added": count("add contact"),
        "unchanged": sum(1 for r in rows if r["outcome"] == "unchanged"),
        "errors": sum(1 for r in rows if r["errors"]),
    }


def run_import(
    rows: list[Row],
    actor: User | None,
    *,
    apply: bool,
    progress: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """Check every row, then (``apply``) write them all in one short transaction, or none.

    Each cell is checked on its own against the model field it fills (the rules of
    ``full_clean``, no database), rows of one company against each other, then every row
    against the client book loaded in a few queries (import_book.Plan: no query per row).
    The preview stops there and writes nothing; the apply checks again inside the transaction
    and writes in bulk (import_book). Any row with an error: nothing is written.

    ``progress(n)`` is called every PROGRESS_EVERY rows and at the end of the row check. It
    runs before the transaction opens so that other connections can see the progress.
    """
    with bulk.cycle_collector_paused():
        parsed: list[ParsedRow] = []
        cache: dict[str, dict[str, Outcome]] = {}
        for index, row in enumerate(rows, start=1):
            parsed.append(parse_row(row, cache))
            if progress is not None and index % PROGRESS_EVERY == 0:
                progress(index)
        _check_consistency(parsed)
        if progress is not None:
            progress(len(rows))
        if apply:
            plan, applied = import_book.apply(actor, parsed)
        else:
            plan, applied = import_book.preview(actor, parsed), False
        return ImportOutcome(rows=plan.results, summary=summarize(plan.results), applied=applied)
