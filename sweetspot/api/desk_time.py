"""Time entries and on-site visits.

Owner and dispatcher see every entry and visit; a technician sees (and logs, edits, deletes)
their own, another technician's entry is 404; sales and client contacts get 404, except that
a client contact reads their company's visits. Scheduling visits: owner and dispatcher (409
when the technician is already booked then). Bodies are strict (unknown keys → 422); the
services' field errors answer 422 too. An entry is edited with a partial PATCH; the running
timer is not (422: stop it first).
"""

import datetime as dt
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import Http404
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from sweetspot.clients.models import Site
from sweetspot.clients.scoping import companies_visible_to
from sweetspot.core import limits, permissions
from sweetspot.core.access import AuthedHttpRequest
from sweetspot.core.models import Role
from sweetspot.desk import time_services, visit_services
from sweetspot.desk.models import TimeEntry, Visit
from sweetspot.desk.queries import tickets_visible_to
from sweetspot.desk.time_views import get_entry_for, own_technician
from sweetspot.desk.visit_views import visits_visible_to
from sweetspot.team.models import Technician

from .auth import require
from .conflicts import ConflictOut
from .pagination import Pages as PageNumberPagination  # bounded ?page= (issue 15)
from .schemas import Line, Strict

router = Router(tags=["time and visits"])
PAGE_SIZE = 25


class TimeEntryOut(Schema):
    id: int
    # Exactly one of the two: a subcontractor's entries are recorded for billing.
    technician_id: int | None
    subcontractor_id: int | None
    ticket_id: int | None
    company_id: int | None
    agreement_id: int | None
    work_type: str
    internal_category: str
    work_date: dt.date
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    minutes: int
    billable: bool
    out_of_scope: bool
    note: str


class TimeEntryIn(Strict):
    technician_id: int | None = Field(None, description="Managers only; default: yourself.")
    ticket_id: int | None = None
    company_id: int | None = None
    work_type: Literal["remote", "onsite", "phone"] = "remote"
    internal_category: Literal["", "travel", "admin", "training", "business_development"] = ""
    work_date: dt.date | None = None
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    minutes: int = Field(0, ge=0, le=24 * 60)
    billable: bool = True
    out_of_scope: bool = False
    note: str = Field("", max_length=500)


class TimeEntryPatch(Strict):
    """Every field optional; only the keys sent change (null clears ticket, company, start and
    end). Minutes and the date follow from start and end when the entry has them."""

    technician_id: int | None = Field(None, description="Managers only.")
    ticket_id: int | None = None
    company_id: int | None = None
    work_type: Literal["remote", "onsite", "phone"] | None = None
    internal_category: Literal["", "travel", "admin", "training", "business_development"] | None = (
        None
    )
    work_date: dt.date | None = None
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    minutes: int | None = Field(None, ge=0, le=24 * 60)
    billable: bool | None = None
    out_of_scope: bool | None = None
    note: str | None = Field(None, max_length=500)


class VisitOut(Schema):
    id: int
    uid: str
    sequence: int
    company_id: int
    site_id: int | None
    technician_id: int
    agreement_id: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    purpose: str
    status: str
    checklist: list[dict[str, Any]]

    @staticmethod
    def resolve_uid(obj: Visit) -> str:
        return str(obj.uid)


class VisitIn(Strict):
    company_id: int
    site_id: int | None = None
    technician_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    purpose: str = Field(min_length=1, max_length=200)
    checklist: list[Line] | None = Field(
        None, max_length=limits.ITEMS, description="Default: the standard checklist."
    )


def _scope(request: AuthedHttpRequest) -> Technician | None:
    """None for managers (everything); the user's technician for a technician; else 404."""
    user = request.user
    if permissions.can_manage_time(user):
        return None
    tech = own_technician(user) if user.role == Role.TECHNICIAN else None
    if tech is None:
        raise Http404("Not found")
    return tech


def _get(rows: Any, pk: int | None) -> Any:
    """The row with this id among those the caller may use (a queryset or manager), or 404."""
    if pk is None:
        return None
    obj = rows.filter(pk=pk).first()
    if obj is None:
        raise Http404("Not found")
    return obj


@router.get("/time-entries", response=list[TimeEntryOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_time_entries(request: AuthedHttpRequest) -> QuerySet[TimeEntry]:
    tech = _scope(request)
    qs = TimeEntry.objects.order_by("-work_date", "-pk")
    return qs if tech is None else qs.filter(technician=tech)


@router.post("/time-entries", response={201: TimeEntryOut})
def create_time_entry(request: AuthedHttpRequest, payload: TimeEntryIn) -> Any:
    tech = _scope(request)
    if tech is None:
        if payload.technician_id is None:
            tech = own_technician(request.user)
            if tech is None:
                raise Http404("Not found")
        else:
            tech = _get(Technician.objects, payload.technician_id)
    elif payload.technician_id not in (None, tech.pk):
        raise Http404("Not found")
    data = payload.dict(exclude={"technician_id", "ticket_id", "company_id"})
    data["technician"] = tech
    data["ticket"] = _get(tickets_visible_to(request.user), payload.ticket_id)
    data["company"] = _get(companies_visible_to(request.user), payload.company_id)
    entry = time_services.log_entry(request.user, data)
    return Status(201, entry)


@router.patch("/time-entries/{entry_id}", response=TimeEntryOut)
def update_time_entry(request: AuthedHttpRequest, entry_id: int, payload: TimeEntryPatch) -> Any:
    entry = get_entry_for(request.user, entry_id)
    data = payload.dict(exclude_unset=True)
    tech_id = data.pop("technician_id", None)
    if tech_id is not None and tech_id != entry.technician_id:
        if not permissions.can_manage_time(request.user):
            raise Http404("Not found")
        data["technician"] = _get(Technician.objects, tech_id)
    if "ticket_id" in data:
        data["ticket"] = _get(tickets_visible_to(request.user), data.pop("ticket_id"))
    if "company_id" in data:
        data["company"] = _get(companies_visible_to(request.user), data.pop("company_id"))
    return time_services.update_entry(request.user, entry, data)


@router.delete("/time-entries/{entry_id}", response={204: None})
def delete_time_entry(request: AuthedHttpRequest, entry_id: int) -> Any:
    entry = get_entry_for(request.user, entry_id)
    time_services.delete_entry(request.user, entry)
    return Status(204, None)


@router.get("/visits", response=list[VisitOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_visits(request: AuthedHttpRequest) -> QuerySet[Visit]:
    """Owner and dispatcher: every visit; a technician: their own; a client contact: their
    company's (visit_views.visits_visible_to, as the pages)."""
    require(request, permissions.can_read_visits)
    return visits_visible_to(request.user).order_by("starts_at", "pk")


@router.post("/visits", response={201: VisitOut, 409: ConflictOut})
def create_visit(request: AuthedHttpRequest, payload: VisitIn) -> Any:
    if _scope(request) is not None:
        raise Http404("Not found")
    visit = visit_services.schedule_visit(
        request.user,
        {
            "company": _get(companies_visible_to(request.user), payload.company_id),
            "site": _get(Site.objects, payload.site_id),
            "technician": _get(Technician.objects, payload.technician_id),
            "starts_at": payload.starts_at,
            "ends_at": payload.ends_at,
            "purpose": payload.purpose,
            "checklist": payload.checklist,
        },
    )
    return Status(201, visit)
