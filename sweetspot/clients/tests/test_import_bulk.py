"""Issue 15 item 3: the import checks rows in memory against the client book (a few queries,
whatever the number of rows) and writes in bulk in one transaction, with the audit trail the
services write, all or nothing, and without creating a company twice when two imports run
at once."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from sweetspot.clients import import_book, importer
from sweetspot.clients.import_book import RACED
from sweetspot.clients.importer import IMPORT_COLUMNS, read_file, run_import
from sweetspot.clients.models import Company, Contact, EnvironmentProfile, Site
from sweetspot.core import audit
from sweetspot.core.models import AuditLog
from sweetspot.core.testing import at_once


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(IMPORT_COLUMNS)
    for values in rows:
        writer.writerow([values.get(c, "") for c in IMPORT_COLUMNS])
    return out.getvalue().encode()


def _new_rows(count: int, prefix: str = "Bulk Co") -> list[dict[str, str]]:
    """Three rows a company: each adds a site and a contact; the first contact is primary."""
    return [
        {
            "company": f"{prefix} {i // 3:05d}",
            "status": "prospect",
            "pcs": str(5 + (i // 3) % 60),
            "annual_revenue": "1,250.50",
            "site_name": f"Site {i % 3}",
            "site_city": "Concord",
            "contact_name": f"Person {i}",
            "contact_email": f"p{i}@bulk{i // 3}.example",
            "contact_primary": "yes" if i % 3 == 0 else "no",
        }
        for i in range(count)
    ]


def _existing_rows() -> list[dict[str, str]]:
    """Rows of demo companies: Fern Bakery grows (pcs) and gets a new primary contact and a
    site; Harbor Dental gets a contact it already has (unchanged)."""
    return [
        {
            "company": "fern  bakery",  # matched case- and spacing-insensitively
            "pcs": "30",
            "site_name": "Fern Bakery — Kiosk",
            "contact_name": "Pat Fern",
            "contact_email": "pat@fernbakery.example",
            "contact_primary": "yes",
        },
        {
            "company": "Harbor Dental",
            "contact_name": "Hana H.",  # known by her e-mail address, whatever the case
            "contact_email": "HANA@HarborDental.example",
        },
    ]


def _run(rows: list[dict[str, str]], actor=None, *, apply: bool):
    return run_import(read_file(_csv(rows), "csv"), actor, apply=apply)


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Company, EnvironmentProfile, Site, Contact, AuditLog))


@pytest.mark.parametrize("apply", [False, True])
def test_the_number_of_queries_does_not_grow_with_the_rows(demo, apply):
    """Validation without per-row queries: 10 and 100 new companies (plus rows of existing
    companies) cost the same queries, preview and apply alike; only the apply's multi-row
    INSERTs come in more batches (SQLite takes 999 parameters a statement)."""
    counts = []
    for size, prefix in [(30, "Small"), (300, "Large")]:
        with transaction.atomic():  # each run against the same book
            with CaptureQueriesContext(connection) as queries:
                outcome = _run(_new_rows(size, prefix) + _existing_rows(), apply=apply)
            transaction.set_rollback(True)
        assert outcome.summary["errors"] == 0, outcome.rows
        assert outcome.summary["companies_updated"] == 1
        assert outcome.applied is apply
        counts.append(len(queries))
    if apply and connection.vendor == "sqlite":
        assert counts[0] <= counts[1] <= counts[0] + 8, counts
    else:
        assert counts[0] == counts[1], counts
    assert counts[1] < 30, counts  # a query a row would be hundreds


def test_the_preview_writes_nothing(demo):
    before = _counts()
    outcome = _run(_new_rows(30) + _existing_rows(), apply=False)
    assert outcome.summary == {
        "rows": 32,
        "companies_created": 10,
        "companies_updated": 1,
        "sites_added": 31,
        "contacts_added": 31,
        "unchanged": 1,
        "errors": 0,
    }
    assert [r["outcome"] for r in outcome.rows[-2:]] == ["update company", "unchanged"]
    assert _counts() == before


def test_a_bulk_apply_writes_what_the_services_would_with_their_audit_rows(personas):
    olivia = personas["olivia"]
    fern = Company.objects.get(name="Fern Bakery")
    fiona = fern.contacts.get(name="Fiona Fern")
    assert fiona.is_primary
    fern_before = audit.snapshot(fern)
    outcome = _run(_new_rows(6) + _existing_rows(), olivia, apply=True)
    assert outcome.applied, outcome.rows

    new = Company.objects.get(name="Bulk Co 00000")
    assert new.segment == "micro" and new.site_count == 3 and new.pcs == 5
    assert str(new.annual_revenue) == "1250.50"
    assert EnvironmentProfile.objects.filter(company=new).exists()
    assert new.created_at is not None and new.updated_at is not None
    # The last primary wins, as create_contact does.
    assert list(new.contacts.filter(is_primary=True).values_list("name", flat=True)) == ["Person 0"]
    for obj in [new, *new.sites.all(), *new.contacts.all()]:
        row = AuditLog.objects.get(
            action="create", object_type=obj._meta.label, object_id=str(obj.pk)
        )
        assert row.actor == olivia and row.actor_label == olivia.label
        assert row.object_repr == str(obj)
        # Exactly what audit.record writes for the object as saved.
        assert row.changes == audit.diff({}, audit.snapshot(obj))

    fern.refresh_from_db()
    assert fern.pcs == 30 and fern.segment == "sweet_spot"
    update = AuditLog.objects.get(
        action="update", object_type="clients.Company", object_id=str(fern.pk)
    )
    assert update.changes == audit.diff(fern_before, audit.snapshot(fern))
    assert set(update.changes) == {"pcs", "segment"}
    assert fern.sites.filter(name="Fern Bakery — Kiosk").exists()
    pat = fern.contacts.get(name="Pat Fern")
    assert pat.is_primary
    fiona.refresh_from_db()
    assert not fiona.is_primary  # demoted, as services._demote_other_primaries does
    demoted = AuditLog.objects.get(
        action="update", object_type="clients.Contact", object_id=str(fiona.pk)
    )
    assert demoted.changes == {"is_primary": [True, False]}
    assert Contact.objects.filter(email__iexact="hana@harbordental.example").count() == 1


def test_an_error_on_row_9000_of_a_big_file_writes_nothing(demo):
    rows = _new_rows(9_000)
    rows[-1]["pcs"] = "lots"  # spreadsheet row 9,001: the 9,000th data row
    rows[-2]["contact_email"] = "not an e-mail"
    before = _counts()
    outcome = _run(rows, apply=True)
    assert outcome.applied is False
    assert outcome.summary["errors"] == 2
    bad = {r["row"]: [e["field"] for e in r["errors"]] for r in outcome.rows if r["errors"]}
    assert bad == {9_000: ["contact_email"], 9_001: ["pcs"]}
    assert _counts() == before


def test_a_company_created_meanwhile_is_refused_by_the_index_with_row_errors(demo, monkeypatch):
    """The race the check cannot see (on PostgreSQL both imports read the book before either
    inserted): the unique index refuses the second insert, nothing is written and the rows
    say why; no exception escapes."""
    rows = _new_rows(6, "Raced Co")
    Company.objects.create(name="RACED CO 00001")
    real_load = import_book.Book.load

    def blind_load(keys: set[str]) -> import_book.Book:
        return real_load(set())  # sees none of the file's companies

    monkeypatch.setattr(import_book.Book, "load", staticmethod(blind_load))
    before = _counts()
    outcome = _run(rows, apply=True)
    assert outcome.applied is False
    assert _counts() == before
    refused = [r for r in outcome.rows if r["errors"]]
    assert [r["row"] for r in refused] == [5]  # the first row of "Raced Co 00001"
    assert refused[0]["errors"] == [{"field": "company", "message": RACED}]
    assert Company.objects.filter(name__iexact="raced co 00001").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_companies_at_once_create_each_once():
    rows = read_file(_csv(_new_rows(30, "Twice Co")), "csv")
    results = at_once(*[(lambda: run_import(rows, None, apply=True)) for _ in range(2)])
    assert all(isinstance(r, importer.ImportOutcome) for r in results), results
    assert any(r.applied for r in results)
    for r in results:
        if not r.applied:  # refused by the index: said on the rows, nothing half-written
            assert any(e["message"] == RACED for row in r.rows for e in row["errors"])
    assert Company.objects.filter(name__startswith="Twice Co").count() == 10
    assert Site.objects.filter(company__name__startswith="Twice Co").count() == 30
    assert Contact.objects.filter(company__name__startswith="Twice Co").count() == 30
