"""Tickets over HTTP, with the pages' roles and scoping (sweetspot.desk.views).

Staff read every ticket, client contacts their own company's (others: 404). Staff and client
contacts open tickets and comment (a contact's company is fixed, their comments are always
client-visible, internal comments are never shown to them). Dispatch suggestions: staff;
assigning: owner and dispatcher. Bodies are strict: unknown keys, bad enums → 422.
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Header, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from sweetspot.catalog.models import Service
from sweetspot.clients.models import Contact, Site
from sweetspot.clients.scoping import companies_visible_to
from sweetspot.core import limits, permissions
from sweetspot.core.access import AuthedHttpRequest
from sweetspot.core.models import Job, Role
from sweetspot.desk import batch_views, loaders, queries, services

from .auth import require
from .conflicts import ConflictOut
from .pagination import CappedPages  # bounded ?page= (issue 15), count to 1,001 (issue 18)
from .schemas import Strict, Text

router = Router(tags=["desk"])
PAGE_SIZE = 25

PriorityT = Literal["P1", "P2", "P3", "P4"]
SourceT = Literal["phone", "email", "portal", "onsite"]
TicketStatusT = Literal["new", "assigned", "in_progress", "waiting", "resolved", "closed", "open"]


class TicketIn(Strict):
    company_id: int | None = None
    subject: str = Field(min_length=1, max_length=200)
    description: Text = ""
    source: SourceT = "phone"
    priority: PriorityT = "P3"
    service_id: int | None = None
    extra_requirements: dict[str, int] = {}
    estimate_hours: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=2)


class TicketPatch(Strict):
    """Partial update; the client is fixed. A new priority recomputes the SLA due times."""

    site_id: int | None = None
    contact_id: int | None = None
    subject: str | None = Field(None, min_length=1, max_length=200)
    description: Text | None = None
    priority: PriorityT | None = None
    service_id: int | None = None
    extra_requirements: dict[str, int] | None = None
    estimate_hours: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=2)
    version: str | None = Field(
        None,
        max_length=64,
        description="The ticket's version this edit starts from (as read: `version`, or the "
        "ETag without quotes). When the ticket changed since: 409 and nothing is saved. "
        "Same as the If-Match header; omitted: the edit applies to the ticket as it is now.",
    )


class TicketConflictOut(ConflictOut):
    """409: the ticket changed since the version the edit started from."""

    current_version: str


class TicketOut(Schema):
    id: int
    company_id: int
    site_id: int | None
    contact_id: int | None
    subject: str
    description: str
    source: str
    priority: str
    status: str
    service_id: int | None
    extra_requirements: dict[str, int]
    technician_id: int | None
    subcontractor_id: int | None
    estimate_hours: Decimal
    created_at: dt.datetime
    response_due_at: dt.datetime | None
    resolution_due_at: dt.datetime | None
    responded_at: dt.datetime | None
    version: str = Field(
        description="Changes whenever the ticket does (its last change instant); also the "
        "ETag header. Send it back as If-Match or `version` when editing (optimistic "
        "concurrency: 409 when someone else changed the ticket in between)."
    )

    @staticmethod
    def resolve_version(obj: Any) -> str:
        return services.version_of(obj)


class TicketFilters(Schema):
    status: TicketStatusT | None = None
    priority: PriorityT | None = None
    client: int | None = Field(None, ge=1, le=2_147_483_647)
    assignee: str | None = Field(None, pattern=r"^(none|[ts]\d+)$")
    at_risk: bool = False
    breached: bool = False


class CommentIn(Strict):
    body: str = Field(min_length=1, max_length=limits.TEXT)
    internal: bool = True


class CommentOut(Schema):
    id: int
    ticket_id: int
    body: str
    internal: bool
    created_at: dt.datetime


class SuggestionOut(Schema):
    id: str
    name: str
    kind: str
    surplus: int
    bill_rate: Decimal
    familiar: bool
    free_hours: Decimal
    reasons: list[str]
    billed_difference: Decimal | None = None
    cost_difference: Decimal | None = None


class AssignIn(Strict):
    person: str = Field(pattern=r"^[ts]\d+$")


@router.get(
    "/tickets",
    response=list[TicketOut],
    description="Newest first. `count` stops at 1,001 (more than 1,000 tickets match).",
)
@paginate(CappedPages, page_size=PAGE_SIZE)
def list_tickets(request: AuthedHttpRequest, filters: Query[TicketFilters]) -> Any:
    require(request, permissions.can_read_tickets)
    params = {k: ("1" if v is True else v) for k, v in filters.dict().items() if v}
    qs = queries.filter_tickets(queries.tickets_visible_to(request.user), params)
    return qs.order_by("-created_at", "-pk")


@router.post("/tickets", response={201: TicketOut})
def create_ticket(request: AuthedHttpRequest, payload: TicketIn) -> Any:
    require(request, permissions.can_read_tickets)
    data: dict[str, Any] = payload.dict()
    company_id = data.pop("company_id")
    service_id = data.pop("service_id")
    if data["estimate_hours"] is None:
        data.pop("estimate_hours")
    if request.user.role == Role.CLIENT:
        if company_id not in (None, request.user.company_id):
            raise ValidationError({"company_id": "Only your own company."})
        if data.get("extra_requirements") or service_id is not None:
            field = "service_id" if service_id is not None else "extra_requirements"
            raise ValidationError({field: "The service desk sets what a ticket needs."})
        data["company"] = request.user.company
    else:
        company = companies_visible_to(request.user, include_archived=False).filter(pk=company_id)
        data["company"] = company.first()
        if data["company"] is None:
            raise ValidationError({"company_id": "Unknown client."})
        if service_id is not None:
            data["service"] = Service.objects.filter(
                pk=service_id, archived_at__isnull=True
            ).first()
            if data["service"] is None:
                raise ValidationError({"service_id": "Unknown service."})
    ticket = services.open_ticket(request.user, data)
    return Status(201, ticket)


def _etag(version: str) -> str:
    return f'"{version}"'


def _version_wanted(if_match: str | None, version: str | None) -> str | None:
    """The version an edit starts from: If-Match's entity tag (quotes and a W/ prefix
    dropped) or the body's ``version``; None when neither is given, or for ``If-Match: *``."""
    tag = None
    if if_match is not None and if_match.strip() != "*":
        tag = if_match.strip().removeprefix("W/").strip('"')
        if "," in tag:
            raise ValidationError({"version": "Send one version in If-Match."})
    if tag is not None and version is not None and tag != version:
        raise ValidationError({"version": "The If-Match header and version disagree."})
    return tag if tag is not None else version


