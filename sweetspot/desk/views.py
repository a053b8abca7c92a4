"""Service desk pages: queue, ticket page with dispatch suggestions, client portal.

Every read starts from desk.queries.tickets_visible_to / get_ticket_for; writes go through
desk.services. Roles: the queue and ticket pages are staff; owner, dispatcher and technician
move tickets along; owner and dispatcher assign; client contacts use the portal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from sweetspot.clients.scoping import companies_visible_to
from sweetspot.clients.widgets import with_picked_company
from sweetspot.core import permissions
from sweetspot.core.access import (
    AuthedHttpRequest,
    permission_required,
    roles_required,
    staff_required,
)
from sweetspot.core.models import Role
from sweetspot.team.models import Subcontractor, Technician

from . import loaders, queries, services
from .forms import (
    CommentForm,
    PortalTicketForm,
    RequirementFormSet,
    TicketEditForm,
    TicketForm,
    requirements_of,
)
from .models import Priority, Ticket, TicketStatus

work_required = permission_required(permissions.does_service_work)
dispatch_required = permission_required(permissions.can_dispatch)
client_required = permission_required(permissions.is_client)


def _is_htmx(request: AuthedHttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _run(request: AuthedHttpRequest, action: Any) -> Any:
    try:
        with transaction.atomic():
            return action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None


def _selected_company(request: AuthedHttpRequest) -> tuple[int, str] | None:
    client = str(request.GET.get("client") or "")
    if not client.isdigit() or len(client) > 10:
        return None
    return (
        companies_visible_to(request.user).filter(pk=int(client)).values_list("pk", "name").first()
    )


_PK_MARK = 2_147_483_647  # a pk no URL pattern part will also spell


def _detail_urls(pks: Iterable[int]) -> list[str]:
    """The ticket pages' URLs for a list, with one ``reverse``: a list row's URL differs
    only in its pk, and ``{% url %}`` per row was a third of a queue row's render time."""
    head, tail = reverse("desk:ticket_detail", args=[_PK_MARK]).rsplit(str(_PK_MARK), 1)
    return [f"{head}{pk}{tail}" for pk in pks]


def _queue_page(request: AuthedHttpRequest, base: Any, title: str, url_name: str) -> HttpResponse:
    now = timezone.now()
    qs = queries.filter_tickets(base, request.GET, now)
    qs, sort = queries.sort_tickets(qs, request.GET.get("sort"))
    paginator = queries.TicketPaginator(
        qs,
        settings.PAGE_SIZE,
        decorate=lambda rows: queries.for_list(rows, now),
    )
    page = paginator.get_page(request.GET.get("page"))
    tickets = page.object_list  # already a list (TicketPaginator.page)
    rows = [
        (
            t,
            url,
            queries.clock_text(t.response_due_at, t.responded_at, now, "responded"),
            queries.clock_text(t.resolution_due_at, t.resolved_at, now, "resolved"),
        )
        for t, url in zip(tickets, _detail_urls(t.pk for t in tickets), strict=True)
    ]
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "title": title,
        "url_name": url_name,
        "page": page,
        "rows": rows,
        "sort": sort,
        "sorts": [(key, queries.SORT_LABELS.get(key, key)) for key in queries.SORTS],
        "params": params.urlencode(),
        "filters": request.GET,
        "statuses": TicketStatus.choices,
        "priorities": Priority.choices,
        # The client filter is a picker (clients:company_lookup), not a list of every
        # company: only the chosen one is loaded, to show its name (issue 18).
        "selected_client": _selected_company(request),
        # One list of (value, label) so the selected assignee shows as selected.
        "assignees": [
            (f"t{pk}", name)
            for pk, name in Technician.objects.order_by("name").values_list("pk", "name")
        ]
        + [
            (f"s{pk}", f"{name} (subcontractor)")
            for pk, name in Subcontractor.objects.order_by("company_name").values_list(
                "pk", "company_name"
            )
        ],
    }
    template = "desk/_ticket_rows.html" if _is_htmx(request) else "desk/queue.html"
    return render(request, template, context)


