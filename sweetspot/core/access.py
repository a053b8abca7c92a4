"""View decorators for roles. Object-level scoping lives in scoping.py."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from . import permissions
from .models import CLIENT_EDITOR_ROLES, STAFF_ROLES, Role, User


class AuthedHttpRequest(HttpRequest):
    """A request behind one of the decorators below: the user is a logged-in User."""

    user: User  # type: ignore[assignment]


View = Callable[..., HttpResponse]


def roles_required(*roles: str) -> Callable[[View], View]:
    """Login required; other roles get 404 so the route's existence is not confirmed."""
    allowed = frozenset(roles)

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.role not in allowed:  # type: ignore[union-attr]
                raise Http404("Not found")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = roles_required(*STAFF_ROLES)
client_editor_required = roles_required(*CLIENT_EDITOR_ROLES)
owner_required = roles_required(Role.OWNER)
any_role_required = roles_required(*Role.values)


def permission_required(predicate: permissions.Predicate) -> Callable[[View], View]:
    """Login required; a user the predicate refuses gets 404 (core.permissions)."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not predicate(request.user):
                raise Http404("Not found")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
