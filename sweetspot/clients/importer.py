"""Import file format for companies with their sites and contacts (one row per site/contact).

Reading a file (``read_file``) turns a CSV/XLSX upload into plain rows; ``run_import`` checks
every row, then replays them through the services inside one transaction. A dry run (the
preview) and an apply with any bad row both roll that transaction back, so the preview sees
exactly what the apply would do and nothing is half-imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import EmailValidator
from django.db import transaction

from sweetspot.core import spreadsheet
from sweetspot.core.models import User

from . import services
from .models import Company, CompanyStatus, CurrentSupport, Network

JOB_KIND = "company_import"
FORMATS = {".csv": "csv", ".xlsx": "xlsx"}
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Limits (issue 15 item 3): a file past them is refused with a message naming the limit.
MAX_ROWS = 20_000
MAX_COLUMNS = 50
MAX_CELL = 1_000
RETENTION_DAYS = 7  # uploads and row-by-row results of import jobs are kept this long
PROGRESS_EVERY = 50

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


def _cells(content: bytes, fmt: str) -> Iterator[list[Any]]:
    """The file's rows as lists of cells, streamed: an XLSX is read in read-only mode, so a
    small file that expands to a huge sheet never sits in memory as a whole."""
    if fmt == "csv":
        text = _decode(content)
        try:
            yield from csv.reader(io.StringIO(text, newline=""))
        except csv.Error as exc:
            raise ImportFileError(["The file could not be read as CSV."]) from exc
    elif fmt == "xlsx":
        from openpyxl import load_workbook  # noqa: PLC0415 (heavy; only XLSX imports load it)

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            sheet = book.worksheets[0]
            for row in sheet.iter_rows(values_only=True):
                yield list(row)
            book.close()
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
    _headers(first)
    for row in rows:
        if any(_text(v) for v in row):
            return
    raise ImportFileError(["The file has a header row but no data rows."])


def read_file(content: bytes, fmt: str) -> list[Row]:
    """Parse an upload into rows numbered as the spreadsheet shows them (in the worker).

    The header row is row 1, so the first data row is row 2. Rows with no values are skipped
    (they keep their number). Raises ImportFileError for problems with the file as a whole,
    including the limits: MAX_ROWS data rows, MAX_COLUMNS columns, MAX_CELL characters a cell.
    """
    cells = _cells(content, fmt)
    first = next(cells, None)
    if first is None:
        raise ImportFileError(["The file needs a header row naming its columns."])
    headers = _headers(first)
    width = len(headers)
    keep = [i for i, name in enumerate(headers) if name]
    blank = [i for i, name in enumerate(headers) if not name]
    rows: list[Row] = []
    errors: list[str] = []
    for number, row in enumerate(cells, start=2):
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


def _email(value: str) -> str:
    try:
        EmailValidator()(value)
    except ValidationError as exc:
        raise ValueError(f"“{value}” is not a valid e-mail address.") from exc
    return value


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
    if column == "contact_email":
        return _email(value)
    if column == "contact_primary":
        return _boolean(value)
    return value


def company_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def parse_row(row: Row) -> ParsedRow:
    """Check one row's values on their own (no database): types, choices, required columns."""
    values: dict[str, str] = row["values"]
    name = values.get("company", "")
    parsed = ParsedRow(row=row["row"], name=name, key=company_key(name))
    if not name:
        parsed.error("company", "The company name is required.")
    cleaned: dict[str, Any] = {}
    for column in IMPORT_COLUMNS:
        text = values.get(column, "")
        if not text or column == "company":
            continue
        try:
            cleaned[column] = _value(column, text)
        except ValueError as exc:
            parsed.error(column, str(exc))
    parsed.company = {COMPANY_COLUMNS[c]: cleaned[c] for c in COMPANY_COLUMNS if c in cleaned}
    if any(values.get(c) for c in SITE_COLUMNS):
        parsed.site = {SITE_COLUMNS[c]: cleaned[c] for c in SITE_COLUMNS if c in cleaned}
        if not values.get("site_name"):
            parsed.error("site_name", "A site needs a name when other site columns are filled.")
    if any(values.get(c) for c in CONTACT_COLUMNS if c != "contact_primary") or cleaned.get(
        "contact_primary"
    ):
        parsed.contact = {CONTACT_COLUMNS[c]: cleaned[c] for c in CONTACT_COLUMNS if c in cleaned}
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


class _Rollback(Exception):
    """Raised at the end of a dry run (or a failed apply) to undo every write."""


class _RowFailed(Exception):
    def __init__(self, errors: list[Error]) -> None:
        super().__init__(errors)
        self.errors = errors


def _model_errors(exc: ValidationError, columns: dict[str, str]) -> list[Error]:
    by_field = {model_field: column for column, model_field in columns.items()}
    errors: list[Error] = []
    if hasattr(exc, "error_dict"):
        for model_field, messages in exc.message_dict.items():
            column = (
                "row" if model_field == NON_FIELD_ERRORS else by_field.get(model_field, model_field)
            )
            errors.extend({"field": column, "message": m} for m in messages)
    else:
        errors.extend({"field": "row", "message": m} for m in exc.messages)
    return errors


