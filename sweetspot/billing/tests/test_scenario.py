"""`manage.py billing_run --scenario FILE`: the exact output, strict errors, no database."""

from __future__ import annotations

import copy
import io
import json
import os
import subprocess
import sys
import types
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from sweetspot.billing import scenario

ROOT = Path(__file__).resolve().parents[3]


def entry(id: str, company: str, agreement: str | None, day: str, minutes: int, **kw: Any):
    return {
        "id": id,
        "company": company,
        "agreement": agreement,
        "person": kw.pop("person", "tara"),
        "work_type": kw.pop("work_type", "remote"),
        "date": day,
        "minutes": minutes,
        "billable": kw.pop("billable", True),
        "out_of_scope": kw.pop("out_of_scope", False),
        "billed": kw.pop("billed", False),
    }


SCENARIO: dict[str, Any] = {
    "month": "2026-12",
    "tax_percent": {"fee": 0, "labor": "8.25", "item": 10},
    "payment_terms_days": 30,
    "payment_terms_days_by_company": {"maple": 14},
    "people": [{"id": "tara", "bill_rate": 100}, {"id": "quill", "bill_rate": "175.00"}],
    "agreements": [
        {
            "id": "a1",
            "company": "harbor",
            "cadence": "monthly",
            "period_fee": "1500.00",
            "start": "2026-01-01",
            "end": None,
            "hourly_only": False,
            "included_hours_per_month": 2,
            "onsite_half_days_per_month": 1,
            "hours_per_half_day": 4,
            "overage_rate": 120,
            "rollover": "next_month",
            "rounding": None,
        },
        {
            "id": "a2",
            "company": "maple",
            "cadence": "quarterly",
            "period_fee": 3000,
            "start": "2026-09-15",
            "hourly_only": False,
            "included_hours_per_month": 0,
            "onsite_half_days_per_month": 0,
            "hours_per_half_day": 4,
            "overage_rate": "150.00",
            "rollover": "none",
            "rounding": {"increment_minutes": 6, "minimum_minutes": 6},
        },
    ],
    "carried_in": {"a1": 1},
    "entries": [
        entry("e1", "harbor", "a1", "2026-11-03", 300, work_type="onsite"),
        entry("e2", "harbor", "a1", "2026-11-04", 130),
        entry("e3", "harbor", "a1", "2026-10-20", 50, person="quill"),
        entry("e4", "harbor", "a1", "2026-11-10", 20, work_type="phone", out_of_scope=True),
        entry("e5", "maple", "a2", "2026-11-12", 31),
        entry("e6", "fern", None, "2026-11-15", 45, person="quill"),
        entry("e7", "fern", None, "2026-11-16", 0),
        entry("e8", "harbor", "a1", "2026-12-02", 60),
    ],
    "items": [
        {
            "id": "i1",
            "company": "fern",
            "date": "2026-11-20",
            "description": "Switch",
            "quantity": 1,
            "unit_price": Decimal("1.005"),  # written as the JSON number 1.005
            "billed": False,
        },
        {
            "id": "i2",
            "company": "fern",
            "date": "2026-11-21",
            "description": "Cable",
            "quantity": "3",
            "unit_price": "4.50",
            "billed": False,
        },
    ],
}


def line(kind, agreement, quantity, rate, amount, tax, entries=(), items=(), late=False):
    return {
        "kind": kind,
        "agreement": agreement,
        "description": "…",
        "quantity": quantity,
        "rate": rate,
        "amount": amount,
        "tax": tax,
        "late": late,
        "entries": list(entries),
        "items": list(items),
    }


