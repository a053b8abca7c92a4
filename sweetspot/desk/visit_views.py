"""On-site visits: week calendar, detail with checklist, scheduling, the iCal feed.

Who may do what (404 for everyone else, never 403):

* calendar and detail: owner and dispatcher see every visit; a technician sees their own;
* schedule, edit, reschedule, cancel, generate from an agreement: owner and dispatcher;
* ticking the checklist and marking the visit done (checklist result and time spent, which
  becomes an on-site time entry): the visit's technician, the owner, the dispatcher;
* the feed (visits/feed/<key>.ics): no login, the secret key is the credential; it lists the
  visits starting from 60 days ago to 365 days ahead (``ical.FEED_PAST`` / ``FEED_AHEAD``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from sweetspot.agreements.models import Agreement, AgreementStatus
from sweetspot.agreements.services import terms_of
from sweetspot.clients.widgets import with_picked_company
from sweetspot.core import permissions
from sweetspot.core.access import AuthedHttpRequest, permission_required
from sweetspot.core.models import Firm, Role
from sweetspot.core.writes import add_errors
from sweetspot.team.models import Technician

from . import ical, visit_services
from .models import Visit, VisitStatus
from .time_forms import VisitDoneForm, VisitForm, VisitRescheduleForm
from .time_views import month_bounds, own_technician, week_start

viewer_roles = permission_required(permissions.does_service_work)
manager_required = permission_required(permissions.can_manage_time)


def visits_visible_to(user: Any) -> QuerySet[Visit]:
    """Owner and dispatcher: every visit; a technician: their own; a client contact: their
    company's (the API's read-only view; the visit pages stay staff-only); others: none."""
    qs = Visit.objects.select_related("company", "site", "technician", "agreement")
    if permissions.can_manage_time(user):
        return qs
    if permissions.is_client(user) and user.company_id:
        return qs.filter(company_id=user.company_id)
    tech = own_technician(user)
    if user.role == Role.TECHNICIAN and tech is not None:
        return qs.filter(technician=tech)
    return qs.none()


def get_visit_for(user: Any, pk: Any) -> Visit:
    try:
        return visits_visible_to(user).get(pk=int(pk))
    except (ValueError, TypeError, Visit.DoesNotExist) as exc:
        raise Http404("Not found") from exc


def halfday_usage(agreement: Agreement, today: dt.date) -> dict[str, Any]:
    """On-site half-days this month: done + scheduled vs included."""
    first, after = month_bounds(today)
    firm = Firm.current()
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(after, dt.time(0), tzinfo=tz)
    visits = list(
        Visit.objects.filter(agreement=agreement, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=VisitStatus.CANCELLED)
        .values_list("status", "starts_at", "ends_at")
    )
    per_half = Decimal(firm.hours_per_half_day) or Decimal(4)

    def halves(status: str) -> Decimal:
        secs = sum((e - s).total_seconds() for st, s, e in visits if st == status)
        return (Decimal(secs) / 3600 / per_half).quantize(Decimal("0.1"))

    return {
        "agreement": agreement,
        "done": halves(VisitStatus.DONE),
        "scheduled": halves(VisitStatus.SCHEDULED),
        "included": Decimal(str(terms_of(agreement).get("onsite_half_days_per_month") or 0)),
    }


@viewer_roles
def calendar_week(request: AuthedHttpRequest) -> HttpResponse:
    start = week_start(request.GET.get("week"))
    tz = timezone.get_current_timezone()
    begin = dt.datetime.combine(start, dt.time(0), tzinfo=tz)
    visits = list(
        visits_visible_to(request.user)
        .filter(starts_at__gte=begin, starts_at__lt=begin + dt.timedelta(days=7))
        .order_by("starts_at", "pk")
    )
    days = []
    for i in range(7):
        day = start + dt.timedelta(days=i)
        days.append(
            {
                "date": day,
                "visits": [v for v in visits if timezone.localtime(v.starts_at).date() == day],
            }
        )
    agreements = []
    if permissions.can_manage_time(request.user):
        agreements = list(
            Agreement.objects.filter(status=AgreementStatus.ACTIVE)
            .select_related("company", "plan")
            .order_by("company__name")
        )
    return render(
        request,
        "desk/visit_calendar.html",
        {
            "week": start,
            "prev_week": start - dt.timedelta(days=7),
            "next_week": start + dt.timedelta(days=7),
            "days": days,
            "can_manage": permissions.can_manage_time(request.user),
            "agreements": agreements,
            "technicians": Technician.objects.filter(archived_at__isnull=True).only("pk", "name")
            if permissions.can_manage_time(request.user)
            else [],
        },
    )


def _form_data(form: VisitForm) -> dict[str, Any]:
    return {k: form.cleaned_data.get(k) for k in visit_services.VISIT_FIELDS if k in form.fields}


@manager_required
@require_http_methods(["GET", "POST"])
def visit_create(request: AuthedHttpRequest) -> HttpResponse:
    form = VisitForm(request.POST or None, initial=with_picked_company(request))
    if request.method == "POST" and form.is_valid():
        try:
            visit = visit_services.schedule_visit(request.user, _form_data(form))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("visits:visit_detail", pk=visit.pk)
    return render(request, "desk/visit_form.html", {"form": form, "title": "Schedule a visit"})


@manager_required
@require_http_methods(["GET", "POST"])
def visit_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for(request.user, pk)
    initial = {k: getattr(visit, k) for k in visit_services.VISIT_FIELDS}
    form = VisitForm(request.POST or None, initial=with_picked_company(request, initial))
    if request.method == "POST" and form.is_valid():
        try:
            visit_services.update_visit(request.user, visit, _form_data(form))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("visits:visit_detail", pk=visit.pk)
    return render(request, "desk/visit_form.html", {"form": form, "title": "Edit visit"})


@manager_required
@require_POST
def visit_cancel(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for(request.user, pk)
    try:
        visit_services.cancel_visit(request.user, visit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("visits:visit_detail", pk=visit.pk)


@manager_required
@require_http_methods(["GET", "POST"])
def visit_reschedule(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for(request.user, pk)
    initial = {
        "starts_at": timezone.localtime(visit.starts_at),
        "ends_at": timezone.localtime(visit.ends_at),
        "technician": visit.technician,
    }
    form = VisitRescheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            visit_services.reschedule_visit(
                request.user,
                visit,
                form.cleaned_data["starts_at"],
                form.cleaned_data["ends_at"],
                form.cleaned_data["technician"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Visit rescheduled.")
            return redirect("visits:visit_detail", pk=visit.pk)
    return render(
        request,
        "desk/visit_form.html",
        {"form": form, "title": f"Reschedule: {visit.purpose} — {visit.company.name}"},
    )


def _done_form(visit: Visit, data: Any = None) -> VisitDoneForm:
    length = int((visit.ends_at - visit.starts_at).total_seconds() // 60)
    initial = {
        "minutes": length,
        "items": [i for i, c in enumerate(visit.checklist) if c.get("done")],
    }
    return VisitDoneForm(data, initial=initial, checklist=visit.checklist)


@viewer_roles
@require_POST
def visit_done(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for(request.user, pk)
    form = _done_form(visit, request.POST)
    if form.is_valid():
        try:
            visit_services.complete_visit(
                request.user,
                visit,
                form.cleaned_data["minutes"],
                [int(i) for i in form.cleaned_data["items"]],
                note=form.cleaned_data["note"],
                billable=form.cleaned_data["billable"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Visit marked done; the time is on the timesheet.")
            return redirect("visits:visit_detail", pk=visit.pk)
    return _detail(request, visit, form, status=200)


def _detail(
    request: AuthedHttpRequest, visit: Visit, done_form: VisitDoneForm | None, status: int = 200
) -> HttpResponse:
    usage = halfday_usage(visit.agreement, timezone.localdate()) if visit.agreement else None
    return render(
        request,
        "desk/visit_detail.html",
        {
            "visit": visit,
            "usage": usage,
            "can_manage": permissions.can_manage_time(request.user),
            "done_form": done_form,
        },
        status=status,
    )


@viewer_roles
def visit_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    visit = get_visit_for(request.user, pk)
    form = _done_form(visit) if visit.status == VisitStatus.SCHEDULED else None
    return _detail(request, visit, form)


@viewer_roles
@require_POST
def visit_tick(request: AuthedHttpRequest, pk: int, index: int) -> HttpResponse:
    visit = get_visit_for(request.user, pk)
    try:
        visit_services.tick_checklist(
            request.user, visit, index, request.POST.get("done") in {"1", "on", "true"}
        )
    except ValidationError as exc:
        raise Http404("Not found") from exc
    if request.headers.get("HX-Request"):
        return render(request, "desk/_visit_checklist.html", {"visit": visit})
    return redirect("visits:visit_detail", pk=visit.pk)


@manager_required
@require_POST
def generate(request: AuthedHttpRequest) -> HttpResponse:
    try:
        agreement = Agreement.objects.select_related("company").get(
            pk=int(request.POST.get("agreement") or request.GET.get("agreement") or ""),
            status=AgreementStatus.ACTIVE,
        )
        technician = Technician.objects.get(
            pk=int(request.POST.get("technician") or request.GET.get("technician") or ""),
            archived_at__isnull=True,
        )
        month = (
            dt.date.fromisoformat(request.POST.get("month") or "")
            if request.POST.get("month")
            else timezone.localdate().replace(day=1)
        )
    except (ValueError, Agreement.DoesNotExist, Technician.DoesNotExist) as exc:
        raise Http404("Not found") from exc
    visits = visit_services.generate_recurring(request.user, agreement, month, technician)

    messages.success(request, f"{len(visits)} visit(s) scheduled for {agreement.company.name}.")
    return redirect(f"/visits/?week={month.isoformat()}")


def feed(request: Any, key: str) -> HttpResponse:
    calendar_feed = visit_services.feed_for_key(key)
    if calendar_feed is None:
        raise Http404("Not found")
    tech = calendar_feed.technician
    # Only visits starting inside the feed window (ical.window), cancelled ones included.
    visits = Visit.objects.filter(
        technician=tech, starts_at__range=ical.window(timezone.now())
    ).select_related("company", "site")
    body = ical.calendar_for(tech.name, visits)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
