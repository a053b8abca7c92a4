from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

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

api = NinjaAPI(
    title="Sweetspot API",
    version="1",
    urls_namespace="api",
    auth=auth,
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(ValidationError)
def model_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Model-level validation (services' full_clean) answers 422 with field errors."""
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


api.add_router("/", clients_router)
api.add_router("/", growth_router)
api.add_router("/", catalog_router)
api.add_router("/", certplan_router)
api.add_router("/", team_router)
api.add_router("/", agreements_router)
api.add_router("/", desk_router)
api.add_router("/", desk_time_router)
api.add_router("/", billing_router)
api.add_router("/", receivables_router)
