"""Visits: scheduling, recurring generation from half-days, sequence bumps, calendar pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sweetspot.agreements.models import Agreement, AgreementStatus
from sweetspot.agreements.services import terms_of
from sweetspot.desk import visit_services
from sweetspot.desk.models import STANDARD_CHECKLIST, TimeEntry, Visit, VisitStatus, WorkType
from sweetspot.team.models import Technician


@pytest.fixture
def tara_tech(full_demo, personas):
    return Technician.objects.get(user=personas["tara"])


@pytest.fixture
def agreement(full_demo):
    for a in Agreement.objects.filter(status=AgreementStatus.ACTIVE).select_related("company"):
        if float(terms_of(a).get("onsite_half_days_per_month") or 0) >= 2:
            return a
    pytest.skip("no agreement with on-site half-days")


def _visit(tech, company, **extra):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    return visit_services.schedule_visit(
        None,
        {
            "company": company,
            "technician": tech,
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=4),
            "purpose": "Server check",
            **extra,
        },
    )


def test_schedule_defaults_to_the_standard_checklist(tara_tech, harbor):
    visit = _visit(tara_tech, harbor)
    assert [c["item"] for c in visit.checklist] == STANDARD_CHECKLIST
    assert visit.sequence == 0


def test_update_bumps_sequence_and_keeps_uid(tara_tech, harbor):
    visit = _visit(tara_tech, harbor)
    uid = visit.uid
    visit_services.update_visit(None, visit, {"purpose": "Firewall swap"})
    visit_services.cancel_visit(None, visit)
    visit.refresh_from_db()
    assert visit.uid == uid and visit.sequence == 2 and visit.status == VisitStatus.CANCELLED


def _next_month() -> dt.date:
    return (timezone.localdate().replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def test_visits_generated_from_half_days(agreement, tara_tech):
    half_days = int(float(terms_of(agreement)["onsite_half_days_per_month"]))
    month = _next_month()
    Visit.objects.filter(technician=tara_tech).delete()
    visits = visit_services.generate_recurring(None, agreement, month, tara_tech)
    assert len(visits) == half_days
    tz = timezone.get_current_timezone()
    for v in visits:
        local = v.starts_at.astimezone(tz)
        assert local.month == month.month and local.hour == 9 and local.weekday() < 5
        assert (v.ends_at - v.starts_at) == dt.timedelta(hours=4)
        assert v.agreement == agreement and len(v.checklist) == len(STANDARD_CHECKLIST)
    assert len({v.starts_at.date() for v in visits}) == half_days
    # Idempotent: the month is already covered.
    assert visit_services.generate_recurring(None, agreement, month, tara_tech) == []


def test_calendar_detail_tick_and_usage(agreement, tara_tech, client_for):
    visits = visit_services.generate_recurring(None, agreement, _next_month(), tara_tech)
    v = visits[0]
    c = client_for("tara")
    assert c.get(f"/visits/?week={timezone.localtime(v.starts_at).date()}").status_code == 200
    page = c.get(f"/visits/{v.pk}/").content.decode()
    assert "scheduled of" in page
    r = c.post(f"/visits/{v.pk}/checklist/0/", {"done": "1"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "☑" in r.content.decode()
    v.refresh_from_db()
    assert v.checklist[0]["done"] is True and v.sequence == 0
    other = Technician.objects.exclude(pk=tara_tech.pk).first()
    theirs = _visit(other, agreement.company)
    assert c.get(f"/visits/{theirs.pk}/").status_code == 404


def test_dispatcher_schedules_and_cancels(tara_tech, harbor, client_for):
    c = client_for("dan")
    r = c.post(
        "/visits/new/",
        {
            "company": harbor.pk,
            "technician": tara_tech.pk,
            "starts_at": "2026-04-02T09:00",
            "ends_at": "2026-04-02T08:00",
            "purpose": "Check",
        },
    )
    assert r.status_code == 200 and "The end must be after the start." in r.content.decode()
    r = c.post(
        "/visits/new/",
        {
            "company": harbor.pk,
            "technician": tara_tech.pk,
            "starts_at": "2026-04-02T09:00",
            "ends_at": "2026-04-02T13:00",
            "purpose": "Check",
        },
    )
    assert r.status_code == 302
    visit = Visit.objects.get(purpose="Check")
    assert c.post(f"/visits/{visit.pk}/cancel/").status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CANCELLED and visit.sequence == 1


# --- issue 14 item 9: done, reschedule, cancel, no double booking, generation dates ---------


def test_generation_respects_the_agreements_dates_and_never_the_past(agreement, tara_tech):
    """On the demo, generating the current month created visits on days already gone and
    before the agreement started."""
    tz = timezone.get_current_timezone()
    now = dt.datetime(2027, 3, 17, 12, 0, tzinfo=tz)  # a Wednesday, mid-month
    Agreement.objects.filter(pk=agreement.pk).update(
        start_date=dt.date(2027, 3, 1), end_date=dt.date(2027, 3, 26)
    )
    agreement.refresh_from_db()
    visits = visit_services.generate_recurring(
        None, agreement, dt.date(2027, 3, 1), tara_tech, now=now
    )
    assert visits, "days are left this month"
    for v in visits:
        assert v.starts_at > now
        assert dt.date(2027, 3, 18) <= v.starts_at.astimezone(tz).date() <= dt.date(2027, 3, 26)
    # A month after the agreement ends, or one already gone, gives nothing.
    assert visit_services.generate_recurring(None, agreement, dt.date(2027, 4, 1), tara_tech) == []
    assert (
        visit_services.generate_recurring(None, agreement, dt.date(2027, 2, 1), tara_tech, now=now)
        == []
    )


def test_generation_steps_around_the_technicians_other_visits(agreement, tara_tech, harbor):
    month = _next_month()
    Visit.objects.filter(technician=tara_tech).delete()
    first = visit_services.generate_recurring(None, agreement, month, tara_tech)
    assert first
    # The same technician for another agreement the same month: no clash, other days.
    other = Agreement.objects.filter(status=AgreementStatus.ACTIVE).exclude(pk=agreement.pk)[0]
    second = visit_services.generate_recurring(None, other, month, tara_tech)
    days = [v.starts_at for v in first + second]
    assert len(days) == len(set(days))


def test_no_double_booking_names_the_clash(tara_tech, harbor, maple, client_for):
    visit = _visit(tara_tech, harbor)
    with pytest.raises(ValidationError) as exc:
        _visit(tara_tech, maple, purpose="Printer swap")
    message = exc.value.message_dict["starts_at"][0]
    assert "Tara Tran is already booked" in message and "Harbor Dental" in message
    assert "Server check" in message
    # A cancelled visit frees the slot; another technician is not a clash.
    visit_services.cancel_visit(None, visit)
    assert _visit(tara_tech, maple, purpose="Printer swap").pk
    ravi = Technician.objects.get(name="Ravi Rao")
    assert _visit(ravi, harbor).pk
    # The page shows the clash on the start field and books nothing.
    start = timezone.localtime(timezone.now() + dt.timedelta(days=1)).replace(microsecond=0)
    before = Visit.objects.count()
    r = client_for("dan").post(
        "/visits/new/",
        {
            "company": harbor.pk,
            "technician": tara_tech.pk,
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "purpose": "Clash",
        },
    )
    assert r.status_code == 200 and "Tara Tran is already booked" in r.content.decode()
    assert Visit.objects.count() == before


def test_reschedule_moves_the_visit_and_refuses_a_clash(tara_tech, harbor, maple, client_for):
    visit = _visit(tara_tech, harbor)
    later = _visit(
        tara_tech,
        maple,
        starts_at=visit.starts_at + dt.timedelta(days=1),
        ends_at=visit.ends_at + dt.timedelta(days=1),
    )
    c = client_for("dan")
    assert c.get(f"/visits/{visit.pk}/reschedule/").status_code == 200
    fmt = "%Y-%m-%dT%H:%M"
    clash = timezone.localtime(later.starts_at)
    r = c.post(
        f"/visits/{visit.pk}/reschedule/",
        {
            "starts_at": clash.strftime(fmt),
            "ends_at": (clash + dt.timedelta(hours=2)).strftime(fmt),
            "technician": tara_tech.pk,
        },
    )
    assert r.status_code == 200 and "already booked" in r.content.decode()
    moved = timezone.localtime(visit.starts_at + dt.timedelta(days=2)).replace(second=0)
    r = c.post(
        f"/visits/{visit.pk}/reschedule/",
        {
            "starts_at": moved.strftime(fmt),
            "ends_at": (moved + dt.timedelta(hours=3)).strftime(fmt),
            "technician": tara_tech.pk,
        },
    )
    assert r.status_code == 302
    visit.refresh_from_db()
    assert visit.starts_at == moved and visit.sequence == 1
    assert client_for("tara").get(f"/visits/{visit.pk}/reschedule/").status_code == 404


def test_mark_done_records_the_checklist_and_logs_the_time(tara_tech, harbor, client_for):
    """A visit marked done keeps what was checked on site and the time spent becomes an
    on-site time entry of the technician for the client."""
    start = timezone.now().replace(microsecond=0) - dt.timedelta(hours=5)
    visit = _visit(tara_tech, harbor, starts_at=start, ends_at=start + dt.timedelta(hours=4))
    c = client_for("tara")
    page = c.get(f"/visits/{visit.pk}/").content.decode()
    assert "Mark done" in page and 'value="240"' in page
    r = c.post(f"/visits/{visit.pk}/done/", {"items": ["0", "2"], "minutes": "0"})
    assert r.status_code == 200 and "Ensure this value is greater than or equal to 1" in (
        r.content.decode()
    )
    r = c.post(
        f"/visits/{visit.pk}/done/",
        {"items": ["0", "2"], "minutes": "210", "note": "UPS battery swapped", "billable": "on"},
    )
    assert r.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE
    assert [c["done"] for c in visit.checklist] == [True, False, True, False, False]
    entry = TimeEntry.objects.get(technician=tara_tech, note__startswith="Visit: Server check")
    assert entry.minutes == 210 and entry.work_type == WorkType.ONSITE and entry.billable
    assert entry.company_id == harbor.pk and "checklist 2/5" in entry.note
    assert "UPS battery swapped" in entry.note
    assert entry.work_date == timezone.localtime(start).date()
    # Done is final: no second entry, no cancel, no reschedule.
    r = c.post(f"/visits/{visit.pk}/done/", {"minutes": "30"})
    assert (
        r.status_code == 200 and "Only a scheduled visit can be marked done" in r.content.decode()
    )
    with pytest.raises(ValidationError):
        visit_services.cancel_visit(None, visit)
    with pytest.raises(ValidationError):
        visit_services.reschedule_visit(None, visit, start, start + dt.timedelta(hours=1))
    assert TimeEntry.objects.filter(note__startswith="Visit: Server check").count() == 1


def test_a_visit_still_ahead_cannot_be_marked_done(tara_tech, harbor):
    visit = _visit(tara_tech, harbor)
    with pytest.raises(ValidationError) as exc:
        visit_services.complete_visit(None, visit, 60)
    assert "has not started yet" in str(exc.value)
    assert not TimeEntry.objects.filter(note__startswith="Visit: Server check").exists()
