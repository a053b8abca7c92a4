"""Time entries: overlap, timer, internal work, timesheet totals, billable page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sweetspot.desk import time_services
from sweetspot.desk.models import TimeEntry
from sweetspot.team.models import Technician


@pytest.fixture
def tara_tech(full_demo, personas):
    return Technician.objects.get(user=personas["tara"])


def at(hour: int, minute: int = 0, day: dt.date | None = None) -> dt.datetime:
    day = day or timezone.localdate()
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def test_minutes_from_start_and_end(tara_tech, harbor):
    entry = time_services.log_entry(
        None,
        {"technician": tara_tech, "company": harbor, "started_at": at(9), "ended_at": at(10, 30)},
    )
    assert entry.minutes == 90
    assert entry.work_date == timezone.localdate()
    assert entry.billable


def test_overlap_is_a_field_error(tara_tech, harbor):
    time_services.log_entry(
        None, {"technician": tara_tech, "company": harbor, "started_at": at(9), "ended_at": at(10)}
    )
    with pytest.raises(ValidationError) as exc:
        time_services.log_entry(
            None,
            {
                "technician": tara_tech,
                "company": harbor,
                "started_at": at(9, 30),
                "ended_at": at(11),
            },
        )
    assert "started_at" in exc.value.error_dict
    # Touching is fine.
    time_services.log_entry(
        None, {"technician": tara_tech, "company": harbor, "started_at": at(10), "ended_at": at(11)}
    )


def test_end_before_start_and_missing_duration(tara_tech, harbor):
    with pytest.raises(ValidationError) as exc:
        time_services.log_entry(
            None, {"technician": tara_tech, "started_at": at(10), "ended_at": at(9)}
        )
    assert "ended_at" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        time_services.log_entry(
            None, {"technician": tara_tech, "company": harbor, "work_date": timezone.localdate()}
        )
    assert "minutes" in exc.value.error_dict


def test_internal_entries_are_not_billable(tara_tech):
    entry = time_services.log_entry(
        None,
        {
            "technician": tara_tech,
            "internal_category": "training",
            "work_date": timezone.localdate(),
            "minutes": 60,
            "billable": True,
        },
    )
    assert entry.billable is False and entry.company_id is None


def test_internal_entry_with_a_company_is_refused(tara_tech, harbor):
    with pytest.raises(ValidationError) as exc:
        time_services.log_entry(
            None,
            {
                "technician": tara_tech,
                "internal_category": "admin",
                "company": harbor,
                "work_date": timezone.localdate(),
                "minutes": 30,
            },
        )
    assert "internal_category" in exc.value.error_dict


def test_timer_start_stop_computes_minutes(tara_tech, personas):
    entry = time_services.start_timer(personas["tara"], tara_tech)
    with pytest.raises(ValidationError):
        time_services.start_timer(personas["tara"], tara_tech)
    TimeEntry.objects.filter(pk=entry.pk).update(
        started_at=timezone.now().replace(microsecond=0) - dt.timedelta(minutes=47)
    )
    stopped = time_services.stop_timer(personas["tara"], tara_tech)
    assert stopped.pk == entry.pk and stopped.minutes == 47
    with pytest.raises(ValidationError):
        time_services.stop_timer(personas["tara"], tara_tech)


def test_timesheet_totals_and_field_errors(tara_tech, harbor, client_for):
    day = timezone.localdate()
    # The demo seeds Tara's time on some days of some weeks: the week's totals start from
    # what is already there (on a Sunday, or at the end of December, it is not nothing).
    monday = day - dt.timedelta(days=day.weekday())
    week = TimeEntry.objects.filter(
        technician=tara_tech, work_date__gte=monday, work_date__lt=monday + dt.timedelta(days=7)
    )
    billable = sum(e.minutes for e in week if e.billable)
    other = sum(e.minutes for e in week if not e.billable)

    def hours(minutes: int) -> str:
        return f"{minutes / 60:.2f}"

    time_services.log_entry(
        None, {"technician": tara_tech, "company": harbor, "work_date": day, "minutes": 90}
    )
    time_services.log_entry(
        None,
        {"technician": tara_tech, "internal_category": "admin", "work_date": day, "minutes": 30},
    )
    c = client_for("tara")
    page = c.get("/time/").content.decode()
    assert f"Billable {hours(billable + 90)} h · Non-billable {hours(other + 30)} h" in page
    r = c.post(
        "/time/",
        {
            "work_date": day.isoformat(),
            "started_at": "10:00",
            "ended_at": "09:00",
            "work_type": "remote",
            "billable": "on",
        },
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    assert "The end must be after the start." in r.content.decode()
    r = c.post(
        "/time/",
        {
            "work_date": day.isoformat(),
            "started_at": "13:00",
            "ended_at": "14:00",
            "company": harbor.pk,
            "work_type": "remote",
            "billable": "on",
        },
        HTTP_HX_REQUEST="true",
    )
    assert f"Billable {hours(billable + 150)} h" in r.content.decode()


def test_timer_views(tara_tech, client_for):
    c = client_for("tara")
    before = set(TimeEntry.objects.filter(technician=tara_tech).values_list("pk", flat=True))
    r = c.post("/time/timer/start/", HTTP_HX_REQUEST="true")
    assert "Stop timer" in r.content.decode()
    r = c.post("/time/timer/stop/", HTTP_HX_REQUEST="true")
    assert "Start timer" in r.content.decode()
    new = TimeEntry.objects.filter(technician=tara_tech).exclude(pk__in=before)
    assert new.get().minutes >= 1


def test_manager_picks_technician_and_tech_cannot(tara_tech, client_for, personas):
    other = Technician.objects.exclude(pk=tara_tech.pk).first()
    assert client_for("dan").get(f"/time/?technician={tara_tech.pk}").status_code == 200
    assert client_for("tara").get(f"/time/?technician={other.pk}").status_code == 404


def test_billable_page(tara_tech, harbor, client_for):
    time_services.log_entry(
        None,
        {
            "technician": tara_tech,
            "company": harbor,
            "work_date": timezone.localdate(),
            "minutes": 120,
        },
    )
    r = client_for("olivia").get("/time/billable/")
    body = r.content.decode()
    assert r.status_code == 200 and "<svg" in body and tara_tech.name in body


def test_api_time_entries_and_visits(tara_tech, harbor, api_token):
    from django.test import Client

    tara = Client(HTTP_AUTHORIZATION=f"Bearer {api_token('tara')}")
    dan = Client(HTTP_AUTHORIZATION=f"Bearer {api_token('dan')}")
    hana = Client(HTTP_AUTHORIZATION=f"Bearer {api_token('hana')}")
    day = timezone.localdate().isoformat()
    tara_before = tara.get("/api/v1/time-entries").json()["count"]
    all_before = dan.get("/api/v1/time-entries").json()["count"]
    r = tara.post(
        "/api/v1/time-entries",
        {"company_id": harbor.pk, "work_date": day, "minutes": 45},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["technician_id"] == tara_tech.pk
    r = tara.post(
        "/api/v1/time-entries",
        {"company_id": harbor.pk, "work_date": day, "minutes": 45, "rate": 1},
        content_type="application/json",
    )
    assert r.status_code == 422
    r = tara.post(
        "/api/v1/time-entries",
        {"started_at": f"{day}T10:00:00Z", "ended_at": f"{day}T09:00:00Z"},
        content_type="application/json",
    )
    assert r.status_code == 422
    other = Technician.objects.exclude(pk=tara_tech.pk).first()
    time_services.log_entry(
        None,
        {"technician": other, "company": harbor, "work_date": timezone.localdate(), "minutes": 5},
    )
    assert tara.get("/api/v1/time-entries").json()["count"] == tara_before + 1
    assert dan.get("/api/v1/time-entries").json()["count"] == all_before + 2
    assert hana.get("/api/v1/time-entries").status_code == 404
    body = {
        "company_id": harbor.pk,
        "technician_id": tara_tech.pk,
        "starts_at": f"{day}T14:00:00Z",
        "ends_at": f"{day}T18:00:00Z",
        "purpose": "Server check",
    }
    visits_before = tara.get("/api/v1/visits").json()["count"]
    assert tara.post("/api/v1/visits", body, content_type="application/json").status_code == 404
    r = dan.post("/api/v1/visits", body, content_type="application/json")
    assert r.status_code == 201 and len(r.json()["checklist"]) == 5
    assert tara.get("/api/v1/visits").json()["count"] == visits_before + 1
    # A client contact reads their own company's visits (read-only), never another's.
    mine = hana.get("/api/v1/visits").json()["items"]
    assert r.json()["id"] in {v["id"] for v in mine}
    assert {v["company_id"] for v in mine} == {harbor.pk}
