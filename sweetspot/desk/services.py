"""The only place that writes tickets and comments. Every function records an audit row.

SLA due-at and at-risk timestamps are computed here in Python (desk/sla.py) when a ticket is
created or changes status; the queue compares them with now in the query. Each function takes
an optional ``now`` so tests can freeze time without patching.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sweetspot.agreements.models import Agreement, AgreementStatus
from sweetspot.agreements.services import terms_of
from sweetspot.clients.models import Site
from sweetspot.core import audit
from sweetspot.core.models import AuditLog, Firm, User
from sweetspot.core.writes import assign_fields
from sweetspot.team import requirements
from sweetspot.team.models import Subcontractor, Technician

from . import signals
from .models import Source, Ticket, TicketComment, TicketStatus
from .sla import BusinessHours, Clock

# Firm defaults for clients without an active agreement: (response, resolution) minutes.
DEFAULT_TARGETS = {"P1": (60, 240), "P2": (240, 960), "P3": (480, 2400), "P4": (1440, 4800)}
TICKET_FIELDS = [
    "company",
    "site",
    "contact",
    "subject",
    "description",
    "source",
    "priority",
    "service",
    "extra_requirements",
    "estimate_hours",
]


def business_hours(firm: Firm | None = None) -> BusinessHours:
    firm = firm or Firm.current()
    return BusinessHours(
        time_zone=firm.time_zone,
        opens=firm.business_opens,
        closes=firm.business_closes,
        weekdays=frozenset(firm.business_weekdays or range(5)),
        holidays=frozenset(dt.date.fromisoformat(d) for d in firm.holidays or []),
    )


def active_agreement(company: Any) -> Agreement | None:
    return (
        Agreement.objects.filter(company=company, status=AgreementStatus.ACTIVE)
        .select_related("plan")
        .order_by("-start_date", "-pk")
        .first()
    )


def sla_targets(agreement: Agreement | None, priority: str) -> tuple[int, int]:
    """(response, resolution) business minutes: the agreement's terms, else firm defaults."""
    default = DEFAULT_TARGETS.get(priority, DEFAULT_TARGETS["P3"])
    if agreement is None:
        return default
    terms = terms_of(agreement)
    response = (terms.get("response_minutes") or {}).get(priority, default[0])
    resolution = (terms.get("resolution_minutes") or {}).get(priority, default[1])
    return int(response), int(resolution)


def _pauses(ticket: Ticket) -> tuple[tuple[dt.datetime, dt.datetime | None], ...]:
    return tuple(
        (dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b) if b else None)
        for a, b in ticket.pauses
    )


def clock(ticket: Ticket) -> Clock:
    return Clock(
        created_at=ticket.created_at.astimezone(dt.UTC),
        response_target_minutes=ticket.response_target_minutes,
        resolution_target_minutes=ticket.resolution_target_minutes,
        pauses=_pauses(ticket),
    )


def recompute_sla(ticket: Ticket, hours: BusinessHours | None = None) -> None:
    """Store the due-at and at-risk timestamps (resolution ones NULL while paused)."""
    hours = hours or business_hours()
    c = clock(ticket)
    ticket.response_due_at = c.response_due_at(hours)
    ticket.response_at_risk_at = c.at_risk_at(hours, "response")
    ticket.resolution_due_at = c.resolution_due_at(hours)
    ticket.resolution_at_risk_at = c.at_risk_at(hours, "resolution")


def _now(now: dt.datetime | None) -> dt.datetime:
    return (now or timezone.now()).astimezone(dt.UTC)


def clean_requirements(raw: Any) -> dict[str, int]:
    """Extra required skills: {known skill slug: minimum proficiency 1-5}, else a field error
    (the one validator, team.requirements)."""
    if not raw:
        return {}
    if not isinstance(raw, dict):
        raise ValidationError({"extra_requirements": "Give skills as {skill: minimum level}."})
    cleaned = requirements.clean_requirements(raw.items(), "extra_requirements")
    return dict(sorted((skill.slug, need) for skill, need in cleaned.items()))