EXPECTED = {
    "month": "2026-12",
    "invoices": [
        {
            "company": "fern",
            "date": "2026-12-01",
            "due": "2026-12-31",
            "lines": [
                # e6: quill 45 min (already on the 15-minute grid) × 175 / 60 = 131.25;
                # tax 131.25 × 8.25 % = 10.828… → 10.83. e7 has 0 minutes: never billed.
                line("hourly", None, "0.75", "175.00", "131.25", "10.83", entries=["e6"]),
                # i1: 1 × 1.005 = 1.005 → 1.01 (through float it would be 1.00); tax 0.101 → 0.10
                line("item", None, "1.00", "1.01", "1.01", "0.10", items=["i1"]),
                # i2: 3 × 4.50 = 13.50; tax 1.35
                line("item", None, "3.00", "4.50", "13.50", "1.35", items=["i2"]),
            ],
            "subtotal": "145.76",  # 131.25 + 1.01 + 13.50
            "tax": "12.28",  # 10.83 + 0.10 + 1.35
            "total": "158.04",
        },
        {
            "company": "harbor",
            "date": "2026-12-01",
            "due": "2026-12-31",
            "lines": [
                line("fee", "a1", "1.00", "1500.00", "1500.00", "0.00"),
                # e1 on-site 300 min: 240 on-site + 60 carried-in; e2 130 → 135 min: 120 own,
                # 15 over: 0.25 h × 120 = 30.00; tax 2.475 → 2.48
                line("overage", "a1", "0.25", "120.00", "30.00", "2.48", entries=["e2"]),
                # e3 (October, late) 50 → 60 min: 120.00; tax 9.90
                line("overage", "a1", "1.00", "120.00", "120.00", "9.90", ["e3"], late=True),
                # e4 out of scope 20 → 30 min: 60.00; tax 4.95
                line("out_of_scope", "a1", "0.50", "120.00", "60.00", "4.95", entries=["e4"]),
            ],
            "subtotal": "1710.00",  # 1500 + 30 + 120 + 60
            "tax": "17.33",  # 2.48 + 9.90 + 4.95
            "total": "1727.33",
        },
        {
            "company": "maple",
            "date": "2026-12-01",
            "due": "2026-12-15",  # 14 days for maple
            "lines": [
                # quarterly from September: December is month 3
                line("fee", "a2", "1.00", "3000.00", "3000.00", "0.00"),
                # e5 31 min, rounding 6/6: 36 min = 0.60 h × 150 = 90.00; tax 7.425 → 7.43
                line("overage", "a2", "0.60", "150.00", "90.00", "7.43", entries=["e5"]),
            ],
            "subtotal": "3090.00",
            "tax": "7.43",
            "total": "3097.43",
        },
    ],
    "ledgers": [
        {
            "agreement": "a1",
            "month": "2026-11",
            "included_hours": "2.00",
            "carried_in": "1.00",
            "onsite_hours": "4.00",
            "used_included": "3.00",  # 60 min carried-in + 120 min own
            "used_onsite": "4.00",
            "overage_hours": "0.25",  # late and out-of-scope not counted
            "remaining": "0.00",  # 2 + 1 − 3
            "carried_out": "0.00",  # own hours all used
            "entries": ["e1"],
        },
        {
            "agreement": "a2",
            "month": "2026-11",
            "included_hours": "0.00",
            "carried_in": "0.00",
            "onsite_hours": "0.00",
            "used_included": "0.00",
            "used_onsite": "0.00",
            "overage_hours": "0.60",
            "remaining": "0.00",
            "carried_out": "0.00",
            "entries": [],
        },
    ],
}


def dumps(data: Any) -> str:
    # Decimals become JSON numbers written exactly (1.005, not 1.00499999…)
    return json.dumps(data, default=str).replace('"1.005"', "1.005")


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "scenario.json"
    path.write_text(data if isinstance(data, str) else dumps(data), encoding="utf-8")
    return path


def run_ok(tmp_path: Path, data: Any) -> dict[str, Any]:
    out = io.StringIO()
    call_command("billing_run", scenario=str(write(tmp_path, data)), stdout=out)
    return json.loads(out.getvalue())


def run_bad(tmp_path: Path, data: Any, capsys: pytest.CaptureFixture[str]) -> str:
    out = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("billing_run", scenario=str(write(tmp_path, data)), stdout=out)
    assert exc.value.code == 2
    assert out.getvalue() == ""
    err = capsys.readouterr()
    assert err.out == ""
    return err.err


def without_descriptions(output: dict[str, Any]) -> dict[str, Any]:
    output = copy.deepcopy(output)
    for inv in output["invoices"]:
        for ln in inv["lines"]:
            assert isinstance(ln["description"], str) and ln["description"]
            ln["description"] = "…"
    return output


def test_the_file_really_has_the_json_number_1_005(tmp_path):
    assert '"unit_price": 1.005' in write(tmp_path, SCENARIO).read_text()


def test_happy_path_exact_output(tmp_path):
    assert without_descriptions(run_ok(tmp_path, SCENARIO)) == EXPECTED


