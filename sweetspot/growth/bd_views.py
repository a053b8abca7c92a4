"""Business development log ("my follow-ups") and the weighted sales pipeline board.

Who: owner and sales log, edit, complete and move anything; dispatchers and technicians see
their own follow-ups (and may mark their own done) and the board, read-only; client contacts
get 404 everywhere here (route decorators, and the querysets in queries.py return nothing
for them anyway).
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sweetspot.core import permissions
from sweetspot.core.access import AuthedHttpRequest, permission_required, staff_required
from sweetspot.core.writes import save_form

from . import activity_services, pipeline, queries
from .bd_forms import (
    ActivityEditForm,
    ActivityForm,
    CompleteForm,
    MoveForm,
    OpportunityEditForm,
    OpportunityForm,
    company_from_param,
    contact_choices,
)
from .models import Activity, Opportunity, Stage

bd_editor_required = permission_required(permissions.can_edit_bd)


def _is_htmx(request: AuthedHttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _posted(request: AuthedHttpRequest) -> Any:
    """Bind forms on POST even when the body is empty, so an empty POST shows field errors."""
    return request.POST if request.method == "POST" else None


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- my follow-ups ----------------------------------------------------------------------------


@staff_required
@require_GET
def followups(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    can_edit = queries.is_bd_editor(user)
    qs = queries.activities_visible_to(user)
    owner_param = request.GET.get("owner", "") if can_edit else ""
    owners = list(queries.staff_users()) if can_edit else []
    viewing_user = None
    if owner_param == "all":
        viewing = "all"
    else:
        owner_id = _int_or_none(owner_param)
        viewing_user = next((u for u in owners if u.pk == owner_id), None)
        if viewing_user is None or viewing_user.pk == user.pk:
            viewing_user, viewing = None, ""
            qs = qs.filter(owner_id=user.pk)
        else:
            viewing = str(viewing_user.pk)
            qs = qs.filter(owner_id=viewing_user.pk)
    return render(
        request,
        "growth/bd_followups.html",
        {
            "fu": queries.follow_ups(qs),
            "can_edit": can_edit,
            "owners": owners,
            "viewing": viewing,
            "viewing_user": viewing_user,
            "show_owner": viewing == "all",
        },
    )


def _followups_url(request: AuthedHttpRequest, activity: Activity) -> str:
    url = reverse("bd:followups")
    if activity.owner_id != request.user.pk:
        url += f"?owner={activity.owner_id}"
    return url


@bd_editor_required
@require_http_methods(["GET", "POST"])
def activity_create(request: AuthedHttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {"owner": request.user.pk, "kind": "follow_up"}
    company = company_from_param(request.user, request.GET.get("company"))
    if company is not None:
        initial["company"] = company.pk
    form = ActivityForm(_posted(request), initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        activity = save_form(form, lambda data: activity_services.log_activity(request.user, data))
        if activity is not None:
            messages.success(request, f"Logged “{activity.subject}”.")
            return redirect(_followups_url(request, activity))
    return render(
        request,
        "growth/bd_activity_form.html",
        {"form": form, "activity": None, "company": company},
    )


@bd_editor_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    activity = queries.get_activity_for(request.user, pk)
    # The form gets a copy: a ModelForm writes cleaned data into its instance while
    # validating, and the service must snapshot the unchanged row for the audit trail.
    form = ActivityEditForm(_posted(request), instance=copy.copy(activity), user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form, lambda data: activity_services.update_activity(request.user, activity, data)
        )
        if saved is not None:
            messages.success(request, f"Saved “{saved.subject}”.")
            return redirect(_followups_url(request, saved))
    return render(
        request,
        "growth/bd_activity_form.html",
        {"form": form, "activity": activity, "company": activity.company},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def activity_complete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """GET: the small outcome form (a fragment for htmx, a page otherwise); POST: mark done.

    htmx: on success the response deletes the activity's row from the list.
    """
    activity = queries.get_activity_for(request.user, pk, to_complete=True)
    htmx = _is_htmx(request)
    if request.method == "GET" and htmx and request.GET.get("cancel"):
        return render(request, "growth/_bd_done_button.html", {"a": activity})
    # Ids per activity: several of these small forms may be open on one page.
    form = CompleteForm(_posted(request), auto_id=f"done-{activity.pk}-%s")
    if request.method == "POST" and form.is_valid():
        done = save_form(
            form,
            lambda data: activity_services.complete_activity(
                request.user, activity, data["outcome"], data["done_date"]
            ),
        )
        if done is not None:
            if htmx:
                response = HttpResponse("")
                response["HX-Retarget"] = f"#activity-{activity.pk}"
                response["HX-Reswap"] = "delete"
                return response
            messages.success(request, f"“{activity.subject}” is done.")
            return redirect(_followups_url(request, activity))
    template = "growth/_bd_complete_form.html" if htmx else "growth/bd_activity_complete.html"
    return render(request, template, {"form": form, "a": activity})


@bd_editor_required
@require_GET
def contact_options(request: AuthedHttpRequest) -> HttpResponse:
    """The <option>s for the contact select once a company is picked (htmx)."""
    contacts = contact_choices(request.user, _int_or_none(request.GET.get("company")))
    return render(request, "growth/_bd_contact_options.html", {"contacts": contacts})


# --- pipeline -----------------------------------------------------------------------------------


def _board(
    request: AuthedHttpRequest,
    template: str,
    error_pk: int | None = None,
    move_form: MoveForm | None = None,
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "board": queries.pipeline_board(request.user),
            "can_edit": queries.is_bd_editor(request.user),
            "stages": Stage.choices,
            "open_stages": pipeline.OPEN_STAGES,
            "error_pk": error_pk,
            "move_form": move_form,
        },
    )


@staff_required
@require_GET
def pipeline_board(request: AuthedHttpRequest) -> HttpResponse:
    return _board(request, "growth/pipeline_board.html")


@bd_editor_required
@require_POST
def opportunity_move(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Move a card; returns the re-rendered board (htmx) or redirects back to it."""
    opp = queries.get_opportunity_for(request.user, pk)
    form = MoveForm(request.POST)
    moved: Opportunity | None = None
    if form.is_valid():
        moved = save_form(
            form,
            lambda data: pipeline.move_opportunity(
                request.user, opp, data["stage"], data["lost_reason"]
            ),
        )
    htmx = _is_htmx(request)
    if moved is not None:
        if not htmx:
            messages.success(request, f"“{moved.title}” moved to {moved.get_stage_display()}.")
            return redirect("bd:pipeline")
        return _board(request, "growth/_pipeline_board.html")
    template = "growth/_pipeline_board.html" if htmx else "growth/pipeline_board.html"
    return _board(request, template, error_pk=opp.pk, move_form=form)


@bd_editor_required
@require_http_methods(["GET", "POST"])
def opportunity_create(request: AuthedHttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {"owner": request.user.pk, "stage": Stage.LEAD}
    company = company_from_param(request.user, request.GET.get("company"))
    if company is not None:
        initial["company"] = company.pk
    form = OpportunityForm(_posted(request), initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        opp = save_form(form, lambda data: pipeline.create_opportunity(request.user, data))
        if opp is not None:
            messages.success(request, f"Opportunity “{opp.title}” added.")
            return redirect("bd:pipeline")
    return render(
        request,
        "growth/pipeline_opportunity_form.html",
        {"form": form, "opportunity": None, "company": company},
    )


@bd_editor_required
@require_http_methods(["GET", "POST"])
def opportunity_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    opp = queries.get_opportunity_for(request.user, pk)
    form = OpportunityEditForm(_posted(request), instance=copy.copy(opp), user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = save_form(form, lambda data: pipeline.update_opportunity(request.user, opp, data))
        if saved is not None:
            messages.success(request, f"Saved “{saved.title}”.")
            return redirect("bd:pipeline")
    return render(
        request,
        "growth/pipeline_opportunity_form.html",
        {"form": form, "opportunity": opp, "company": opp.company},
    )
