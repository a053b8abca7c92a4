"""Timesheets, the start/stop timer, calendar feed keys and the billable-hours page.

Who may do what (404 for everyone else, never 403):

* timesheet: a technician sees and edits their own week; the owner and the dispatcher pick
  any technician with ``?technician=``;
* editing or deleting one entry: the same roles; a technician only their own entries (another
  technician's entry is 404, as is any entry for every other role). The running timer is not
  edited here: stop it first (its end and minutes come from the timer);
* timer: any staff user linked to a technician (their own timer);
* billable hours: owner and dispatcher.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_http_methods, require_POST

from sweetspot.agreements.models import Agreement, AgreementStatus
from sweetspot.agreements.services import terms_of
from sweetspot.core import permissions
from sweetspot.core.access import AuthedHttpRequest, permission_required
from sweetspot.core.models import Role
from sweetspot.core.money import CENT
from sweetspot.core.writes import add_errors
from sweetspot.team.models import Technician

from . import queries, time_services, visit_services
from .models import CalendarFeed, TimeEntry
from .time_forms import TimeEntryForm

timesheet_roles = permission_required(permissions.does_service_work)
manager_required = permission_required(permissions.can_manage_time)
timer_roles = permission_required(permissions.can_use_timer)


def own_technician(user: Any) -> Technician | None:
    try:
        return user.technician  # type: ignore[no-any-return]
    except Technician.DoesNotExist:
        return None


def technician_for(user: Any, raw: Any) -> Technician:
    """The technician whose time the user may see: their own, or (managers) any."""
    if permissions.can_manage_time(user):
        if raw:
            try:
                return Technician.objects.get(pk=int(raw))
            except (ValueError, TypeError, Technician.DoesNotExist) as exc:
                raise Http404("Not found") from exc
        tech = own_technician(user) or Technician.objects.filter(archived_at__isnull=True).first()
        if tech is None:
            raise Http404("Not found")
        return tech
    tech = own_technician(user)
    if tech is None or (raw and str(raw) != str(tech.pk)):
        raise Http404("Not found")
    return tech


def entries_visible_to(user: Any) -> QuerySet[TimeEntry]:
    """Every technician's entry for the owner and the dispatcher, a technician's own, nothing
    otherwise. Subcontractors' entries are not on any timesheet (billing records them)."""
    qs = TimeEntry.objects.select_related("technician").filter(technician__isnull=False)
    if permissions.can_manage_time(user):
        return qs
    tech = own_technician(user) if user.role == Role.TECHNICIAN else None
    if tech is None:
        return qs.none()
    return qs.filter(technician=tech)


def get_entry_for(user: Any, pk: Any) -> TimeEntry:
    """One entry the user may change; 404 when it does not exist or is someone else's."""
    try:
        return entries_visible_to(user).select_related("ticket", "agreement").get(pk=int(pk))
    except (ValueError, TypeError, TimeEntry.DoesNotExist) as exc:
        raise Http404("Not found") from exc


def week_url(entry: TimeEntry) -> str:
    """The timesheet week an entry is shown in."""
    week = week_start(entry.work_date.isoformat())
    return f"{reverse('time:timesheet')}?technician={entry.technician_id}&week={week}"


def week_start(raw: str | None) -> dt.date:
    try:
        day = dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return day - dt.timedelta(days=day.weekday())


def hours(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / 60).quantize(CENT, rounding=ROUND_HALF_UP)


def timesheet_context(tech: Technician, start: dt.date) -> dict[str, Any]:
    end = start + dt.timedelta(days=7)
    entries = list(
        TimeEntry.objects.filter(technician=tech, work_date__gte=start, work_date__lt=end)
        .select_related("company", "ticket")
        .order_by("work_date", "started_at", "pk")
    )
    days = []
    for i in range(7):
        day = start + dt.timedelta(days=i)
        rows = [e for e in entries if e.work_date == day]
        days.append(
            {
                "date": day,
                "entries": rows,
                "billable": hours(sum(e.minutes for e in rows if e.billable)),
                "non_billable": hours(sum(e.minutes for e in rows if not e.billable)),
            }
        )
    return {
        "technician": tech,
        "week": start,
        "prev_week": start - dt.timedelta(days=7),
        "next_week": start + dt.timedelta(days=7),
        "days": days,
        "total_billable": hours(sum(e.minutes for e in entries if e.billable)),
        "total_non_billable": hours(sum(e.minutes for e in entries if not e.billable)),
    }