def test_output_keys_in_the_documented_order(tmp_path):
    out = run_ok(tmp_path, SCENARIO)
    assert list(out) == ["month", "invoices", "ledgers"]
    inv = out["invoices"][0]
    assert list(inv) == ["company", "date", "due", "lines", "subtotal", "tax", "total"]
    assert list(inv["lines"][0]) == [
        "kind",
        "agreement",
        "description",
        "quantity",
        "rate",
        "amount",
        "tax",
        "late",
        "entries",
        "items",
    ]
    assert list(out["ledgers"][0]) == [
        "agreement",
        "month",
        "included_hours",
        "carried_in",
        "onsite_hours",
        "used_included",
        "used_onsite",
        "overage_hours",
        "remaining",
        "carried_out",
        "entries",
    ]


def test_optional_keys_may_be_left_out(tmp_path):
    data = copy.deepcopy(SCENARIO)
    del data["payment_terms_days_by_company"], data["carried_in"]
    del data["agreements"][0]["end"], data["agreements"][0]["rounding"]
    data.pop("rounding", None)
    out = run_ok(tmp_path, data)
    harbor = out["ledgers"][0]
    # no carried-in hour: e1 takes 240 on-site + 60 own, e2 60 own + 75 over
    assert (harbor["carried_in"], harbor["used_included"], harbor["overage_hours"]) == (
        "0.00",
        "2.00",
        "1.25",
    )
    assert out["invoices"][2]["due"] == "2026-12-31"


def test_optional_keys_may_be_null(tmp_path):
    data = copy.deepcopy(SCENARIO)
    data.update(rounding=None, carried_in=None, payment_terms_days_by_company=None)
    out = run_ok(tmp_path, data)
    assert out["ledgers"][0]["carried_in"] == "0.00"
    assert out["invoices"][2]["due"] == "2026-12-31"


def test_firm_rounding_from_the_file(tmp_path):
    data = copy.deepcopy(SCENARIO)
    data["rounding"] = {"increment_minutes": 1, "minimum_minutes": 0}
    fern = run_ok(tmp_path, data)["invoices"][0]
    assert fern["lines"][0]["quantity"] == "0.75"  # 45 min stays 45
    data["rounding"] = {"increment_minutes": 30, "minimum_minutes": 0}
    fern = run_ok(tmp_path, data)["invoices"][0]
    assert fern["lines"][0]["amount"] == "175.00"  # 45 → 60 min × 175 / 60


def test_money_is_read_as_decimal_from_the_json_text():
    inp = scenario.parse(dumps(SCENARIO))
    assert inp.items[0].unit_price == Decimal("1.005")
    assert inp.people[1].bill_rate == Decimal("175.00")
    assert inp.tax_percent.labor == Decimal("8.25")
    inp = scenario.parse(dumps(SCENARIO).replace('"overage_rate": 120', '"overage_rate": 0.1'))
    assert inp.agreements[0].overage_rate == Decimal("0.1")


def test_nothing_to_bill_gives_empty_lists(tmp_path):
    data = copy.deepcopy(SCENARIO)
    data.update(agreements=[], entries=[], items=[], carried_in={})
    assert run_ok(tmp_path, data) == {"month": "2026-12", "invoices": [], "ledgers": []}


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.pop("payment_terms_days"), "payment_terms_days: Field required"),
        (lambda d: d["entries"][0].pop("billed"), "entries[0].billed: Field required"),
        (lambda d: d["agreements"][1].pop("cadence"), "agreements[1].cadence: Field required"),
        (lambda d: d.update(extra=1), "extra: Extra inputs are not permitted"),
        (lambda d: d.update(month="2026-13"), "month: must be a month YYYY-MM"),
        (lambda d: d.update(month="2026-12-01"), "month: must be a month YYYY-MM"),
        (lambda d: d["entries"][0].update(date="2026-11-31"), "entries[0].date: must be a"),
        (lambda d: d["entries"][0].update(minutes=-5), "entries[0].minutes: Input should be"),
        (lambda d: d["entries"][0].update(minutes="30"), "entries[0].minutes: Input should be"),
        (lambda d: d["entries"][0].update(billable=1), "entries[0].billable: Input should be"),
        (lambda d: d["people"][0].update(bill_rate=True), "people[0].bill_rate: must be a number"),
        (lambda d: d["people"][0].update(bill_rate="ten"), "people[0].bill_rate: must be a number"),
        (
            lambda d: d["people"][0].update(bill_rate="NaN"),
            "people[0].bill_rate: must be a finite number",
        ),
        (lambda d: d["people"][0].update(bill_rate=-1), "people[0].bill_rate: Input should be"),
        (lambda d: d["items"][0].update(quantity=0), "items[0].quantity: Input should be"),
        (lambda d: d["tax_percent"].update(item=101), "tax_percent.item: Input should be"),
        (lambda d: d["carried_in"].update(zz=1), "carried_in.zz: unknown agreement zz"),
        (lambda d: d["entries"][0].update(agreement="zz"), "entries[0].agreement: unknown"),
        (lambda d: d["entries"][0].update(person="zz"), "entries[0].person: unknown person zz"),
        (lambda d: d["entries"][4].update(company="harbor"), "entries[4].company: harbor differs"),
        (lambda d: d["entries"][1].update(id="e1"), "entries[1].id: duplicate id e1"),
        (lambda d: d["agreements"][0].update(end="2025-12-31"), "agreements[0].end: before"),
        (lambda d: d["agreements"][0].update(rollover="later"), "agreements[0].rollover: Input"),
        (
            lambda d: d["agreements"][1].update(rounding={"increment_minutes": 0}),
            "agreements[1].rounding.increment_minutes: Input should be",
        ),
        (lambda d: d["entries"][0].update(work_type="email"), "entries[0].work_type: Input"),
        (lambda d: d["entries"][0].update(id=None), "entries[0].id: must be a string id"),
    ],
)
def test_bad_input_exits_2_naming_the_field(tmp_path, capsys, change, message):
    data = copy.deepcopy(SCENARIO)
    change(data)
    err = run_bad(tmp_path, data, capsys)
    assert message in err, err


