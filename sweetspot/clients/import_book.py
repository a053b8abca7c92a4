"""The client book as a company import sees it, and the import's bulk write (issue 15 item 3).

``Book.load`` reads what the rows are checked against in a few set-based queries: the names of
the active companies (matched as the import groups rows: case- and spacing-insensitive), then
for the companies the file names, their rows, active sites and contacts and primary
contacts. ``Plan`` then walks the checked rows in memory (no query per row), deciding for each
what it does (create or update a company, add a site or a contact) exactly as the services
would, and ``Plan.write`` writes it all with multi-row INSERTs (core.bulk) and ``bulk_update``
in one short transaction, audit rows included (core.audit.record_many).

Two imports at once: the partial unique index on the lower-cased names of active companies
refuses the second insert of a name; ``write`` turns that into row errors (nothing written).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import IntegrityError, transaction
from django.utils import timezone

from sweetspot.core import audit, bulk, engine_cache
from sweetspot.core.models import AuditLog, Firm, User

from .models import Company, Contact, EnvironmentProfile, Site
from .services import NAME_CONSTRAINT

CHUNK = 500  # ids per IN (...) list: well under SQLite's parameter limit
RACED = (
    "An active company with this name was added while this file was being imported; "
    "nothing was imported. Check the file again."
)


class CheckedRow(Protocol):
    """A row after the file checks (importer.ParsedRow)."""

    row: int
    name: str
    key: str
    company: dict[str, Any]
    site: dict[str, Any] | None
    contact: dict[str, Any] | None
    errors: list[dict[str, str]]


def company_key(name: str) -> str:
    """Rows are grouped, and matched to the book, case- and spacing-insensitively."""
    return " ".join(name.split()).casefold()


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


@dataclass
class Book:
    """The active companies by key, and the sites and contacts of those the file names."""

    pks_by_key: dict[str, list[int]]
    companies: dict[int, Company] = field(default_factory=dict)
    site_names: dict[int, set[str]] = field(default_factory=dict)
    contact_emails: dict[int, set[str]] = field(default_factory=dict)
    contact_names: dict[int, set[str]] = field(default_factory=dict)
    primaries: dict[int, list[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, keys: set[str]) -> Book:
        pks_by_key: dict[str, list[int]] = {}
        for pk, name in Company.objects.filter(archived_at__isnull=True).values_list("pk", "name"):
            key = company_key(name)
            if key in keys:
                pks_by_key.setdefault(key, []).append(pk)
        book = cls(pks_by_key)
        wanted = sorted(pks[0] for pks in pks_by_key.values() if len(pks) == 1)
        for ids in _chunks(wanted):
            book.companies.update((c.pk, c) for c in Company.objects.filter(pk__in=ids))
            sites = Site.objects.filter(company_id__in=ids, archived_at__isnull=True)
            for company_id, name in sites.values_list("company_id", "name"):
                book.site_names.setdefault(company_id, set()).add(name.casefold())
            contacts = Contact.objects.filter(company_id__in=ids)
            for pk, company_id, name, email, primary, archived in contacts.values_list(
                "pk", "company_id", "name", "email", "is_primary", "archived_at"
            ):
                if archived is None:
                    book.contact_names.setdefault(company_id, set()).add(name.casefold())
                    if email:
                        book.contact_emails.setdefault(company_id, set()).add(email.casefold())
                if primary:  # archived ones too, as services._demote_other_primaries does
                    book.primaries.setdefault(company_id, []).append(pk)
        return book


@dataclass
class _Company:
    """A company the import creates or changes, with what it adds to it."""

    existing: Company | None
    values: dict[str, Any]  # a new company's fields (name included)
    before: dict[str, Any] = field(default_factory=dict)  # an existing one's audit snapshot
    changed: set[str] = field(default_factory=set)
    site_names: set[str] = field(default_factory=set)
    contact_emails: set[str] = field(default_factory=set)
    contact_names: set[str] = field(default_factory=set)
    sites: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    demoted: list[int] = field(default_factory=list)  # existing primaries no longer primary

    def current(self, name: str) -> Any:
        return getattr(self.existing, name) if self.existing is not None else self.values[name]


class Plan:
    """What every row does, decided in memory against ``Book``; ``write`` does it."""

    def __init__(
        self, actor: User | None, parsed: Sequence[CheckedRow], firm: Firm | None = None
    ) -> None:
        self.actor = actor
        self.firm = firm or Firm.current()
        self.companies: dict[str, _Company] = {}
        site_names: dict[str, set[str]] = {}
        for p in parsed:
            if p.site and p.site.get("name"):
                site_names.setdefault(p.key, set()).add(p.site["name"].casefold())
        self.site_counts = {key: len(names) for key, names in site_names.items()}
        self.book = Book.load({p.key for p in parsed if p.key and not p.errors})
        self.results = [self._row(p) for p in parsed]

    @property
    def has_errors(self) -> bool:
        return any(r["errors"] for r in self.results)

    def _row(self, parsed: CheckedRow) -> dict[str, Any]:
        result: dict[str, Any] = {
            "row": parsed.row,
            "company": parsed.name,
            "actions": [],
            "errors": list(parsed.errors),
        }
        if not result["errors"]:
            result["actions"] = self._plan(parsed, result)
        if result["errors"]:
            result["outcome"] = "error"
        else:
            result["outcome"] = result["actions"][0] if result["actions"] else "unchanged"
        return result

    def _company(self, parsed: CheckedRow, result: dict[str, Any]) -> tuple[_Company, bool]:
        """The company of this row (made on its first row); True when this row creates it."""
        planned = self.companies.get(parsed.key)
        if planned is not None:
            return planned, False
        pks = self.book.pks_by_key.get(parsed.key, [])
        if len(pks) > 1:
            message = (
                f"Several active companies are named “{parsed.name}”; the import cannot "
                "tell which one to update. Rename or archive one first."
            )
            result["errors"].append({"field": "company", "message": message})
            raise LookupError
        if pks:
            company = self.book.companies[pks[0]]
            planned = _Company(existing=company, values={}, before=audit.snapshot(company))
            planned.site_names = set(self.book.site_names.get(company.pk, ()))
            planned.contact_emails = set(self.book.contact_emails.get(company.pk, ()))
            planned.contact_names = set(self.book.contact_names.get(company.pk, ()))
            self.companies[parsed.key] = planned
            return planned, False
        values = {"name": parsed.name, **parsed.company}
        values["site_count"] = max(1, self.site_counts.get(parsed.key, 0))
        planned = _Company(existing=None, values=bulk.row(Company, values))
        self.companies[parsed.key] = planned
        return planned, True

    def _plan(self, parsed: CheckedRow, result: dict[str, Any]) -> list[str]:
        try:
            company, created = self._company(parsed, result)
        except LookupError:
            return []
        actions = ["create company"] if created else []
        changes = {f: v for f, v in parsed.company.items() if company.current(f) != v}
        if changes and not created:
            if company.existing is not None:
                for name, value in changes.items():
                    setattr(company.existing, name, value)
            else:
                company.values.update(changes)
            company.changed.update(changes)
            actions.append("update company")
        if parsed.site is not None:
            name = parsed.site["name"].casefold()
            if name not in company.site_names:
                company.site_names.add(name)
                company.sites.append(parsed.site)
                actions.append("add site")
        if parsed.contact is not None:
            data = parsed.contact
            email = (data.get("email") or "").casefold()
            known = email in company.contact_emails if email else None
            if known is None:
                known = data["name"].casefold() in company.contact_names
            if not known:
                if data.get("is_primary"):  # the last primary wins, as create_contact does
                    for other in company.contacts:
                        other["is_primary"] = False
                    if company.existing is not None:
                        company.demoted = list(self.book.primaries.get(company.existing.pk, ()))
                company.contact_names.add(data["name"].casefold())
                if email:
                    company.contact_emails.add(email)
                company.contacts.append(dict(data))
                actions.append("add contact")
        return actions

    # ----------------------------------------------------------------------- writing

    def _raced(self) -> None:
        """Row errors for the new companies someone else created meanwhile."""
        new = {key for key, c in self.companies.items() if c.existing is None}
        taken = {
            company_key(name)
            for name in Company.objects.filter(archived_at__isnull=True).values_list(
                "name", flat=True
            )
        }
        clashes = (new & taken) or new
        for result in self.results:
            if company_key(result["company"]) in clashes and "create company" in result["actions"]:
                result["errors"].append({"field": "company", "message": RACED})
                result["outcome"] = "error"

    def write(self) -> None:
        """Every planned write, in bulk (inside the caller's transaction), with audit rows."""
        now = timezone.now()
        entries: list[tuple[str, Any, Any, str, dict[str, Any]]] = []
        new = [c for c in self.companies.values() if c.existing is None]
        for company in new:
            if not company.values["segment_pinned"]:
                company.values["segment"] = self.firm.segment_for(company.values["pcs"])
            company.values["created_at"] = company.values["updated_at"] = now
        ids = bulk.insert(Company, [c.values for c in new])
        for company, pk in zip(new, ids, strict=True):
            company.values["id"] = pk
            after = audit.created(Company, company.values)
            entries.append((AuditLog.Action.CREATE, Company, pk, company.values["name"], after))
        bulk.insert(
            EnvironmentProfile,
            [bulk.row(EnvironmentProfile, {"company_id": pk}) for pk in ids],
            returning=False,
        )

        updated = [
            (c, c.existing) for c in self.companies.values() if c.existing is not None and c.changed
        ]
        fields: set[str] = {"updated_at"}
        for company, obj in updated:
            if ("pcs" in company.changed or not obj.segment) and not obj.segment_pinned:
                obj.segment = self.firm.segment_for(obj.pcs)
                fields.add("segment")
            obj.updated_at = now
            fields.update(company.changed)
            after = audit.snapshot(obj)
            entries.append(
                (
                    AuditLog.Action.UPDATE,
                    Company,
                    obj.pk,
                    str(obj),
                    audit.diff(company.before, after),
                )
            )
        if updated:
            Company.objects.bulk_update(
                [obj for _, obj in updated], sorted(fields), batch_size=CHUNK
            )
            # bulk_update sends no signals: a renamed company names its agreements in the
            # cached promise check (core.engine_cache).
            engine_cache.bump("agreements")

        def pk_of(company: _Company) -> int:
            return company.existing.pk if company.existing is not None else company.values["id"]

        for model, attr in ((Site, "sites"), (Contact, "contacts")):
            rows = [
                bulk.row(model, {**values, "company_id": pk_of(c)}, now)
                for c in self.companies.values()
                for values in getattr(c, attr)
            ]
            for pk, values in zip(bulk.insert(model, rows), rows, strict=True):
                after = audit.created(model, values)
                entries.append((AuditLog.Action.CREATE, model, pk, values["name"], after))

        demoted = [pk for c in self.companies.values() for pk in c.demoted]
        if demoted:
            names = dict(Contact.objects.filter(pk__in=demoted).values_list("pk", "name"))
            for ids_chunk in _chunks(demoted):
                Contact.objects.filter(pk__in=ids_chunk).update(is_primary=False)
            change = {"is_primary": [True, False]}
            entries.extend(
                (AuditLog.Action.UPDATE, Contact, pk, names.get(pk, ""), change) for pk in demoted
            )
        audit.record_many(self.actor, entries)


def preview(actor: User | None, parsed: Sequence[CheckedRow]) -> Plan:
    """What the rows would do; reads the book, writes nothing, holds no transaction."""
    return Plan(actor, parsed)


def apply(actor: User | None, parsed: Sequence[CheckedRow]) -> tuple[Plan, bool]:
    """Check the rows against the book and write them all in one transaction, or nothing:
    (the plan with every row's outcome, whether it was written). A new company that another
    import or person created in the meantime is refused by the unique index: nothing is
    written and its rows say so."""
    plan: Plan | None = None
    try:
        with transaction.atomic():
            plan = Plan(actor, parsed)
            if plan.has_errors:
                return plan, False
            plan.write()
    except IntegrityError as exc:
        if plan is None or NAME_CONSTRAINT not in str(exc):
            raise
        plan._raced()
        return plan, False
    return plan, True
