"""Read side of the desk: scoping, queue filters and SLA flags as comparisons with now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Case, F, Lookup, Q, QuerySet, Value, When
from django.db.models.lookups import GreaterThanOrEqual, LessThan
from django.http import Http404
from django.utils import timezone

from sweetspot.core.models import STAFF_ROLES, Role
from sweetspot.core.validators import query_pk

from .models import (
    OPEN_Q,
    OPEN_STATUSES,
    Ticket,
    TicketComment,
    TicketStatus,
    TimeEntry,
    next_sla_due,
    next_sla_risk,
)

SORTS = {
    "created": "created_at",
    "-created": "-created_at",
    "priority": "priority",
    "-priority": "-priority",
    "response_due": "response_due_at",
    "resolution_due": "resolution_due_at",
    "status": "status",
    "subject": "subject",
}
DEFAULT_SORT = "-created"
# What the sort control says (issue 14 item 16: no "-created" in the UI).
SORT_LABELS = {
    "-created": "Newest first",
    "created": "Oldest first",
    "priority": "Priority, P1 first",
    "-priority": "Priority, P4 first",
    "response_due": "Response due soonest",
    "resolution_due": "Resolution due soonest",
    "status": "Status",
    "subject": "Subject A–Z",
}


def tickets_visible_to(user: Any) -> QuerySet[Ticket]:
    """Staff see every ticket; a client contact only their company's; others nothing."""
    qs = Ticket.objects.all()
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.role in STAFF_ROLES:
        return qs
    if user.role == Role.CLIENT and user.company_id:
        return qs.filter(company_id=user.company_id)
    return qs.none()


def get_ticket_for(user: Any, pk: Any) -> Ticket:
    try:
        return (
            tickets_visible_to(user)
            .select_related(
                "company", "site", "contact", "service", "technician", "subcontractor", "agreement"
            )
            .get(pk=int(pk))
        )
    except (ValueError, TypeError, Ticket.DoesNotExist) as exc:
        raise Http404("Not found") from exc


def time_for_ticket(ticket: Ticket) -> tuple[list[TimeEntry], dict[str, int]]:
    """The ticket's time entries (oldest first, technician joined) and minutes in total and
    billable, from one query: the totals are summed over the rows already loaded."""
    entries = list(
        TimeEntry.objects.filter(ticket=ticket)
        .select_related("technician")
        .order_by("work_date", "started_at", "pk")
    )
    totals = {
        "minutes": sum(e.minutes for e in entries),
        "billable": sum(e.minutes for e in entries if e.billable),
    }
    return entries, totals


def comments_for(user: Any, ticket: Ticket) -> QuerySet[TicketComment]:
    qs = ticket.comments.select_related("author")
    if not user.is_firm_staff:
        qs = qs.filter(internal=False)
    return qs


class IsOpen(Lookup):  # type: ignore[type-arg]
    """``status IN ('new', 'assigned', 'in_progress', 'waiting')`` with the statuses written
    into the SQL, as the partial indexes on open tickets spell it (desk.models OPEN_Q).
    SQLite uses a partial index only when the query repeats its WHERE term, and a bound
    parameter does not repeat a literal: with ``status IN (%s, %s, %s, %s)`` the planner
    never picked them (the home pages sorted every open ticket of a technician; the queue's
    at-risk and breached filters read the whole due-time indexes, closed tickets and all)."""

    lookup_name = "is_open"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        # The model's own constants, never request data.
        words = ", ".join("'" + str(s).replace("'", "''") + "'" for s in OPEN_STATUSES)
        return f"{lhs} IN ({words})", list(params)


def is_open() -> IsOpen:
    """The open tickets' condition for ``.filter()``: OPEN_Q as the partial indexes spell it.
    Use it (not OPEN_Q) wherever the filter should read an index on open tickets."""
    return IsOpen(F("status"), True)


def _at_risk(now: dt.datetime) -> Q:
    return Q(response_at_risk_at__lt=now, response_due_at__gte=now, responded_at__isnull=True) | Q(
        resolution_at_risk_at__lt=now, resolution_due_at__gte=now
    )


# Later than any due time: the upper end of the not-yet-due range below (a planner hint).
_NEVER = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


def at_risk_now(now: dt.datetime) -> tuple[GreaterThanOrEqual, LessThan, LessThan]:
    """At risk and not breached, as the index ``ticket_open_next_sla`` spells it: no running
    clock due before now, one at risk before now. The same tickets as ``_at_risk(now) &
    ~_breached(now)`` (a test compares the two on every combination of clock states). The
    upper bound changes no row: SQLite reads ``>= now`` alone as a quarter of the index and
    a closed range as narrow, and searches it. At 1M tickets the capped count of the at-risk
    list went from 1.4 to 0.3 ms, and open P1 at risk, which the index also serves through
    its priority key, reads no table row to reject a ticket (issue 18)."""
    due = next_sla_due()
    return (
        GreaterThanOrEqual(due, Value(now)),
        LessThan(due, Value(_NEVER)),
        LessThan(next_sla_risk(), Value(now)),
    )


def _breached(now: dt.datetime) -> Q:
    return Q(response_due_at__lt=now, responded_at__isnull=True) | Q(resolution_due_at__lt=now)


def with_flags(qs: QuerySet[Ticket], now: dt.datetime | None = None) -> QuerySet[Ticket]:
    """``is_at_risk`` / ``is_breached`` for open tickets, computed in SQL from stored times."""
    now = now or timezone.now()
    open_q = OPEN_Q
    return qs.annotate(
        is_breached=Case(
            When(open_q & _breached(now), then=True), default=False, output_field=BooleanField()
        ),
        is_at_risk=Case(
            When(open_q & _at_risk(now) & ~_breached(now), then=True),
            default=False,
            output_field=BooleanField(),
        ),
    )


