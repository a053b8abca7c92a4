"""Business development log ("my follow-ups") and the weighted sales pipeline (issue #4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from sweetspot.clients.models import Company, Contact
from sweetspot.core.models import AuditLog, Firm
from sweetspot.growth import activity_services, pipeline, queries
from sweetspot.growth.models import Activity, Opportunity, Stage

HX = {"HX-Request": "true"}


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


@pytest.fixture(autouse=True)
def empty_bd(request):
    """These tests build their own activities and opportunities: drop the demo firm's."""
    if "demo" in request.fixturenames or "personas" in request.fixturenames:
        request.getfixturevalue("demo")
        Activity.objects.all().delete()
        Opportunity.objects.all().delete()


@pytest.fixture
def fern(demo):
    return Company.objects.get(name="Fern Bakery")


def log(actor, subject, due=None, company=None, **extra):
    return activity_services.log_activity(
        actor,
        {"kind": "follow_up", "subject": subject, "due_date": due, "company": company, **extra},
    )


def opp(owner, company, title, fee, stage=Stage.LEAD):
    return pipeline.create_opportunity(
        owner,
        {"company": company, "title": title, "expected_monthly_fee": Decimal(fee), "stage": stage},
    )


def audit_rows(obj):
    return AuditLog.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk)).order_by(
        "pk"
    )


# --- my follow-ups ----------------------------------------------------------------------------


def test_followups_overdue_first_then_today_then_upcoming(personas, client_for, harbor, maple):
    sam = personas["sam"]
    later = log(sam, "Send proposal", days(3), maple)
    undated = log(sam, "Coffee with the chamber", None)
    today = log(sam, "Call Hana back", days(0), harbor)
    old = log(sam, "Chase referral", days(-10), harbor)
    recent = log(sam, "Follow up after demo", days(-1), maple)
    soon = log(sam, "Book meeting", days(1), maple)
    done = log(sam, "Already done", days(-3), harbor)
    activity_services.complete_activity(sam, done, "Signed")
    log(personas["olivia"], "Olivia's own", days(-5), harbor)

    response = client_for("sam").get("/growth/followups/")
    assert response.status_code == 200
    fu = response.context["fu"]
    assert fu.overdue == [old, recent]
    assert fu.due_today == [today]
    assert fu.upcoming == [soon, later, undated]
    html = response.content.decode()
    order = [html.index(s) for s in ["Chase referral", "Follow up after demo", "Call Hana back"]]
    assert order == sorted(order)
    assert html.index("Call Hana back") < html.index("Book meeting") < html.index("Send proposal")
    assert "Already done" not in html and "Olivia&#x27;s own" not in html
    assert f'href="/clients/{harbor.pk}/"' in html
    assert "late" in html


def test_owner_and_sales_may_see_everyones_followups(personas, client_for, harbor):
    log(personas["olivia"], "Olivia's call", days(-2), harbor)
    log(personas["sam"], "Sam's call", days(0), harbor)
    sam = client_for("sam")
    everyone = sam.get("/growth/followups/", {"owner": "all"}).context["fu"]
    assert {a.subject for a in everyone.overdue + everyone.due_today} == {
        "Olivia's call",
        "Sam's call",
    }
    olivias = sam.get("/growth/followups/", {"owner": personas["olivia"].pk}).context["fu"]
    assert [a.subject for a in olivias.overdue] == ["Olivia's call"]
    assert olivias.due_today == []
    # Junk in the owner filter falls back to "mine", never a 500.
    for junk in ["x", "999999", "1 OR 1=1", ""]:
        mine = sam.get("/growth/followups/", {"owner": junk})
        assert mine.status_code == 200
        assert [a.subject for a in mine.context["fu"].due_today] == ["Sam's call"]


def test_dispatcher_and_technician_see_only_their_own(personas, client_for, harbor):
    log(personas["sam"], "Sam's call", days(0), harbor)
    log(personas["olivia"], "Tara: check printer lead", days(-1), harbor, owner=personas["tara"])
    tara = client_for("tara").get("/growth/followups/", {"owner": "all"})
    assert tara.status_code == 200
    assert [a.subject for a in tara.context["fu"].overdue] == ["Tara: check printer lead"]
    assert tara.context["fu"].count == 1
    dan = client_for("dan").get("/growth/followups/")
    assert dan.status_code == 200 and dan.context["fu"].count == 0
    assert b"Log activity" not in dan.content