@staff_required
def queue(request: AuthedHttpRequest) -> HttpResponse:
    return _queue_page(request, queries.tickets_visible_to(request.user), "Queue", "desk:queue")


@roles_required(Role.TECHNICIAN)
def my_tickets(request: AuthedHttpRequest) -> HttpResponse:
    # Their technician's pk as a scalar subquery (not a join): the list's inner select stays
    # on the ticket table, where the (technician, created_at) index serves it.
    mine = Technician.objects.filter(user=request.user).values("pk")[:1]
    base = queries.tickets_visible_to(request.user).filter(technician_id=Subquery(mine))
    return _queue_page(request, base, "My tickets", "desk:my_tickets")


@staff_required
@require_http_methods(["GET", "POST"])
def ticket_create(request: AuthedHttpRequest) -> HttpResponse:
    form = TicketForm(request.POST or None, initial=with_picked_company(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ticket = _run(request, lambda: services.open_ticket(request.user, data))
        if ticket is not None:
            messages.success(request, f"Ticket #{ticket.pk} opened.")
            return redirect("desk:ticket_detail", pk=ticket.pk)
    return render(request, "desk/ticket_form.html", {"form": form})


@staff_required
def ticket_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _ticket_page(request, queries.get_ticket_for(request.user, pk), CommentForm())


def _ticket_page(
    request: AuthedHttpRequest, ticket: Ticket, comment_form: CommentForm, status: int = 200
) -> HttpResponse:
    """The ticket page; a refused comment shows it again with the typed text and the error."""
    now = timezone.now()
    can_dispatch = permissions.can_dispatch(request.user)
    suggestions = loaders.suggestions(ticket) if ticket.status in services.ALLOWED["assign"] else []
    entries, totals = queries.time_for_ticket(ticket)
    actions = [
        (name, label)
        for name, label in (
            ("start", "Start work"),
            ("wait", "Wait on client"),
            ("resume", "Client answered"),
            ("resolve", "Resolve"),
            ("close", "Close"),
        )
        if ticket.status in services.ALLOWED[name]
    ]
    return render(
        request,
        "desk/ticket_detail.html",
        {
            "ticket": ticket,
            "comments": list(queries.comments_for(request.user, ticket)),
            "time_entries": entries,
            "time_totals": totals,
            # Whether the login has a technician, from the cached set (no query).
            "show_timer": loaders.has_technician(request.user),
            "suggestions": suggestions,
            "required": loaders.required_skills(ticket),
            "can_edit": permissions.does_service_work(request.user)
            and ticket.status != TicketStatus.CLOSED,
            "can_dispatch": can_dispatch,
            "can_work": permissions.does_service_work(request.user),
            "actions": actions,
            "response_left": queries.clock_text(
                ticket.response_due_at, ticket.responded_at, now, "responded"
            ),
            "resolution_left": queries.clock_text(
                ticket.resolution_due_at, ticket.resolved_at, now, "resolved"
            ),
            "show_costs": request.user.role == Role.OWNER,
            "comment_form": comment_form,
        },
        status=status,
    )


def _field_errors(form: Any, formset: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields (or the skills formset)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        if field == "extra_requirements":
            formset._non_form_errors = formset.error_class(errors)
        elif field in form.fields:
            form.add_error(field, errors)
        else:
            form.add_error(None, errors)


@work_required
@require_http_methods(["GET", "POST"])
def ticket_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    ticket = queries.get_ticket_for(request.user, pk)
    if ticket.status == TicketStatus.CLOSED:
        messages.error(request, "A closed ticket cannot be edited.")
        return redirect("desk:ticket_detail", pk=ticket.pk)
    initial = {
        "site": ticket.site_id,
        "contact": ticket.contact_id,
        "subject": ticket.subject,
        "description": ticket.description,
        "priority": ticket.priority,
        "service": ticket.service_id,
        "estimate_hours": ticket.estimate_hours,
    }
    rows = [{"skill": slug, "minimum": str(n)} for slug, n in ticket.extra_requirements.items()]
    post = request.POST if request.method == "POST" else None
    form = TicketEditForm(post, initial=initial, company_id=ticket.company_id)
    formset = RequirementFormSet(post, initial=rows, prefix="skills")
    if post is not None and form.is_valid() and formset.is_valid():
        data = {**form.cleaned_data, "extra_requirements": requirements_of(formset)}
        try:
            with transaction.atomic():
                services.update_ticket(
                    request.user, ticket, data, expected_version=request.POST.get("version")
                )
        except ValidationError as exc:
            _field_errors(form, formset, exc)
            ticket.refresh_from_db()  # the form now carries the current version
        else:
            messages.success(request, f"Ticket #{ticket.pk} saved.")
            return redirect("desk:ticket_detail", pk=ticket.pk)
    return render(
        request,
        "desk/ticket_edit.html",
        {
            "ticket": ticket,
            "form": form,
            "formset": formset,
            "version": services.version_of(ticket),
        },
    )


@dispatch_required
@require_POST
def ticket_assign(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    ticket = queries.get_ticket_for(request.user, pk)
    person = loaders.resolve_person(request.POST.get("person", ""))
    if person is None:
        messages.error(request, "Choose a technician or subcontractor.")
    elif _run(request, lambda: services.assign(request.user, ticket, person)) is not None:
        messages.success(request, f"Assigned to {person}.")
    return redirect("desk:ticket_detail", pk=ticket.pk)


@work_required
@require_POST
def ticket_transition(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in services.TRANSITIONS:
        raise Http404("Not found")
    ticket = queries.get_ticket_for(request.user, pk)
    if _run(request, lambda: services.TRANSITIONS[action](request.user, ticket)) is not None:
        messages.success(request, f"Ticket is now {ticket.get_status_display().lower()}.")
    return redirect("desk:ticket_detail", pk=ticket.pk)


@staff_required
@require_POST
def ticket_comment(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    ticket = queries.get_ticket_for(request.user, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        # Nothing saved; the page again with the typed text and why (too long, empty).
        return _ticket_page(request, ticket, form, status=422)
    data = form.cleaned_data
    _run(
        request,
        lambda: services.add_comment(request.user, ticket, data["body"], data["internal"]),
    )
    return redirect("desk:ticket_detail", pk=ticket.pk)


# --- client portal ---------------------------------------------------------------------


@client_required
def portal_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = (
        queries.tickets_visible_to(request.user)
        .select_related("company")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "desk/portal_list.html", {"page": page, "params": ""})


@client_required
@require_http_methods(["GET", "POST"])
def portal_create(request: AuthedHttpRequest) -> HttpResponse:
    form = PortalTicketForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        ticket = _run(request, lambda: services.open_ticket(request.user, data))
        if ticket is not None:
            messages.success(request, f"Ticket #{ticket.pk} opened.")
            return redirect("desk:portal_detail", pk=ticket.pk)
    return render(request, "desk/portal_form.html", {"form": form})


@client_required
def portal_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _portal_page(request, queries.get_ticket_for(request.user, pk), CommentForm())


def _portal_page(
    request: AuthedHttpRequest, ticket: Ticket, comment_form: CommentForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "desk/portal_detail.html",
        {
            "ticket": ticket,
            "comments": list(queries.comments_for(request.user, ticket)),
            "comment_form": comment_form,
        },
        status=status,
    )


@client_required
@require_POST
def portal_comment(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    ticket = queries.get_ticket_for(request.user, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _portal_page(request, ticket, form, status=422)
    body = form.cleaned_data["body"]
    _run(request, lambda: services.add_comment(request.user, ticket, body, internal=False))
    return redirect("desk:portal_detail", pk=ticket.pk)
