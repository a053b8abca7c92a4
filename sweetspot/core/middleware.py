"""Request context for the audit log, and the second-factor gate.

``RequestContextMiddleware`` keeps the client's IP address and user agent in a context
variable for the duration of a request, so ``core.audit`` stamps every row written during it.
``MfaMiddleware`` holds a session that signed in with a password but still owes its second
factor (``core.mfa``) to the verification or enrolment page; it reads the session only, so it
costs no query on an ordinary request.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from . import mfa, request_context

# Paths a session owing its second factor may still reach.
MFA_OPEN_PREFIXES = ("/mfa/", "/logout/", "/login/", "/static/")


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request_context.set_from(request)
        try:
            return self.get_response(request)
        finally:
            request_context.reset(token)


class MfaMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(mfa.PENDING_KEY):
            path = request.path
            if not path.startswith(MFA_OPEN_PREFIXES):
                if path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": "Second factor required: sign in on the web first."},
                        status=401,
                    )
                target = "mfa_setup" if session.get(mfa.PENDING_KEY) == "enrol" else "mfa_verify"
                response = redirect(target)
                if request.method == "GET":
                    response["Location"] += "?" + urlencode({"next": request.get_full_path()})
                return response
        return self.get_response(request)