def test_complete_via_the_page_removes_the_row(personas, client_for, harbor):
    sam = personas["sam"]
    activity = log(sam, "Call Hana back", days(-1), harbor)
    c = client_for("sam")
    url = f"/growth/activities/{activity.pk}/done/"

    form = c.get(url, headers=HX)
    assert form.status_code == 200
    assert b"Mark done" in form.content and b"<html" not in form.content
    cancel = c.get(url + "?cancel=1", headers=HX)
    assert b">Done</a>" in cancel.content

    response = c.post(url, {"outcome": "Booked a site visit", "done_date": ""}, headers=HX)
    assert response.status_code == 200
    assert response["HX-Reswap"] == "delete"
    assert response["HX-Retarget"] == f"#activity-{activity.pk}"
    activity.refresh_from_db()
    assert activity.done_date == timezone.localdate()
    assert activity.outcome == "Booked a site visit"
    row = audit_rows(activity).last()
    assert row.action == "update" and row.actor == sam
    assert row.changes["done_date"] == [None, timezone.localdate().isoformat()]
    page = c.get("/growth/followups/")
    assert page.context["fu"].count == 0
    assert b"Call Hana back" not in page.content


def test_complete_without_htmx_redirects_and_future_date_is_a_field_error(
    personas, client_for, harbor
):
    activity = log(personas["sam"], "Call back", days(0), harbor)
    c = client_for("sam")
    url = f"/growth/activities/{activity.pk}/done/"
    assert c.get(url).status_code == 200  # a full page without htmx
    bad = c.post(url, {"outcome": "x", "done_date": days(2).isoformat()}, headers=HX)
    assert bad.status_code == 200
    assert b"cannot be in the future" in bad.content
    garbage = c.post(url, {"done_date": "not a date"})
    assert garbage.status_code == 200 and garbage.context["form"].errors["done_date"]
    activity.refresh_from_db()
    assert activity.done_date is None
    ok = c.post(url, {"outcome": "Left a message", "done_date": days(-1).isoformat()})
    assert ok.status_code == 302 and ok["Location"] == "/growth/followups/"
    activity.refresh_from_db()
    assert activity.done_date == days(-1)


def test_technician_may_complete_own_but_not_others(personas, client_for, harbor):
    own = log(personas["olivia"], "Tara's", days(0), harbor, owner=personas["tara"])
    sams = log(personas["sam"], "Sam's", days(0), harbor)
    tara = client_for("tara")
    assert tara.post(f"/growth/activities/{sams.pk}/done/", {"outcome": "x"}).status_code == 404
    assert tara.post(f"/growth/activities/{own.pk}/done/", {"outcome": "ok"}).status_code == 302
    own.refresh_from_db()
    sams.refresh_from_db()
    assert own.done_date is not None and sams.done_date is None


def test_log_activity_page_with_prefill_and_field_errors(personas, client_for, harbor, maple):
    c = client_for("sam")
    page = c.get("/growth/activities/new/", {"company": harbor.pk})
    assert page.status_code == 200
    assert page.context["form"].initial["company"] == harbor.pk
    hana_contact = Contact.objects.get(name="Hana Hughes")
    assert list(page.context["form"].fields["contact"].queryset) == [hana_contact]
    assert c.get("/growth/activities/new/", {"company": "junk"}).status_code == 200

    milo_contact = Contact.objects.get(name="Milo Marsh")
    wrong = c.post(
        "/growth/activities/new/",
        {
            "kind": "sales_call",
            "subject": "Intro call",
            "owner": personas["sam"].pk,
            "company": harbor.pk,
            "contact": milo_contact.pk,
            "due_date": "2026-13-45",
        },
    )
    assert wrong.status_code == 200
    errors = wrong.context["form"].errors
    assert "contact" in errors and "due_date" in errors
    assert b'class="field has-error"' in wrong.content
    assert not Activity.objects.exists()

    empty = c.post("/growth/activities/new/", {})
    assert empty.status_code == 200
    assert {"kind", "subject", "owner"} <= set(empty.context["form"].errors)

    ok = c.post(
        "/growth/activities/new/",
        {
            "kind": "sales_call",
            "subject": "Intro call",
            "owner": personas["sam"].pk,
            "company": maple.pk,
            "contact": milo_contact.pk,
            "due_date": days(2).isoformat(),
        },
    )
    assert ok.status_code == 302
    activity = Activity.objects.get()
    assert (activity.company, activity.contact, activity.owner) == (
        maple,
        milo_contact,
        personas["sam"],
    )
    assert audit_rows(activity).get().action == "create"


