"""Home pages per role (issue 14 item 4): the owner's numbers and charts, the dispatcher's
queue at a glance, the technician's day, the salesperson's follow-ups and pipeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from sweetspot.desk import services as desk_services
from sweetspot.desk import time_services, visit_services
from sweetspot.desk.models import Ticket
from sweetspot.team.models import Technician
from sweetspot.web import home


def test_owner_sees_mrr_and_the_charts_others_do_not(full_demo, client_for):
    owner = client_for("olivia").get("/")
    assert owner.status_code == 200
    facts = owner.context["facts"]
    assert facts["mrr"] > 0 and facts["arr"] == facts["mrr"] * 12
    html = owner.content.decode()
    assert "MRR" in html and 'id="sla-attainment"' in html and 'id="utilization"' in html
    assert html.count("<svg") >= 2 and "Tara Tran" in html
    for name in ["dan", "sam", "tara"]:
        page = client_for(name).get("/")
        assert page.status_code == 200
        body = page.content.decode()
        assert "MRR" not in body and 'id="sla-attainment"' not in body, name


def test_dispatcher_home_shows_the_queue_at_a_glance(full_demo, client_for, personas, harbor):
    dan = personas["dan"]
    fresh = desk_services.open_ticket(dan, {"company": harbor, "subject": "Printer jam P9"})
    page = client_for("dan").get("/")
    html = page.content.decode()
    assert page.templates[0].name == "web/home_dispatcher.html"
    for part in ["home-unassigned", "home-at-risk", "home-breached", "home-visits"]:
        assert f'id="{part}"' in html
    counts = page.context["counts"]
    open_unassigned = Ticket.objects.filter(
        status__in=["new", "assigned", "in_progress", "waiting"],
        technician__isnull=True,
        subcontractor__isnull=True,
    ).count()
    assert counts["unassigned"] == open_unassigned >= 1
    assert "Batch dispatch" in html and "/desk/batch/" in html
    # The unassigned list is the soonest response due first, at most LIST_SIZE rows.
    listed = [t.pk for t in page.context["unassigned"]]
    assert len(listed) == min(open_unassigned, home.LIST_SIZE)
    assert fresh.pk in listed or open_unassigned > home.LIST_SIZE


def test_technician_home_shows_my_tickets_timer_visits_and_hours(
    full_demo, client_for, personas, harbor
):
    tara = Technician.objects.get(user=personas["tara"])
    dan = personas["dan"]
    mine = desk_services.open_ticket(dan, {"company": harbor, "subject": "Tara's own ticket"})
    desk_services.assign(dan, mine, tara)
    time_services.start_timer(personas["tara"], tara, mine)
    start = timezone.localtime().replace(hour=23, minute=0, second=0, microsecond=0)
    visit_services.schedule_visit(
        None,
        {
            "company": harbor,
            "technician": tara,
            "starts_at": start,
            "ends_at": start + dt.timedelta(minutes=30),
            "purpose": "Late check",
        },
    )
    page = client_for("tara").get("/")
    html = page.content.decode()
    assert page.templates[0].name == "web/home_technician.html"
    assert "Tara&#x27;s own ticket" in html or "Tara's own ticket" in html
    assert "Timer running since" in html and f"#{mine.pk}" in html
    assert "Late check" in html and 'id="hours-week"' in html
    due = [t.due for t in page.context["tickets"] if t.due is not None]
    assert due == sorted(due)
    assert all(t.technician_id == tara.pk for t in page.context["tickets"])
    assert page.context["hours_week"] >= Decimal(0)


def test_sales_home_shows_follow_ups_overdue_first_and_the_pipeline(full_demo, client_for):
    page = client_for("sam").get("/")
    html = page.content.decode()
    assert page.templates[0].name == "web/home_sales.html"
    assert page.context["overdue"] == 2  # the demo's two overdue follow-ups are Sam's
    dues = [a.due_date for a in page.context["followups"]]
    assert dues == sorted(dues)
    assert 'id="home-pipeline"' in html and "Lead" in html


def test_sla_attainment_counts_only_targets_that_fell_due(db, harbor, personas):
    now = timezone.now()
    dan = personas["dan"]

    def ticket(priority: str, due_in: int, responded_after: int | None) -> None:
        t = desk_services.open_ticket(
            dan, {"company": harbor, "subject": "S", "priority": priority}
        )
        due = now + dt.timedelta(minutes=due_in)
        responded = None if responded_after is None else due + dt.timedelta(minutes=responded_after)
        Ticket.objects.filter(pk=t.pk).update(
            response_due_at=due, responded_at=responded, created_at=now - dt.timedelta(days=1)
        )

    Ticket.objects.all().delete()
    ticket("P1", -60, -10)  # met
    ticket("P1", -60, 10)  # missed
    ticket("P1", -60, None)  # missed: due and no response
    ticket("P1", 60, None)  # not due yet: not counted
    rows = {r["priority"]: r for r in home.sla_attainment(now)}
    assert rows["P1"]["response_due"] == 3 and rows["P1"]["response_pct"] == 33
    assert rows["P4"]["response_pct"] is None


def test_utilization_is_billable_hours_over_capacity_per_week(db, harbor):
    today = dt.date(2026, 3, 18)  # a Wednesday: the last four complete weeks end Mar 15
    tess = Technician.objects.create(name="Tess", weekly_capacity_hours=40)
    from sweetspot.desk.models import TimeEntry

    TimeEntry.objects.create(
        technician=tess, company=harbor, work_date=dt.date(2026, 3, 9), minutes=20 * 60
    )
    TimeEntry.objects.create(
        technician=tess, company=harbor, work_date=dt.date(2026, 3, 10), minutes=600, billable=False
    )
    TimeEntry.objects.create(
        technician=tess, company=harbor, work_date=dt.date(2026, 2, 16), minutes=30 * 60
    )
    TimeEntry.objects.create(
        technician=tess, company=harbor, work_date=dt.date(2026, 3, 16), minutes=600
    )
    people = {p["name"]: p for p in home.utilization(today)}
    weeks = people["Tess"]["weeks"]
    assert [w["week"] for w in weeks] == [
        dt.date(2026, 2, 16),
        dt.date(2026, 2, 23),
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 9),
    ]
    assert [w["pct"] for w in weeks] == [75, 0, 0, 50]


def _open_copies(n, **fields):
    """n open tickets like an existing one (bulk, no services: only the counts matter)."""
    model = Ticket.objects.filter(status="new").first()
    rows = []
    for i in range(n):
        t = Ticket.objects.get(pk=model.pk)
        t.pk = None
        t.subject = f"Bulk {i}"
        for name, value in fields.items():
            setattr(t, name, value)
        rows.append(t)
    Ticket.objects.bulk_create(rows)


def test_dispatcher_home_caps_its_counts_at_1000(full_demo, client_for):
    """Issue 18: past the cap the cards say "1,000+", as the queue does, and each list
    links to the rest in the queue."""
    _open_copies(1001, technician=None, subcontractor=None, status="new")
    page = client_for("dan").get("/")
    html = page.content.decode()
    assert page.context["counts"]["unassigned"] == 1001
    assert page.context["counts"]["open"] == 1001
    assert '<span class="num warn">1,000+</span> unassigned' in html
    assert '<span class="num">1,000+</span> open tickets' in html
    assert len(page.context["unassigned"]) == home.LIST_SIZE
    assert '/desk/queue/?assignee=none&amp;status=open">See all in the queue' in html


def test_dispatcher_home_counts_exactly_below_the_cap(full_demo, client_for):
    expected = Ticket.objects.filter(
        status__in=["new", "assigned", "in_progress", "waiting"]
    ).count()
    assert expected <= 1000
    page = client_for("dan").get("/")
    html = page.content.decode()
    assert f'<span class="num">{expected:,}</span> open tickets' in html
    assert "1,000+" not in html


def test_technician_home_caps_my_open_tickets_at_1000(full_demo, client_for, personas):
    tara = Technician.objects.get(user=personas["tara"])
    before = Ticket.objects.filter(
        technician=tara, status__in=["new", "assigned", "in_progress", "waiting"]
    ).count()
    page = client_for("tara").get("/")
    assert f'<span class="num">{before:,}</span> open ticket' in page.content.decode()
    _open_copies(1001, technician=tara, subcontractor=None, status="assigned")
    page = client_for("tara").get("/")
    html = page.content.decode()
    assert '<span class="num">1,000+</span> open tickets of mine' in html
    assert len(page.context["tickets"]) == home.MY_LIST_SIZE
    assert "See all in my tickets" in html
    due = [t.due for t in page.context["tickets"] if t.due is not None]
    assert due == sorted(due)
