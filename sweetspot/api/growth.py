"""Assessments: the qualification engine's JSON contract over HTTP."""

import json
from typing import Any

from django.http import HttpResponse
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from sweetspot.clients.scoping import get_company_for
from sweetspot.core import permissions
from sweetspot.core.access import AuthedHttpRequest
from sweetspot.core.models import Firm
from sweetspot.growth import contract, services
from sweetspot.growth.models import Assessment

from .auth import require
from .pagination import Pages as PageNumberPagination  # bounded ?page= (issue 15)

router = Router(tags=["growth"])

CONTRACT_DOC = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        contract.AssessmentInput.model_json_schema(),
                        {"type": "array", "items": contract.AssessmentInput.model_json_schema()},
                    ]
                }
            }
        },
        "required": True,
    }
}


class StoredAssessmentOut(Schema):
    id: int
    company_id: int
    created_at: Any
    inputs: dict[str, Any]
    result: dict[str, Any]
    settings_used: dict[str, Any]
    fit_score: int
    verdict: str
    segment: str
    engagement: str


def _json(data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(data), status=status, content_type="application/json")


@router.post("/assessments", openapi_extra=CONTRACT_DOC)
def assess(request: AuthedHttpRequest) -> HttpResponse:
    """Assess one prospect (object) or several (array); nothing is stored."""
    require(request, permissions.can_assess)
    try:
        parsed = contract.parse_text(request.body or b"")
    except contract.ContractError as exc:
        return _json(exc.body, status=422)
    return _json(contract.run(parsed, services.qualification_settings(Firm.current())))


@router.post(
    "/companies/{company_id}/assessments",
    response={201: StoredAssessmentOut},
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": contract.AssessmentInput.model_json_schema()}
            },
            "required": False,
        }
    },
)
def assess_company(request: AuthedHttpRequest, company_id: int) -> Any:
    """Assess a company from its record (empty body) or from given inputs, and store it."""
    require(request, permissions.can_assess)
    company = get_company_for(request.user, company_id)
    inputs = None
    if request.body and request.body.strip():
        try:
            inputs = json.loads(request.body)
        except ValueError:
            return _json(
                {"detail": [{"field": "(body)", "msg": "Not valid JSON.", "type": "json_invalid"}]},
                status=422,
            )
    try:
        row = services.assess_company(request.user, company, inputs)
    except contract.ContractError as exc:
        return _json(exc.body, status=422)
    return Status(201, row)


@router.get("/companies/{company_id}/assessments", response=list[StoredAssessmentOut])
@paginate(PageNumberPagination, page_size=25)
def list_company_assessments(request: AuthedHttpRequest, company_id: int) -> Any:
    require(request, permissions.is_staff)
    company = get_company_for(request.user, company_id)
    return Assessment.objects.filter(company=company)