def _entry_data(form: TimeEntryForm, tech: Technician) -> dict[str, Any]:
    cd = form.cleaned_data
    tz = timezone.get_current_timezone()
    day = cd["work_date"]
    data: dict[str, Any] = {
        "technician": tech,
        "work_date": day,
        "ticket": cd.get("ticket"),
        "company": cd.get("company"),
        "work_type": cd["work_type"],
        "internal_category": cd.get("internal_category") or "",
        "billable": cd.get("billable", False),
        "out_of_scope": cd.get("out_of_scope", False),
        "note": cd.get("note") or "",
        "minutes": cd.get("minutes") or 0,
        "started_at": dt.datetime.combine(day, cd["started_at"], tzinfo=tz)
        if cd.get("started_at")
        else None,
        "ended_at": dt.datetime.combine(day, cd["ended_at"], tzinfo=tz)
        if cd.get("ended_at")
        else None,
    }
    return data


@timesheet_roles
@require_http_methods(["GET", "POST"])
def timesheet(request: AuthedHttpRequest) -> HttpResponse:
    tech = technician_for(request.user, request.GET.get("technician"))
    start = week_start(request.GET.get("week"))
    initial = {"work_date": timezone.localdate(), "billable": True}
    if (request.GET.get("ticket") or "").isdigit():
        initial["ticket"] = int(request.GET["ticket"])
    form = TimeEntryForm(initial=initial, user=request.user)
    if request.method == "POST":
        form = TimeEntryForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                entry = time_services.log_entry(request.user, _entry_data(form, tech))
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                start = week_start(entry.work_date.isoformat())
                form = TimeEntryForm(
                    initial={"work_date": entry.work_date, "billable": True}, user=request.user
                )
    ctx = timesheet_context(tech, start) | {
        "form": form,
        "can_pick": permissions.can_manage_time(request.user),
        "technicians": Technician.objects.filter(archived_at__isnull=True).only("pk", "name")
        if permissions.can_manage_time(request.user)
        else [],
        "new_feed_key": request.session.pop("new_feed_key", None),
        "feeds": CalendarFeed.objects.filter(technician=tech, revoked_at__isnull=True),
        "running": time_services.running_timer(tech),
    }
    if request.headers.get("HX-Request") and request.method == "POST":
        return render(request, "desk/_time_week.html", ctx)
    return render(request, "desk/time_sheet.html", ctx)


@timesheet_roles
@require_POST
def entry_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    entry = get_entry_for(request.user, pk)
    back = week_url(entry)
    try:
        time_services.delete_entry(request.user, entry)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(back)


def _entry_initial(entry: TimeEntry) -> dict[str, Any]:
    """The form's values for an entry: local times to the minute; the duration only when the
    entry has no start and end (otherwise it follows from them)."""

    def clock(value: dt.datetime | None) -> dt.time | None:
        return timezone.localtime(value).time().replace(second=0) if value else None

    return {
        "work_date": entry.work_date,
        "started_at": clock(entry.started_at),
        "ended_at": clock(entry.ended_at),
        "minutes": None if entry.started_at else entry.minutes,
        "ticket": entry.ticket_id,
        "company": entry.company_id,
        "work_type": entry.work_type,
        "internal_category": entry.internal_category,
        "billable": entry.billable,
        "out_of_scope": entry.out_of_scope,
        "note": entry.note,
    }


