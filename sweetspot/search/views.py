"""The header's search box answers here: /search/?q=… (every logged-in role, scoped)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from sweetspot.core import permissions
from sweetspot.core.access import AuthedHttpRequest, permission_required

from .queries import search


@permission_required(permissions.is_authenticated)
def results(request: AuthedHttpRequest) -> HttpResponse:
    found = search(request.user, request.GET.get("q", ""))
    return render(
        request,
        "search/results.html",
        {"found": found, "staff": permissions.is_staff(request.user)},
    )