@transaction.atomic
def _opened_by_contact(ticket: Ticket, actor: User) -> None:
    """A ticket from the portal or a client's API token records who opened it: the contact
    the login belongs to (``User.contact``) and their site, else the company's only site."""
    contact = actor.contact
    if contact is not None and contact.company_id == actor.company_id:
        ticket.contact = contact
        if ticket.site_id is None and contact.site_id is not None:
            ticket.site_id = contact.site_id
    if ticket.site_id is None and ticket.company_id is not None:
        sites = list(
            Site.objects.filter(company_id=ticket.company_id, archived_at__isnull=True)[:2]
        )
        if len(sites) == 1:
            ticket.site = sites[0]


def open_ticket(
    actor: User | None,
    data: dict[str, Any],
    now: dt.datetime | None = None,
    firm: Firm | None = None,
) -> Ticket:
    ticket = Ticket()
    for key in TICKET_FIELDS:
        if key in data and data[key] is not None:
            setattr(ticket, key, data[key])
    ticket.extra_requirements = clean_requirements(data.get("extra_requirements"))
    if actor is not None and actor.role == "client":
        ticket.company = actor.company  # type: ignore[assignment]
        ticket.source = Source.PORTAL
        _opened_by_contact(ticket, actor)
    if ticket.service is not None and "estimate_hours" not in data:
        ticket.estimate_hours = ticket.service.typical_duration_hours
    ticket.created_at = _now(now)
    ticket.created_by = actor if actor is not None and actor.pk else None
    ticket.status = TicketStatus.NEW
    ticket.agreement = active_agreement(ticket.company_id) if ticket.company_id else None
    response, resolution = sla_targets(ticket.agreement, ticket.priority)
    ticket.response_target_minutes = response
    ticket.resolution_target_minutes = resolution
    if ticket.company_id:
        recompute_sla(ticket, business_hours(firm))
    ticket.full_clean(exclude=["created_by"])
    ticket.save()
    audit.record(actor, AuditLog.Action.CREATE, ticket, {}, audit.snapshot(ticket))
    signals.notify(signals.ticket_opened, ticket.pk)
    return ticket


EDITABLE_FIELDS = [
    "site",
    "contact",
    "subject",
    "description",
    "priority",
    "service",
    "extra_requirements",
    "estimate_hours",
]


STALE_MESSAGE = (
    "Someone else changed this ticket while you were editing it. Your edits are below and "
    "nothing was saved: check the ticket page for their change, then save again."
)


def version_of(ticket: Ticket) -> str:
    """The ticket's version as an edit form carries it (its last change instant)."""
    return ticket.updated_at.isoformat() if ticket.updated_at else ""


@transaction.atomic
def update_ticket(
    actor: User | None,
    ticket: Ticket,
    data: dict[str, Any],
    firm: Firm | None = None,
    expected_version: str | None = None,
) -> Ticket:
    """Change what the ticket is about. The client stays (its history and SLA belong to it);
    a closed ticket is history and cannot change. A new priority takes the SLA targets of the
    agreement the ticket was opened under (firm defaults without one) and recomputes the due
    times from the creation instant, pauses included.

    ``expected_version`` (an edit form's ``version_of`` when it was opened): when the ticket
    changed since, nothing is saved (ValidationError code "stale") instead of overwriting
    the other person's change with the form's old values."""
    _lock(ticket)
    if expected_version is not None and expected_version != version_of(ticket):
        raise ValidationError(STALE_MESSAGE, code="stale")
    if ticket.status == TicketStatus.CLOSED:
        raise ValidationError("A closed ticket cannot be edited.")
    before = audit.snapshot(ticket)
    old_priority = ticket.priority
    assign_fields(ticket, EDITABLE_FIELDS, data)
    if "extra_requirements" in data:
        ticket.extra_requirements = clean_requirements(data["extra_requirements"])
    errors = {}
    for key in ("site", "contact"):
        obj = getattr(ticket, key)
        if obj is not None and obj.company_id != ticket.company_id:
            errors[key] = "Not one of this client's."
    if errors:
        raise ValidationError(errors)
    if ticket.priority != old_priority:
        response, resolution = sla_targets(ticket.agreement, ticket.priority)
        ticket.response_target_minutes = response
        ticket.resolution_target_minutes = resolution
        recompute_sla(ticket, business_hours(firm))
    ticket.full_clean(exclude=["created_by"])
    return _save(actor, ticket, before)


