"""Time on the ticket page: the entries logged against it with totals, and the timer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from sweetspot.desk import services, time_services
from sweetspot.desk.models import TimeEntry
from sweetspot.team.models import Technician


@pytest.fixture
def ticket(full_demo, personas, harbor):
    return services.open_ticket(
        personas["dan"], {"company": harbor, "subject": "Slow PC", "estimate_hours": 2}
    )


def _log(tech, ticket, minutes, billable, note):
    return time_services.log_entry(
        None,
        {
            "technician": tech,
            "ticket": ticket,
            "work_date": timezone.localdate(),
            "minutes": minutes,
            "billable": billable,
            "note": note,
        },
    )


@pytest.mark.django_db
def test_ticket_page_lists_its_time_with_totals(ticket, client_for, personas):
    tara = Technician.objects.get(user=personas["tara"])
    ravi = Technician.objects.get(user=personas["ravi"])
    _log(tara, ticket, 90, True, "Cleaned up startup items")
    _log(ravi, ticket, 30, False, "Second opinion")
    other = services.open_ticket(personas["dan"], {"company": ticket.company, "subject": "Other"})
    _log(tara, other, 45, True, "Not this ticket")
    body = client_for("dan").get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "Cleaned up startup items" in body and "Second opinion" in body
    assert "Not this ticket" not in body
    entries = TimeEntry.objects.filter(ticket=ticket)
    total = sum(e.minutes for e in entries) / 60
    billable = sum(e.minutes for e in entries if e.billable) / 60
    assert f"{total:.2f} h logged ({billable:.2f} h billable)" in body
    ticket.refresh_from_db()
    assert f"estimate of {ticket.estimate_hours} h" in body


@pytest.mark.django_db
def test_timer_is_on_the_ticket_page_for_technicians_only(ticket, client_for):
    tara = client_for("tara").get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert f'hx-get="/time/timer/?ticket={ticket.pk}"' in tara
    dan = client_for("dan").get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "/time/timer/?ticket=" not in dan  # the header only loads /time/timer/indicator/


@pytest.mark.django_db
def test_timer_started_from_the_ticket_logs_against_it(ticket, client_for, personas):
    tara = client_for("tara")
    widget = tara.get(f"/time/timer/?ticket={ticket.pk}").content.decode()
    assert f'name="ticket" value="{ticket.pk}"' in widget
    started = tara.post(
        "/time/timer/start/", {"ticket": ticket.pk, "note": "On it"}, HTTP_HX_REQUEST="true"
    )
    assert started.status_code == 200 and "Timer running since" in started.content.decode()
    entry = time_services.running_timer(Technician.objects.get(user=personas["tara"]))
    assert entry is not None and entry.ticket_id == ticket.pk
    entry.started_at = entry.started_at - dt.timedelta(minutes=20)
    entry.save()
    stopped = tara.post("/time/timer/stop/", HTTP_HX_REQUEST="true")
    assert stopped["HX-Trigger"] == "timeChanged"
    entry.refresh_from_db()
    assert entry.ended_at is not None and entry.minutes >= 20
    assert entry.agreement_id == ticket.agreement_id and entry.company_id == ticket.company_id
    page = tara.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "On it" in page


@pytest.mark.django_db
def test_timer_on_an_unknown_ticket_is_404(full_demo, client_for):
    assert client_for("tara").post("/time/timer/start/", {"ticket": "999999"}).status_code == 404
    assert client_for("tara").post("/time/timer/start/", {"ticket": "abc"}).status_code == 404


@pytest.mark.django_db
def test_log_time_on_a_ticket_from_the_timesheet(ticket, client_for, personas):
    tara = client_for("tara")
    page = tara.get(f"/time/?ticket={ticket.pk}").content.decode()
    assert f'name="ticket" value="{ticket.pk}"' in page
    form = {
        "work_date": timezone.localdate().isoformat(),
        "minutes": "45",
        "ticket": ticket.pk,
        "work_type": "phone",
        "billable": "on",
        "note": "Walked them through it",
    }
    assert tara.post("/time/", form).status_code == 200
    entry = TimeEntry.objects.get(note="Walked them through it")
    assert entry.ticket_id == ticket.pk and entry.company_id == ticket.company_id
    assert entry.agreement_id == ticket.agreement_id and entry.minutes == 45
    bad = tara.post("/time/", form | {"ticket": "999999", "note": "nope"})
    assert "No such ticket." in bad.content.decode()
    other = services.open_ticket(personas["dan"], {"company": ticket.company, "subject": "x"})
    maple = type(ticket.company).objects.exclude(pk=ticket.company_id).first()
    clash = tara.post("/time/", form | {"ticket": other.pk, "company": maple.pk, "note": "clash"})
    assert "another company" in clash.content.decode()
    assert not TimeEntry.objects.filter(note__in=["nope", "clash"]).exists()
