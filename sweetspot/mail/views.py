"""Mail pages: the quarantine (held and failed messages) for owner and dispatcher, and the
attachment download, which checks the ticket is visible to the user (desk's scoping)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sweetspot.clients.scoping import companies_visible_to
from sweetspot.core.access import AuthedHttpRequest, permission_required
from sweetspot.core.permissions import can_triage_mail, is_authenticated
from sweetspot.desk.queries import get_ticket_for

from . import queries, services
from .intake import attachment_path
from .models import InboundStatus, MailAttachment

# Served with their own type only when a browser cannot run them; anything else is
# application/octet-stream. Always as a download (Content-Disposition: attachment).
SAFE_TYPES = frozenset(
    {"application/pdf", "image/png", "image/jpeg", "image/gif", "text/plain", "text/csv"}
)


@permission_required(can_triage_mail)
def quarantine(request: AuthedHttpRequest) -> HttpResponse:
    held = list(queries.held()[: queries.PAGE])
    failed = list(queries.failed()[: queries.PAGE])
    companies = list(
        companies_visible_to(request.user, include_archived=False)
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    return render(
        request,
        "mail/quarantine.html",
        {"held": held, "failed": failed, "companies": companies},
    )


@permission_required(can_triage_mail)
def message_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    message = queries.get_message(pk)
    companies = list(
        companies_visible_to(request.user, include_archived=False)
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    return render(
        request,
        "mail/message_detail.html",
        {
            "m": message,
            "attachments": list(message.attachments.order_by("pk")),
            "companies": companies,
            "held": message.status == InboundStatus.QUARANTINED,
        },
    )


def _back(request: AuthedHttpRequest) -> HttpResponse:
    return redirect("mail:quarantine")


@require_POST
@permission_required(can_triage_mail)
def message_file(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    message = queries.get_message(pk)
    company = (
        companies_visible_to(request.user, include_archived=False)
        .filter(pk=request.POST.get("company") or 0)
        .first()
        if str(request.POST.get("company", "")).isdigit()
        else None
    )
    if company is None:
        messages.error(request, "Choose the client the message is from.")
        return _back(request)
    try:
        done = services.file_as_ticket(
            request.user, message, company, add_contact=request.POST.get("add_contact") == "1"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(request)
    messages.success(request, f"Ticket #{done.ticket_id} opened for {company.name}.")
    return _back(request)


@require_POST
@permission_required(can_triage_mail)
def message_discard(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    message = queries.get_message(pk)
    try:
        services.discard(request.user, message)
        messages.success(request, "Message discarded.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(request)


@require_POST
@permission_required(can_triage_mail)
def message_retry(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    message = queries.get_message(pk)
    try:
        result = services.retry(request.user, message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(request)
    if result.status == InboundStatus.FAILED:
        messages.error(request, f"Failed again: {result.error}")
    else:
        messages.success(request, f"Processed: {result.status} ({result.reason}).")
    return _back(request)


@permission_required(is_authenticated)
def attachment(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A stored attachment, to whoever may see its ticket (held mail: the triage staff)."""
    item = MailAttachment.objects.filter(pk=pk, accepted=True).exclude(stored_name="").first()
    if item is None:
        raise Http404("Not found")
    if item.ticket_id is not None:
        get_ticket_for(request.user, item.ticket_id)  # 404 unless the ticket is visible
    elif not can_triage_mail(request.user):
        raise Http404("Not found")
    path = attachment_path(item.stored_name)
    if not path.is_file():
        raise Http404("Not found")
    ctype = item.content_type.lower() if item.content_type.lower() in SAFE_TYPES else ""
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=item.filename,
        content_type=ctype or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response  # type: ignore[return-value]  # a FileResponse streams; views are typed HttpResponse
