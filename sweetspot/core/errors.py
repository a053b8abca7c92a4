"""Error pages that never touch the database.

``server_error`` (``handler500``): when the database is unreachable (PostgreSQL stopped or
restarting, a SQLite file locked for too long) the answer is a plain **503** with
``Retry-After`` — a short page, or JSON under ``/api/`` — instead of a 500; other failures
stay a plain 500. Neither renders a template (context processors would query) nor shows a
traceback.
"""

from __future__ import annotations

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

UNAVAILABLE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Back in a moment · Sweetspot</title></head><body>
<h1>Sweetspot is back in a moment</h1>
<p>The database is not answering. Nothing you sent in this request was saved; please try
again in a minute.</p></body></html>"""

FAILED = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Error · Sweetspot</title></head><body>
<h1>Something went wrong</h1><p>The error was recorded. Please try again.</p></body></html>"""


def database_down(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        if isinstance(exc, DatabaseError) and "connection" in str(exc).lower():
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    exc = sys.exc_info()[1]
    api = request.path.startswith("/api/")
    if database_down(exc):
        response: HttpResponse
        if api:
            response = JsonResponse(
                {"detail": "The database is not answering; try again shortly."}, status=503
            )
        else:
            response = HttpResponse(UNAVAILABLE, status=503)
        response["Retry-After"] = "30"
        return response
    if api:
        return JsonResponse({"detail": "Server error."}, status=500)
    return HttpResponse(FAILED, status=500)
