"""The current request's IP address and user agent, for audit rows (set by middleware)."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None
    user_agent: str


_current: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar(
    "sweetspot_request", default=None
)


def info_from(request: HttpRequest) -> RequestInfo:
    # REMOTE_ADDR only: behind a reverse proxy, have it set REMOTE_ADDR (e.g. gunicorn's
    # --forwarded-allow-ips) rather than trusting a client-supplied X-Forwarded-For here.
    ip = request.META.get("REMOTE_ADDR") or None
    agent = str(request.META.get("HTTP_USER_AGENT", ""))[:300]
    return RequestInfo(ip=ip, user_agent=agent)


def set_from(request: HttpRequest) -> contextvars.Token[RequestInfo | None]:
    return _current.set(info_from(request))


def reset(token: contextvars.Token[RequestInfo | None]) -> None:
    _current.reset(token)


def current() -> RequestInfo | None:
    return _current.get()
