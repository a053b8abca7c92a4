"""Import file format for companies with their sites and contacts (one row per site/contact).

Reading a file (``read_file``) turns a CSV/XLSX upload into plain rows; ``run_import`` checks
every row, then replays them through the services inside one transaction. A dry run (the
preview) and an apply with any bad row both roll that transaction back, so the preview sees
exactly what the apply would do and nothing is half-imported.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import tablib
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


def read_file(content: bytes, fmt: str) -> list[Row]:
    """Parse an upload with tablib into rows numbered as the spreadsheet shows them.

    The header row is row 1, so the first data row is row 2. Rows with no values are skipped
    (they keep their number). Raises ImportFileError for problems with the file as a whole.
    """
    dataset = tablib.Dataset()
    try:
        if fmt == "csv":
            dataset.load(_decode(content), format="csv")
        elif fmt == "xlsx":
            dataset.load(content, format="xlsx")
        else:
            raise ImportFileError(["Upload a .csv or .xlsx file."])
    except ImportFileError:
        raise
    except tablib.InvalidDimensions as exc:
        raise ImportFileError(["A row has more cells than the header row has columns."]) from exc
    except Exception as exc:  # csv.Error, zip and openpyxl errors: all mean "unreadable".
        raise ImportFileError([f"The file could not be read as {fmt.upper()}."]) from exc

    headers = [_header(h) for h in (dataset.headers or [])]
    if not any(headers):
        raise ImportFileError(["The file needs a header row naming its columns."])
    data = [list(row) for row in dataset]
    errors: list[str] = []
    keep: list[int] = []
    for index, name in enumerate(headers):
        if not name:
            if any(_text(row[index]) for row in data):
                errors.append(f"Column {index + 1} has values but no header.")
            continue
        keep.append(index)
    names = [headers[i] for i in keep]
    unknown = sorted({n for n in names if n not in IMPORT_COLUMNS})
    if unknown:
        errors.append(
            f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
            f"Allowed columns: {', '.join(IMPORT_COLUMNS)}."
        )
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        errors.append(f"Column repeated: {', '.join(duplicates)}.")
    if "company" not in names:
        errors.append("The file needs a “company” column.")
    if errors:
        raise ImportFileError(errors)

    rows: list[Row] = []
    for number, row in enumerate(data, start=2):
        values = {column: "" for column in IMPORT_COLUMNS}
        values.update({headers[i]: _text(row[i]) for i in keep})
        if any(values.values()):
            rows.append({"row": number, "values": values})
    if not rows:
        raise ImportFileError(["The file has a header row but no data rows."])
    return rows


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
    writer = _Writer(actor, {key: len(names) for key, names in site_names.items()})

    results: list[dict[str, Any]] = []
    applied = False
    try:
        with transaction.atomic():
            results = [writer.row(p) for p in parsed]
            if not apply or any(r["errors"] for r in results):
                raise _Rollback
            applied = True
    except _Rollback:
        pass
    return ImportOutcome(rows=results, summary=summarize(results), applied=applied)