@router.get("/tickets/{ticket_id}", response=TicketOut)
def get_ticket(request: AuthedHttpRequest, ticket_id: int, response: HttpResponse) -> Any:
    """The ETag header carries the ticket's version."""
    require(request, permissions.can_read_tickets)
    ticket = queries.get_ticket_for(request.user, ticket_id)
    response["ETag"] = _etag(services.version_of(ticket))
    return ticket


@router.patch("/tickets/{ticket_id}", response={200: TicketOut, 409: TicketConflictOut})
def update_ticket(
    request: AuthedHttpRequest,
    ticket_id: int,
    payload: TicketPatch,
    response: HttpResponse,
    if_match: str | None = Header(
        None,
        alias="If-Match",
        max_length=100,
        description="The ETag the edit starts from; 409 when the ticket changed since.",
    ),
) -> Any:
    """Partial update. With If-Match or ``version``, a ticket changed since that version
    answers 409 (``current_version`` and the ETag say what it is now) and nothing changes;
    without either, the edit applies to the ticket as it is now."""
    require(request, permissions.does_service_work)
    ticket = queries.get_ticket_for(request.user, ticket_id)
    data: dict[str, Any] = payload.dict(exclude_unset=True)
    expected = _version_wanted(if_match, data.pop("version", None))
    for key in ("subject", "description", "priority", "extra_requirements", "estimate_hours"):
        if key in data and data[key] is None:
            raise ValidationError({key: "May not be null."})
    lookups: dict[str, tuple[str, Any]] = {
        "site_id": ("site", Site.objects),
        "contact_id": ("contact", Contact.objects),
    }
    for key, (field, manager) in lookups.items():
        if key in data:
            pk = data.pop(key)
            obj = None if pk is None else manager.filter(pk=pk).first()
            if pk is not None and (obj is None or obj.company_id != ticket.company_id):
                raise ValidationError({key: "Not one of this client's."})
            data[field] = obj
    if "service_id" in data:
        pk = data.pop("service_id")
        data["service"] = None
        if pk is not None:
            data["service"] = Service.objects.filter(pk=pk, archived_at__isnull=True).first()
            if data["service"] is None:
                raise ValidationError({"service_id": "Unknown service."})
    try:
        ticket = services.update_ticket(request.user, ticket, data, expected_version=expected)
    except ValidationError as exc:
        if getattr(exc, "code", None) != "stale":
            raise
        current = services.version_of(ticket)  # the service reloaded the row under its lock
        response["ETag"] = _etag(current)
        detail = (
            f"Someone else changed ticket #{ticket.pk} since version {expected}; nothing was "
            "saved. Read it again and resend your change."
        )
        return Status(409, {"detail": detail, "current_version": current})
    response["ETag"] = _etag(services.version_of(ticket))
    return ticket


