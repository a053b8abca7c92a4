"""Two runs at once, or two issues at once, from real threads with their own connections
(transactional_db: the rows are committed). On PostgreSQL the firm row, invoice row and
sequence row locks serialise them; on SQLite the IMMEDIATE transactions do. Either way: one
invoice per company and run, every entry billed once, numbers without gap or duplicate.

The test database on SQLite is an in-memory database in shared-cache mode, where a second
writer gets "database table is locked" at once instead of waiting out the busy timeout as it
does on the real (file) database; the threads retry that error, which is what the timeout
does for them in production. On PostgreSQL (CI's second run) nothing is retried: the row
locks make the second transaction wait."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sweetspot.billing import services
from sweetspot.billing.models import BilledWork, Invoice, InvoiceLine
from sweetspot.core.testing import at_once

from .conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def busy(world: World) -> World:
    for day in range(2, 22):
        world.entry(dt.date(2026, 11, day), 45)
        world.entry(dt.date(2026, 11, day), 30, company=world.fern)
    return world


def test_two_runs_at_once_bill_everything_once(busy: World) -> None:
    results = at_once(
        lambda: services.prepare_run("2026-12", busy.olivia),
        lambda: services.prepare_run("2026-12", busy.olivia),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.invoices_created for r in results) == [0, 2]
    assert Invoice.objects.count() == 2
    assert InvoiceLine.objects.filter(kind="fee").count() == 1
    billed = list(BilledWork.objects.values_list("entry_id", flat=True))
    assert len(billed) == len(set(billed)) == 40


def test_two_issues_of_one_invoice_give_one_number(busy: World) -> None:
    services.prepare_run("2026-12", busy.olivia)
    harbor = Invoice.objects.get(company=busy.harbor)
    results = at_once(
        lambda: services.issue(busy.olivia, harbor), lambda: services.issue(busy.olivia, harbor)
    )
    issued = [r for r in results if isinstance(r, Invoice)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(issued) == 1 and len(refused) == 1, results
    assert Invoice.objects.get(pk=harbor.pk).number == "INV-2026-00001"


def test_issuing_two_invoices_at_once_leaves_no_gap(busy: World) -> None:
    services.prepare_run("2026-12", busy.olivia)
    a, b = Invoice.objects.order_by("pk")
    results = at_once(
        lambda: services.issue(busy.olivia, a),
        lambda: services.issue(busy.olivia, b),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == ["INV-2026-00001", "INV-2026-00002"]