def test_contact_must_belong_to_company_in_the_service(personas, harbor):
    milo_contact = Contact.objects.get(name="Milo Marsh")
    with pytest.raises(ValidationError) as exc:
        log(personas["sam"], "x", None, harbor, contact=milo_contact)
    assert "contact" in exc.value.message_dict
    # A contact without a company fills the company in.
    activity = log(personas["sam"], "y", None, None, contact=milo_contact)
    assert activity.company_id == milo_contact.company_id


def test_contact_options_fragment(client_for, maple):
    response = client_for("sam").get("/growth/activities/contacts/", {"company": maple.pk})
    assert b"Milo Marsh" in response.content
    assert client_for("sam").get("/growth/activities/contacts/", {"company": "x"}).status_code == (
        200
    )


def test_edit_activity_is_audited_with_before_and_after(personas, client_for, harbor):
    activity = log(personas["sam"], "Old subject", days(1), harbor)
    response = client_for("olivia").post(
        f"/growth/activities/{activity.pk}/edit/",
        {
            "kind": "meeting",
            "subject": "New subject",
            "owner": personas["sam"].pk,
            "company": harbor.pk,
            "due_date": days(4).isoformat(),
        },
    )
    assert response.status_code == 302
    row = audit_rows(activity).last()
    assert row.action == "update" and row.actor == personas["olivia"]
    assert row.changes["subject"] == ["Old subject", "New subject"]
    assert row.changes["kind"] == ["follow_up", "meeting"]


# --- weighted values --------------------------------------------------------------------------


@dataclass
class Card:
    stage: str
    expected_monthly_fee: Decimal


def test_weighted_value_pure():
    probs = pipeline.stage_probabilities({})
    cards = [
        Card("lead", Decimal("1000")),
        Card("qualified", Decimal("2000")),
        Card("proposal", Decimal("4000")),
        Card("won", Decimal("5000")),
        Card("lost", Decimal("3000")),
    ]
    assert pipeline.weighted_monthly(cards, probs) == Decimal("2600.00")
    assert pipeline.annualised(Decimal("2600.00")) == Decimal("31200.00")
    # Rounded to cents once, at the end: 3 × 333.33 × 25% = 249.9975 -> 250.00.
    assert pipeline.weighted_monthly([Card("qualified", Decimal("333.33"))] * 3, probs) == Decimal(
        "250.00"
    )


def test_stage_probabilities_merge_and_ignore_junk():
    probs = pipeline.stage_probabilities(
        {"lead": 20, "proposal": "62.5", "qualified": "lots", "won": 140, "bogus": 5, "lost": True}
    )
    assert probs == {
        "lead": Decimal(20),
        "qualified": Decimal(25),
        "proposal": Decimal("62.5"),
        "won": Decimal(100),
        "lost": Decimal(0),
    }


money = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2)


@given(
    st.lists(st.tuples(st.sampled_from(Stage.values), money), max_size=30),
    st.dictionaries(st.sampled_from(Stage.values), st.integers(0, 100)),
)
def test_weighted_value_bounds(items, overrides):
    probs = pipeline.stage_probabilities(overrides)
    cards = [Card(stage, fee) for stage, fee in items]
    monthly = pipeline.weighted_monthly(cards, probs)
    open_total = sum((c.expected_monthly_fee for c in cards if c.stage in pipeline.OPEN_STAGES), 0)
    assert Decimal(0) <= monthly <= open_total
    assert monthly == monthly.quantize(Decimal("0.01"))
    assert pipeline.annualised(monthly) == monthly * 12
    board = pipeline.board(cards, probs)
    assert board.weighted_monthly == monthly
    assert sum(len(col.cards) for col in board.columns) == len(cards)


