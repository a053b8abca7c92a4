"""The demo's billing: last month's run issued (one client with overage, one credit note),
this month's run prepared as drafts, items and a subcontractor entry among them."""

from __future__ import annotations

import pytest

from sweetspot.billing.loaders import add_months, first_of
from sweetspot.billing.models import CreditNote, Invoice, InvoiceLine, Item
from sweetspot.billing.seed import seed_billing


@pytest.mark.usefixtures("full_demo")
def test_demo_billing() -> None:
    from django.utils import timezone  # noqa: PLC0415  (the demo's today)

    month = first_of(timezone.localdate())
    last = add_months(month, -1)
    issued = Invoice.objects.filter(run_month=last, status__in=["issued", "credited"])
    assert issued.exists()
    assert not Invoice.objects.filter(run_month=last, status="draft").exists()
    assert InvoiceLine.objects.filter(invoice__run_month=last, kind="overage").exists()
    assert CreditNote.objects.filter(invoice__run_month=last).count() == 1
    drafts = Invoice.objects.filter(run_month=month, status="draft").order_by("company__name")
    assert drafts.exists()
    assert Item.objects.count() == 5
    assert InvoiceLine.objects.filter(
        invoice__run_month=month, work__entry__subcontractor__isnull=False
    ).exists()
    for inv in drafts:
        print(f"{inv.company.name}: {inv.total}")  # noqa: T201 - the demo's totals, for humans
    print("December drafts total", sum(i.total for i in drafts))  # noqa: T201
    assert seed_billing() == {}  # idempotent
