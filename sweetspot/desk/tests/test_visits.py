"""Visits: scheduling, recurring generation from half-days, sequence bumps, calendar pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sweetspot.agreements.models import Agreement, AgreementStatus
from sweetspot.agreements.services import terms_of
from sweetspot.desk import visit_services
from sweetspot.desk.models import STANDARD_CHECKLIST, Visit, VisitStatus
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


def test_visits_generated_from_half_days(agreement, tara_tech):
    half_days = int(float(terms_of(agreement)["onsite_half_days_per_month"]))
    month = dt.date(2026, 3, 1)
    visits = visit_services.generate_recurring(None, agreement, month, tara_tech)
    assert len(visits) == half_days
    tz = timezone.get_current_timezone()
    for v in visits:
        local = v.starts_at.astimezone(tz)
        assert local.month == 3 and local.hour == 9 and local.weekday() < 5
        assert (v.ends_at - v.starts_at) == dt.timedelta(hours=4)
        assert v.agreement == agreement and len(v.checklist) == len(STANDARD_CHECKLIST)
    assert len({v.starts_at.date() for v in visits}) == half_days
    # Idempotent: the month is already covered.
    assert visit_services.generate_recurring(None, agreement, month, tara_tech) == []


def test_calendar_detail_tick_and_usage(agreement, tara_tech, client_for):
    month = timezone.localdate().replace(day=1)
    visits = visit_services.generate_recurring(None, agreement, month, tara_tech)
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
