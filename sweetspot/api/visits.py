"""One visit over HTTP, and what happens to it: marked done, rescheduled, cancelled.

The pages' rules (sweetspot.desk.visit_views) and services (desk.visit_services); this module
only translates. Reading: owner and dispatcher any visit, a technician their own, a client
contact their company's (read only); marking done: the visit's technician, the owner, the
dispatcher; rescheduling and cancelling: owner and dispatcher. Anyone else, or a visit
outside the caller's scope: 404. Bad input: 422 with field errors. A visit that is not
scheduled any more (done or cancelled), one not started yet (done), or a new time that
double-books the technician: 409, ``detail`` naming the reason or the clashing visit.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Router
from pydantic import AwareDatetime, Field, field_validator

from sweetspot.core import permissions
from sweetspot.core.access import AuthedHttpRequest
from sweetspot.desk import visit_services
from sweetspot.desk.visit_views import get_visit_for
from sweetspot.team.models import Technician

from .auth import require
from .conflicts import ConflictOut
from .desk_time import TimeEntryOut, VisitOut
from .schemas import DbId, Strict

router = Router(tags=["time and visits"])


class VisitDoneIn(Strict):
    minutes: int = Field(ge=1, le=24 * 60, description="Time spent on site.")
    done_items: list[int] | None = Field(
        None,
        max_length=100,
        description="Indexes of the checklist items done; the others are unticked. Omitted: "
        "the checklist stays as ticked on site.",
    )
    note: str = Field("", max_length=300, description="Added to the time entry's note.")
    billable: bool = True


class VisitDoneOut(VisitOut):
    time_entry: TimeEntryOut = Field(description="The on-site time entry the visit became.")


class VisitRescheduleIn(Strict):
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    technician_id: DbId | None = Field(None, description="Hand the visit to this technician.")

    @field_validator("starts_at", "ends_at")
    @classmethod
    def storable(cls, value: dt.datetime) -> dt.datetime:
        """The database stores UTC: 9999-12-31T23:00-05:00 has no UTC instant (422, not 500)."""
        try:
            return value.astimezone(dt.UTC)
        except OverflowError as exc:
            raise ValueError("This date and time is out of range.") from exc


@router.get("/visits/{visit_id}", response=VisitOut)
def get_visit(request: AuthedHttpRequest, visit_id: int) -> Any:
    require(request, permissions.can_read_visits)
    return get_visit_for(request.user, visit_id)


@router.post("/visits/{visit_id}/done", response={200: VisitDoneOut, 409: ConflictOut})
def mark_visit_done(request: AuthedHttpRequest, visit_id: int, payload: VisitDoneIn) -> Any:
    """The checklist result and the time spent, which becomes an on-site time entry."""
    require(request, permissions.does_service_work)
    visit = get_visit_for(request.user, visit_id)
    visit, entry = visit_services.complete_visit(
        request.user,
        visit,
        payload.minutes,
        payload.done_items,
        note=payload.note,
        billable=payload.billable,
    )
    visit.time_entry = entry  # type: ignore[attr-defined]
    return visit


@router.post("/visits/{visit_id}/reschedule", response={200: VisitOut, 409: ConflictOut})
def reschedule_visit(request: AuthedHttpRequest, visit_id: int, payload: VisitRescheduleIn) -> Any:
    require(request, permissions.can_manage_time)
    visit = get_visit_for(request.user, visit_id)
    technician = None
    if payload.technician_id is not None:
        technician = Technician.objects.filter(
            pk=payload.technician_id, archived_at__isnull=True
        ).first()
        if technician is None:
            raise ValidationError({"technician_id": "Unknown technician."})
    return visit_services.reschedule_visit(
        request.user, visit, payload.starts_at, payload.ends_at, technician
    )


@router.post("/visits/{visit_id}/cancel", response={200: VisitOut, 409: ConflictOut})
def cancel_visit(request: AuthedHttpRequest, visit_id: int) -> Any:
    require(request, permissions.can_manage_time)
    visit = get_visit_for(request.user, visit_id)
    return visit_services.cancel_visit(request.user, visit)
