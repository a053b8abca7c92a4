"""What each role's home page shows (issue 14 item 4): read-only, a fixed number of queries
whatever the data (tests/test_query_counts.py holds the literal numbers).

* dispatcher: unassigned tickets, at risk, breached, who is on call now (the mail app's rota,
  ``{% on_call_now %}``), today's visits;
* technician: my open tickets by due time, my running timer, my visits today, my hours this
  week;
* sales: my follow-ups (overdue first) and the pipeline;
* owner: the firm's numbers, SLA attainment over the last 30 days by priority and utilization
  over the last 4 weeks per person (server-rendered SVG, ``web/charts.py``). Both charts are
  kept in core.engine_cache until their inputs change: SLA attainment until a ticket changes
  or the next due time passes (or the oldest ticket leaves the 30 days), utilization until a
  technician or time entry changes or the week turns.

web sits above desk, agreements and growth in the layers, so it reads their query helpers.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from sweetspot.core import engine_cache
from sweetspot.core.wording import PRIORITY_LABELS
from sweetspot.desk import queries as desk_queries
from sweetspot.desk.models import OPEN_STATUSES, Ticket, TimeEntry, Visit, VisitStatus
from sweetspot.growth import queries as bd
from sweetspot.team.models import Technician

from . import charts

LIST_SIZE = 8
MY_LIST_SIZE = 25


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def _open_tickets(user: Any) -> QuerySet[Ticket]:
    return desk_queries.tickets_visible_to(user).filter(desk_queries.is_open())


def _first(qs: QuerySet[Ticket], size: int = LIST_SIZE) -> QuerySet[Ticket]:
    """The first ``size`` tickets of ``qs`` in its order, with their company and assignee.

    One query, as desk.queries.TicketPaginator does it: the ids come from an inner select on
    the ticket table alone (read in order from the index of the filter and the sort, limited
    before anything is joined); the joins are for those rows only. Joined first, SQLite's
    planner could scan the companies and sort every open ticket of each."""
    ids = qs.values("pk")[:size]
    outer = Ticket.objects.filter(pk__in=ids).select_related(
        "company", "technician", "subcontractor"
    )
    return outer.annotate(**qs.query.annotations).order_by(*qs.query.order_by)


def _rows(qs: QuerySet[Ticket], now: dt.datetime, size: int = LIST_SIZE) -> list[Ticket]:
    rows = list(_first(qs, size))
    for t in rows:
        t.due_text = desk_queries.countdown(  # type: ignore[attr-defined]
            t.response_due_at if t.responded_at is None else t.resolution_due_at, now
        )
    return rows


def capped_counts(**lists: QuerySet[Ticket]) -> dict[str, int]:
    """One query: how many rows each queryset has, counting at most COUNT_CAP + 1 (the
    queue's convention, desk.queries.TicketPaginator: more than the cap shows "1,000+").
    Each count reads at most cap + 1 rows of the index its filter and order pick, so it
    costs the same at 1,000 and at 1,000,000 tickets. A list given as several querysets
    (``name=qs`` then ``name__2=qs``) is their sum, capped."""
    parts: list[str] = []
    params: list[Any] = []
    for qs in lists.values():
        sql, p = qs.values("pk")[: desk_queries.COUNT_CAP + 1].query.sql_with_params()
        # The SQL is Django's own, its parameters bound: nothing from the request.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped)")  # noqa: S608
        params.extend(p)
    with connections[Ticket.objects.db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    out: dict[str, int] = {}
    for name, n in zip(lists, row, strict=True):
        key = name.split("__")[0]
        out[key] = min(out.get(key, 0) + int(n), desk_queries.COUNT_CAP + 1)
    return out


def shown_counts(counts: dict[str, int]) -> dict[str, str]:
    """ "1,000+" past the cap, else the number."""
    cap = desk_queries.COUNT_CAP
    return {k: f"{cap:,}+" if n > cap else f"{n:,}" for k, n in counts.items()}


def todays_visits(qs: QuerySet[Visit], today: dt.date) -> list[Visit]:
    start, end = _day_bounds(today)
    return list(
        qs.filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(status=VisitStatus.CANCELLED)
        .select_related("company", "technician", "site")
        .order_by("starts_at", "pk")
    )


def dispatcher_home(user: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """Six queries, each bounded by an index whatever the history's length (issue 18): the
    capped counts (one query), the unassigned list, the at-risk list (the paused tickets,
    then those not yet due by resolution due time), the breached list, today's visits.

    At risk needs a due time still ahead, so it is found among the open tickets due from
    now on (the work in flight), never by reading every open ticket; breached among the
    oldest due times, where the first LIST_SIZE (or cap + 1) are found at once."""
    now = now or timezone.now()
    open_qs = _open_tickets(user)
    unassigned = open_qs.filter(technician__isnull=True, subcontractor__isnull=True).order_by(
        "response_due_at", "created_at", "pk"
    )
    at_risk = open_qs.filter(desk_queries._at_risk(now)).exclude(desk_queries._breached(now))
    # Not breached: the resolution clock is paused (NULL) or its due time is still ahead.
    paused = at_risk.filter(resolution_due_at__isnull=True).order_by("pk")
    ahead = at_risk.filter(resolution_due_at__gte=now).order_by("resolution_due_at", "pk")
    breached = open_qs.filter(desk_queries._breached(now)).order_by("response_due_at", "pk")
    # Counted without the lists' tie-breaks, so each count reads its index in order and
    # stops at the cap instead of sorting every match.
    counts = capped_counts(
        unassigned=unassigned.order_by(),
        at_risk=paused.order_by(),
        at_risk__2=ahead.order_by("resolution_due_at"),
        breached=breached.order_by("response_due_at"),
        open=open_qs.order_by(),
    )
    # Always both queries, so the page's query count does not depend on the data.
    at_risk_rows = (_rows(paused, now) + _rows(ahead, now))[:LIST_SIZE]
    return {
        "counts": counts,
        "shown": shown_counts(counts),
        "unassigned": _rows(unassigned, now),
        "at_risk": at_risk_rows,
        "breached": _rows(breached, now),
        "visits": todays_visits(Visit.objects.all(), timezone.localdate(now)),
    }


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def technician_home(user: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    """Six queries: the technician, my open tickets (the soonest due; their capped count),
    my running timer, my visits today, my hours this week."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    tech = Technician.objects.filter(user=user).first()
    if tech is None:
        return {"tech": None}
    mine = _open_tickets(user).filter(technician=tech)
    # The soonest due first, read in order from the index on (technician, that expression,
    # created_at, id) over open tickets (desk migration 0005), never sorting them all.
    tickets = list(
        _first(
            mine.annotate(due=Coalesce("resolution_due_at", "response_due_at")).order_by(
                "due", "created_at", "pk"
            ),
            MY_LIST_SIZE,
        )
    )
    counts = capped_counts(mine=mine.order_by())
    for t in tickets:
        t.due_text = desk_queries.countdown(t.due, now)  # type: ignore[attr-defined]
    running = (
        TimeEntry.objects.select_related("ticket")
        .filter(technician=tech, started_at__isnull=False, ended_at__isnull=True)
        .first()
    )
    week = _week_start(today)
    logged = TimeEntry.objects.filter(
        technician=tech, work_date__gte=week, work_date__lte=today
    ).aggregate(total=Sum("minutes"), billable=Sum("minutes", filter=Q(billable=True)))
    return {
        "tech": tech,
        "tickets": tickets,
        "mine_count": counts["mine"],
        "mine_shown": shown_counts(counts)["mine"],
        "running": running,
        "visits": todays_visits(Visit.objects.filter(technician=tech), today),
        "week": week,
        "hours_week": Decimal(logged["total"] or 0) / 60,
        "billable_week": Decimal(logged["billable"] or 0) / 60,
    }


def sales_home(user: Any) -> dict[str, Any]:
    """Three queries: my open follow-ups (overdue first), the pipeline's cards and the firm
    row for its probabilities."""
    today = timezone.localdate()
    followups = list(
        bd.activities_visible_to(user)
        .filter(owner=user, done_date__isnull=True)
        .select_related("company")
        .order_by("due_date", "pk")[:15]
    )
    return {
        "followups": followups,
        "overdue": sum(1 for a in followups if a.due_date and a.due_date < today),
        "board": bd.pipeline_board(user),
        "today": today,
    }


def sla_attainment(now: dt.datetime, days: int = 30) -> list[dict[str, Any]]:
    """By priority, over tickets opened in the last ``days`` days: the share of those whose
    response (resolution) target has fallen due — met or missed — that met it. A target
    not yet due and not yet met is not counted. One query, kept until a ticket changes or
    the answer would change with the clock."""
    return engine_cache.cached_until(
        "sla-attainment", ("tickets",), lambda: _sla_attainment(now, days), now, days
    )


def _sla_attainment(now: dt.datetime, days: int) -> tuple[list[dict[str, Any]], dt.datetime]:
    """The rows, and the first instant they may change without a ticket changing: the next
    response or resolution due time still ahead, or the oldest ticket leaving the window."""
    since = now - dt.timedelta(days=days)
    opened = Q(created_at__lte=now)
    responded = Q(responded_at__isnull=False)
    r_met = responded & Q(responded_at__lte=F("response_due_at"))
    r_due = (
        r_met
        | Q(responded_at__gt=F("response_due_at"))
        | Q(responded_at__isnull=True, response_due_at__lt=now)
    )
    resolved = Q(resolved_at__isnull=False, resolution_due_at__isnull=False)
    s_met = resolved & Q(resolved_at__lte=F("resolution_due_at"))
    s_due = (
        s_met
        | (resolved & Q(resolved_at__gt=F("resolution_due_at")))
        | Q(resolved_at__isnull=True, resolution_due_at__lt=now, status__in=OPEN_STATUSES)
    )
    rows = {
        r["priority"]: r
        for r in Ticket.objects.filter(created_at__gte=since)
        .values("priority")
        .annotate(
            r_met=Count("pk", filter=opened & r_met),
            r_due=Count("pk", filter=opened & r_due),
            s_met=Count("pk", filter=opened & s_met),
            s_due=Count("pk", filter=opened & s_due),
            next_r=Min(
                "response_due_at", filter=Q(responded_at__isnull=True, response_due_at__gte=now)
            ),
            next_s=Min(
                "resolution_due_at",
                filter=Q(
                    resolved_at__isnull=True,
                    resolution_due_at__gte=now,
                    status__in=OPEN_STATUSES,
                ),
            ),
            oldest=Min("created_at", filter=opened),
            # a ticket stamped after ``now`` (another process's clock) enters the window then
            opening=Min("created_at", filter=~opened),
        )
        .order_by("priority")
    }
    until = now + dt.timedelta(days=days)
    for r in rows.values():
        leaves = r["oldest"] and r["oldest"] + dt.timedelta(days=days)
        for at in (r["next_r"], r["next_s"], leaves, r["opening"]):
            if at is not None:
                until = min(until, at)
    out = []
    for p, label in PRIORITY_LABELS.items():
        r = rows.get(p, {})
        out.append(
            {
                "priority": p,
                "label": label,
                "response_due": r.get("r_due", 0),
                "resolution_due": r.get("s_due", 0),
                "response_pct": round(100 * r["r_met"] / r["r_due"]) if r.get("r_due") else None,
                "resolution_pct": (
                    round(100 * r["s_met"] / r["s_due"]) if r.get("s_due") else None
                ),
            }
        )
    return out, until


def utilization(today: dt.date, weeks: int = 4) -> list[dict[str, Any]]:
    """Per active technician, the last ``weeks`` completed weeks (Monday to Sunday): billable
    hours / weekly capacity. Two queries (the technicians, the daily billable minutes)."""
    first = _week_start(today) - dt.timedelta(days=7 * weeks)
    starts = [first + dt.timedelta(days=7 * i) for i in range(weeks)]
    techs = list(
        Technician.objects.filter(archived_at__isnull=True)
        .order_by("name", "pk")
        .only("pk", "name", "weekly_capacity_hours")
    )
    minutes: dict[tuple[int, int], int] = {}
    for tech_id, day, total in (
        TimeEntry.objects.filter(
            technician__isnull=False,
            billable=True,
            work_date__gte=first,
            work_date__lt=_week_start(today),
        )
        .order_by()
        .values_list("technician_id", "work_date")
        .annotate(total=Sum("minutes"))
        .values_list("technician_id", "work_date", "total")
    ):
        key = (tech_id, (day - first).days // 7)
        minutes[key] = minutes.get(key, 0) + int(total or 0)
    people = []
    for t in techs:
        capacity = Decimal(t.weekly_capacity_hours or 0)
        row = []
        for i, start in enumerate(starts):
            hours = (Decimal(minutes.get((t.pk, i), 0)) / 60).quantize(Decimal("0.1"))
            pct = int(hours * 100 / capacity) if capacity else 0
            row.append({"week": start, "hours": hours, "pct": pct})
        people.append({"name": t.name, "capacity": capacity.normalize(), "weeks": row})
    return people


def owner_charts(now: dt.datetime | None = None) -> dict[str, Any]:
    """No query while the cached charts hold (core.engine_cache); else SLA attainment (one
    query), the firm row, technicians and billable minutes."""
    now = now or timezone.now()
    sla = sla_attainment(now)
    target = engine_cache.firm().target_utilization
    today = timezone.localdate(now)
    people = engine_cache.cached(
        "utilization", ("team", "time"), lambda: utilization(today), _week_start(today)
    )
    return {
        "sla": sla,
        "sla_chart": charts.sla_attainment_chart(sla),
        "utilization": people,
        "utilization_chart": charts.utilization_chart(people, target),
        "target_utilization": target,
    }