def test_board_weighted_value_follows_firm_probabilities(personas, client_for, harbor, maple, fern):
    sam = personas["sam"]
    opp(sam, harbor, "Offsite backup", "1000", Stage.LEAD)
    opp(sam, maple, "Second site", "2000", Stage.QUALIFIED)
    p = opp(sam, fern, "Managed care", "400", Stage.PROPOSAL)
    won = opp(sam, maple, "Security review", "5000", Stage.PROPOSAL)
    pipeline.move_opportunity(sam, won, Stage.WON)
    lost = opp(sam, harbor, "Phones", "3000", Stage.LEAD)
    pipeline.move_opportunity(sam, lost, Stage.LOST, "Went with the carrier")
    assert p.stage == Stage.PROPOSAL

    c = client_for("sam")
    board = c.get("/growth/pipeline/").context["board"]
    # 1000 × 10% + 2000 × 25% + 400 × 50% = 800.00 a month.
    assert board.weighted_monthly == Decimal("800.00")
    assert board.weighted_annual == Decimal("9600.00")
    assert [len(col.cards) for col in board.columns] == [1, 1, 1, 1, 1]
    assert [col.total for col in board.columns] == [
        Decimal("1000.00"),
        Decimal("2000.00"),
        Decimal("400.00"),
        Decimal("5000.00"),
        Decimal("3000.00"),
    ]
    html = c.get("/growth/pipeline/").content.decode()
    assert "$800.00" in html and "$9,600.00" in html

    firm = Firm.current()
    firm.stage_probabilities = {"lead": 50, "qualified": "40", "proposal": 90}
    firm.save()
    board = c.get("/growth/pipeline/").context["board"]
    # 1000 × 50% + 2000 × 40% + 400 × 90% = 1660.00
    assert board.weighted_monthly == Decimal("1660.00")
    assert board.weighted_annual == Decimal("19920.00")
    assert board.columns[0].probability == Decimal(50)


# --- moves ------------------------------------------------------------------------------------


def test_move_to_won_makes_the_company_a_client_with_audit(personas, client_for, fern):
    sam = personas["sam"]
    o = opp(sam, fern, "Managed care", "450", Stage.PROPOSAL)
    assert fern.status == "prospect"
    response = client_for("sam").post(
        f"/growth/opportunities/{o.pk}/move/", {"stage": "won"}, headers=HX
    )
    assert response.status_code == 200
    assert b'id="board"' in response.content and b"<html" not in response.content
    o.refresh_from_db()
    fern.refresh_from_db()
    assert o.stage == Stage.WON and o.closed_at is not None
    assert fern.status == "client"
    move = audit_rows(o).last()
    assert move.actor == sam and move.changes["stage"] == ["proposal", "won"]
    assert move.changes["closed_at"][0] is None
    company_row = audit_rows(fern).last()
    assert company_row.actor == sam and company_row.changes["status"] == ["prospect", "client"]

    # Back to an open stage clears closed_at (the company stays a client).
    pipeline.move_opportunity(sam, o, Stage.PROPOSAL)
    o.refresh_from_db()
    fern.refresh_from_db()
    assert o.closed_at is None and fern.status == "client"
    assert audit_rows(o).last().changes["stage"] == ["won", "proposal"]


def test_every_stage_change_is_audited(personas, harbor):
    sam = personas["sam"]
    o = opp(sam, harbor, "Offsite backup", "900")
    for stage in ["qualified", "proposal", "lead"]:
        pipeline.move_opportunity(sam, o, stage)
    moves = [r.changes["stage"] for r in audit_rows(o).filter(action="update")]
    assert moves == [["lead", "qualified"], ["qualified", "proposal"], ["proposal", "lead"]]


