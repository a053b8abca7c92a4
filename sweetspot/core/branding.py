"""``firm_brand`` for templates: the header shows the firm's logo when it has one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .services import firm_brand


def brand(request: HttpRequest) -> dict[str, Any]:
    return {"firm_brand": SimpleLazyObject(firm_brand)}
