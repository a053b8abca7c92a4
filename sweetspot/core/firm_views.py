"""The firm settings page (owner, ``permissions.can_edit_firm_settings``) and the logo."""

from __future__ import annotations

import copy
import mimetypes

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from . import services
from .access import AuthedHttpRequest, permission_required
from .firm_forms import FirmSettingsForm
from .models import Firm
from .permissions import can_edit_firm_settings
from .writes import save_form


@permission_required(can_edit_firm_settings)
@require_http_methods(["GET", "POST"])
def firm_settings(request: AuthedHttpRequest) -> HttpResponse:
    firm = Firm.current()
    form = FirmSettingsForm(request.POST or None, request.FILES or None, instance=copy.copy(firm))
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda data: services.update_firm(
                request.user,
                firm,
                data,
                logo=request.FILES.get("logo"),
                remove_logo=bool(data.get("remove_logo")),
            ),
        )
        if saved is not None:
            messages.success(request, "Firm settings saved.")
            return redirect("firm_settings")
    return render(request, "core/firm_settings.html", {"form": form, "firm": firm})


@require_GET
def firm_logo(request: HttpRequest) -> HttpResponseBase:
    """The firm's logo (public: the login page shows it). Only PNG, JPEG or GIF are stored."""
    firm = Firm.current()
    if not firm.logo:
        raise Http404("No logo")
    try:
        handle = firm.logo.open("rb")
    except FileNotFoundError:
        raise Http404("No logo") from None
    content_type = mimetypes.guess_type(firm.logo.name)[0] or "application/octet-stream"
    if content_type not in {"image/png", "image/jpeg", "image/gif"}:
        content_type = "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "public, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
