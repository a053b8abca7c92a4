"""Read the database into the dispatch engine's frozen dataclasses, in a fixed number of
queries: technicians and subcontractors with skills, certified skills (skills evidenced by a
held certification), free hours this week and the clients they know from past tickets."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from sweetspot.catalog.models import ServiceRequirement
from sweetspot.core.models import Firm
from sweetspot.team.models import (
    CertificationSkill,
    Subcontractor,
    SubcontractorCertification,
    SubcontractorSkill,
    Technician,
    TechnicianCertification,
    TechnicianSkill,
)

from . import engine
from .models import Ticket, TimeEntry


def person_id(kind: str, pk: int) -> str:
    return f"{'t' if kind == engine.TECHNICIAN else 's'}{pk}"


def _week_start(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=today.weekday())


def _evidenced() -> dict[int, set[str]]:
    """certification id -> skill slugs it evidences."""
    out: dict[int, set[str]] = defaultdict(set)
    for row in CertificationSkill.objects.select_related("skill"):
        out[row.certification_id].add(row.skill.slug)
    return out


def _held(expires_on: dt.date | None, today: dt.date) -> bool:
    return expires_on is None or expires_on >= today


def people(today: dt.date | None = None) -> list[engine.Person]:
    today = today or timezone.localdate()
    evidenced = _evidenced()
    techs = list(Technician.objects.filter(archived_at__isnull=True).order_by("pk"))
    subs = list(Subcontractor.objects.filter(archived_at__isnull=True).order_by("pk"))
    skills: dict[str, dict[str, int]] = defaultdict(dict)
    certified: dict[str, set[str]] = defaultdict(set)
    for ts in TechnicianSkill.objects.select_related("skill"):
        skills[person_id(engine.TECHNICIAN, ts.technician_id)][ts.skill.slug] = ts.proficiency
    for ss in SubcontractorSkill.objects.select_related("skill"):
        key = person_id(engine.SUBCONTRACTOR, ss.subcontractor_id)
        skills[key][ss.skill.slug] = ss.proficiency
    for tc in TechnicianCertification.objects.all():
        if _held(tc.expires_on, today):
            key = person_id(engine.TECHNICIAN, tc.technician_id)
            certified[key] |= evidenced.get(tc.certification_id, set())
    for sc in SubcontractorCertification.objects.all():
        if _held(sc.expires_on, today):
            key = person_id(engine.SUBCONTRACTOR, sc.subcontractor_id)
            certified[key] |= evidenced.get(sc.certification_id, set())
    week = _week_start(today)
    minutes = dict(
        TimeEntry.objects.filter(work_date__gte=week, work_date__lte=today)
        .values_list("technician_id")
        .annotate(total=Sum("minutes"))
        .values_list("technician_id", "total")
    )
    clients: dict[str, set[str]] = defaultdict(set)
    pairs = (
        Ticket.objects.exclude(technician__isnull=True, subcontractor__isnull=True)
        .values_list("technician_id", "subcontractor_id", "company_id")
        .distinct()
    )
    for tech_id, sub_id, company_id in pairs:
        if tech_id:
            clients[person_id(engine.TECHNICIAN, tech_id)].add(str(company_id))
        if sub_id:
            clients[person_id(engine.SUBCONTRACTOR, sub_id)].add(str(company_id))
    out: list[engine.Person] = []
    for t in techs:
        key = person_id(engine.TECHNICIAN, t.pk)
        used = Decimal(minutes.get(t.pk) or 0) / 60
        out.append(
            engine.Person(
                id=key,
                kind=engine.TECHNICIAN,
                level=t.level,
                bill_rate=t.bill_rate,
                skills=skills[key],
                certified_skills=frozenset(certified[key]),
                free_hours=max(Decimal(t.weekly_capacity_hours) - used, Decimal(0)).quantize(
                    Decimal("0.01")
                ),
                clients=frozenset(clients[key]),
                name=t.name,
                cost_rate=t.cost_rate,
            )
        )
    for s in subs:
        key = person_id(engine.SUBCONTRACTOR, s.pk)
        out.append(
            engine.Person(
                id=key,
                kind=engine.SUBCONTRACTOR,
                level="senior",
                bill_rate=s.bill_rate,
                skills=skills[key],
                certified_skills=frozenset(certified[key]),
                free_hours=Decimal(40),
                clients=frozenset(clients[key]),
                name=s.company_name,
                cost_rate=s.cost_rate,
            )
        )
    return out


def engine_ticket(ticket: Ticket) -> engine.Ticket:
    requires: dict[str, int] = {}
    tier, subcontractable = "routine", False
    if ticket.service is not None:
        for req in ServiceRequirement.objects.filter(service_id=ticket.service.pk).select_related(
            "skill"
        ):
            requires[req.skill.slug] = req.min_proficiency
        tier, subcontractable = ticket.service.tier, ticket.service.subcontractable
    for slug, need in (ticket.extra_requirements or {}).items():
        requires[str(slug)] = max(requires.get(str(slug), 0), int(need))
    return engine.Ticket(
        id=str(ticket.pk),
        client=str(ticket.company_id),
        segment=ticket.company.segment or "sweet_spot",
        requires=requires,
        tier=tier,
        subcontractable=subcontractable,
        estimate_hours=Decimal(ticket.estimate_hours),
        priority=ticket.priority,
    )


def dispatch_settings(firm: Firm | None = None) -> engine.DispatchSettings:
    firm = firm or Firm.current()
    return engine.DispatchSettings(
        require_certification_for_upper=firm.require_certification_for_upper,
        surplus_weight=firm.dispatch_surplus_weight,
        time_limit_seconds=float(firm.dispatch_time_limit_seconds),
    )


def suggestions(ticket: Ticket) -> list[tuple[engine.Suggestion, engine.Person]]:
    """Ranked suggestions with the person each one names (for labels and assign buttons)."""
    everyone = people()
    by_id = {p.id: p for p in everyone}
    ranked = engine.suggest(engine_ticket(ticket), everyone, dispatch_settings())
    return [(s, by_id[s.person_id]) for s in ranked]


def resolve_person(key: str) -> Technician | Subcontractor | None:
    if key[:1] == "t" and key[1:].isdigit():
        return Technician.objects.filter(pk=int(key[1:]), archived_at__isnull=True).first()
    if key[:1] == "s" and key[1:].isdigit():
        return Subcontractor.objects.filter(pk=int(key[1:]), archived_at__isnull=True).first()
    return None
