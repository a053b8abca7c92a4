"""The billing run on the database: drafts, idempotence, a missed month, issuing and its
numbering, the frozen invoice, credit notes that release work, and desk's refusal to edit a
billed entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from sweetspot.billing import services
from sweetspot.billing.models import (
    BilledWork,
    CreditNote,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Item,
    Ledger,
)
from sweetspot.core.models import AuditLog
from sweetspot.desk import time_services

from .conftest import DEC, World


def harbor_draft(world: World, month: dt.date = DEC) -> Invoice:
    return Invoice.objects.get(company=world.harbor, run_month=month, status="draft")


def test_run_makes_drafts_ledgers_and_marks_entries_billed(world: World) -> None:
    covered = world.entry(dt.date(2026, 11, 3), 600)
    split = world.entry(dt.date(2026, 11, 4), 100)
    fern = world.entry(dt.date(2026, 11, 5), 60, company=world.fern, sub=True)
    Item.objects.create(
        company=world.harbor,
        date=dt.date(2026, 11, 20),
        description="Dell OptiPlex 7010",
        quantity=D("2"),
        unit_price=D("899.00"),
        unit_cost=D("700.00"),
    )
    out = services.prepare_run("2026-12", world.olivia)
    assert (out.invoices_created, out.ledgers, out.entries_billed, out.items_billed) == (2, 1, 3, 1)
    inv = harbor_draft(world)
    kinds = [(ln.kind, ln.amount) for ln in inv.lines.all()]
    # 600 min covered by the 10 included hours; 100 min -> 105 billed, all overage.
    assert kinds == [("fee", D("1000.00")), ("overage", D("210.00")), ("item", D("1798.00"))]
    assert inv.total == D("3008.00") and inv.number is None
    assert inv.due_date == dt.date(2026, 12, 31)
    ledger = Ledger.objects.get(agreement=world.agreement)
    assert ledger.month == dt.date(2026, 11, 1)
    assert ledger.used_included == D("10") and ledger.remaining == D("0")
    assert [w.entry_id for w in ledger.work.all()] == [covered.pk]
    overage = inv.lines.get(kind="overage")
    assert [w.entry_id for w in overage.work.all()] == [split.pk]
    fern_inv = Invoice.objects.get(company=world.fern)
    assert fern_inv.total == D("175.00")  # Quill Data's bill rate, 1 hour
    for e in (covered, split, fern):
        e.refresh_from_db()
        assert e.billed_at is not None
    assert AuditLog.objects.filter(object_type="billing.Invoice", action="create").count() == 2


def test_running_twice_creates_nothing_new(world: World) -> None:
    world.entry(dt.date(2026, 11, 3), 700)
    services.prepare_run("2026-12", world.olivia)
    counts = (Invoice.objects.count(), InvoiceLine.objects.count(), BilledWork.objects.count())
    again = services.prepare_run("2026-12", world.olivia)
    assert not again.changed
    assert (
        Invoice.objects.count(),
        InvoiceLine.objects.count(),
        BilledWork.objects.count(),
    ) == counts


def test_a_rerun_adds_late_found_work_to_the_same_draft(world: World) -> None:
    world.entry(dt.date(2026, 11, 3), 60)
    services.prepare_run("2026-12", world.olivia)
    world.entry(dt.date(2026, 11, 20), 30)  # logged after the run
    out = services.prepare_run("2026-12", world.olivia)
    assert (out.invoices_created, out.invoices_extended) == (0, 1)
    inv = harbor_draft(world)
    # The ledger of November was settled by the first run: the new entry is overage.
    assert [ln.kind for ln in inv.lines.all()] == ["fee", "overage"]
    assert inv.total == D("1060.00")


def test_a_missed_month_runs_later_and_bills_what_was_not_billed(world: World) -> None:
    world.entry(dt.date(2026, 10, 6), 60)
    services.prepare_run("2026-12", world.olivia)  # November's run was never done
    dec = harbor_draft(world)
    late = dec.lines.get(kind="overage")
    assert late.late and late.amount == D("120.00")
    out = services.prepare_run("2026-11", world.olivia)  # done late
    assert out.entries_billed == 0
    nov = Invoice.objects.get(run_month=dt.date(2026, 11, 1))
    assert [ln.kind for ln in nov.lines.all()] == ["fee"]  # November's fee, nothing twice


def test_regenerate_redoes_the_draft_from_the_run(world: World) -> None:
    entry = world.entry(dt.date(2026, 11, 3), 720)
    services.prepare_run("2026-12", world.olivia)
    inv = harbor_draft(world)
    services.add_discount(world.olivia, inv, {"amount": "50.00"})
    services.remove_line(world.olivia, inv.lines.get(kind="overage"))
    entry.refresh_from_db()
    assert entry.billed_at is None  # released with its line
    again = services.regenerate(world.olivia, inv)
    assert again is not None and again.pk == inv.pk
    assert [(ln.kind, ln.amount) for ln in again.lines.all()] == [
        ("fee", D("1000.00")),
        ("overage", D("240.00")),
    ]
    assert Ledger.objects.count() == 1


def test_issue_numbers_are_gapless_and_restart_each_year(world: World) -> None:
    world.entry(dt.date(2026, 11, 3), 60, company=world.fern)
    services.prepare_run("2026-12", world.olivia)
    a, b = Invoice.objects.order_by("company__name")
    assert services.issue(world.olivia, a).number == "INV-2026-00001"
    assert services.issue(world.olivia, b).number == "INV-2026-00002"
    services.prepare_run("2027-01", world.olivia)
    jan = harbor_draft(world, dt.date(2027, 1, 1))
    assert services.issue(world.olivia, jan).number == "INV-2027-00001"
    with pytest.raises(ValidationError):
        services.issue(world.olivia, jan)  # issued once only


def test_an_issued_invoice_is_frozen(world: World) -> None:
    entry = world.entry(dt.date(2026, 11, 3), 60)
    services.prepare_run("2026-12", world.olivia)
    inv = services.issue(world.olivia, harbor_draft(world))
    with pytest.raises(ValidationError):
        services.add_line(world.olivia, inv, {"description": "x", "quantity": 1, "rate": 5})
    with pytest.raises(ValidationError):
        services.remove_line(world.olivia, inv.lines.first())  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        services.set_notes(world.olivia, inv, "changed")
    with pytest.raises(ValidationError):
        services.regenerate(world.olivia, inv)
    entry.refresh_from_db()
    with pytest.raises(ValidationError):
        time_services.update_entry(world.olivia, entry, {"note": "edited"})
    with pytest.raises(ValidationError):
        time_services.delete_entry(world.olivia, entry)


def test_credit_releases_entries_and_the_next_run_bills_them_again(world: World) -> None:
    world.entry(dt.date(2026, 11, 3), 600)
    over = world.entry(dt.date(2026, 11, 4), 60)
    services.prepare_run("2026-12", world.olivia)
    inv = services.issue(world.olivia, harbor_draft(world))
    line = inv.lines.get(kind="overage")
    note = services.credit(world.olivia, inv, [line.pk], reason="Wrong client")
    assert note.number == f"CN-{dt.date.today().year}-00001"
    assert note.total == D("120.00")
    inv.refresh_from_db()
    assert inv.status == InvoiceStatus.ISSUED  # partly credited
    over.refresh_from_db()
    assert over.billed_at is None
    time_services.update_entry(world.olivia, over, {"note": "now editable"})
    assert BilledWork.objects.filter(entry=over, released_by=note).exists()  # kept as history
    out = services.prepare_run("2027-01", world.olivia)
    assert out.entries_billed == 1
    jan = harbor_draft(world, dt.date(2027, 1, 1))
    late = jan.lines.get(kind="overage")
    assert late.late and [w.entry_id for w in late.work.all()] == [over.pk]
    with pytest.raises(ValidationError):
        services.credit(world.olivia, inv, [line.pk])  # already credited


def test_full_credit_marks_the_invoice_credited_and_frees_the_fee(world: World) -> None:
    services.prepare_run("2026-12", world.olivia)
    inv = services.issue(world.olivia, harbor_draft(world))
    note = services.credit(world.olivia, inv)
    inv.refresh_from_db()
    assert inv.status == InvoiceStatus.CREDITED and note.total == inv.total
    assert CreditNote.objects.count() == 1
    out = services.prepare_run("2026-12", world.olivia)  # the fee may now be billed again
    assert out.invoices_created == 1


def test_rounding_override_and_rollover_come_from_the_signed_terms(world: World) -> None:
    from .conftest import make_agreement  # noqa: PLC0415  (the helper lives beside the fixture)

    agreement = make_agreement(
        world.fern,
        world.olivia,
        name="Rollover plan",
        rollover="next_month",
        rounding_increment_minutes=30,
        rounding_minimum_minutes=30,
    )
    assert agreement.terms["rollover"] == "next_month"
    assert agreement.terms["rounding"] == {"increment_minutes": 30, "minimum_minutes": 30}
    world.entry(dt.date(2026, 10, 5), 10, company=world.fern, agreement=agreement)
    services.prepare_run("2026-11", world.olivia)
    oct_ledger = Ledger.objects.get(agreement=agreement)
    assert oct_ledger.used_included == D("0.5")  # 10 min billed as 30
    assert oct_ledger.carried_out == D("9.5")
    services.prepare_run("2026-12", world.olivia)
    nov_ledger = Ledger.objects.get(agreement=agreement, month=dt.date(2026, 11, 1))
    assert nov_ledger.carried_in == D("9.5") and nov_ledger.remaining == D("19.5")


def test_old_signed_terms_without_billing_keys_read_with_defaults(world: World) -> None:
    terms = dict(world.agreement.terms)
    terms.pop("rollover"), terms.pop("rounding")
    world.agreement.terms = terms
    world.agreement.save(update_fields=["terms"])
    world.entry(dt.date(2026, 11, 3), 10)
    services.prepare_run("2026-12", world.olivia)
    assert Ledger.objects.get().used_included == D("0.25")  # the firm's 15 / 15


def test_items_are_billed_once_and_deletable_only_before(world: World) -> None:
    item = services.create_item(
        world.olivia,
        {
            "company": world.fern,
            "date": dt.date(2026, 11, 2),
            "kind": "software",
            "description": "Microsoft 365 Business Standard",
            "quantity": D("4"),
            "unit_price": D("12.50"),
            "unit_cost": D("10.00"),
        },
    )
    services.prepare_run("2026-12", world.olivia)
    services.prepare_run("2026-12", world.olivia)
    assert BilledWork.objects.filter(item=item).count() == 1
    with pytest.raises(ValidationError):
        services.delete_item(world.olivia, item)


def test_discount_lowers_the_taxable_base(world: World) -> None:
    world.firm.tax_percent_fee = D("8.25")
    world.firm.save()
    services.prepare_run("2026-12", world.olivia)
    inv = harbor_draft(world)
    assert inv.tax == D("82.50")
    services.add_discount(world.olivia, inv, {"amount": "100", "tax_category": "fee"})
    inv.refresh_from_db()
    assert (inv.subtotal, inv.tax, inv.total) == (D("900.00"), D("74.25"), D("974.25"))


def test_month_is_checked(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        services.prepare_run("2026-13")
    assert "month" in exc.value.message_dict


def test_format_number() -> None:
    assert services.format_number("INV-{YYYY}-{seq:05}", 2027, 3) == "INV-2027-00003"
    assert services.format_number("{seq}", 2027, 12) == "12"
