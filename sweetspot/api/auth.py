"""API authentication: personal bearer tokens, or the browser session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

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