def _guard(columns: dict[str, str], call: Callable[[], Any]) -> Any:
    try:
        return call()
    except ValidationError as exc:
        raise _RowFailed(_model_errors(exc, columns)) from exc


@dataclass
class ImportOutcome:
    rows: list[dict[str, Any]]
    summary: dict[str, int]
    applied: bool


class _Writer:
    """Replays parsed rows through the services; remembers companies made so far."""

    def __init__(self, actor: User | None, site_counts: dict[str, int]) -> None:
        self.actor = actor
        self.site_counts = site_counts
        self.companies: dict[str, Company] = {}

    def row(self, parsed: ParsedRow) -> dict[str, Any]:
        result: dict[str, Any] = {
            "row": parsed.row,
            "company": parsed.name,
            "actions": [],
            "errors": parsed.errors,
        }
        if not parsed.errors:
            try:
                with transaction.atomic():  # a savepoint: a failed row leaves no trace
                    result["actions"] = self._write(parsed)
            except _RowFailed as exc:
                # The savepoint undid this row's writes; forget any company it touched.
                self.companies.pop(parsed.key, None)
                result["errors"] = exc.errors
        if result["errors"]:
            result["outcome"] = "error"
        else:
            result["outcome"] = result["actions"][0] if result["actions"] else "unchanged"
        return result

    def _write(self, parsed: ParsedRow) -> list[str]:
        actions: list[str] = []
        company = self.companies.get(parsed.key)
        if company is None:
            matches = list(
                Company.objects.filter(archived_at__isnull=True, name__iexact=parsed.name)[:2]
            )
            if len(matches) > 1:
                message = (
                    f"Several active companies are named “{parsed.name}”; the import cannot "
                    "tell which one to update. Rename or archive one first."
                )
                raise _RowFailed([{"field": "company", "message": message}])
            if matches:
                company = matches[0]
            else:
                data = {"name": parsed.name, **parsed.company}
                data["site_count"] = max(1, self.site_counts.get(parsed.key, 0))
                company = _guard(COMPANY_COLUMNS, lambda: services.create_company(self.actor, data))
                actions.append("create company")
        if not actions:
            changes = {f: v for f, v in parsed.company.items() if getattr(company, f) != v}
            if changes:
                target = company
                _guard(
                    COMPANY_COLUMNS,
                    lambda: services.update_company(self.actor, target, changes),
                )
                actions.append("update company")
        assert company is not None
        self.companies[parsed.key] = company

        if parsed.site is not None:
            site_data = parsed.site
            exists = company.sites.filter(
                archived_at__isnull=True, name__iexact=site_data["name"]
            ).exists()
            if not exists:
                _guard(SITE_COLUMNS, lambda: services.create_site(self.actor, company, site_data))
                actions.append("add site")

        if parsed.contact is not None:
            contact_data = parsed.contact
            contacts = company.contacts.filter(archived_at__isnull=True)
            if contact_data.get("email"):
                contacts = contacts.filter(email__iexact=contact_data["email"])
            else:
                contacts = contacts.filter(name__iexact=contact_data["name"])
            if not contacts.exists():
                _guard(
                    CONTACT_COLUMNS,
                    lambda: services.create_contact(self.actor, company, contact_data),
                )
                actions.append("add contact")
        return actions