ALLOWED = {
    "assign": {TicketStatus.NEW, TicketStatus.ASSIGNED, TicketStatus.IN_PROGRESS},
    "start": {TicketStatus.ASSIGNED},
    "wait": {TicketStatus.ASSIGNED, TicketStatus.IN_PROGRESS},
    "resume": {TicketStatus.WAITING},
    "resolve": {TicketStatus.ASSIGNED, TicketStatus.IN_PROGRESS, TicketStatus.WAITING},
    "close": {TicketStatus.RESOLVED},
    "reopen": {TicketStatus.RESOLVED},
}


def _check(ticket: Ticket, action: str) -> None:
    if ticket.status not in ALLOWED[action]:
        raise ValidationError(
            f"Cannot {action} a ticket that is {ticket.get_status_display().lower()}."
        )


def _respond(ticket: Ticket, actor: User | None, now: dt.datetime) -> None:
    """The first thing the client can see from a person stops the response clock (docs/DOMAIN.md
    §8): called only by the staff status changes the client sees (waiting on the client,
    resolved) and by client-visible staff comments. A change without a person (``actor``
    None: a job, the mail intake's automatic steps) is not a response."""
    if ticket.responded_at is None and actor is not None and actor.is_firm_staff:
        ticket.responded_at = now


def _lock(ticket: Ticket) -> None:
    """Lock the ticket's row for the rest of the transaction and reload it, so that the change
    is made to the row as it is now, not as it was when the caller read it (issue 15 item 4:
    a PATCH and an assign at the same moment lost the description edit). PostgreSQL row
    lock; SQLite's IMMEDIATE transactions serialise writers."""
    if ticket.pk is not None:
        ticket.refresh_from_db(from_queryset=Ticket.objects.select_for_update())


def _save(actor: User | None, ticket: Ticket, before: dict[str, Any]) -> Ticket:
    """Save only the fields this change touched (a concurrent change to others stays)."""
    after = audit.snapshot(ticket)
    names = {f.attname: f.name for f in Ticket._meta.concrete_fields}
    changed = [names[k] for k in after if after[k] != before.get(k) and k in names]
    ticket.save(update_fields=[*changed, "updated_at"])
    audit.record(actor, AuditLog.Action.UPDATE, ticket, before, after)
    return ticket


@transaction.atomic
def assign(
    actor: User | None,
    ticket: Ticket,
    assignee: Technician | Subcontractor,
    now: dt.datetime | None = None,
) -> Ticket:
    _lock(ticket)
    _check(ticket, "assign")
    before = audit.snapshot(ticket)
    previous = (ticket.technician_id, ticket.subcontractor_id)
    if isinstance(assignee, Technician):
        ticket.technician, ticket.subcontractor = assignee, None
    else:
        ticket.technician, ticket.subcontractor = None, assignee
    if ticket.status == TicketStatus.NEW:
        ticket.status = TicketStatus.ASSIGNED
    # An assignment is not a response: the client sees nothing from a person yet.
    if (ticket.technician_id, ticket.subcontractor_id) != previous:
        kind = "technician" if isinstance(assignee, Technician) else "subcontractor"
        signals.notify(signals.ticket_assigned, ticket.pk, assignee=f"{kind}:{assignee.pk}")
    return _save(actor, ticket, before)


@transaction.atomic
def start_work(actor: User | None, ticket: Ticket, now: dt.datetime | None = None) -> Ticket:
    _lock(ticket)
    _check(ticket, "start")
    before = audit.snapshot(ticket)
    ticket.status = TicketStatus.IN_PROGRESS  # not a response (docs/DOMAIN.md §8)
    return _save(actor, ticket, before)


@transaction.atomic
def wait_on_client(actor: User | None, ticket: Ticket, now: dt.datetime | None = None) -> Ticket:
    """Pause the resolution clock: its due time is NULL until the client answers."""
    _lock(ticket)
    _check(ticket, "wait")
    before = audit.snapshot(ticket)
    moment = _now(now)
    ticket.status = TicketStatus.WAITING
    ticket.pauses = [*ticket.pauses, [moment.isoformat(), None]]
    _respond(ticket, actor, moment)
    recompute_sla(ticket)
    return _save(actor, ticket, before)