@router.post("/tickets/{ticket_id}/comments", response={201: CommentOut})
def add_comment(request: AuthedHttpRequest, ticket_id: int, payload: CommentIn) -> Any:
    require(request, permissions.can_read_tickets)
    ticket = queries.get_ticket_for(request.user, ticket_id)
    comment = services.add_comment(request.user, ticket, payload.body, payload.internal)
    return Status(201, comment)


@router.get("/tickets/{ticket_id}/suggestions", response=list[SuggestionOut])
def ticket_suggestions(request: AuthedHttpRequest, ticket_id: int) -> Any:
    require(request, permissions.is_staff)
    ticket = queries.get_ticket_for(request.user, ticket_id)
    owner = request.user.role == Role.OWNER
    return [
        {
            "id": s.person_id,
            "name": p.label,
            "kind": s.kind,
            "surplus": s.surplus,
            "bill_rate": s.bill_rate,
            "familiar": s.familiar,
            "free_hours": s.free_hours,
            "reasons": list(s.reasons),
            "billed_difference": s.billed_difference,
            "cost_difference": s.cost_difference if owner else None,
        }
        for s, p in loaders.suggestions(ticket)
    ]


@router.post("/tickets/{ticket_id}/assign", response=TicketOut)
def assign_ticket(request: AuthedHttpRequest, ticket_id: int, payload: AssignIn) -> Any:
    require(request, permissions.can_dispatch)
    ticket = queries.get_ticket_for(request.user, ticket_id)
    person = loaders.resolve_person(payload.person)
    if person is None:
        raise ValidationError({"person": "Unknown technician or subcontractor."})
    return services.assign(request.user, ticket, person)


# --- batch dispatch (#7): preview and accept the optimal plan for the unassigned queue ---


class BatchRunOut(Schema):
    """A background batch-dispatch run (#18): queues above BATCH_DISPATCH_BACKGROUND_ABOVE
    tickets are solved by the job worker, never in the request. ``plan`` is the preview (the
    same body as a small queue's 200) once ``status`` is "done"."""

    run: int
    status: str
    progress: int
    total: int
    message: str
    plan: dict[str, Any] | None = None


def _run_out(job: Job) -> dict[str, Any]:
    done = job.status == Job.Status.DONE
    return {
        "run": job.pk,
        "status": job.status,
        "progress": job.progress,
        "total": job.total,
        "message": job.message,
        "plan": batch_views.Preview.from_result(job.result).to_json() if done else None,
    }


@router.post("/dispatch/batch/preview", response={200: dict[str, Any], 202: BatchRunOut})
def dispatch_batch_preview(request: AuthedHttpRequest) -> Any:
    """A small queue's plan at once (200); a large one's background run (202): follow it at
    ``GET /dispatch/batch/runs/{run}`` and accept it with ``?run=``."""
    require(request, permissions.can_dispatch)
    pks = batch_views.unassigned_pks()
    if len(pks) <= batch_views.background_above():
        return batch_views.build_preview().to_json()
    return Status(202, _run_out(batch_views.start_run(request.user, pks)))


@router.get("/dispatch/batch/runs/{run_id}", response=BatchRunOut)
def dispatch_batch_run(request: AuthedHttpRequest, run_id: int) -> Any:
    require(request, permissions.can_dispatch)
    return _run_out(get_object_or_404(Job, pk=run_id, kind=batch_views.JOB_KIND))


@router.post("/dispatch/batch/accept", response={200: dict[str, Any], 409: ConflictOut})
def dispatch_batch_accept(request: AuthedHttpRequest, run: int | None = None) -> Any:
    """Assign the plan: a finished background run's (``?run=``; tickets assigned meanwhile
    are skipped), or a small queue's solved now. A large queue without a finished run: 409."""
    require(request, permissions.can_dispatch)
    if run is not None:
        job = get_object_or_404(Job, pk=run, kind=batch_views.JOB_KIND)
        if job.status != Job.Status.DONE:
            return Status(409, {"detail": f"Run {job.pk} is {job.status}, not done."})
        return {"assigned": batch_views.accept_run(request.user, job)}
    if batch_views.queue_is_large():
        return Status(
            409,
            {
                "detail": "This queue is solved in the background: POST "
                "/api/v1/dispatch/batch/preview, follow the run, then accept it with ?run=."
            },
        )
    return {"assigned": batch_views.accept(request.user)}
