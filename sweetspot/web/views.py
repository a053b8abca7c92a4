from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from sweetspot.core.access import any_role_required
from sweetspot.core.scoping import companies_visible_to


@any_role_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_client_contact:  # type: ignore[union-attr]
        return redirect("clients:company_detail", pk=user.company_id)  # type: ignore[union-attr]
    counts = companies_visible_to(user, include_archived=False).aggregate(
        total=Count("pk"),
        clients=Count("pk", filter=Q(status="client")),
        prospects=Count("pk", filter=Q(status="prospect")),
        sweet_spot=Count("pk", filter=Q(segment="sweet_spot")),
    )
    return render(request, "web/home.html", {"counts": counts})
