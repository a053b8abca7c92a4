"""API authentication: personal bearer tokens, or the browser session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja.security import HttpBearer, SessionAuth

from sweetspot.core.permissions import Predicate
from sweetspot.core.tokens import user_for_key


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_key(token)
        if user is not None:
            request.user = user
        return user


class StaffOrClientSession(SessionAuth):
    """Session auth for the in-browser docs page; CSRF is enforced by ninja for unsafe methods."""


auth = [TokenAuth(), StaffOrClientSession()]


def require(request: HttpRequest, predicate: Predicate) -> None:
    """The API's one role gate (core.permissions): a refused caller gets 404, as pages do."""
    if not predicate(request.user):
        raise Http404("Not found")
