"""Scenario mode = the live run on the same data. One test builds both: database rows for a
varied month (a rollover agreement with on-site hours and a carry from last month, a
quarterly agreement, an hourly-only one, break-fix work by a technician and a subcontractor,
out-of-scope, late and split entries, items, company payment terms, tax), the equivalent
scenario JSON, then compares ``manage.py billing_run --scenario`` with what ``prepare_run``
saved (descriptions aside: free text, and the live run names agreements by plan)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command

from sweetspot.billing import services
from sweetspot.billing.models import Invoice, Ledger
from sweetspot.billing.scenario import fmt

from .conftest import World, make_agreement


def _out(text: str) -> dict[str, Any]:
    data = json.loads(text)
    for inv in data["invoices"]:
        for line in inv["lines"]:
            line.pop("description")
    return data  # type: ignore[no-any-return]


def _live(month: dt.date) -> dict[str, Any]:
    invoices = []
    for inv in Invoice.objects.filter(run_month=month).prefetch_related("lines__work__entry"):
        lines = []
        for ln in inv.lines.order_by("position"):
            work = sorted(
                ln.work.all(),
                key=lambda w: (w.entry.work_date, w.entry_id) if w.entry_id else (0, w.item_id),
            )
            lines.append(
                {
                    "kind": ln.kind,
                    "agreement": str(ln.agreement_id) if ln.agreement_id else None,
                    "quantity": fmt(ln.quantity),
                    "rate": fmt(ln.rate),
                    "amount": fmt(ln.amount),
                    "tax": fmt(ln.tax),
                    "late": ln.late,
                    "entries": [str(w.entry_id) for w in work if w.entry_id],
                    "items": [str(w.item_id) for w in work if w.item_id],
                }
            )
        invoices.append(
            {
                "company": str(inv.company_id),
                "date": inv.date.isoformat(),
                "due": inv.due_date.isoformat(),
                "lines": lines,
                "subtotal": fmt(inv.subtotal),
                "tax": fmt(inv.tax),
                "total": fmt(inv.total),
            }
        )
    ledgers = []
    for lg in Ledger.objects.filter(run_month=month).prefetch_related("work__entry"):
        work = sorted(lg.work.all(), key=lambda w: (w.entry.work_date, w.entry_id))
        ledgers.append(
            {
                "agreement": str(lg.agreement_id),
                "month": f"{lg.month:%Y-%m}",
                **{
                    f: fmt(getattr(lg, f))
                    for f in (
                        "included_hours",
                        "carried_in",
                        "onsite_hours",
                        "used_included",
                        "used_onsite",
                        "overage_hours",
                        "remaining",
                        "carried_out",
                    )
                },
                "entries": [str(w.entry_id) for w in work],
            }
        )
    return {
        "month": f"{month:%Y-%m}",
        "invoices": sorted(invoices, key=lambda i: i["company"]),
        "ledgers": sorted(ledgers, key=lambda g: g["agreement"]),
    }


def test_scenario_mode_equals_the_live_run(world: World, tmp_path: Path) -> None:
    firm = world.firm
    firm.tax_percent_labor = D("8.25")
    firm.tax_percent_item = D("6")
    firm.hours_per_half_day = D("4")
    firm.save()
    world.fern.payment_terms_days = 15
    world.fern.save()
    roll = world.agreement  # Harbor: 1,000.00 monthly, 10 h, rollover none
    # Fern: rollover, one on-site half-day, 30-minute rounding.
    fern_ag = make_agreement(
        world.fern,
        world.olivia,
        name="Fern plan",
        monthly_fee=D("450.00"),
        included_hours_per_month=D("2"),
        onsite_half_days_per_month=D("1"),
        rollover="next_month",
        rounding_increment_minutes=30,
        rounding_minimum_minutes=30,
        billing_cadence="quarterly",
    )
    from sweetspot.clients.models import Company  # noqa: PLC0415  (a third client, here only)

    maple = Company.objects.create(name="Maple Law", status="client")
    hourly = make_agreement(
        maple, world.olivia, name="Maple hourly", hourly_only=True, overage_rate=D("140.00")
    )
    # October's run leaves Fern a ledger with hours carried into November.
    world.entry(dt.date(2026, 10, 12), 20, company=world.fern, agreement=fern_ag)
    services.prepare_run("2026-11", world.olivia)
    e = world.entry
    rows = [
        e(dt.date(2026, 11, 2), 400, work_type="onsite"),
        e(dt.date(2026, 11, 3), 250),
        e(dt.date(2026, 11, 4), 50, out_of_scope=True),
        e(dt.date(2026, 10, 20), 35),  # late
        e(dt.date(2026, 11, 5), 200, company=world.fern, agreement=fern_ag, work_type="onsite"),
        e(dt.date(2026, 11, 6), 200, company=world.fern, agreement=fern_ag, work_type="phone"),
        e(dt.date(2026, 11, 7), 90, company=maple, agreement=hourly),
        e(dt.date(2026, 11, 8), 61, company=maple, agreement=None, sub=True),
        e(dt.date(2026, 11, 9), 10, company=maple, agreement=None),
        e(dt.date(2026, 11, 10), 60, billable=False),
    ]
    item = services.create_item(
        world.olivia,
        {
            "company": maple,
            "date": dt.date(2026, 11, 11),
            "description": "Switch",
            "quantity": D("3"),
            "unit_price": D("129.99"),
            "unit_cost": D("90"),
        },
    )
    carried = Ledger.objects.get(agreement=fern_ag).carried_out
    agreements = []
    for ag, cadence in ((roll, "monthly"), (fern_ag, "quarterly"), (hourly, "monthly")):
        t = ag.terms
        agreements.append(
            {
                "id": str(ag.pk),
                "company": str(ag.company_id),
                "cadence": cadence,
                "period_fee": str(ag.period_fee),
                "start": ag.start_date.isoformat(),
                "end": None,
                "hourly_only": t["hourly_only"],
                "included_hours_per_month": t["included_hours_per_month"],
                "onsite_half_days_per_month": t["onsite_half_days_per_month"],
                "hours_per_half_day": "4",
                "overage_rate": t["overage_rate"],
                "rollover": t["rollover"],
                "rounding": t["rounding"],
            }
        )
    scenario = {
        "month": "2026-12",
        "rounding": {"increment_minutes": 15, "minimum_minutes": 15},
        "tax_percent": {"fee": "0", "labor": "8.25", "item": "6"},
        "payment_terms_days": 30,
        "people": [
            {"id": f"t{world.tara.pk}", "bill_rate": "100.00"},
            {"id": f"s{world.quill.pk}", "bill_rate": "175.00"},
        ],
        "agreements": agreements,
        "carried_in": {str(fern_ag.pk): str(carried)},
        "payment_terms_days_by_company": {str(world.fern.pk): 15},
        "entries": [
            {
                "id": str(r.pk),
                "company": str(r.company_id),
                "agreement": str(r.agreement_id) if r.agreement_id else None,
                "person": f"t{r.technician_id}" if r.technician_id else f"s{r.subcontractor_id}",
                "work_type": r.work_type,
                "date": r.work_date.isoformat(),
                "minutes": r.minutes,
                "billable": r.billable,
                "out_of_scope": r.out_of_scope,
                "billed": False,
            }
            for r in rows
        ],
        "items": [
            {
                "id": str(item.pk),
                "company": str(maple.pk),
                "date": "2026-11-11",
                "description": "Switch",
                "quantity": "3",
                "unit_price": "129.99",
                "billed": False,
            }
        ],
    }
    path = tmp_path / "december.json"
    path.write_text(json.dumps(scenario))
    stdout = StringIO()
    call_command("billing_run", "--scenario", str(path), stdout=stdout)
    expected = _out(stdout.getvalue())
    services.prepare_run("2026-12", world.olivia)
    live = _live(dt.date(2026, 12, 1))
    assert live == expected
    kinds = {line["kind"] for inv in expected["invoices"] for line in inv["lines"]}
    assert kinds == {"fee", "overage", "out_of_scope", "hourly", "item"}
    assert any(line["late"] for inv in expected["invoices"] for line in inv["lines"])