def test_lost_without_reason_is_a_field_error_and_changes_nothing(personas, client_for, harbor):
    sam = personas["sam"]
    o = opp(sam, harbor, "Offsite backup", "900", Stage.QUALIFIED)
    rows = audit_rows(o).count()
    c = client_for("sam")
    response = c.post(
        f"/growth/opportunities/{o.pk}/move/", {"stage": "lost", "lost_reason": "  "}, headers=HX
    )
    assert response.status_code == 200
    assert response.context["move_form"].errors["lost_reason"] == ["Say why it was lost."]
    assert b"Say why it was lost." in response.content
    assert f'id="lost-reason-error-{o.pk}"'.encode() in response.content
    o.refresh_from_db()
    assert o.stage == Stage.QUALIFIED and o.closed_at is None and o.lost_reason == ""
    assert audit_rows(o).count() == rows
    with pytest.raises(ValidationError) as exc:
        pipeline.move_opportunity(sam, o, Stage.LOST)
    assert "lost_reason" in exc.value.message_dict

    # Without htmx the whole page comes back with the error; a real reason then works.
    page = c.post(f"/growth/opportunities/{o.pk}/move/", {"stage": "lost"})
    assert page.status_code == 200 and b"Say why it was lost." in page.content
    ok = c.post(f"/growth/opportunities/{o.pk}/move/", {"stage": "lost", "lost_reason": "Price"})
    assert ok.status_code == 302
    o.refresh_from_db()
    assert o.stage == Stage.LOST and o.lost_reason == "Price" and o.closed_at is not None


def test_bad_move_input_is_a_field_error(personas, client_for, harbor):
    o = opp(personas["sam"], harbor, "Offsite backup", "900")
    c = client_for("sam")
    for data in [{}, {"stage": "bogus"}, {"stage": "won", "lost_reason": "x" * 400}]:
        response = c.post(f"/growth/opportunities/{o.pk}/move/", data, headers=HX)
        assert response.status_code == 200
        assert response.context["error_pk"] == o.pk
    o.refresh_from_db()
    assert o.stage == Stage.LEAD
    assert c.post("/growth/opportunities/999999/move/", {"stage": "won"}).status_code == 404


def test_opportunity_form_field_errors_and_create(personas, client_for, harbor):
    c = client_for("sam")
    page = c.get("/growth/opportunities/new/", {"company": harbor.pk})
    assert page.status_code == 200 and page.context["form"].initial["company"] == harbor.pk
    for data, fields in [
        ({}, {"company", "title", "expected_monthly_fee", "owner"}),
        (
            {
                "company": harbor.pk,
                "title": "X",
                "owner": personas["sam"].pk,
                "stage": "lead",
                "expected_monthly_fee": "abc",
            },
            {"expected_monthly_fee"},
        ),
        (
            {
                "company": harbor.pk,
                "title": "X",
                "owner": personas["sam"].pk,
                "stage": "lead",
                "expected_monthly_fee": "-5",
            },
            {"expected_monthly_fee"},
        ),
        (
            {
                "company": harbor.pk,
                "title": "X",
                "owner": personas["sam"].pk,
                "stage": "won",
                "expected_monthly_fee": "10",
            },
            {"stage"},
        ),
        (
            {
                "company": "999999",
                "title": "X",
                "owner": personas["hana"].pk,
                "stage": "lead",
                "expected_monthly_fee": "10.001",
                "expected_close": "soon",
            },
            {"company", "owner", "expected_monthly_fee", "expected_close"},
        ),
    ]:
        response = c.post("/growth/opportunities/new/", data)
        assert response.status_code == 200, data
        assert fields <= set(response.context["form"].errors), (
            data,
            response.context["form"].errors,
        )
    assert not Opportunity.objects.exists()

    ok = c.post(
        "/growth/opportunities/new/",
        {
            "company": harbor.pk,
            "title": "Offsite backup",
            "owner": personas["sam"].pk,
            "stage": "qualified",
            "expected_monthly_fee": "1250.50",
            "proposed": "Backup plan",
        },
    )
    assert ok.status_code == 302
    o = Opportunity.objects.get()
    assert o.expected_monthly_fee == Decimal("1250.50") and o.stage == "qualified"
    assert audit_rows(o).get().action == "create"


