"""Editing and deleting one time entry: the page (/time/entries/<pk>/edit/) and the API
(PATCH/DELETE /api/v1/time-entries/{id}). A technician changes only their own entries (someone
else's is 404), owner and dispatcher anyone's; bad input is a field error that changes
nothing; the running timer is not edited (stop it first)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from sweetspot.core.models import AuditLog
from sweetspot.desk import time_services
from sweetspot.desk.models import Ticket, TimeEntry
from sweetspot.desk.time_services import RUNNING_MESSAGE
from sweetspot.desk.time_views import week_start
from sweetspot.team.models import Technician

DAY = dt.timedelta(days=1)


@pytest.fixture
def tara_tech(full_demo, personas):
    return Technician.objects.get(user=personas["tara"])


@pytest.fixture
def ravi_tech(full_demo, personas):
    return Technician.objects.get(user=personas["ravi"])


@pytest.fixture
def api_for(api_token):
    def make(username: str) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {api_token(username)}")

    return make


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def duration_entry(tech: Technician, company: Any, minutes: int = 60, note: str = "first"):
    return time_services.log_entry(
        None,
        {
            "technician": tech,
            "company": company,
            "work_date": timezone.localdate(),
            "minutes": minutes,
            "note": note,
        },
    )


def timed_entry(tech: Technician, company: Any, start: dt.datetime, end: dt.datetime):
    return time_services.log_entry(
        None, {"technician": tech, "company": company, "started_at": start, "ended_at": end}
    )


def form_data(entry: TimeEntry, **changes: Any) -> dict[str, Any]:
    """The edit form as the page fills it for entry, with changes."""
    local = timezone.localtime
    data: dict[str, Any] = {
        "work_date": entry.work_date.isoformat(),
        "started_at": local(entry.started_at).strftime("%H:%M") if entry.started_at else "",
        "ended_at": local(entry.ended_at).strftime("%H:%M") if entry.ended_at else "",
        "minutes": "" if entry.started_at else entry.minutes,
        "ticket": entry.ticket_id or "",
        "company": entry.company_id or "",
        "work_type": entry.work_type,
        "internal_category": entry.internal_category,
        "note": entry.note,
    }
    if entry.billable:
        data["billable"] = "on"
    data.update(changes)
    return data


def week_of(entry: TimeEntry) -> str:
    return f"technician={entry.technician_id}&week={week_start(entry.work_date.isoformat())}"


def updates(entry: TimeEntry):
    return AuditLog.objects.filter(
        object_type="desk.TimeEntry", object_id=str(entry.pk), action=AuditLog.Action.UPDATE
    )


def snapshot(entry: TimeEntry) -> dict[str, Any]:
    return TimeEntry.objects.filter(pk=entry.pk).values().get()


# --- the page ---------------------------------------------------------------------------------


def test_tara_edits_her_entry_and_the_audit_shows_before_and_after(
    tara_tech, harbor, client_for, personas
):
    entry = duration_entry(tara_tech, harbor)
    c = client_for("tara")
    page = c.get(f"/time/entries/{entry.pk}/edit/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f'value="{entry.note}"' in body and f'value="{entry.minutes}"' in body

    old_minutes, old_note = entry.minutes, entry.note
    new_minutes, new_note = old_minutes + 30, "fixed the printer queue"
    r = c.post(
        f"/time/entries/{entry.pk}/edit/", form_data(entry, minutes=new_minutes, note=new_note)
    )
    assert r.status_code == 302 and week_of(entry) in r["Location"]
    entry.refresh_from_db()
    assert (entry.minutes, entry.note) == (new_minutes, new_note)
    row = updates(entry).get()
    assert row.actor == personas["tara"]
    assert row.changes == {"minutes": [old_minutes, new_minutes], "note": [old_note, new_note]}
    week = c.get(r["Location"]).content.decode()
    assert "saved" in week and new_note in week
    assert f"/time/entries/{entry.pk}/edit/" in week


def test_tara_cannot_edit_or_delete_ravis_entry(tara_tech, ravi_tech, harbor, client_for, api_for):
    entry = duration_entry(ravi_tech, harbor, note="Ravi's work")
    before = snapshot(entry)
    c = client_for("tara")
    assert c.get(f"/time/entries/{entry.pk}/edit/").status_code == 404
    r = c.post(f"/time/entries/{entry.pk}/edit/", form_data(entry, note="mine now"))
    assert r.status_code == 404
    assert c.post(f"/time/entries/{entry.pk}/delete/").status_code == 404
    api = api_for("tara")
    r = api.patch(
        f"/api/v1/time-entries/{entry.pk}", {"note": "mine now"}, content_type="application/json"
    )
    assert r.status_code == 404
    assert api.delete(f"/api/v1/time-entries/{entry.pk}").status_code == 404
    assert snapshot(entry) == before
    assert not updates(entry).exists()
    # Sales is not on the timesheet at all.
    assert client_for("sam").get(f"/time/entries/{entry.pk}/edit/").status_code == 404


def test_missing_entry_is_404(tara_tech, client_for):
    missing = (TimeEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    assert client_for("dan").get(f"/time/entries/{missing}/edit/").status_code == 404


def test_overlapping_edit_is_a_field_error_and_changes_nothing(tara_tech, harbor, client_for):
    day = timezone.localdate()
    first = timed_entry(tara_tech, harbor, at(day, 9), at(day, 10))
    second = timed_entry(tara_tech, harbor, at(day, 11), at(day, 12))
    before = snapshot(second)
    c = client_for("tara")
    overlap_start = timezone.localtime(first.started_at + (first.ended_at - first.started_at) / 2)
    r = c.post(
        f"/time/entries/{second.pk}/edit/",
        form_data(second, started_at=overlap_start.strftime("%H:%M")),
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert 'id="id_started_at-error"' in body and "Overlaps another entry" in body
    assert snapshot(second) == before
    assert not updates(second).exists()


def test_invalid_input_rerenders_the_form_with_field_errors(tara_tech, harbor, client_for):
    entry = duration_entry(tara_tech, harbor)
    before = snapshot(entry)
    c = client_for("tara")
    url = f"/time/entries/{entry.pk}/edit/"
    r = c.post(url, form_data(entry, minutes="", started_at="10:00", ended_at="09:00"))
    assert r.status_code == 200 and 'id="id_ended_at-error"' in r.content.decode()
    r = c.post(url, form_data(entry, started_at="10:00"))
    assert r.status_code == 200 and 'id="id_ended_at-error"' in r.content.decode()
    r = c.post(url, form_data(entry, work_date="not a date", minutes="-5"))
    body = r.content.decode()
    assert r.status_code == 200
    assert 'id="id_work_date-error"' in body and 'id="id_minutes-error"' in body
    assert c.post(url, {}).status_code == 200
    assert snapshot(entry) == before


def test_moving_an_entry_to_another_week_redirects_there(tara_tech, harbor, client_for):
    entry = duration_entry(tara_tech, harbor)
    new_day = entry.work_date - 7 * DAY
    r = client_for("tara").post(
        f"/time/entries/{entry.pk}/edit/", form_data(entry, work_date=new_day.isoformat())
    )
    assert r.status_code == 302
    entry.refresh_from_db()
    assert entry.work_date == new_day
    assert f"week={week_start(new_day.isoformat())}" in r["Location"]


def test_saving_a_stopped_timer_keeps_its_seconds(tara_tech, harbor, client_for):
    """The form shows minutes; untouched times keep the timer's seconds (no spurious change)."""
    day = timezone.localdate()
    start = at(day, 14) + dt.timedelta(minutes=7, seconds=31)
    entry = timed_entry(tara_tech, harbor, start, start + dt.timedelta(minutes=44, seconds=50))
    r = client_for("tara").post(
        f"/time/entries/{entry.pk}/edit/", form_data(entry, note="after the timer")
    )
    assert r.status_code == 302
    fresh = TimeEntry.objects.get(pk=entry.pk)
    assert (fresh.started_at, fresh.ended_at, fresh.minutes) == (
        entry.started_at,
        entry.ended_at,
        entry.minutes,
    )
    assert updates(entry).get().changes == {"note": [entry.note, "after the timer"]}


