"""Visits over the API (issue 14): read one, mark done, reschedule, cancel. The pages' services
and scoping; 422 with field errors for bad input, 409 for a clash or a visit that is no longer
scheduled, naming why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sweetspot.desk import visit_services
from sweetspot.desk.models import TimeEntry, Visit, VisitStatus, WorkType
from sweetspot.team.models import Technician

pytestmark = pytest.mark.django_db


@pytest.fixture
def tara_tech(full_demo, personas):
    return Technician.objects.get(user=personas["tara"])


def _visit(tech, company, start=None, hours=4, purpose="Server check"):
    start = start or timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    return visit_services.schedule_visit(
        None,
        {
            "company": company,
            "technician": tech,
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=hours),
            "purpose": purpose,
        },
    )


def _post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def _errors(response):
    return {e["loc"][-1]: e["msg"] for e in response.json()["detail"]}


def test_reading_visits_is_scoped_like_the_pages(tara_tech, harbor, maple, client_for):
    """Staff as on the pages; a client contact reads their own company's visits only."""
    mine = _visit(tara_tech, harbor)
    theirs = _visit(tara_tech, maple, start=mine.ends_at + dt.timedelta(hours=1))
    ravi = Technician.objects.get(name="Ravi Rao")
    ravis = _visit(ravi, harbor, purpose="Switch swap")

    def listed(persona):
        items = client_for(persona).get("/api/v1/visits?page_size=1000").json()["items"]
        return {v["id"] for v in items}

    hana = client_for("hana")
    assert {mine.pk, ravis.pk} <= listed("hana") and theirs.pk not in listed("hana")
    assert all(v.company_id == harbor.pk for v in Visit.objects.filter(pk__in=listed("hana")))
    assert theirs.pk in listed("milo") and mine.pk not in listed("milo")
    assert hana.get(f"/api/v1/visits/{mine.pk}").json()["purpose"] == "Server check"
    assert hana.get(f"/api/v1/visits/{theirs.pk}").status_code == 404
    # Tara sees her own visits, not Ravi's; Dan all of them; Sam none.
    tara = client_for("tara")
    assert tara.get(f"/api/v1/visits/{mine.pk}").status_code == 200
    assert tara.get(f"/api/v1/visits/{ravis.pk}").status_code == 404
    assert ravis.pk not in listed("tara")
    assert client_for("dan").get(f"/api/v1/visits/{ravis.pk}").status_code == 200
    assert client_for("sam").get("/api/v1/visits").status_code == 404
    assert client_for("sam").get(f"/api/v1/visits/{mine.pk}").status_code == 404
    # A client contact cannot act on a visit, even their own company's.
    assert _post(hana, f"/api/v1/visits/{mine.pk}/cancel").status_code == 404
    assert _post(hana, f"/api/v1/visits/{mine.pk}/done", {"minutes": 30}).status_code == 404


