from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from sweetspot.core.writes import is_conflict

from .agreements import router as agreements_router
from .auth import auth
from .billing import router as billing_router
from .catalog import router as catalog_router
from .certplan import router as certplan_router
from .clients import router as clients_router
from .desk import router as desk_router
from .desk_time import router as desk_time_router
from .growth import router as growth_router
from .receivables import router as receivables_router
from .team import router as team_router
from .visits import router as visits_router

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"anyOf": [{"type": "string"}, {"type": "array"}]}},
    "required": ["detail"],
}
# Statuses any operation may answer besides its own (issue 15 item 6: every status an
# operation returns is documented). 404 is also the answer to a refused role or an object
# outside the caller's scope (never 403).
COMMON_STATUSES = {
    401: "No valid token or session.",
    404: "Not found, or not yours to see (a refused role answers 404, never 403).",
    422: "Invalid input: field-level errors in `detail`.",
}


class SweetspotAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                responses = operation.setdefault("responses", {})
                for status, text in COMMON_STATUSES.items():
                    if status not in responses and str(status) not in responses:
                        responses[status] = {
                            "description": text,
                            "content": {"application/json": {"schema": ERROR_SCHEMA}},
                        }
        return schema


api = SweetspotAPI(
    title="Sweetspot API",
    version="1",
    urls_namespace="api",
    auth=auth,
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ValidationError)
def model_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Model-level validation (services' full_clean) answers 422 with field errors. A refusal
    caused by the object's state (core.writes.CONFLICT: a clash, a wrong status, a term
    already renewed) answers 409 with its reason as ``detail``; such operations document 409."""
    if is_conflict(exc):
        return api.create_response(request, {"detail": " ".join(exc.messages)}, status=409)
    if hasattr(exc, "error_dict"):
        detail = [
            {
                "loc": ["body", "payload", field],
                "msg": " ".join(m for e in errs for m in e.messages),
                "type": "value_error",
            }
            for field, errs in exc.error_dict.items()
        ]
    else:
        detail = [{"loc": ["body"], "msg": " ".join(exc.messages), "type": "value_error"}]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(ValueError)
def nul_in_input(request: HttpRequest, exc: ValueError) -> HttpResponse:
    """PostgreSQL cannot store or compare a NUL character; psycopg refuses it before the
    query is sent. Input with one is invalid input (422), not a server error."""
    if "NUL" not in str(exc):
        raise exc
    detail = [
        {"loc": ["body"], "msg": "Text may not contain NUL characters.", "type": "value_error"}
    ]
    return api.create_response(request, {"detail": detail}, status=422)


api.add_router("/", clients_router)
api.add_router("/", growth_router)
api.add_router("/", catalog_router)
api.add_router("/", certplan_router)
api.add_router("/", team_router)
api.add_router("/", agreements_router)
api.add_router("/", desk_router)
api.add_router("/", desk_time_router)
api.add_router("/", visits_router)
api.add_router("/", billing_router)
api.add_router("/", receivables_router)