@transaction.atomic
def resume(actor: User | None, ticket: Ticket, now: dt.datetime | None = None) -> Ticket:
    """Close the open pause and recompute the resolution due time."""
    _lock(ticket)
    _check(ticket, "resume")
    before = audit.snapshot(ticket)
    moment = _now(now)
    pauses = [list(p) for p in ticket.pauses]
    if pauses and pauses[-1][1] is None:
        pauses[-1][1] = max(moment, dt.datetime.fromisoformat(pauses[-1][0])).isoformat()
    ticket.pauses = pauses
    assigned = ticket.technician_id or ticket.subcontractor_id
    ticket.status = TicketStatus.IN_PROGRESS if assigned else TicketStatus.NEW
    recompute_sla(ticket)
    return _save(actor, ticket, before)


@transaction.atomic
def resolve(actor: User | None, ticket: Ticket, now: dt.datetime | None = None) -> Ticket:
    _lock(ticket)
    _check(ticket, "resolve")
    before = audit.snapshot(ticket)
    moment = _now(now)
    if ticket.status == TicketStatus.WAITING:
        pauses = [list(p) for p in ticket.pauses]
        pauses[-1][1] = moment.isoformat()
        ticket.pauses = pauses
        recompute_sla(ticket)
    ticket.status = TicketStatus.RESOLVED
    ticket.resolved_at = moment
    _respond(ticket, actor, moment)
    signals.notify(signals.ticket_resolved, ticket.pk)
    return _save(actor, ticket, before)


@transaction.atomic
def close(actor: User | None, ticket: Ticket, now: dt.datetime | None = None) -> Ticket:
    _lock(ticket)
    _check(ticket, "close")
    before = audit.snapshot(ticket)
    ticket.status = TicketStatus.CLOSED
    ticket.closed_at = _now(now)
    return _save(actor, ticket, before)


@transaction.atomic
def reopen(
    actor: User | None,
    ticket: Ticket,
    priority: str | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """The client came back about a resolved ticket: it is open again (in progress when it
    has an assignee, else new). The time it spent resolved counts as a pause, so the
    resolution clock resumes where it stopped. ``priority`` may raise the priority (a mail
    marked important), never lower it; the due times follow as in update_ticket."""
    _lock(ticket)
    _check(ticket, "reopen")
    before = audit.snapshot(ticket)
    moment = _now(now)
    if ticket.resolved_at is not None:
        floor = max([ticket.created_at.astimezone(dt.UTC)] + [b for _, b in _pauses(ticket) if b])
        start = min(max(ticket.resolved_at.astimezone(dt.UTC), floor), moment)
        if start < moment:
            ticket.pauses = [*ticket.pauses, [start.isoformat(), moment.isoformat()]]
    ticket.resolved_at = None
    assigned = ticket.technician_id or ticket.subcontractor_id
    ticket.status = TicketStatus.IN_PROGRESS if assigned else TicketStatus.NEW
    if priority is not None and priority < ticket.priority:  # "P2" < "P3": more urgent
        ticket.priority = priority
        response, resolution = sla_targets(ticket.agreement, ticket.priority)
        ticket.response_target_minutes = response
        ticket.resolution_target_minutes = resolution
    recompute_sla(ticket)
    return _save(actor, ticket, before)


TRANSITIONS = {
    "start": start_work,
    "wait": wait_on_client,
    "resume": resume,
    "resolve": resolve,
    "close": close,
}


@transaction.atomic
def add_comment(
    actor: User,
    ticket: Ticket,
    body: str,
    internal: bool = True,
    now: dt.datetime | None = None,
    response: bool = True,
) -> TicketComment:
    """Client contacts' comments are always client-visible. A client-visible staff comment
    (one recording a phone call with the client included) is the first response; an internal
    note never is, nor a system note (``response=False``, e.g. one written by the mail
    intake) (docs/DOMAIN.md §8)."""
    if not actor.is_firm_staff:
        internal = False
    comment = TicketComment(ticket=ticket, author=actor, body=body.strip(), internal=internal)
    comment.full_clean()
    comment.save()
    audit.record(actor, AuditLog.Action.CREATE, comment, {}, audit.snapshot(comment))
    if not actor.is_firm_staff:
        signals.notify(signals.client_replied, ticket.pk, comment_id=comment.pk)
    elif not internal:
        signals.notify(signals.comment_added, ticket.pk, comment_id=comment.pk)
    if ticket.responded_at is None and actor.is_firm_staff and response and not internal:
        _lock(ticket)
        before = audit.snapshot(ticket)
        _respond(ticket, actor, _now(now))
        _save(actor, ticket, before)
    return comment