def test_edit_opportunity_is_audited(personas, client_for, harbor):
    o = opp(personas["sam"], harbor, "Offsite backup", "900")
    response = client_for("olivia").post(
        f"/growth/opportunities/{o.pk}/edit/",
        {
            "company": harbor.pk,
            "title": "Offsite backup + DR",
            "owner": personas["olivia"].pk,
            "expected_monthly_fee": "1100",
        },
    )
    assert response.status_code == 302
    row = audit_rows(o).last()
    assert row.changes["title"] == ["Offsite backup", "Offsite backup + DR"]
    assert row.changes["expected_monthly_fee"] == ["900.00", "1100.00"]
    o.refresh_from_db()
    assert o.stage == Stage.LEAD


# --- who may do what ----------------------------------------------------------------------------


def test_technician_views_but_may_not_create_or_move(personas, client_for, harbor):
    o = opp(personas["sam"], harbor, "Offsite backup", "900")
    a = log(personas["sam"], "Call", days(0), harbor)
    tara = client_for("tara")
    assert tara.get("/growth/pipeline/").status_code == 200
    assert b"Move</button>" not in tara.get("/growth/pipeline/").content
    assert tara.get("/growth/followups/").status_code == 200
    for method, url in [
        ("get", "/growth/activities/new/"),
        ("post", "/growth/activities/new/"),
        ("get", f"/growth/activities/{a.pk}/edit/"),
        ("get", "/growth/opportunities/new/"),
        ("post", "/growth/opportunities/new/"),
        ("get", f"/growth/opportunities/{o.pk}/edit/"),
        ("post", f"/growth/opportunities/{o.pk}/move/"),
        ("get", "/growth/activities/contacts/"),
    ]:
        assert getattr(tara, method)(url, {"stage": "won"}).status_code == 404, url
    o.refresh_from_db()
    assert o.stage == Stage.LEAD


def test_client_contact_gets_404_on_every_growth_page(personas, client_for, harbor):
    # Hana's own company, so scoping alone would let her see it: the role check must hold.
    o = opp(personas["sam"], harbor, "Offsite backup", "900")
    a = log(personas["sam"], "Call Hana", days(0), harbor)
    hana = client_for("hana")
    for method, url in [
        ("get", "/growth/followups/"),
        ("get", "/growth/followups/?owner=all"),
        ("get", "/growth/activities/new/"),
        ("post", "/growth/activities/new/"),
        ("get", f"/growth/activities/{a.pk}/edit/"),
        ("get", f"/growth/activities/{a.pk}/done/"),
        ("post", f"/growth/activities/{a.pk}/done/"),
        ("get", f"/growth/activities/contacts/?company={harbor.pk}"),
        ("get", "/growth/pipeline/"),
        ("get", "/growth/opportunities/new/"),
        ("get", f"/growth/opportunities/{o.pk}/edit/"),
        ("post", f"/growth/opportunities/{o.pk}/move/"),
    ]:
        assert getattr(hana, method)(url).status_code == 404, (method, url)
    user = personas["hana"]
    assert not queries.activities_visible_to(user).exists()
    assert not queries.opportunities_visible_to(user).exists()
    a.refresh_from_db()
    assert a.done_date is None


def test_services_refuse_fractions_of_cents_and_closed_creates(personas, harbor):
    with pytest.raises(ValidationError) as exc:
        opp(personas["sam"], harbor, "X", "10.005")
    assert "expected_monthly_fee" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        opp(personas["sam"], harbor, "X", "10", Stage.WON)
    assert "stage" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        pipeline.create_opportunity(
            personas["sam"],
            {"company": harbor, "title": "X", "expected_monthly_fee": 5, "owner": personas["hana"]},
        )
    assert "owner" in exc.value.message_dict
    assert not Opportunity.objects.exists()
    ok = opp(personas["sam"], harbor, "X", "10")
    assert ok.expected_monthly_fee == Decimal("10.00") and ok.owner == personas["sam"]
