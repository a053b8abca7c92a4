"""Read the database into the dispatch engine's frozen dataclasses, in a fixed number of
queries: technicians and subcontractors with skills, certified skills (skills evidenced by a
held certification), free hours this week and the clients they know.

* Free hours (docs/DOMAIN.md §8), the same for technicians and subcontractors: weekly capacity −
  the hours they logged this week (Monday to today) − the remaining estimates of their open
  assigned tickets (estimate − hours logged on the ticket, not below 0) − their scheduled
  visit hours still ahead this week (from now to the end of Sunday). Never below 0.
* Familiarity ("knows the client"): the person had a ticket for the company created in the
  last ``FAMILIARITY_DAYS`` days, or (technicians) an on-site visit there in that window that
  was not cancelled.

For the current moment (no ``today``/``now`` given) the rows are kept in ``core.engine_cache``
until a technician, subcontractor, skill, certification, ticket, time entry or visit changes
(and the week's per day): the ticket page and the batch pay no query for them. What depends
on the clock within the day is applied on read: the visits ahead are kept as rows and cut at
``now``; familiarity keeps each person and client's last event up to when it was read and
their next one after it, so a ticket or visit falls out of (or a visit enters) the window on
time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Min, Q, Sum
from django.utils import timezone

from sweetspot.catalog import engine as catalog_engine
from sweetspot.catalog import loaders as people_loader
from sweetspot.catalog.models import ServiceRequirement
from sweetspot.core import engine_cache
from sweetspot.core.models import Firm
from sweetspot.team.models import (
    Skill,
    Subcontractor,
    Technician,
)

from . import engine
from .models import OPEN_STATUSES, Ticket, TimeEntry, Visit, VisitStatus

FAMILIARITY_DAYS = 180
ZERO = Decimal(0)
HOURS = Decimal("0.01")


def person_id(kind: str, pk: int) -> str:
    return f"{'t' if kind == engine.TECHNICIAN else 's'}{pk}"


def _week_start(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=today.weekday())


# (person id, company id, last event at or before the moment read, first event after it)
Familiar = tuple[str, str, dt.datetime | None, dt.datetime | None]


def _familiar(now: dt.datetime, company_ids: Collection[int] | None = None) -> list[Familiar]:
    """Per person and client: the last ticket created / visit started (not cancelled) in the
    ``FAMILIARITY_DAYS`` days up to ``now``, and the first one after ``now``. Two queries;
    with ``company_ids`` only those companies are looked at (the ticket page needs one
    client, the batch its queue's), which keeps the query on the company index as the history
    grows."""
    since = now - dt.timedelta(days=FAMILIARITY_DAYS)
    tickets = Ticket.objects.all()
    visits_qs = Visit.objects.all()
    if company_ids is not None:
        tickets = tickets.filter(company_id__in=list(company_ids))
        visits_qs = visits_qs.filter(company_id__in=list(company_ids))
    out: list[Familiar] = []
    for tech_id, sub_id, company_id, last, after in (
        tickets.filter(created_at__gte=since)
        .exclude(technician__isnull=True, subcontractor__isnull=True)
        .order_by()
        .values_list("technician_id", "subcontractor_id", "company_id")
        .annotate(
            last=Max("created_at", filter=Q(created_at__lte=now)),
            after=Min("created_at", filter=Q(created_at__gt=now)),
        )
        .values_list("technician_id", "subcontractor_id", "company_id", "last", "after")
    ):
        if tech_id:
            out.append((person_id(engine.TECHNICIAN, tech_id), str(company_id), last, after))
        if sub_id:
            out.append((person_id(engine.SUBCONTRACTOR, sub_id), str(company_id), last, after))
    for tech_id, company_id, last, after in (
        visits_qs.filter(starts_at__gte=since)
        .exclude(status=VisitStatus.CANCELLED)
        .order_by()
        .values_list("technician_id", "company_id")
        .annotate(
            last=Max("starts_at", filter=Q(starts_at__lte=now)),
            after=Min("starts_at", filter=Q(starts_at__gt=now)),
        )
        .values_list("technician_id", "company_id", "last", "after")
    ):
        out.append((person_id(engine.TECHNICIAN, tech_id), str(company_id), last, after))
    return out


def _known_clients(familiar: list[Familiar], now: dt.datetime) -> dict[str, set[str]]:
    """person id -> company ids they know at ``now`` (an event in the window up to now)."""
    since = now - dt.timedelta(days=FAMILIARITY_DAYS)
    clients: dict[str, set[str]] = defaultdict(set)
    for key, company_id, last, after in familiar:
        if any(at is not None and since <= at <= now for at in (last, after)):
            clients[key].add(company_id)
    return clients


def _remaining_estimates(
    technician_ids: list[int], subcontractor_ids: list[int]
) -> dict[str, Decimal]:
    """person id -> Σ over their open assigned tickets of max(estimate − hours logged on the
    ticket, 0). One query, on the technician and subcontractor indexes (naming the ids keeps
    it off the status index at scale)."""
    if not technician_ids and not subcontractor_ids:
        return {}
    rows = (
        Ticket.objects.filter(
            Q(technician_id__in=technician_ids) | Q(subcontractor_id__in=subcontractor_ids),
            status__in=OPEN_STATUSES,
        )
        .order_by()
        .annotate(logged=Sum("time_entries__minutes"))
        .values_list("technician_id", "subcontractor_id", "estimate_hours", "logged")
    )
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for tech_id, sub_id, estimate, logged in rows:
        left = max(Decimal(estimate or 0) - Decimal(logged or 0) / 60, ZERO)
        if tech_id:
            out[person_id(engine.TECHNICIAN, tech_id)] += left
        elif sub_id:
            out[person_id(engine.SUBCONTRACTOR, sub_id)] += left
    return out


# (technician person id, starts, ends) of the scheduled visits in a week
VisitRow = tuple[str, dt.datetime, dt.datetime]


def _week_visits(week_start: dt.datetime, week_end: dt.datetime) -> list[VisitRow]:
    """Scheduled visits overlapping the week. One query on the visit time index."""
    return [
        (person_id(engine.TECHNICIAN, tech_id), starts, ends)
        for tech_id, starts, ends in Visit.objects.filter(
            status=VisitStatus.SCHEDULED, starts_at__lt=week_end, ends_at__gt=week_start
        )
        .order_by()
        .values_list("technician_id", "starts_at", "ends_at")
    ]


def _visit_hours_ahead(
    rows: list[VisitRow], now: dt.datetime, week_end: dt.datetime
) -> dict[str, Decimal]:
    """technician person id -> hours of scheduled visits between ``now`` and ``week_end``
    (a visit under way counts from now)."""
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for key, starts, ends in rows:
        seconds = (min(ends, week_end) - max(starts, now)).total_seconds()
        if seconds > 0:
            out[key] += Decimal(int(seconds)) / 3600
    return out


def _free(capacity: Decimal, used: Decimal) -> Decimal:
    return max(Decimal(capacity) - used, ZERO).quantize(HOURS)


@dataclass(frozen=True)
class _Load:
    """What dispatch reads for a day, before the clock within the day is applied."""

    team: list[catalog_engine.Person]
    certified: dict[str, frozenset[str]]
    logged: dict[str, Decimal]
    remaining: dict[str, Decimal]
    visits: list[VisitRow]


def _week_bounds(today: dt.date) -> tuple[dt.datetime, dt.datetime]:
    week = _week_start(today)
    start = timezone.make_aware(dt.datetime.combine(week, dt.time.min))
    return start, timezone.make_aware(dt.datetime.combine(week + dt.timedelta(days=7), dt.time.min))


def _load(today: dt.date) -> _Load:
    """The team (catalog.loaders.people: skills, level, rates, capacity, certifications held)
    with certified skills, hours logged this week, remaining estimates and the week's visits
    (10 queries)."""
    team = sorted(people_loader.people(today), key=lambda p: (p.outside, p.id))
    evidenced = people_loader.evidenced_skills()
    certified: dict[str, frozenset[str]] = {}
    for p in team:
        held: set[str] = set()
        for code in p.certifications:
            held |= evidenced.get(code, frozenset())
        certified[person_id(p.kind, p.id)] = frozenset(held)
    week = _week_start(today)
    logged: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for tech_id, sub_id, total in (
        TimeEntry.objects.filter(work_date__gte=week, work_date__lte=today)
        .order_by()
        .values_list("technician_id", "subcontractor_id")
        .annotate(total=Sum("minutes"))
        .values_list("technician_id", "subcontractor_id", "total")
    ):
        kind = engine.TECHNICIAN if tech_id else engine.SUBCONTRACTOR
        logged[person_id(kind, tech_id or sub_id)] += Decimal(total or 0) / 60
    remaining = _remaining_estimates(
        [p.id for p in team if not p.outside], [p.id for p in team if p.outside]
    )
    return _Load(
        team=team,
        certified=certified,
        logged=dict(logged),
        remaining=dict(remaining),
        visits=_week_visits(*_week_bounds(today)),
    )


# What the cached rows depend on (core.engine_cache).
LOAD_TOPICS = ("team", "tickets", "time", "visits")
FAMILIAR_TOPICS = ("tickets", "visits")


def people(
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    company_ids: Collection[int] | None = None,
) -> list[engine.Person]:
    """Active technicians then active subcontractors (by id) with free hours for ``today``'s
    week and the clients known as of ``now`` (default: the current time); pass
    ``company_ids`` when only those clients' familiarity matters. Without ``today`` and
    ``now`` the rows come from core.engine_cache (no query until an input changes)."""
    live = today is None and now is None
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    if live:
        day = today
        load = engine_cache.cached("dispatch-load", LOAD_TOPICS, lambda: _load(day), day)
        companies = "all" if company_ids is None else ",".join(map(str, sorted(company_ids)))
        moment = now
        familiar = engine_cache.cached(
            "dispatch-familiar",
            FAMILIAR_TOPICS,
            lambda: _familiar(moment, company_ids),
            companies,
        )
    else:
        load = _load(today)
        familiar = _familiar(now, company_ids)
    techs = [p for p in load.team if not p.outside]
    subs = [p for p in load.team if p.outside]
    visits = _visit_hours_ahead(load.visits, now, _week_bounds(today)[1])
    clients = _known_clients(familiar, now)
    certified: dict[str, frozenset[str]] = defaultdict(frozenset, load.certified)
    logged: dict[str, Decimal] = defaultdict(lambda: ZERO, load.logged)
    remaining: dict[str, Decimal] = defaultdict(lambda: ZERO, load.remaining)

    def used(key: str) -> Decimal:
        return logged[key] + remaining[key] + visits[key]

    out: list[engine.Person] = []
    for t in techs:
        key = person_id(engine.TECHNICIAN, t.id)
        out.append(
            engine.Person(
                id=key,
                kind=engine.TECHNICIAN,
                level=t.level,
                bill_rate=t.bill_rate,
                skills=dict(t.skills),
                certified_skills=frozenset(certified[key]),
                free_hours=_free(t.weekly_hours, used(key)),
                clients=frozenset(clients[key]),
                name=t.name,
                cost_rate=t.cost_rate,
            )
        )
    for s in subs:
        key = person_id(engine.SUBCONTRACTOR, s.id)
        out.append(
            engine.Person(
                id=key,
                kind=engine.SUBCONTRACTOR,
                level=s.level,
                bill_rate=s.bill_rate,
                skills=dict(s.skills),
                certified_skills=frozenset(certified[key]),
                free_hours=_free(s.weekly_hours, used(key)),
                clients=frozenset(clients[key]),
                name=s.name,
                cost_rate=s.cost_rate,
            )
        )
    return out


def skill_names() -> dict[str, str]:
    """slug -> display name for the reasons (one query over the small skill table, kept in
    core.engine_cache until a skill changes)."""
    return engine_cache.cached(
        "skill-names", ("team",), lambda: dict(Skill.objects.values_list("slug", "name"))
    )


def _read_requirements() -> dict[int, dict[str, tuple[str, int]]]:
    out: dict[int, dict[str, tuple[str, int]]] = defaultdict(dict)
    for req in ServiceRequirement.objects.select_related("skill"):
        out[req.service_id][req.skill.slug] = (req.skill.name, req.min_proficiency)
    return dict(out)


def service_requirements() -> dict[int, dict[str, tuple[str, int]]]:
    """service id -> {skill slug: (skill name, minimum proficiency)} for every service (one
    query over the small requirement table, kept until a service, requirement or skill
    changes)."""
    return engine_cache.cached("service-requirements", ("catalog", "team"), _read_requirements)


def engine_tickets(tickets: list[Ticket], now: dt.datetime) -> list[engine.Ticket]:
    """Tickets (company and service joined) as the engine sees them: the service's required
    skills (the cached service_requirements) raised by the ticket's extra ones, the client's
    name, and the minutes left on the resolution clock at ``now``."""
    every = service_requirements()
    names = skill_names()
    out = []
    for t in tickets:
        requires = {slug: need for slug, (_, need) in every.get(t.service_id or 0, {}).items()}
        for slug, need in (t.extra_requirements or {}).items():
            requires[str(slug)] = max(requires.get(str(slug), 0), int(need))
        left = None
        if t.resolution_due_at is not None:
            left = int((t.resolution_due_at - now).total_seconds() // 60)
        out.append(
            engine.Ticket(
                id=str(t.pk),
                client=str(t.company_id),
                client_name=t.company.name,
                skill_names=names,
                segment=t.company.segment or "sweet_spot",
                requires=requires,
                tier=t.service.tier if t.service else "routine",
                subcontractable=bool(t.service and t.service.subcontractable),
                estimate_hours=Decimal(t.estimate_hours),
                priority=t.priority,
                sla_minutes_left=left,
            )
        )
    return out


def engine_ticket(ticket: Ticket, now: dt.datetime | None = None) -> engine.Ticket:
    return engine_tickets([ticket], now or timezone.now())[0]


def required_skills(ticket: Ticket) -> list[tuple[str, int, str]]:
    """(skill name, minimum proficiency, "service" | "extra") for the ticket page (from the
    cached requirements and skill names: no query until they change)."""
    out: dict[str, tuple[str, int, str]] = {}
    if ticket.service_id:
        for slug, (name, need) in service_requirements().get(ticket.service_id, {}).items():
            out[slug] = (name, need, "service")
    extra = ticket.extra_requirements or {}
    if extra:
        names = skill_names()
        for slug, need in extra.items():
            have = out.get(slug)
            if have is None or int(need) > have[1]:
                out[slug] = (names.get(slug, slug), int(need), "extra")
    return sorted(out.values())


def dispatch_settings(firm: Firm | None = None) -> engine.DispatchSettings:
    firm = firm or engine_cache.firm()
    return engine.DispatchSettings(
        require_certification_for_upper=firm.require_certification_for_upper,
        surplus_weight=firm.dispatch_surplus_weight,
        time_limit_seconds=float(firm.dispatch_time_limit_seconds),
    )


def suggestions(ticket: Ticket) -> list[tuple[engine.Suggestion, engine.Person]]:
    """Ranked suggestions with the person each one names (for labels and assign buttons)."""
    everyone = people(company_ids={ticket.company_id})
    by_id = {p.id: p for p in everyone}
    ranked = engine.suggest(engine_ticket(ticket), everyone, dispatch_settings())
    return [(s, by_id[s.person_id]) for s in ranked]


def has_technician(user: object) -> bool:
    """Whether the login is linked to a technician row (archived or not), from the cached set
    of linked logins: the ticket page asks it to show the timer without a query."""
    linked = engine_cache.cached(
        "technician-logins",
        ("team",),
        lambda: frozenset(
            Technician.objects.filter(user__isnull=False).values_list("user_id", flat=True)
        ),
    )
    return getattr(user, "pk", None) in linked


def resolve_person(key: str) -> Technician | Subcontractor | None:
    if key[:1] == "t" and key[1:].isdigit():
        return Technician.objects.filter(pk=int(key[1:]), archived_at__isnull=True).first()
    if key[:1] == "s" and key[1:].isdigit():
        return Subcontractor.objects.filter(pk=int(key[1:]), archived_at__isnull=True).first()
    return None