def test_nan_literal_and_duplicate_keys_are_refused(tmp_path, capsys):
    text = dumps(SCENARIO).replace('"bill_rate": 100', '"bill_rate": NaN')
    assert "(file): not valid JSON" in run_bad(tmp_path, text, capsys)
    text = dumps(SCENARIO).replace('"month": "2026-12"', '"month": "2026-12", "month": "2026-11"')
    assert "duplicate key 'month'" in run_bad(tmp_path, text, capsys)


def test_bad_json_and_wrong_shape(tmp_path, capsys):
    assert "(file): not valid JSON" in run_bad(tmp_path, "{not json", capsys)
    assert "(file): Input should be a valid dictionary" in run_bad(tmp_path, "[]", capsys)


def test_unreadable_file(tmp_path, capsys):
    out = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("billing_run", scenario=str(tmp_path / "missing.json"), stdout=out)
    assert exc.value.code == 2 and out.getvalue() == ""
    assert "(file): cannot read" in capsys.readouterr().err


def _manage(*args: str) -> subprocess.CompletedProcess[str]:
    # A database that cannot exist: the scenario path must never open it.
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": "sqlite:////nonexistent/dir/no.sqlite3"}
    return subprocess.run(
        [sys.executable, "manage.py", "billing_run", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_command_line_without_a_database(tmp_path):
    good = _manage("--scenario", str(write(tmp_path, SCENARIO)))
    assert good.returncode == 0, good.stderr
    assert without_descriptions(json.loads(good.stdout)) == EXPECTED
    data = copy.deepcopy(SCENARIO)
    data["entries"][0]["agreement"] = "nope"
    bad = _manage("--scenario", str(write(tmp_path, data)))
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.strip() == "entries[0].agreement: unknown agreement nope"


def test_month_option_refuses_a_bad_month(capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("billing_run", month="December")
    assert exc.value.code == 2
    assert "--month: must be a month YYYY-MM" in capsys.readouterr().err


@pytest.mark.parametrize(
    "value, shown",
    [
        ("0.005", "0.01"),  # half-up, not half-even
        ("2.675", "2.68"),
        ("0.3333333333333333333333333333", "0.33"),  # 20 min in hours
        ("1E+2", "100.00"),
        ("-0.001", "0.00"),  # never "-0.00"
    ],
)
def test_two_decimals_half_up_for_display(value, shown):
    assert scenario.fmt(Decimal(value)) == shown


def test_month_option_calls_the_services_run(monkeypatch):
    # A stand-in services module: this test is about the command, not the live run.
    calls: list[str] = []

    def prepare_run(month: str) -> Any:
        calls.append(month)
        return types.SimpleNamespace(
            invoices_created=2,
            invoices_extended=0,
            lines=5,
            ledgers=1,
            entries_billed=7,
            items_billed=1,
        )

    fake = types.ModuleType("sweetspot.billing.services")
    fake.prepare_run = prepare_run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sweetspot.billing.services", fake)
    out = io.StringIO()
    call_command("billing_run", month="2026-12", stdout=out)
    assert calls == ["2026-12"]
    assert "2 invoice(s) created" in out.getvalue()