def filter_tickets(
    qs: QuerySet[Ticket], params: Mapping[str, Any], now: dt.datetime | None = None
) -> QuerySet[Ticket]:
    """Whitelisted filters only: status, priority, client, assignee, at risk, breached."""
    now = now or timezone.now()
    status = params.get("status") or ""
    if status == "open":
        qs = qs.filter(is_open())
    elif status in TicketStatus.values:
        qs = qs.filter(status=status)
    priority = params.get("priority") or ""
    if priority in ("P1", "P2", "P3", "P4"):
        qs = qs.filter(priority=priority)
    client = query_pk(params.get("client"))
    if client is not None:
        qs = qs.filter(company_id=client)
    assignee = str(params.get("assignee") or "")
    if assignee == "none":
        qs = qs.filter(technician__isnull=True, subcontractor__isnull=True)
    elif assignee[:1] == "t" and (tech := query_pk(assignee[1:])) is not None:
        qs = qs.filter(technician_id=tech)
    elif assignee[:1] == "s" and (sub := query_pk(assignee[1:])) is not None:
        qs = qs.filter(subcontractor_id=sub)
    if params.get("at_risk") in ("1", "true", "on", True):
        qs = qs.filter(is_open()).filter(*at_risk_now(now))
    if params.get("breached") in ("1", "true", "on", True):
        qs = qs.filter(is_open()).filter(_breached(now))
    return qs


def sort_tickets(qs: QuerySet[Ticket], sort: str | None) -> tuple[QuerySet[Ticket], str]:
    """Whitelisted sort; ties by pk in the same direction, so one index on the sort column
    (which ends in the rowid / ctid order) serves the whole ORDER BY without a sort step."""
    key = sort if sort in SORTS else DEFAULT_SORT
    field = SORTS[key]
    return qs.order_by(field, "-pk" if field.startswith("-") else "pk"), key


# A ticket list counts at most this many matches ("1,000+"): counting every open ticket of
# a million is work that grows with the data, and nobody pages past the fortieth page.
COUNT_CAP = 1000


class TicketPaginator(Paginator):
    """Pages of a ticket list that cost the same at 1,000 and at 1,000,000 tickets (issue 18).

    ``object_list`` is the filtered, sorted queryset on the ticket table alone. The count
    stops at ``cap`` + 1 (``capped`` then; the last page is the cap's). A page is one query:
    the page's ids come from an inner select on that one table (served by the index of the
    filter and the sort, limited before anything is joined), and ``decorate`` adds the joins
    and SLA flags to those 25 rows only. Joining first let SQLite's planner, once ANALYZE had
    run, scan companies and sort every ticket."""

    def __init__(
        self,
        object_list: QuerySet[Ticket],
        per_page: int,
        decorate: Callable[[QuerySet[Ticket]], QuerySet[Ticket]],
        cap: int | None = None,
    ) -> None:
        super().__init__(object_list, per_page)
        self.tickets = object_list
        self.decorate = decorate
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def count(self) -> int:
        # Without ORDER BY: the planner takes the cheapest index for the filter alone (a
        # technician's open tickets: the (technician, status) index; at risk: the open
        # tickets not yet due, on the due-time indexes; breached: the oldest open tickets).
        ids = self.tickets.values("pk").order_by()
        return ids[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return max(1, self.cap // self.per_page)
        return super().num_pages

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count, self.num_pages * self.per_page)
        ids = self.tickets.values("pk")[bottom:top]
        ordering = self.tickets.query.order_by
        rows = self.decorate(Ticket.objects.filter(pk__in=ids)).order_by(*ordering)
        return Page(list(rows), number, self)


# The columns a ticket list row shows (desk/_ticket_rows.html): only these are loaded, so a
# row no longer joins the service or converts the columns nobody sees.
LIST_FIELDS = (
    "subject",
    "priority",
    "status",
    "created_at",
    "response_due_at",
    "responded_at",
    "resolution_due_at",
    "resolved_at",
    "company__name",
    "technician__name",
    "subcontractor__company_name",
)


def for_list(qs: QuerySet[Ticket], now: dt.datetime | None = None) -> QuerySet[Ticket]:
    rows = qs.select_related("company", "technician", "subcontractor").only(*LIST_FIELDS)
    return with_flags(rows, now)


def _span(seconds: int) -> str:
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = ([f"{days} d"] if days else []) + ([f"{hours} h"] if hours else []) + [f"{mins} min"]
    return " ".join(parts)


def clock_text(
    due: dt.datetime | None,
    done: dt.datetime | None,
    now: dt.datetime | None = None,
    verb: str = "met",
) -> str:
    """One SLA clock for a list cell: a countdown while it runs; once stopped (responded or
    resolved) whether the target was met, or by how much it was missed."""
    if done is None:
        return countdown(due, now)
    if due is None or done <= due:
        return verb
    return f"{verb} late by {_span(int((done - due).total_seconds()))}"


def countdown(due: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """Wall-clock countdown text: "2 h 5 min left", "overdue by 40 min", or "paused"."""
    if due is None:
        return "paused"
    now = now or timezone.now()
    seconds = int((due - now).total_seconds())
    text = _span(seconds)
    return f"{text} left" if seconds >= 0 else f"overdue by {text}"
