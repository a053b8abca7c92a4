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
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from sweetspot.catalog import loaders as people_loader
from sweetspot.catalog.models import ServiceRequirement
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


def _known_clients(
    now: dt.datetime, company_ids: Collection[int] | None = None
) -> dict[str, set[str]]:
    """person id -> company ids they know: tickets created, and (technicians) visits not
    cancelled, in the last FAMILIARITY_DAYS days up to ``now``. Two queries; with
    ``company_ids`` only those companies are looked at (the ticket page needs one client, the
    batch its queue's), which keeps the query on the company index as the history grows."""
    since = now - dt.timedelta(days=FAMILIARITY_DAYS)
    clients: dict[str, set[str]] = defaultdict(set)
    tickets = Ticket.objects.all()
    visits_qs = Visit.objects.all()
    if company_ids is not None:
        tickets = tickets.filter(company_id__in=list(company_ids))
        visits_qs = visits_qs.filter(company_id__in=list(company_ids))
    pairs = (
        tickets.filter(created_at__gte=since, created_at__lte=now)
        .exclude(technician__isnull=True, subcontractor__isnull=True)
        .order_by()
        .values_list("technician_id", "subcontractor_id", "company_id")
        .distinct()
    )
    for tech_id, sub_id, company_id in pairs:
        if tech_id:
            clients[person_id(engine.TECHNICIAN, tech_id)].add(str(company_id))
        if sub_id:
            clients[person_id(engine.SUBCONTRACTOR, sub_id)].add(str(company_id))
    visits = (
        visits_qs.filter(starts_at__gte=since, starts_at__lte=now)
        .exclude(status=VisitStatus.CANCELLED)
        .order_by()
        .values_list("technician_id", "company_id")
        .distinct()
    )
    for tech_id, company_id in visits:
        clients[person_id(engine.TECHNICIAN, tech_id)].add(str(company_id))
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


def _visit_hours_ahead(now: dt.datetime, week_end: dt.datetime) -> dict[str, Decimal]:
    """technician person id -> hours of scheduled visits between ``now`` and ``week_end``
    (a visit under way counts from now). One query on the visit time index."""
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    rows = (
        Visit.objects.filter(status=VisitStatus.SCHEDULED, starts_at__lt=week_end, ends_at__gt=now)
        .order_by()
        .values_list("technician_id", "starts_at", "ends_at")
    )
    for tech_id, starts, ends in rows:
        seconds = (min(ends, week_end) - max(starts, now)).total_seconds()
        if seconds > 0:
            out[person_id(engine.TECHNICIAN, tech_id)] += Decimal(int(seconds)) / 3600
    return out


def _free(capacity: Decimal, used: Decimal) -> Decimal:
    return max(Decimal(capacity) - used, ZERO).quantize(HOURS)


def people(
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    company_ids: Collection[int] | None = None,
) -> list[engine.Person]:
    """Active technicians then active subcontractors (by id) with free hours for ``today``'s
    week and the clients known as of ``now`` (default: the current time); pass
    ``company_ids`` when only those clients' familiarity matters."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    # The one people loader (catalog.loaders.people) gives skills, level, rates, capacity and
    # the certifications held; dispatch adds certified skills, free hours and familiarity.
    team = sorted(people_loader.people(today), key=lambda p: (p.outside, p.id))
    techs = [p for p in team if not p.outside]
    subs = [p for p in team if p.outside]
    evidenced = people_loader.evidenced_skills()
    certified: dict[str, set[str]] = defaultdict(set)
    for p in team:
        for code in p.certifications:
            certified[person_id(p.kind, p.id)] |= evidenced.get(code, frozenset())
    week = _week_start(today)
    week_end = timezone.make_aware(dt.datetime.combine(week + dt.timedelta(days=7), dt.time.min))
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
    remaining = _remaining_estimates([t.id for t in techs], [s.id for s in subs])
    visits = _visit_hours_ahead(now, week_end)
    clients = _known_clients(now, company_ids)

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
    """slug -> display name for the reasons (one query over the small skill table)."""
    return dict(Skill.objects.values_list("slug", "name"))


def engine_tickets(tickets: list[Ticket], now: dt.datetime) -> list[engine.Ticket]:
    """Tickets (company and service joined) as the engine sees them: the service's required
    skills (read in one query for all) raised by the ticket's extra ones, the client's name,
    and the minutes left on the resolution clock at ``now``."""
    reqs: dict[int, dict[str, int]] = defaultdict(dict)
    service_ids = {t.service_id for t in tickets if t.service_id}
    for req in ServiceRequirement.objects.filter(service_id__in=service_ids).select_related(
        "skill"
    ):
        reqs[req.service_id][req.skill.slug] = req.min_proficiency
    names = skill_names()
    out = []
    for t in tickets:
        requires = dict(reqs.get(t.service_id or 0, {}))
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
    """(skill name, minimum proficiency, "service" | "extra") for the ticket page, two queries."""
    out: dict[str, tuple[str, int, str]] = {}
    if ticket.service_id:
        for req in ServiceRequirement.objects.filter(service_id=ticket.service_id).select_related(
            "skill"
        ):
            out[req.skill.slug] = (req.skill.name, req.min_proficiency, "service")
    extra = ticket.extra_requirements or {}
    if extra:
        names = dict(Skill.objects.filter(slug__in=list(extra)).values_list("slug", "name"))
        for slug, need in extra.items():
            have = out.get(slug)
            if have is None or int(need) > have[1]:
                out[slug] = (names.get(slug, slug), int(need), "extra")
    return sorted(out.values())


def dispatch_settings(firm: Firm | None = None) -> engine.DispatchSettings:
    firm = firm or Firm.current()
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


def resolve_person(key: str) -> Technician | Subcontractor | None:
    if key[:1] == "t" and key[1:].isdigit():
        return Technician.objects.filter(pk=int(key[1:]), archived_at__isnull=True).first()
    if key[:1] == "s" and key[1:].isdigit():
        return Subcontractor.objects.filter(pk=int(key[1:]), archived_at__isnull=True).first()
    return None
