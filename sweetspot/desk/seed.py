"""Demo service-desk data (issue #7): ``seed_desk(today=None)``.

Idempotent: does nothing when any Ticket exists. About 300 tickets over the last six months
across the client companies (and a few prospects), subjects that fit each catalog service,
priorities mostly P3/P4; most resolved or closed with time entries by the technician the
dispatch engine ranks first; ~15 open (some unassigned, for the batch dispatch page; some
waiting on the client); a few on-site visits per agreement client over the last and next
weeks.

The historical tickets and time entries are written with ``bulk_create`` (the SLA fields are
computed with ``desk.sla`` exactly as ``desk.services`` does) and one summary AuditLog row
records the load; the open tickets and the visits go through the services.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from sweetspot.agreements.models import Agreement, AgreementStatus
from sweetspot.catalog.models import Service, ServiceRequirement
from sweetspot.clients.models import Company
from sweetspot.core import engine_cache
from sweetspot.core.models import AuditLog, User
from sweetspot.team.models import Subcontractor, Technician

from . import engine, loaders, services, signals, visit_services
from .models import Source, Ticket, TicketStatus, TimeEntry, VisitStatus, WorkType

SEED = 7
HISTORY = 285
OPEN = 15
SUBJECTS: dict[str, list[str]] = {
    "Desktop support": [
        "Laptop will not boot after update",
        "New starter needs a PC set up",
        "Monitor flickering at reception",
        "Printer offline on the second floor",
    ],
    "Office & accounting app support": [
        "QuickBooks company file will not open",
        "Excel crashes when opening the budget",
        "Word templates missing after upgrade",
    ],
    "E-mail and phone sync": [
        "Outlook keeps asking for the password",
        "Calendar not syncing to the phone",
        "Shared mailbox missing in Outlook",
    ],
    "Access database support": [
        "Access database reports very slow",
        "Access form throws an error on save",
    ],
    "Backup management": [
        "Backup job failed overnight",
        "Restore a deleted folder from last week",
        "Offsite backup copy is stale",
    ],
    "Antivirus and patching": [
        "Antivirus alert on a workstation",
        "Patches pending on several PCs",
        "Phishing e-mail reported by staff",
    ],
    "Firewall management": [
        "Open a port for the new door system",
        "Firewall firmware update",
    ],
    "LAN administration": [
        "Wi-Fi slow in the meeting room",
        "Network drop in the back office",
        "Add a switch for the new desks",
    ],
    "WAN/VPN administration": [
        "VPN drops every few minutes",
        "Branch office cannot reach the server",
    ],
    "Server administration": [
        "File server disk almost full",
        "Server restarted unexpectedly",
        "Add a user to the domain groups",
    ],
    "SQL Server development": [
        "SQL Server job failed",
        "Report query takes minutes",
    ],
    "Exchange development": ["Transport rule for outgoing disclaimers"],
    "Custom .NET/VB development": ["Fix the invoice export in the in-house app"],
}
PRIORITIES = ["P1"] * 2 + ["P2"] * 8 + ["P3"] * 45 + ["P4"] * 45
SOURCES = [Source.PHONE] * 4 + [Source.EMAIL] * 4 + [Source.PORTAL] * 2 + [Source.ONSITE]
WORK_TYPES = [WorkType.REMOTE] * 6 + [WorkType.PHONE] * 3 + [WorkType.ONSITE]


def _cached(fn: Any) -> Any:
    cache: dict[Any, Any] = {}

    def wrapped(*args: Any) -> Any:
        if args not in cache:
            cache[args] = fn(*args)
        return cache[args]

    return wrapped


def _business_moment(rng: random.Random, day: dt.date, tz: Any) -> dt.datetime:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    local = dt.datetime.combine(day, dt.time(8 + rng.randrange(9), rng.randrange(60)), tz)
    return local.astimezone(dt.UTC)


def seed_desk(today: dt.date | None = None) -> dict[str, int]:
    if Ticket.objects.exists():
        return {}
    # History, not news: nobody is mailed about the seeded tickets (desk/signals.py).
    with signals.muted(), transaction.atomic():
        return _seed(today or timezone.localdate())


def _seed(today: dt.date) -> dict[str, int]:
    rng = random.Random(SEED)
    clients = list(Company.objects.filter(status="client").order_by("pk"))
    prospects = list(Company.objects.filter(status="prospect").order_by("pk")[:4])
    svc = list(Service.objects.filter(archived_at__isnull=True).order_by("pk"))
    if not clients or not svc:
        return {}
    people = loaders.people(today)
    if not any(p.kind == engine.TECHNICIAN for p in people):
        return {}
    techs = {t.pk: t for t in Technician.objects.filter(archived_at__isnull=True)}
    subs = {s.pk: s for s in Subcontractor.objects.filter(archived_at__isnull=True)}
    reqs: dict[int, dict[str, int]] = defaultdict(dict)
    for r in ServiceRequirement.objects.filter(service__in=svc).select_related("skill"):
        reqs[r.service_id][r.skill.slug] = r.min_proficiency
    firm_hours = services.business_hours()
    tz = timezone.get_current_timezone()
    settings = loaders.dispatch_settings()
    agreement_of = _cached(services.active_agreement)
    targets = _cached(services.sla_targets)
    # Routine work dominates; specialist work is rare.
    weights = [{"routine": 10, "network": 4, "specialist": 1}.get(s.tier, 2) for s in svc]

    def pick_person(company: Company, service: Service | None, hours: Decimal) -> str | None:
        if service is None:
            return None
        ticket = engine.Ticket(
            id="x",
            client=str(company.pk),
            segment=company.segment or "sweet_spot",
            requires=reqs.get(service.pk, {}),
            tier=service.tier,
            subcontractable=service.subcontractable,
            estimate_hours=hours,
        )
        ranked = engine.suggest(ticket, people, settings)
        return ranked[0].person_id if ranked else None

    def assignee(key: str | None) -> tuple[Technician | None, Subcontractor | None]:
        if key is None:
            return None, None
        if key.startswith("t"):
            return techs.get(int(key[1:])), None
        return None, subs.get(int(key[1:]))

    def build(company: Company, created: dt.datetime) -> Ticket:
        service = rng.choices(svc, weights)[0]
        priority = rng.choice(PRIORITIES)
        agreement = agreement_of(company.pk)
        response, resolution = targets(agreement, priority)
        ticket = Ticket(
            company=company,
            subject=rng.choice(SUBJECTS.get(service.name, [f"{service.name} request"])),
            source=rng.choice(SOURCES),
            priority=priority,
            service=service,
            estimate_hours=service.typical_duration_hours,
            agreement=agreement,
            created_at=created,
            response_target_minutes=response,
            resolution_target_minutes=resolution,
        )
        services.recompute_sla(ticket, firm_hours)
        return ticket

    companies = clients * 4 + prospects  # clients call far more often
    history: list[Ticket] = []
    for _ in range(HISTORY):
        company = rng.choice(companies)
        created = _business_moment(rng, today - dt.timedelta(days=rng.randrange(3, 182)), tz)
        ticket = build(company, created)
        tech, sub = assignee(pick_person(company, ticket.service, ticket.estimate_hours))
        ticket.technician, ticket.subcontractor = tech, sub
        ticket.responded_at = created + dt.timedelta(minutes=rng.randrange(5, 90))
        ticket.resolved_at = created + dt.timedelta(hours=rng.randrange(1, 30))
        closed = ticket.resolved_at.date() < today - dt.timedelta(days=7)
        ticket.status = TicketStatus.CLOSED if closed else TicketStatus.RESOLVED
        ticket.closed_at = ticket.resolved_at + dt.timedelta(days=3) if closed else None
        history.append(ticket)
    history.sort(key=lambda t: t.created_at)
    Ticket.objects.bulk_create(history, batch_size=500)
    entries = []
    for ticket in history:
        if ticket.technician is None:
            continue
        for _ in range(rng.choice((1, 1, 2))):
            minutes = max(
                15, int(float(ticket.estimate_hours) * 60 * rng.uniform(0.5, 1.3)) // 15 * 15
            )
            work_type = rng.choice(WORK_TYPES)
            entries.append(
                TimeEntry(
                    technician=ticket.technician,
                    ticket=ticket,
                    company=ticket.company,
                    agreement=ticket.agreement,
                    work_type=work_type,
                    work_date=ticket.created_at.astimezone(tz).date(),
                    minutes=minutes,
                    billable=rng.random() < 0.9,
                    note=f"{work_type.label}: {ticket.subject.lower()}",
                )
            )
    TimeEntry.objects.bulk_create(entries, batch_size=500)
    engine_cache.bump("tickets", "time")  # bulk_create sends no signals
    AuditLog.objects.create(
        actor=None,
        actor_label="system",
        action=AuditLog.Action.CREATE,
        object_type=Ticket._meta.label,
        object_id=f"{history[0].pk}-{history[-1].pk}",
        object_repr=f"seed_desk: {len(history)} tickets, {len(entries)} time entries",
        changes={"tickets": len(history), "time_entries": len(entries)},
    )
    opened = _open_tickets(rng, clients, today, tz, build, pick_person, assignee)
    visits = _visits(rng, today, tz, techs)
    return {"tickets": len(history) + opened, "time_entries": len(entries), "visits": visits}


def _open_tickets(
    rng: random.Random,
    clients: list[Company],
    today: dt.date,
    tz: Any,
    build: Any,
    pick_person: Any,
    assignee: Any,
) -> int:
    """OPEN tickets through the services: the first third left unassigned (new), the rest
    assigned, some in progress, some waiting on the client."""
    dan = User.objects.filter(username="dan").first()
    for i in range(OPEN):
        company = rng.choice(clients)
        now = _business_moment(rng, today - dt.timedelta(days=rng.randrange(0, 4)), tz)
        draft = build(company, now)
        data = {
            f: getattr(draft, f)
            for f in ("company", "subject", "source", "priority", "service", "estimate_hours")
        }
        ticket = services.open_ticket(dan, data, now=now)
        if i < OPEN // 3:
            continue
        tech, sub = assignee(pick_person(company, ticket.service, ticket.estimate_hours))
        person = tech or sub
        if person is None:
            continue
        later = now + dt.timedelta(minutes=30)
        services.assign(dan, ticket, person, now=later)
        if i % 3 == 0 and tech is not None:
            services.start_work(dan, ticket, now=later + dt.timedelta(minutes=30))
        elif i % 3 == 1:
            services.wait_on_client(dan, ticket, now=later + dt.timedelta(hours=1))
    return OPEN


def _visits(rng: random.Random, today: dt.date, tz: Any, techs: dict[int, Technician]) -> int:
    """Two past and one upcoming on-site half-day per active agreement client."""
    if not techs:
        return 0
    olivia = User.objects.filter(username="olivia").first()
    staff = sorted(techs.values(), key=lambda t: t.pk)
    made = 0
    booked: set[tuple[int, dt.date, int]] = set()
    agreements = Agreement.objects.filter(status=AgreementStatus.ACTIVE).order_by("pk")
    for n, agreement in enumerate(agreements.select_related("company")):
        tech = staff[n % len(staff)]
        for offset in (-12, -5, 4):
            day = today + dt.timedelta(days=offset + rng.randrange(0, 2))
            hour = 9 if n % 2 else 13
            # Never book a technician twice (visit_services refuses a clash): next weekday.
            while day.weekday() >= 5 or (tech.pk, day, hour) in booked:
                day += dt.timedelta(days=1)
            booked.add((tech.pk, day, hour))
            start = dt.datetime.combine(day, dt.time(hour), tz)
            visit = visit_services.schedule_visit(
                olivia,
                {
                    "company": agreement.company,
                    "technician": tech,
                    "agreement": agreement,
                    "starts_at": start,
                    "ends_at": start + dt.timedelta(hours=4),
                    "purpose": "Scheduled on-site half-day",
                },
            )
            if day < today:
                # Done without a time entry: the demo's billed months stay as seeded (a visit
                # marked done in the app logs its time through complete_visit).
                visit_services.update_visit(olivia, visit, {"status": VisitStatus.DONE})
            made += 1
    return made