def test_dan_edits_anyones_entry(tara_tech, ravi_tech, harbor, client_for, personas):
    c = client_for("dan")
    for tech in (tara_tech, ravi_tech):
        entry = duration_entry(tech, harbor)
        new_minutes = entry.minutes * 2
        r = c.post(f"/time/entries/{entry.pk}/edit/", form_data(entry, minutes=new_minutes))
        assert r.status_code == 302 and week_of(entry) in r["Location"]
        entry.refresh_from_db()
        assert entry.minutes == new_minutes and entry.technician == tech
        assert updates(entry).get().actor == personas["dan"]


def test_running_timer_is_not_edited(tara_tech, client_for, api_for, personas):
    running = time_services.start_timer(personas["tara"], tara_tech)
    before = snapshot(running)
    c = client_for("tara")
    r = c.get(f"/time/entries/{running.pk}/edit/")
    assert r.status_code == 302 and week_of(running) in r["Location"]
    week = c.get(r["Location"]).content.decode()
    assert "stop the timer" in week
    assert f"/time/entries/{running.pk}/edit/" not in week
    r = c.post(f"/time/entries/{running.pk}/edit/", form_data(running, note="x"))
    assert r.status_code == 302
    r = api_for("tara").patch(
        f"/api/v1/time-entries/{running.pk}", {"note": "x"}, content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["detail"][0]["msg"] == RUNNING_MESSAGE
    assert snapshot(running) == before


# --- the API ----------------------------------------------------------------------------------


def test_api_patch_is_partial_and_audited(tara_tech, harbor, api_for, personas):
    entry = duration_entry(tara_tech, harbor)
    before = snapshot(entry)
    r = api_for("tara").patch(
        f"/api/v1/time-entries/{entry.pk}",
        {"note": "patched", "billable": not entry.billable},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    out = r.json()
    assert out["id"] == entry.pk and out["note"] == "patched"
    assert out["billable"] is (not before["billable"])
    after = snapshot(entry)
    unchanged = {k: v for k, v in after.items() if k not in {"note", "billable"}}
    assert unchanged == {k: v for k, v in before.items() if k not in {"note", "billable"}}
    row = updates(entry).get()
    assert row.actor == personas["tara"]
    assert row.changes["note"] == [before["note"], "patched"]


def test_api_patch_errors_are_422_and_change_nothing(tara_tech, harbor, api_for):
    day = timezone.localdate()
    first = timed_entry(tara_tech, harbor, at(day, 9), at(day, 10))
    second = timed_entry(tara_tech, harbor, at(day, 11), at(day, 12))
    before = snapshot(second)
    api = api_for("tara")
    url = f"/api/v1/time-entries/{second.pk}"

    def patch(body: dict[str, Any]) -> Any:
        return api.patch(url, body, content_type="application/json")

    def fields(r: Any) -> set[str]:
        assert r.status_code == 422, r.content
        return {d["loc"][-1] for d in r.json()["detail"]}

    assert fields(patch({"started_at": first.started_at.isoformat()})) == {"started_at"}
    assert fields(patch({"ended_at": second.started_at.isoformat()})) == {"ended_at"}
    assert fields(patch({"ended_at": None})) == {"ended_at"}
    assert fields(patch({"minutes": second.minutes + 15})) == {"minutes"}
    assert fields(patch({"work_date": (day - DAY).isoformat()})) == {"work_date"}
    assert patch({"rate": 1}).status_code == 422
    assert patch({"work_type": "teleport"}).status_code == 422
    assert patch({"minutes": -1}).status_code == 422
    assert snapshot(second) == before
    assert not updates(second).exists()
    # Clearing the times and giving a duration is how a timed entry becomes a duration one.
    r = patch({"started_at": None, "ended_at": None, "minutes": second.minutes + 15})
    assert r.status_code == 200 and r.json()["minutes"] == second.minutes + 15
    assert r.json()["started_at"] is None


def test_api_patch_moves_the_agreement_with_the_ticket(tara_tech, maple, api_for):
    ticket = (
        Ticket.objects.filter(agreement__isnull=False).exclude(company=maple).order_by("pk").first()
    )
    entry = time_services.log_entry(
        None,
        {
            "technician": tara_tech,
            "ticket": ticket,
            "work_date": timezone.localdate(),
            "minutes": 30,
        },
    )
    assert entry.agreement_id == ticket.agreement_id
    r = api_for("tara").patch(
        f"/api/v1/time-entries/{entry.pk}",
        {"ticket_id": None, "company_id": maple.pk},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["company_id"] == maple.pk and r.json()["ticket_id"] is None
    assert r.json()["agreement_id"] is None


def test_api_technician_cannot_hand_an_entry_to_someone_else(tara_tech, ravi_tech, harbor, api_for):
    entry = duration_entry(tara_tech, harbor)
    body = {"technician_id": ravi_tech.pk}
    url = f"/api/v1/time-entries/{entry.pk}"
    assert api_for("tara").patch(url, body, content_type="application/json").status_code == 404
    assert TimeEntry.objects.get(pk=entry.pk).technician == tara_tech
    r = api_for("dan").patch(url, body, content_type="application/json")
    assert r.status_code == 200 and r.json()["technician_id"] == ravi_tech.pk


def test_api_dan_patches_anyones_entry(ravi_tech, harbor, api_for):
    entry = duration_entry(ravi_tech, harbor)
    r = api_for("dan").patch(
        f"/api/v1/time-entries/{entry.pk}",
        {"minutes": entry.minutes + 15},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["minutes"] == entry.minutes + 15


def test_api_delete(tara_tech, ravi_tech, harbor, api_for, personas):
    own = duration_entry(tara_tech, harbor)
    ravis = duration_entry(ravi_tech, harbor)
    tara = api_for("tara")
    r = tara.delete(f"/api/v1/time-entries/{own.pk}")
    assert r.status_code == 204 and not r.content
    assert not TimeEntry.objects.filter(pk=own.pk).exists()
    gone = AuditLog.objects.get(
        object_type="desk.TimeEntry", object_id=str(own.pk), action=AuditLog.Action.DELETE
    )
    assert gone.actor == personas["tara"] and gone.changes["note"] == [own.note, None]
    assert tara.delete(f"/api/v1/time-entries/{own.pk}").status_code == 404
    assert tara.delete(f"/api/v1/time-entries/{ravis.pk}").status_code == 404
    assert api_for("sam").delete(f"/api/v1/time-entries/{ravis.pk}").status_code == 404
    assert api_for("hana").delete(f"/api/v1/time-entries/{ravis.pk}").status_code == 404
    assert TimeEntry.objects.filter(pk=ravis.pk).exists()
    assert api_for("dan").delete(f"/api/v1/time-entries/{ravis.pk}").status_code == 204
    assert not TimeEntry.objects.filter(pk=ravis.pk).exists()


@pytest.mark.django_db
def test_service_refuses_turning_a_stopped_entry_into_a_running_timer(tara_tech, harbor):
    """update_entry itself (not only the page and the API) judges "running" on the stored
    entry: clearing the end of a finished entry is a field error, not a 0-minute timer."""
    day = timezone.localdate() - DAY
    entry = timed_entry(tara_tech, harbor, at(day, 9), at(day, 10))
    with pytest.raises(Exception) as exc:
        time_services.update_entry(None, entry, {"ended_at": None})
    assert "ended_at" in exc.value.message_dict  # type: ignore[attr-defined]
    fresh = TimeEntry.objects.get(pk=entry.pk)
    assert fresh.ended_at is not None and fresh.minutes == 60
    assert time_services.running_timer(tara_tech) is None
