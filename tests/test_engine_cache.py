"""Engine results cached until their inputs change (issue 18, core.engine_cache): each page
shows the change right after the write that makes it, whichever process wrote it (the tokens
live in the database), and what depends on the clock changes with the clock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sweetspot.agreements import services as agreement_services
from sweetspot.agreements.models import Plan
from sweetspot.core import engine_cache
from sweetspot.core.models import CacheGeneration
from sweetspot.desk import loaders, time_services
from sweetspot.desk import services as desk_services
from sweetspot.desk.models import Priority, Ticket, Visit
from sweetspot.mail import services as mail_services
from sweetspot.team import services as team_services
from sweetspot.team.models import Technician
from sweetspot.web import home


def _tokens() -> dict[str, int]:
    return dict(CacheGeneration.objects.values_list("topic", "token"))


def _free_hours(page, tech: Technician) -> Decimal:
    for suggestion, person in page.context["suggestions"]:
        if suggestion.person_id == f"t{tech.pk}":
            return suggestion.free_hours
    raise AssertionError(f"{tech.name} is not suggested")


@pytest.fixture
def tara(full_demo, personas):
    tech = Technician.objects.get(user=personas["tara"])
    # Room in the week, so changes are not hidden by the floor at 0.
    return team_services.update_technician(personas["olivia"], tech, {"weekly_capacity_hours": 80})


@pytest.fixture
def new_ticket(full_demo, personas, harbor):
    return desk_services.open_ticket(personas["dan"], {"company": harbor, "subject": "Cache me"})


def test_ticket_page_free_hours_follow_time_capacity_and_assignments(
    tara, new_ticket, client_for, personas, harbor
):
    dan = client_for("dan")
    url = f"/desk/tickets/{new_ticket.pk}/"
    first = _free_hours(dan.get(url), tara)
    assert _free_hours(dan.get(url), tara) == first  # served from the cache

    time_services.log_entry(
        personas["olivia"],
        {"technician": tara, "company": harbor, "work_date": timezone.localdate(), "minutes": 120},
    )
    after_entry = _free_hours(dan.get(url), tara)
    assert after_entry == first - 2

    team_services.update_technician(personas["olivia"], tara, {"weekly_capacity_hours": 70})
    after_capacity = _free_hours(dan.get(url), tara)
    assert after_capacity == after_entry - 10

    other = desk_services.open_ticket(
        personas["dan"], {"company": harbor, "subject": "Four hours", "estimate_hours": 4}
    )
    desk_services.assign(personas["dan"], other, tara)
    assert _free_hours(dan.get(url), tara) == after_capacity - 4


def test_owner_home_promise_check_follows_a_new_agreement(full_demo, client_for, personas):
    olivia = client_for("olivia")
    before = olivia.get("/").context["facts"]["required_hours"]
    assert olivia.get("/").context["facts"]["required_hours"] == before
    from sweetspot.clients.models import Company

    company = Company.objects.exclude(agreements__status="active").order_by("pk").first()
    plan = Plan.objects.filter(onsite_half_days_per_month__gt=0).order_by("pk").first()
    assert company is not None and plan is not None
    draft = agreement_services.create_draft(
        personas["olivia"],
        {"company": company, "plan": plan, "start_date": timezone.localdate()},
    )
    agreement_services.activate(personas["olivia"], draft)
    assert olivia.get("/").context["facts"]["required_hours"] > before


def test_owner_utilization_follows_a_logged_entry(tara, client_for, personas, harbor):
    olivia = client_for("olivia")

    def tara_hours() -> Decimal:
        rows = olivia.get("/").context["utilization"]
        row = next(r for r in rows if r["name"] == tara.name)
        return sum((w["hours"] for w in row["weeks"]), Decimal(0))

    before = tara_hours()
    last_week = timezone.localdate() - dt.timedelta(days=7)
    time_services.log_entry(
        personas["olivia"],
        {"technician": tara, "company": harbor, "work_date": last_week, "minutes": 180},
    )
    assert tara_hours() == before + 3


def test_on_call_tag_follows_a_swap(full_demo, client_for, personas):
    dan = client_for("dan")
    tech = Technician.objects.filter(archived_at__isnull=True).order_by("-pk").first()
    before = dan.get("/").content.decode()
    mail_services.add_swap(personas["olivia"], tech, timezone.localdate() - dt.timedelta(1), 7)
    after = dan.get("/").content.decode()
    assert f"<strong>{tech.name}</strong> <span" in after and after != before


def test_a_write_gives_its_topics_new_tokens_once_it_commits(
    tara, personas, django_capture_on_commit_callbacks
):
    before = _tokens()
    with django_capture_on_commit_callbacks(execute=True) as done:
        team_services.update_technician(personas["olivia"], tara, {"weekly_capacity_hours": 60})
        assert _tokens() == before  # not before the commit: other processes see old rows
    assert done  # the tokens' UPDATE waited for the commit
    after = _tokens()
    assert after["team"] != before["team"]
    assert {k: v for k, v in after.items() if k != "team"} == {
        k: v for k, v in before.items() if k != "team"
    }

    class Undo(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as undone,
        pytest.raises(Undo),
        transaction.atomic(),
    ):
        team_services.update_technician(personas["olivia"], tara, {"weekly_capacity_hours": 50})
        raise Undo
    assert not undone and _tokens() == after  # rolled back: no new token


def test_the_writing_process_sees_its_change_before_the_commit(
    tara, new_ticket, client_for, personas
):
    """Inside the writing transaction (no commit yet, so no new token) this process's own
    pages already show the change: its per-process salt moved."""
    dan = client_for("dan")
    url = f"/desk/tickets/{new_ticket.pk}/"
    first = _free_hours(dan.get(url), tara)
    before = _tokens()
    team_services.update_technician(personas["olivia"], tara, {"weekly_capacity_hours": 90})
    assert _tokens() == before
    assert _free_hours(dan.get(url), tara) == first + 10


def test_another_process_sees_a_change_through_the_tokens(tara, new_ticket, client_for):
    """Another process's write reaches this one through the database only: change the row
    without this process's signals (as a raw write plus its bump would), forget nothing
    locally, and the page still shows the change."""
    dan = client_for("dan")
    url = f"/desk/tickets/{new_ticket.pk}/"
    first = _free_hours(dan.get(url), tara)
    Technician.objects.filter(pk=tara.pk).update(weekly_capacity_hours=90)  # no signal
    assert _free_hours(dan.get(url), tara) == first  # not told yet: the token is unchanged
    with connection.cursor() as cursor:  # the other process's bump, in SQL
        cursor.execute("UPDATE core_cachegeneration SET token = token + 1 WHERE topic = 'team'")
    assert _free_hours(dan.get(url), tara) == first + 10


def test_cached_page_reads_no_engine_input(tara, new_ticket, client_for):
    dan = client_for("dan")
    url = f"/desk/tickets/{new_ticket.pk}/"
    dan.get(url)
    with CaptureQueriesContext(connection) as ctx:
        dan.get(url)
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    for table in ("team_technicianskill", "desk_visit", "core_firm", "team_skill"):
        assert table not in tables, table


# --- the clock ---------------------------------------------------------------------------


def test_sla_attainment_changes_when_a_due_time_passes(db, personas_free=None):
    from sweetspot.clients.models import Company
    from sweetspot.core.models import Role, User

    olivia = User.objects.create_user("olivia", role=Role.OWNER)
    company = Company.objects.create(name="Clocked")
    now = timezone.now()
    ticket = desk_services.open_ticket(
        olivia, {"company": company, "subject": "Due soon", "priority": Priority.P2}
    )
    Ticket.objects.filter(pk=ticket.pk).update(response_due_at=now + dt.timedelta(hours=1))
    engine_cache.bump("tickets")

    def p2(at: dt.datetime) -> int:
        return next(r for r in home.sla_attainment(at) if r["priority"] == "P2")["response_due"]

    assert p2(now) == 0
    assert p2(now + dt.timedelta(minutes=30)) == 0  # still ahead (cached)
    assert p2(now + dt.timedelta(hours=2)) == 1  # fell due: missed, no write in between


def test_dispatch_applies_the_clock_to_cached_visits(tara, harbor, monkeypatch):
    """A visit under way: its hours ahead shrink as the clock moves; a scheduled visit at a
    new client makes the technician know the client once it has started."""
    from sweetspot.clients.models import Company

    stranger = Company.objects.create(name="Far Away Ltd")
    t0 = timezone.now().replace(microsecond=0)
    Visit.objects.create(
        company=stranger,
        technician=tara,
        starts_at=t0 + dt.timedelta(minutes=10),
        ends_at=t0 + dt.timedelta(minutes=130),
        purpose="First visit",
    )
    monday = timezone.localdate(t0) - dt.timedelta(days=timezone.localdate(t0).weekday())
    end_of_week = timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(7), dt.time()))
    if t0 + dt.timedelta(minutes=140) >= end_of_week:
        pytest.skip("too close to the end of the week")

    def tara_at(moment: dt.datetime):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return next(p for p in loaders.people(company_ids={stranger.pk}) if p.id == f"t{tara.pk}")

    before = tara_at(t0)
    during = tara_at(t0 + dt.timedelta(minutes=70))  # an hour into the two-hour visit
    assert during.free_hours == before.free_hours + 1
    assert str(stranger.pk) not in before.clients and str(stranger.pk) in during.clients