class _NewCompanies:
    """Rows of companies the client book does not have yet, checked without a query per row
    (model validation on unsaved instances) and written with bulk inserts: the bulk of an
    import of new clients. Rows of existing companies still go through ``_Writer``."""

    def __init__(self, actor: User | None, site_counts: dict[str, int]) -> None:
        from sweetspot.core.models import Firm  # noqa: PLC0415 (keeps module imports light)

        self.actor = actor
        self.site_counts = site_counts
        self.firm = Firm.current()
        self.companies: dict[str, Company] = {}
        self.sites: dict[str, list[Any]] = {}
        self.contacts: dict[str, list[Any]] = {}
        self.site_names: dict[str, set[str]] = {}
        self.contact_keys: dict[str, set[str]] = {}

    def row(self, parsed: ParsedRow) -> dict[str, Any]:
        result: dict[str, Any] = {
            "row": parsed.row,
            "company": parsed.name,
            "actions": [],
            "errors": parsed.errors,
        }
        if not parsed.errors:
            try:
                result["actions"] = self._plan(parsed)
            except _RowFailed as exc:
                result["errors"] = exc.errors
        if result["errors"]:
            result["outcome"] = "error"
        else:
            result["outcome"] = result["actions"][0] if result["actions"] else "unchanged"
        return result

    @staticmethod
    def _check(obj: Any, columns: dict[str, str], exclude: list[str]) -> None:
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise _RowFailed(_model_errors(exc, columns)) from exc

    def _plan(self, parsed: ParsedRow) -> list[str]:
        from .models import Contact, EnvironmentProfile, Site  # noqa: PLC0415 (local use)

        actions: list[str] = []
        company = self.companies.get(parsed.key)
        if company is None:
            company = Company(name=parsed.name, **parsed.company)
            company.site_count = max(1, self.site_counts.get(parsed.key, 0))
            if not company.segment_pinned:
                company.segment = self.firm.segment_for(company.pcs)
            self._check(company, COMPANY_COLUMNS, [])
            EnvironmentProfile(company=company).full_clean(exclude=["company"])
            self.companies[parsed.key] = company
            self.sites[parsed.key], self.contacts[parsed.key] = [], []
            self.site_names[parsed.key], self.contact_keys[parsed.key] = set(), set()
            actions.append("create company")
        else:
            changes = {f: v for f, v in parsed.company.items() if getattr(company, f) != v}
            if changes:
                for field_name, value in changes.items():
                    setattr(company, field_name, value)
                if "pcs" in changes and not company.segment_pinned:
                    company.segment = self.firm.segment_for(company.pcs)
                self._check(company, COMPANY_COLUMNS, [])
                actions.append("update company")
        if parsed.site is not None:
            name = parsed.site["name"].casefold()
            if name not in self.site_names[parsed.key]:
                site = Site(company=company, **parsed.site)
                self._check(site, SITE_COLUMNS, ["company"])
                self.site_names[parsed.key].add(name)
                self.sites[parsed.key].append(site)
                actions.append("add site")
        if parsed.contact is not None:
            data = parsed.contact
            key = ("@" + data["email"].casefold()) if data.get("email") else data["name"].casefold()
            if key not in self.contact_keys[parsed.key]:
                contact = Contact(company=company, **data)
                self._check(contact, CONTACT_COLUMNS, ["company", "site"])
                if contact.is_primary:  # the last primary wins, as create_contact does
                    for other in self.contacts[parsed.key]:
                        other.is_primary = False
                self.contact_keys[parsed.key].add(key)
                self.contacts[parsed.key].append(contact)
                actions.append("add contact")
        return actions

    def write(self) -> None:
        """Insert everything planned (inside the caller's transaction), with audit rows."""
        from sweetspot.core import audit  # noqa: PLC0415 (local use)
        from sweetspot.core.models import AuditLog  # noqa: PLC0415 (local use)

        from .models import Contact, EnvironmentProfile, Site  # noqa: PLC0415 (local use)

        if not self.companies:
            return
        companies = Company.objects.bulk_create(list(self.companies.values()))
        for key, company in self.companies.items():
            for obj in self.sites[key] + self.contacts[key]:
                obj.company = company
        EnvironmentProfile.objects.bulk_create([EnvironmentProfile(company=c) for c in companies])
        sites = Site.objects.bulk_create([s for k in self.sites for s in self.sites[k]])
        contacts = Contact.objects.bulk_create([c for k in self.contacts for c in self.contacts[k]])
        actor = self.actor if self.actor is not None and self.actor.pk else None
        label = actor.label if actor is not None else "system"
        AuditLog.objects.bulk_create(
            AuditLog(
                actor=actor,
                actor_label=label,
                action=AuditLog.Action.CREATE,
                object_type=obj._meta.label,
                object_id=str(obj.pk),
                object_repr=str(obj)[:300],
                changes=audit.diff({}, audit.snapshot(obj)),
            )
            for obj in [*companies, *sites, *contacts]
        )


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
    """Check every row, then write them all in one transaction.

    The writes go through the services (full_clean and audit rows included), so the model
    validation of the real import is part of the check. The transaction is rolled back when
    ``apply`` is false (the preview) or when any row has an error: all or nothing.

    ``progress(n)`` is called every PROGRESS_EVERY rows and at the end of the row check. It
    runs before the transaction opens so that other connections can see the progress.
    """
    parsed: list[ParsedRow] = []
    for index, row in enumerate(rows, start=1):
        parsed.append(parse_row(row))
        if progress is not None and index % PROGRESS_EVERY == 0:
            progress(index)
    _check_consistency(parsed)
    if progress is not None:
        progress(len(rows))

    site_names: dict[str, set[str]] = {}
    for p in parsed:
        if p.site and p.site.get("name"):
            site_names.setdefault(p.key, set()).add(p.site["name"].casefold())
    site_counts = {key: len(names) for key, names in site_names.items()}
    writer = _Writer(actor, site_counts)
    # One query for the whole file: which companies exist already (active, by the grouping
    # key). Their rows go through the services; new companies are checked and inserted in bulk.
    wanted = {p.key for p in parsed if p.key}
    existing = {
        key
        for name in Company.objects.filter(archived_at__isnull=True).values_list("name", flat=True)
        if (key := company_key(name)) in wanted
    }
    new = _NewCompanies(actor, site_counts)

    results: list[dict[str, Any]] = []
    applied = False
    try:
        with transaction.atomic():
            results = [
                writer.row(p) if (not p.key or p.key in existing) else new.row(p) for p in parsed
            ]
            if any(r["errors"] for r in results):
                raise _Rollback
            new.write()
            if not apply:
                raise _Rollback
            applied = True
    except _Rollback:
        pass
    return ImportOutcome(rows=results, summary=summarize(results), applied=applied)
