"""The promise check as a panel other apps' pages include (team sits below agreements)."""

from __future__ import annotations

from typing import Any

from django import template

from sweetspot.agreements import engine, promise
from sweetspot.core.permissions import can_edit_clients

register = template.Library()


@register.simple_tag
def promise_result_for(user: Any) -> engine.Result | None:
    """``{% promise_result_for request.user as result %}``: the firm-wide promise check for
    the people who sell and staff agreements (owner, dispatcher, sales), else None."""
    return promise.run() if can_edit_clients(user) else None
