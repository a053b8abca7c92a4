"""Certification planner: the engine's result as JSON (the same body `cert_plan --json` prints).

Owner, sales and dispatcher see every technician; a technician only their own rows (and no
training-spend totals); client contacts get 404.
"""

import json

from django.http import Http404, HttpResponse
from ninja import Router

from sweetspot.core.access import AuthedHttpRequest
from sweetspot.growth import cert_services

router = Router(tags=["certification planner"])


@router.get("/cert-plan")
def get_cert_plan(request: AuthedHttpRequest, technician: int | None = None) -> HttpResponse:
    """Ranked certification proposals per technician with cost, benefit, payback and warnings.
    `technician` narrows the result to one technician's rows."""
    if not cert_services.can_view(request.user):
        raise Http404("Not found")
    body = cert_services.plan_json_for(request.user, technician)
    return HttpResponse(json.dumps(body), content_type="application/json")
