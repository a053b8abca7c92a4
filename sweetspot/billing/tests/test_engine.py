"""The billing engine, rule by rule, on worked examples (expected values by hand) and
hypothesis properties. Pure: no database."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sweetspot.billing.engine import (
    Agreement,
    BillingInput,
    BillingResult,
    Entry,
    Invoice,
    Item,
    Line,
    Person,
    Rounding,
    TaxPercent,
    billed_minutes,
    run_billing,
)

DEC = dt.date(2026, 12, 1)
NOV = dt.date(2026, 11, 1)
PEOPLE = (Person("tara", D("100.00")), Person("quill", D("175.00")))


def ag(id: str = "a1", company: str = "harbor", **kw: object) -> Agreement:
    fields: dict[str, object] = {
        "cadence": "monthly",
        "period_fee": D("1000.00"),
        "start": dt.date(2026, 1, 1),
        "end": None,
        "hourly_only": False,
        "included_hours_per_month": D(10),
        "onsite_half_days_per_month": D(0),
        "hours_per_half_day": D(4),
        "overage_rate": D("120.00"),
        "rollover": "none",
    }
    fields.update(kw)
    return Agreement(id=id, company=company, **fields)  # type: ignore[arg-type]


def en(
    id: str,
    day: dt.date,
    minutes: int,
    agreement: str | None = "a1",
    company: str = "harbor",
    **kw: object,
) -> Entry:
    fields: dict[str, object] = {"person": "tara", "work_type": "remote"}
    fields.update(kw)
    return Entry(id=id, company=company, agreement=agreement, date=day, minutes=minutes, **fields)  # type: ignore[arg-type]


def run(
    agreements: tuple[Agreement, ...] = (),
    entries: tuple[Entry, ...] = (),
    items: tuple[Item, ...] = (),
    month: dt.date = DEC,
    **kw: object,
) -> BillingResult:
    return run_billing(
        BillingInput(
            month=month,
            people=PEOPLE,
            agreements=agreements,
            entries=entries,
            items=items,
            **kw,  # type: ignore[arg-type]
        )
    )


def invoice(result: BillingResult, company: str = "harbor") -> Invoice:
    (found,) = [i for i in result.invoices if i.company == company]
    return found


def lines(result: BillingResult, kind: str, company: str = "harbor") -> list[Line]:
    return [ln for ln in invoice(result, company).lines if ln.kind == kind]


def fee(result: BillingResult, company: str = "harbor") -> D | None:
    fees = [ln for inv in result.invoices if inv.company == company for ln in inv.lines]
    fees = [ln for ln in fees if ln.kind == "fee"]
    return fees[0].amount if fees else None


def nothing_drawn(agreement: Agreement) -> Agreement:
    return dataclasses.replace(agreement, included_hours_per_month=D(0))


# --- 1. Fees in advance -------------------------------------------------------------------


def test_monthly_fee_in_advance_is_one_line_with_quantity_one_and_rate_its_amount():
    r = run((ag(),))
    (line,) = invoice(r).lines
    assert line.kind == "fee" and line.agreement == "a1"
    assert (line.quantity, line.rate, line.amount) == (D(1), D("1000.00"), D("1000.00"))
    assert (line.period_start, line.period_end) == (DEC, dt.date(2026, 12, 31))
    assert invoice(r).date == DEC
    assert "monthly fee, December 2026" in line.description


def test_first_partial_month_is_prorated_by_days_half_up():
    # starts 15 Dec: covers 15..31 = 17 of 31 days; 1000 × 17 / 31 = 548.3870… → 548.39
    assert fee(run((ag(start=dt.date(2026, 12, 15)),))) == D("548.39")


def test_proration_rounds_half_up_not_to_even():
    # November has 30 days; starts 16 Nov: 15 of 30 days; 1000.01 × 15 / 30 = 500.005 → 500.01
    a = ag(start=dt.date(2026, 11, 16), period_fee=D("1000.01"))
    assert fee(run((a,), month=NOV)) == D("500.01")


def test_last_partial_month_is_prorated():
    # ends 10 Dec: 10 of 31 days; 1000 × 10 / 31 = 322.5806… → 322.58
    assert fee(run((ag(end=dt.date(2026, 12, 10)),))) == D("322.58")


def test_cancelled_agreement_ends_on_its_cancellation_date():
    # cancelled 5 Dec (end date later): 5 of 31 days; 1000 × 5 / 31 = 161.2903… → 161.29
    a = ag(end=dt.date(2027, 6, 30), cancelled_on=dt.date(2026, 12, 5))
    assert fee(run((a,))) == D("161.29")
    # cancelled in November: the December period is not covered at all
    assert run((dataclasses.replace(a, cancelled_on=dt.date(2026, 11, 20)),)).invoices == ()


def test_quarterly_fee_in_months_0_3_6_counted_from_the_start_month():
    a = ag(cadence="quarterly", period_fee=D("3000.00"), start=dt.date(2026, 9, 1))
    (line,) = invoice(run((a,))).lines  # Sep = 0, Dec = 3
    assert line.amount == D("3000.00")
    assert (line.period_start, line.period_end) == (DEC, dt.date(2027, 2, 28))
    assert "December 2026 – February 2027" in line.description
    assert fee(run((a,), month=dt.date(2027, 1, 1))) is None  # month 4
    assert fee(run((a,), month=dt.date(2027, 3, 1))) == D("3000.00")  # month 6
    assert fee(run((dataclasses.replace(a, start=dt.date(2026, 10, 1)),))) is None  # month 2


def test_quarterly_fee_prorated_when_the_term_ends_inside_the_quarter():
    # period 1 Dec 2026 .. 28 Feb 2027 = 31 + 31 + 28 = 90 days; ends 31 Jan: 62 days
    # 3000 × 62 / 90 = 2066.666… → 2066.67
    a = ag(cadence="quarterly", period_fee=D("3000.00"), start=dt.date(2026, 9, 1))
    assert fee(run((dataclasses.replace(a, end=dt.date(2027, 1, 31)),))) == D("2066.67")


def test_annual_fee_every_twelfth_month_from_start():
    a = ag(cadence="annual", period_fee=D("12000.00"), start=dt.date(2025, 12, 1))
    assert fee(run((a,))) == D("12000.00")  # month 12
    assert fee(run((a,), month=dt.date(2027, 1, 1))) is None  # month 13
    assert fee(run((dataclasses.replace(a, start=dt.date(2026, 1, 1)),))) is None  # month 11
    # period 1 Dec 2026 .. 30 Nov 2027 = 365 days; ends 31 May 2027: 31+31+28+31+30+31 = 182
    # 12000 × 182 / 365 = 5983.5616… → 5983.56
    assert fee(run((dataclasses.replace(a, end=dt.date(2027, 5, 31)),))) == D("5983.56")


def test_no_fee_when_the_term_misses_the_period_and_zero_fee_lines_are_left_out():
    assert run((ag(start=dt.date(2027, 1, 1)),)).invoices == ()
    assert run((ag(end=dt.date(2026, 11, 30)),)).invoices == ()
    assert run((ag(period_fee=D("0.00")),)).invoices == ()
    # 0.01 × 1 / 31 = 0.00032… → 0.00: no line either
    assert run((ag(period_fee=D("0.01"), start=dt.date(2026, 12, 31)),)).invoices == ()


def test_a_fee_period_already_billed_is_not_billed_again():
    assert run((ag(),), billed_fee_periods=frozenset({("a1", DEC)})).invoices == ()


# --- 2. Usage: rounding -------------------------------------------------------------------


@pytest.mark.parametrize(
    "minutes, increment, minimum, expected",
    [
        (7, 15, 15, 15),  # ⌈7/15⌉×15 = 15
        (15, 15, 15, 15),
        (16, 15, 15, 30),  # ⌈16/15⌉ = 2 → 30
        (10, 6, 30, 30),  # ⌈10/6⌉×6 = 12 < minimum 30
        (31, 6, 30, 36),  # ⌈31/6⌉ = 6 → 36
        (7, 1, 0, 7),
    ],
)
def test_rounding_rule(minutes, increment, minimum, expected):
    assert billed_minutes(minutes, Rounding(increment, minimum)) == expected


def test_rounding_firm_default_and_per_agreement_override():
    firm = Rounding(6, 30)
    a1 = ag("a1", hourly_only=True)
    a2 = ag("a2", hourly_only=True, rounding=Rounding(1, 0))
    r = run(
        (a1, a2),
        (en("e1", NOV, 31, "a1"), en("e2", NOV, 31, "a2"), en("e3", NOV, 10, None)),
        rounding=firm,
    )
    # a1: firm 6/30: 31 → 36 min; a2: override 1/0: 31 min; break-fix: firm: 10 → 30 min
    assert r.billed_minutes == {"e1": 36, "e2": 31, "e3": 30}
    hourly = {ln.agreement: ln for ln in lines(r, "hourly")}
    assert hourly["a1"].amount == D("72.00")  # 36 × 120 / 60
    assert hourly["a2"].amount == D("62.00")  # 31 × 120 / 60
    assert hourly[None].amount == D("50.00")  # 30 × 100 / 60
    assert hourly["a2"].quantity * 60 == 31  # exact hours; the output rounds for display


def test_zero_minute_non_billable_billed_and_this_months_entries_are_never_billed():
    a = ag(period_fee=D("0.00"), included_hours_per_month=D(0))
    entries = (
        en("zero", NOV, 0),
        en("free", NOV, 60, billable=False),
        en("done", NOV, 60, billed=True),
        en("dec", DEC, 60),  # dated in M: next month's run
    )
    r = run((a,), entries)
    assert r.invoices == ()
    assert r.billed_minutes == {}
    (ledger,) = r.ledgers
    assert ledger.entries == () and ledger.used_included == 0


# --- 2. Usage: the allowance --------------------------------------------------------------


def test_split_entry_covered_part_draws_the_rest_remainder_is_overage():
    # 1 h included; e1 30 min covered; e2 60 min: 30 covered, 30 over
    a = ag(included_hours_per_month=D(1), period_fee=D("0.00"))
    r = run((a,), (en("e1", dt.date(2026, 11, 2), 30), en("e2", dt.date(2026, 11, 3), 60)))
    (line,) = invoice(r).lines
    assert line.kind == "overage" and not line.late
    assert line.entries == ("e2",)  # the split entry only on the overage line
    assert line.quantity == D("0.5")
    assert line.amount == D("60.00")  # 30 × 120 / 60
    (ledger,) = r.ledgers
    assert ledger.month == NOV
    assert ledger.entries == ("e1",)
    assert (ledger.used_included, ledger.remaining, ledger.overage_hours) == (1, 0, D("0.5"))


def test_split_remainder_is_not_rounded_again():
    # 1 h included = 60 min; e1 20 → 30 billed; e2 40 → 45 billed: 30 covered, 15 over
    a = ag(included_hours_per_month=D(1), period_fee=D("0.00"))
    r = run((a,), (en("e1", dt.date(2026, 11, 2), 20), en("e2", dt.date(2026, 11, 3), 40)))
    (line,) = invoice(r).lines
    assert line.minutes == 15  # not rounded up to another 15 or to the minimum
    assert line.amount == D("30.00")  # 15 × 120 / 60


def test_entries_draw_in_date_then_id_order_ids_as_strings():
    # 1 h included; same day: "10" < "9" as strings, so "10" draws first
    a = ag(included_hours_per_month=D(1), period_fee=D("0.00"))
    day = dt.date(2026, 11, 5)
    r = run((a,), (en("9", day, 60), en("10", day, 60), en("1", dt.date(2026, 11, 6), 60)))
    assert r.ledgers[0].entries == ("10",)
    assert invoice(r).lines[0].entries == ("9", "1")  # (date, id) order: 5 Nov "9", 6 Nov "1"


def test_onsite_entries_draw_onsite_hours_first_then_included():
    # on-site 1 half-day × 4 h = 240 min; included 2 h = 120 min
    # onsite 300 min: 240 on-site + 60 included; remote 90 min: 60 included + 30 over
    a = ag(
        onsite_half_days_per_month=D(1),
        included_hours_per_month=D(2),
        period_fee=D("0.00"),
    )
    entries = (
        en("e1", dt.date(2026, 11, 2), 300, work_type="onsite"),
        en("e2", dt.date(2026, 11, 3), 90, work_type="phone"),
    )
    r = run((a,), entries)
    (ledger,) = r.ledgers
    assert (ledger.onsite_hours, ledger.used_onsite) == (4, 4)
    assert (ledger.included_hours, ledger.used_included, ledger.remaining) == (2, 2, 0)
    assert ledger.entries == ("e1",)
    (line,) = invoice(r).lines
    assert (line.entries, line.minutes, line.amount) == (("e2",), 30, D("60.00"))


def test_remote_entries_never_draw_onsite_hours():
    # 4 on-site hours, 0 included: a remote hour is all overage; the on-site hours stay
    a = ag(onsite_half_days_per_month=D(1), included_hours_per_month=D(0), period_fee=D(0))
    r = run((a,), (en("e1", dt.date(2026, 11, 2), 60),))
    assert r.ledgers[0].used_onsite == 0
    assert invoice(r).lines[0].amount == D("120.00")


def test_half_day_hours_are_exact_decimals():
    # 0.5 half-day × 3.5 h = 1.75 h on-site; an on-site 120 min entry: 105 on-site, 15 over
    a = ag(
        onsite_half_days_per_month=D("0.5"),
        hours_per_half_day=D("3.5"),
        included_hours_per_month=D(0),
        period_fee=D(0),
    )
    r = run((a,), (en("e1", dt.date(2026, 11, 2), 120, work_type="onsite"),))
    assert r.ledgers[0].used_onsite == D("1.75")
    assert invoice(r).lines[0].minutes == 15


def test_rollover_next_month_uses_carried_in_first_and_carries_out_own_hours_left():
    # carried in 3 h, included 10 h; 5 h used: 3 carried + 2 own → carried out 10 − 2 = 8
    a = ag(rollover="next_month", period_fee=D(0))
    r = run((a,), (en("e1", dt.date(2026, 11, 2), 300),), carried_in={"a1": D(3)})
    (ledger,) = r.ledgers
    assert (ledger.included_hours, ledger.carried_in) == (10, 3)
    assert (ledger.used_included, ledger.remaining, ledger.carried_out) == (5, 8, 8)


def test_rollover_carried_hours_never_carry_twice():
    # nothing used: carried out = own 10 h, not 10 + 3
    a = ag(rollover="next_month", period_fee=D(0))
    (ledger,) = run((a,), carried_in={"a1": D(3)}).ledgers
    assert (ledger.remaining, ledger.carried_out) == (13, 10)


def test_rollover_all_used_then_overage():
    # 3 carried + 10 own = 13 h; 14 h of work: 13 used, 1 h over at 120; carried out 0
    a = ag(rollover="next_month", period_fee=D(0))
    r = run((a,), (en("e1", dt.date(2026, 11, 2), 840),), carried_in={"a1": D(3)})
    (ledger,) = r.ledgers
    assert (ledger.used_included, ledger.remaining, ledger.carried_out) == (13, 0, 0)
    assert ledger.overage_hours == 1
    assert invoice(r).lines[0].amount == D("120.00")


def test_rollover_none_ignores_carried_in_and_carries_nothing_out():
    # carried_in given but rollover none: shown 0, not drawn; 11 h of work → 1 h over
    a = ag(rollover="none", period_fee=D(0))
    r = run((a,), (en("e1", dt.date(2026, 11, 2), 660),), carried_in={"a1": D(5)})
    (ledger,) = r.ledgers
    assert (ledger.carried_in, ledger.carried_out, ledger.used_included) == (0, 0, 10)
    assert invoice(r).lines[0].minutes == 60


def test_allowance_is_not_prorated_and_exists_even_with_zero_hours():
    # started 20 Nov: full 10 h allowance for November all the same
    a = ag(start=dt.date(2026, 11, 20), period_fee=D(0))
    r = run((a,), (en("e1", dt.date(2026, 11, 25), 600),))
    assert r.invoices == () and r.ledgers[0].used_included == 10
    zero = ag(included_hours_per_month=D(0), period_fee=D(0))
    (ledger,) = run((zero,)).ledgers
    assert ledger.included_hours == 0 and ledger.entries == ()


def test_entries_dated_outside_the_term_draw_nothing():
    # term starts 16 Nov; an entry of 10 Nov is overage even with 10 h included
    a = ag(start=dt.date(2026, 11, 16), period_fee=D(0))
    r = run((a,), (en("e1", dt.date(2026, 11, 10), 60), en("e2", dt.date(2026, 11, 20), 60)))
    (line,) = invoice(r).lines
    assert (line.kind, line.late, line.entries, line.amount) == (
        "overage",
        False,
        ("e1",),
        D("120.00"),
    )
    assert r.ledgers[0].entries == ("e2",)
    assert r.ledgers[0].overage_hours == 1


def test_agreement_without_allowance_for_the_month_bills_everything_as_overage():
    # ended 31 Oct: no allowance for November, no ledger; its entries are ordinary overage
    a = ag(end=dt.date(2026, 10, 31))
    r = run((a,), (en("e1", dt.date(2026, 10, 20), 60), en("e2", dt.date(2026, 11, 3), 30)))
    assert r.ledgers == ()
    (line,) = invoice(r).lines
    # 60 + 30 = 90 min × 120 / 60 = 180.00, not late
    assert (line.kind, line.late, line.entries, line.amount) == (
        "overage",
        False,
        ("e1", "e2"),
        D("180.00"),
    )


def test_out_of_scope_draws_nothing_and_has_its_own_line_at_the_overage_rate():
    a = ag(period_fee=D(0))
    r = run(
        (a,),
        (
            en("e1", dt.date(2026, 11, 2), 45, out_of_scope=True),
            en("e2", dt.date(2026, 10, 2), 15, out_of_scope=True),  # late: stays here
        ),
    )
    (line,) = invoice(r).lines
    assert (line.kind, line.late, line.entries) == ("out_of_scope", False, ("e2", "e1"))
    assert line.amount == D("120.00")  # 60 min × 120 / 60
    assert r.ledgers[0].used_included == 0 and r.ledgers[0].overage_hours == 0


def test_hourly_only_no_fee_no_allowance_every_entry_at_its_overage_rate():
    a = ag(hourly_only=True, overage_rate=D("95.00"))
    r = run(
        (a,),
        (
            en("e1", dt.date(2026, 11, 2), 60),
            en("e2", dt.date(2026, 11, 3), 30, out_of_scope=True),  # changes nothing
            en("e3", dt.date(2026, 9, 3), 30),  # late: joins the ordinary line
        ),
    )
    assert r.ledgers == ()
    (line,) = invoice(r).lines
    assert (line.kind, line.agreement, line.late) == ("hourly", "a1", False)
    assert line.entries == ("e3", "e1", "e2")
    assert line.amount == D("190.00")  # 120 min × 95 / 60


def test_break_fix_at_the_bill_rate_of_technician_or_subcontractor():
    r = run(
        (),
        (
            en("e1", dt.date(2026, 11, 2), 60, None, "fern", person="quill"),
            en("e2", dt.date(2026, 11, 3), 90, None, "fern", person="tara"),
            en("e3", dt.date(2026, 8, 3), 30, None, "fern", person="tara", out_of_scope=True),
        ),
    )
    hourly = lines(r, "hourly", "fern")
    # one line per rate, rate as a number: 100 then 175
    assert [(ln.agreement, ln.rate, ln.entries) for ln in hourly] == [
        (None, D("100.00"), ("e3", "e2")),
        (None, D("175.00"), ("e1",)),
    ]
    assert hourly[0].amount == D("200.00")  # (30 + 90) × 100 / 60
    assert hourly[1].amount == D("175.00")  # 60 × 175 / 60
    assert not any(ln.late for ln in hourly)


def test_late_entries_form_their_own_late_overage_line_for_an_agreement_with_allowance():
    # e_late (October) draws nothing although 10 h are free; it is billed on a late line
    a = ag(period_fee=D(0))
    r = run(
        (a,),
        (en("late", dt.date(2026, 10, 30), 60), en("on", dt.date(2026, 11, 2), 660)),
    )
    over = lines(r, "overage")
    assert [(ln.late, ln.entries, ln.amount) for ln in over] == [
        (False, ("on",), D("120.00")),  # 11 h − 10 h = 1 h × 120
        (True, ("late",), D("120.00")),  # 1 h × 120, after the ordinary line
    ]
    assert "late" in over[1].description
    assert r.ledgers[0].overage_hours == 1  # late hours not counted


def test_closed_ledger_gets_no_second_ledger_and_new_entries_are_overage():
    a = ag(period_fee=D(0))
    r = run((a,), (en("e1", dt.date(2026, 11, 2), 60),), closed_ledgers=frozenset({"a1"}))
    assert r.ledgers == ()
    assert invoice(r).lines[0].entries == ("e1",)


# --- 3. Items ------------------------------------------------------------------------------


def test_items_one_line_each_quantity_times_unit_price_half_up():
    items = (
        Item("i1", "fern", dt.date(2026, 11, 20), "Switch", D(3), D("19.99")),
        Item("i2", "fern", dt.date(2026, 11, 21), "Cable", D("1.5"), D("10.01")),
        Item("i3", "fern", DEC, "Next month", D(1), D(5)),
        Item("i4", "fern", NOV, "Billed", D(1), D(5), billed=True),
    )
    r = run(items=items)
    got = [(ln.items, ln.quantity, ln.rate, ln.amount) for ln in lines(r, "item", "fern")]
    assert got == [
        # sorted by rate as a number: 10.01 before 19.99
        (("i2",), D("1.5"), D("10.01"), D("15.02")),  # 1.5 × 10.01 = 15.015 → 15.02
        (("i1",), D(3), D("19.99"), D("59.97")),  # 3 × 19.99 = 59.97
    ]


# --- 4. Tax and totals ---------------------------------------------------------------------


def test_tax_per_category_rounded_half_up_per_line():
    tax = TaxPercent(fee=D(5), labor=D("8.25"), item=D(10))
    a1 = ag("a1", period_fee=D("1000.10"), included_hours_per_month=D(0))
    a2 = ag("a2", hourly_only=True, overage_rate=D("120.00"))
    items = (Item("i1", "harbor", NOV, "Mouse", D(1), D("0.05")),)
    entries = (en("e1", NOV, 15, "a1"), en("e2", NOV, 15, "a2"))
    inv = invoice(run((a1, a2), entries, items, tax_percent=tax))
    got = [(ln.kind, ln.amount, ln.tax) for ln in inv.lines]
    assert got == [
        ("fee", D("1000.10"), D("50.01")),  # 1000.10 × 5 % = 50.005 → 50.01
        ("overage", D("30.00"), D("2.48")),  # 15 min × 120 / 60 = 30; × 8.25 % = 2.475 → 2.48
        ("hourly", D("30.00"), D("2.48")),  # the same, rounded on its own line
        ("item", D("0.05"), D("0.01")),  # 0.05 × 10 % = 0.005 → 0.01
    ]
    # subtotal 1000.10 + 30 + 30 + 0.05 = 1060.15; tax 50.01 + 2.48 + 2.48 + 0.01 = 54.98
    assert (inv.subtotal, inv.tax, inv.total) == (D("1060.15"), D("54.98"), D("1115.13"))


# --- 5. Invoices ---------------------------------------------------------------------------


def test_due_date_firm_terms_or_the_companys_override():
    r = run(
        (ag("a1", "harbor"), ag("a2", "maple"), ag("a3", "fern")),
        payment_terms_days=30,
        payment_terms_by_company={"maple": 14, "fern": 0},
    )
    assert [(i.company, i.due) for i in r.invoices] == [  # sorted by company id
        ("fern", DEC),
        ("harbor", dt.date(2026, 12, 31)),
        ("maple", dt.date(2026, 12, 15)),
    ]


def test_no_invoice_when_nothing_to_bill():
    r = run((ag(hourly_only=True),), (en("e1", NOV, 60, billable=False),))
    assert r.invoices == () and r.ledgers == ()


def test_one_invoice_per_company_lines_in_kind_agreement_late_rate_item_order():
    a1 = ag("a1", period_fee=D(500), included_hours_per_month=D(0))
    a2 = ag("a2", period_fee=D(700), included_hours_per_month=D(0))
    a3 = ag("a3", hourly_only=True, overage_rate=D(90))
    entries = (
        en("o2", NOV, 60, "a2"),
        en("l1", dt.date(2026, 10, 1), 60, "a1"),
        en("o1", NOV, 60, "a1"),
        en("s1", NOV, 60, "a1", out_of_scope=True),
        en("h3", NOV, 60, "a3"),
        en("b2", NOV, 60, None, person="quill"),
        en("b1", NOV, 60, None, person="tara"),
    )
    items = (
        Item("i9", "harbor", NOV, "Dock", D(1), D(5)),
        Item("i1", "harbor", NOV, "Cable", D(1), D(10)),
        Item("i2", "harbor", NOV, "Plug", D(1), D(5)),
    )
    inv = invoice(run((a2, a3, a1), entries, items))
    assert [
        (ln.kind, ln.agreement, ln.late, ln.rate, ln.entries or ln.items) for ln in inv.lines
    ] == [
        ("fee", "a1", False, D(500), ()),
        ("fee", "a2", False, D(700), ()),
        ("overage", "a1", False, D(120), ("o1",)),
        ("overage", "a1", True, D(120), ("l1",)),
        ("overage", "a2", False, D(120), ("o2",)),
        ("out_of_scope", "a1", False, D(120), ("s1",)),
        ("hourly", "a3", False, D(90), ("h3",)),
        ("hourly", None, False, D(100), ("b1",)),
        ("hourly", None, False, D(175), ("b2",)),
        ("item", None, False, D(5), ("i2",)),
        ("item", None, False, D(5), ("i9",)),
        ("item", None, False, D(10), ("i1",)),
    ]


def test_ledgers_sorted_by_agreement_id_for_every_agreement_with_an_allowance():
    r = run((ag("b"), ag("a", "maple"), ag("c", hourly_only=True)))
    assert [lg.agreement for lg in r.ledgers] == ["a", "b"]


def test_inconsistent_input_is_refused():
    with pytest.raises(ValueError, match="unknown agreement"):
        run((ag(),), (en("e1", NOV, 60, "zz"),))
    with pytest.raises(ValueError, match="unknown person"):
        run((ag(),), (en("e1", NOV, 60, person="nobody"),))
    with pytest.raises(ValueError, match="company"):
        run((ag(),), (en("e1", NOV, 60, company="maple"),))


# --- Properties ----------------------------------------------------------------------------

COMPANIES = ("c1", "c2", "c3")
money_st = st.decimals(min_value=0, max_value=5000, places=2)
hours_st = st.decimals(min_value=0, max_value=20, places=2)
day_st = st.dates(dt.date(2026, 8, 1), dt.date(2027, 1, 31))


@st.composite
def agreements_st(draw: st.DrawFn) -> tuple[Agreement, ...]:
    out = []
    for i in range(draw(st.integers(0, 3))):
        start = draw(st.dates(dt.date(2025, 6, 1), dt.date(2027, 1, 31)))
        end = draw(st.none() | st.dates(start, dt.date(2027, 12, 31)))
        out.append(
            Agreement(
                id=f"a{i}",
                company=draw(st.sampled_from(COMPANIES)),
                cadence=draw(st.sampled_from(["monthly", "quarterly", "annual"])),
                period_fee=draw(money_st),
                start=start,
                end=end,
                hourly_only=draw(st.booleans()),
                included_hours_per_month=draw(hours_st),
                onsite_half_days_per_month=draw(st.decimals(0, 4, places=1)),
                hours_per_half_day=draw(st.sampled_from([D(4), D("3.5")])),
                overage_rate=draw(money_st),
                rollover=draw(st.sampled_from(["none", "next_month"])),
                rounding=draw(
                    st.none() | st.builds(Rounding, st.integers(1, 30), st.integers(0, 60))
                ),
                cancelled_on=draw(st.none() | st.dates(start, dt.date(2027, 12, 31))),
            )
        )
    return tuple(out)


@st.composite
def inputs_st(draw: st.DrawFn) -> BillingInput:
    agreements = draw(agreements_st())
    entries = []
    for i in range(draw(st.integers(0, 25))):
        a = draw(st.none() | st.sampled_from(agreements)) if agreements else None
        entries.append(
            Entry(
                id=str(i),
                company=a.company if a else draw(st.sampled_from(COMPANIES)),
                agreement=a.id if a else None,
                person=draw(st.sampled_from(["tara", "quill"])),
                work_type=draw(st.sampled_from(["remote", "phone", "onsite"])),
                date=draw(day_st),
                minutes=draw(st.integers(0, 600)),
                billable=draw(st.booleans()),
                out_of_scope=draw(st.booleans()),
            )
        )
    items = tuple(
        Item(
            id=f"i{i}",
            company=draw(st.sampled_from(COMPANIES)),
            date=draw(day_st),
            description="thing",
            quantity=draw(st.decimals(D("0.01"), 50, places=2)),
            unit_price=draw(money_st),
        )
        for i in range(draw(st.integers(0, 4)))
    )
    return BillingInput(
        month=DEC,
        rounding=draw(st.builds(Rounding, st.integers(1, 30), st.integers(0, 60))),
        tax_percent=draw(st.builds(TaxPercent, *(st.decimals(0, 25, places=3),) * 3)),
        payment_terms_days=30,
        people=PEOPLE,
        agreements=agreements,
        carried_in={a.id: draw(hours_st) for a in agreements},
        entries=tuple(entries),
        items=items,
    )


def billed_ids(r: BillingResult) -> set[str]:
    on_lines = {e for inv in r.invoices for ln in inv.lines for e in ln.entries}
    on_ledgers = {e for lg in r.ledgers for e in lg.entries}
    assert not on_lines & on_ledgers  # an entry is on a line or on a ledger, never both
    return on_lines | on_ledgers


PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(inputs_st())
def test_total_is_sum_of_amounts_and_taxes(inp):
    for inv in run_billing(inp).invoices:
        assert inv.lines
        assert inv.subtotal == sum(ln.amount for ln in inv.lines)
        assert inv.tax == sum(ln.tax for ln in inv.lines)
        assert inv.total == sum(ln.amount for ln in inv.lines) + sum(ln.tax for ln in inv.lines)
        for ln in inv.lines:
            assert ln.amount == ln.amount.quantize(D("0.01")) and ln.amount >= 0
            assert ln.tax == ln.tax.quantize(D("0.01")) and ln.tax >= 0


@PROPS
@given(inputs_st())
def test_billed_minutes_at_least_raw_and_every_billed_minute_is_accounted_for(inp):
    r = run_billing(inp)
    raw = {e.id: e.minutes for e in inp.entries}
    assert r.billed_minutes.keys() == billed_ids(r)
    for entry_id, minutes in r.billed_minutes.items():
        assert minutes >= raw[entry_id] > 0
    # billed minutes = minutes on labor lines + minutes the allowances covered
    on_lines = sum(ln.minutes for inv in r.invoices for ln in inv.lines)
    drawn = sum((lg.used_included + lg.used_onsite) * 60 for lg in r.ledgers)
    assert abs(on_lines + drawn - sum(r.billed_minutes.values())) < D("1e-15")
    for lg in r.ledgers:
        assert 0 <= lg.used_onsite <= lg.onsite_hours
        assert lg.remaining >= 0
        assert lg.remaining == lg.included_hours + lg.carried_in - lg.used_included
        assert 0 <= lg.carried_out <= lg.included_hours


def _after(inp: BillingInput, r: BillingResult, month: dt.date) -> BillingInput:
    """The next run's input: what ``r`` billed is marked billed, carried out → carried in."""
    done = billed_ids(r)
    items = {i for inv in r.invoices for ln in inv.lines for i in ln.items}
    fees = {
        (ln.agreement, ln.period_start)
        for inv in r.invoices
        for ln in inv.lines
        if ln.kind == "fee"
    }
    return dataclasses.replace(
        inp,
        month=month,
        entries=tuple(dataclasses.replace(e, billed=e.billed or e.id in done) for e in inp.entries),
        items=tuple(dataclasses.replace(i, billed=i.billed or i.id in items) for i in inp.items),
        carried_in={lg.agreement: lg.carried_out for lg in r.ledgers},
        billed_fee_periods=inp.billed_fee_periods | fees,  # type: ignore[operator]
        closed_ledgers=frozenset(lg.agreement for lg in r.ledgers)
        if month == r.month
        else frozenset(),
    )


@PROPS
@given(inputs_st())
def test_two_consecutive_runs_bill_no_entry_twice_and_a_rerun_bills_nothing(inp):
    jan = dt.date(2027, 1, 1)
    dec = run_billing(inp)
    jan_inp = _after(inp, dec, jan)
    jan_run = run_billing(jan_inp)
    assert not billed_ids(dec) & billed_ids(jan_run)
    dec_items = {i for inv in dec.invoices for ln in inv.lines for i in ln.items}
    jan_items = {i for inv in jan_run.invoices for ln in inv.lines for i in ln.items}
    assert not dec_items & jan_items
    # between them, every billable entry of more than 0 minutes before January was billed
    due = {e.id for e in inp.entries if e.billable and e.minutes > 0 and e.date < jan}
    assert billed_ids(dec) | billed_ids(jan_run) == due
    # running January again bills nothing
    again = run_billing(_after(jan_inp, jan_run, jan))
    assert again.invoices == () and again.ledgers == ()