@timesheet_roles
@require_http_methods(["GET", "POST"])
def entry_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    entry = get_entry_for(request.user, pk)
    back = week_url(entry)
    # Taken before the edit: a refused edit leaves the in-memory entry half-changed.
    context = {
        "entry": entry,
        "ticket": entry.ticket,
        "technician": entry.technician,
        "day": entry.work_date,
        "back": back,
    }
    if time_services.is_running(entry):
        messages.error(request, time_services.RUNNING_MESSAGE)
        return redirect(back)
    if entry.billed_at is not None:
        messages.error(request, time_services.BILLED_MESSAGE)
        return redirect(back)
    form = TimeEntryForm(
        request.POST if request.method == "POST" else None,
        initial=_entry_initial(entry),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        assert entry.technician is not None  # entries_visible_to: timesheet entries only
        data = _entry_data(form, entry.technician)
        # A start or end the user did not touch keeps its seconds (a stopped timer's), so
        # saving a new note does not move the times.
        for name in ("started_at", "ended_at"):
            if data[name] is not None and not {name, "work_date"} & set(form.changed_data):
                data[name] = getattr(entry, name)
        try:
            time_services.update_entry(request.user, entry, data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            day = dateformat.format(entry.work_date, "j M Y")
            messages.success(request, f"Time entry of {day} saved.")
            return redirect(week_url(entry))
    return render(request, "desk/time_entry_form.html", context | {"form": form})


def _timer_response(request: AuthedHttpRequest, tech: Technician, error: str = "") -> HttpResponse:
    return render(
        request,
        "desk/_timer_widget.html",
        {
            "timer_tech": tech,
            "running": time_services.running_timer(tech),
            "timer_error": error,
            "ticket_id": (request.GET.get("ticket") or request.POST.get("ticket") or "")[:12],
        },
    )


@timer_roles
def timer(request: AuthedHttpRequest) -> HttpResponse:
    tech = own_technician(request.user)
    if tech is None:
        raise Http404("Not found")
    return _timer_response(request, tech)


@timer_roles
def timer_indicator(request: AuthedHttpRequest) -> HttpResponse:
    """The header's running-timer badge on every page (loaded by htmx from
    ``{% running_timer_slot %}``): empty when no timer runs or the login has no technician."""
    tech = own_technician(request.user)
    running = time_services.running_timer(tech) if tech is not None else None
    return render(request, "desk/_timer_indicator.html", {"running": running})


@timer_roles
@require_POST
def timer_start(request: AuthedHttpRequest) -> HttpResponse:
    tech = own_technician(request.user)
    if tech is None:
        raise Http404("Not found")
    raw = request.POST.get("ticket")
    ticket = queries.get_ticket_for(request.user, raw) if raw else None
    try:
        time_services.start_timer(request.user, tech, ticket, note=request.POST.get("note", ""))
    except ValidationError as exc:
        return _timer_response(request, tech, " ".join(exc.messages))
    if not request.headers.get("HX-Request"):
        return redirect("time:timesheet")
    return _timer_response(request, tech)


@timer_roles
@require_POST
def timer_stop(request: AuthedHttpRequest) -> HttpResponse:
    tech = own_technician(request.user)
    if tech is None:
        raise Http404("Not found")
    try:
        time_services.stop_timer(request.user, tech)
    except ValidationError as exc:
        return _timer_response(request, tech, " ".join(exc.messages))
    if not request.headers.get("HX-Request"):
        return redirect("time:timesheet")
    response = _timer_response(request, tech)
    response["HX-Trigger"] = "timeChanged"
    return response


@timesheet_roles
@require_POST
def feed_create(request: AuthedHttpRequest) -> HttpResponse:
    tech = technician_for(request.user, request.POST.get("technician"))
    _feed, key = visit_services.create_feed(request.user, tech)
    request.session["new_feed_key"] = key
    return redirect(f"/time/?technician={tech.pk}")


@timesheet_roles
@require_POST
def feed_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    feed = CalendarFeed.objects.filter(pk=pk).first()
    if feed is None:
        raise Http404("Not found")
    technician_for(request.user, feed.technician_id)
    visit_services.revoke_feed(request.user, feed)
    return redirect(f"/time/?technician={feed.technician_id}")


# --- billable hours ---------------------------------------------------------------------------


def month_bounds(today: dt.date) -> tuple[dt.date, dt.date]:
    first = today.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last + dt.timedelta(days=1)


class BillableRangeForm(forms.Form):
    """Billable hours for any month (``month=YYYY-MM``) or a date range (``from``/``to``,
    inclusive, at most a year); the current month when neither is given."""

    month = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    start = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_month(self) -> dt.date | None:
        raw = (self.cleaned_data.get("month") or "").strip()
        if not raw:
            return None
        try:
            return dt.datetime.strptime(raw, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError("Give a month as YYYY-MM, e.g. 2026-03.") from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None) and not self.errors:
            self.add_error("end" if end is None else "start", "Give both dates of the range.")
        elif start and end:
            if end < start:
                self.add_error("end", "The end of the range must not be before its start.")
            elif (end - start).days > 366:
                self.add_error("end", "A range is at most a year.")
        return data

    def bounds(self, today: dt.date) -> tuple[dt.date, dt.date, bool]:
        """(first day, the day after the last, whether it is one calendar month)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("start") and data.get("end"):
            first, after = data["start"], data["end"] + dt.timedelta(days=1)
            return first, after, month_bounds(first) == (first, after)
        first, after = month_bounds(data.get("month") or today)
        return first, after, True


def billable_context(
    today: dt.date, first: dt.date | None = None, after: dt.date | None = None
) -> dict[str, Any]:
    if first is None or after is None:
        first, after = month_bounds(today)
    whole_month = month_bounds(first) == (first, after)
    months = Decimal(1) if whole_month else Decimal((after - first).days) * 12 / Decimal("365.25")
    weeks = Decimal((after - first).days) / 7
    in_month = Q(time_entries__work_date__gte=first, time_entries__work_date__lt=after)
    techs = Technician.objects.filter(archived_at__isnull=True).annotate(
        billable_minutes=Sum(
            "time_entries__minutes", filter=in_month & Q(time_entries__billable=True)
        ),
        total_minutes=Sum("time_entries__minutes", filter=in_month),
    )
    tech_rows = []
    for t in techs:
        capacity = (t.weekly_capacity_hours * weeks).quantize(Decimal("0.1"))
        billable = hours(t.billable_minutes)
        pct = int(billable * 100 / capacity) if capacity else 0
        tech_rows.append(
            {
                "technician": t,
                "billable": billable,
                "total": hours(t.total_minutes),
                "capacity": capacity,
                "pct": pct,
                "bar": min(pct, 100),
            }
        )
    agreements = list(
        Agreement.objects.filter(status=AgreementStatus.ACTIVE)
        .select_related("company", "plan")
        .order_by("company__name")
    )
    used = dict(
        TimeEntry.objects.filter(
            work_date__gte=first, work_date__lt=after, company__isnull=False, billable=True
        )
        .values_list("company_id")
        .annotate(m=Sum("minutes"))
        .values_list("company_id", "m")
    )
    client_rows = []
    for a in agreements:
        included = (
            Decimal(str(terms_of(a).get("included_hours_per_month") or 0)) * months
        ).quantize(Decimal("0.1"))
        spent = hours(used.get(a.company_id))
        pct = int(spent * 100 / included) if included else (100 if spent else 0)
        client_rows.append(
            {
                "company": a.company,
                "used": spent,
                "included": included,
                "pct": pct,
                "bar": min(pct, 100),
                "over": included and spent > included,
            }
        )
    return {
        "month": first,
        "first": first,
        "last": after - dt.timedelta(days=1),
        "whole_month": whole_month,
        "tech_rows": tech_rows,
        "client_rows": client_rows,
    }


@manager_required
def billable(request: AuthedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = BillableRangeForm(request.GET or None)
    first, after, _ = form.bounds(today)
    ctx = billable_context(today, first, after)
    ctx["form"] = form
    for i, row in enumerate(ctx["tech_rows"]):
        row["y"] = i * 26
    for i, row in enumerate(ctx["client_rows"]):
        row["y"] = i * 26
    ctx["tech_chart_h"] = len(ctx["tech_rows"]) * 26
    ctx["client_chart_h"] = len(ctx["client_rows"]) * 26
    return render(request, "desk/time_billable.html", ctx)