def test_marking_done_records_the_checklist_and_the_time(tara_tech, harbor, client_for):
    start = timezone.now().replace(microsecond=0) - dt.timedelta(hours=5)
    visit = _visit(tara_tech, harbor, start=start)
    c = client_for("tara")
    url = f"/api/v1/visits/{visit.pk}/done"
    r = _post(c, url, {"minutes": 0})
    assert r.status_code == 422 and "minutes" in _errors(r)
    r = _post(c, url, {"minutes": 90, "done_items": [7]})
    assert r.status_code == 422 and _errors(r) == {"checklist": "No such checklist item."}
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.SCHEDULED
    r = _post(c, url, {"minutes": 210, "done_items": [0, 2], "note": "UPS battery swapped"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "done"
    assert [item["done"] for item in body["checklist"]] == [True, False, True, False, False]
    entry = TimeEntry.objects.get(pk=body["time_entry"]["id"])
    assert (entry.minutes, entry.work_type, entry.company_id) == (210, WorkType.ONSITE, harbor.pk)
    assert entry.technician_id == tara_tech.pk and "UPS battery swapped" in entry.note
    # Done is final: a second time is a conflict, and no second entry is logged.
    again = _post(c, url, {"minutes": 30})
    assert again.status_code == 409
    assert "Only a scheduled visit can be marked done" in again.json()["detail"]
    assert TimeEntry.objects.filter(note__startswith="Visit: Server check").count() == 1


def test_a_visit_still_ahead_cannot_be_marked_done(tara_tech, harbor, client_for):
    visit = _visit(tara_tech, harbor)
    r = _post(client_for("dan"), f"/api/v1/visits/{visit.pk}/done", {"minutes": 60})
    assert r.status_code == 409 and "has not started yet" in r.json()["detail"]
    assert not TimeEntry.objects.filter(note__startswith="Visit: Server check").exists()


def test_reschedule_refuses_a_clash_naming_it(tara_tech, harbor, maple, client_for):
    visit = _visit(tara_tech, harbor)
    later = _visit(
        tara_tech, maple, start=visit.starts_at + dt.timedelta(days=1), purpose="Printer swap"
    )
    c = client_for("dan")
    url = f"/api/v1/visits/{visit.pk}/reschedule"
    clash = later.starts_at + dt.timedelta(hours=1)
    r = _post(
        c,
        url,
        {"starts_at": clash.isoformat(), "ends_at": (clash + dt.timedelta(hours=2)).isoformat()},
    )
    assert r.status_code == 409
    detail = r.json()["detail"]
    assert "Tara Tran is already booked" in detail and "Maple Law (Printer swap)" in detail
    unchanged = Visit.objects.get(pk=visit.pk)
    assert (unchanged.starts_at, unchanged.sequence) == (visit.starts_at, visit.sequence)
    # Handing it to Ravi at that time is no clash.
    ravi = Technician.objects.get(name="Ravi Rao")
    r = _post(
        c,
        url,
        {
            "starts_at": clash.isoformat(),
            "ends_at": (clash + dt.timedelta(hours=2)).isoformat(),
            "technician_id": ravi.pk,
        },
    )
    assert r.status_code == 200, r.content
    moved = Visit.objects.get(pk=visit.pk)
    assert (moved.starts_at, moved.technician_id, moved.sequence) == (clash, ravi.pk, 1)
    assert r.json()["technician_id"] == ravi.pk and r.json()["sequence"] == 1


def test_reschedule_input_errors_are_422(tara_tech, harbor, client_for):
    visit = _visit(tara_tech, harbor)
    c = client_for("dan")
    url = f"/api/v1/visits/{visit.pk}/reschedule"
    start = visit.starts_at + dt.timedelta(days=7)
    r = _post(c, url, {"starts_at": start.isoformat(), "ends_at": start.isoformat()})
    assert r.status_code == 422 and "ends_at" in _errors(r)
    naive = start.replace(tzinfo=None).isoformat()
    r = _post(c, url, {"starts_at": naive, "ends_at": naive})
    assert r.status_code == 422
    r = _post(c, url, {"starts_at": start.isoformat(), "ends_at": "9999-12-31T23:00:00-05:00"})
    assert r.status_code == 422 and "out of range" in r.content.decode()
    end = start + dt.timedelta(hours=1)
    r = _post(
        c,
        url,
        {"starts_at": start.isoformat(), "ends_at": end.isoformat(), "technician_id": 999_999},
    )
    assert r.status_code == 422 and "technician_id" in _errors(r)
    assert Visit.objects.get(pk=visit.pk).sequence == 0
    # Only owner and dispatcher reschedule (the visit's technician: 404).
    r = _post(client_for("tara"), url, {"starts_at": start.isoformat(), "ends_at": end.isoformat()})
    assert r.status_code == 404


def test_cancel_and_no_second_cancel(tara_tech, harbor, client_for):
    visit = _visit(tara_tech, harbor)
    url = f"/api/v1/visits/{visit.pk}/cancel"
    assert _post(client_for("tara"), url).status_code == 404
    r = _post(client_for("dan"), url)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    r = _post(client_for("olivia"), url)
    assert r.status_code == 409
    assert "Only a scheduled visit can be cancelled; this one is cancelled." in r.json()["detail"]


def test_scheduling_over_a_booking_is_a_409(tara_tech, harbor, maple, client_for):
    visit = _visit(tara_tech, harbor)
    r = _post(
        client_for("dan"),
        "/api/v1/visits",
        {
            "company_id": maple.pk,
            "technician_id": tara_tech.pk,
            "starts_at": visit.starts_at.isoformat(),
            "ends_at": visit.ends_at.isoformat(),
            "purpose": "Clash",
        },
    )
    assert r.status_code == 409 and "already booked" in r.json()["detail"]
    assert not Visit.objects.filter(purpose="Clash").exists()
