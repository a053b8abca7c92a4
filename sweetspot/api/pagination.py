"""The API's one paginator: ninja's page-number pagination with bounded inputs.

A huge ``?page=`` (or ``?page_size=``) used to reach the database as an offset too large for
its integer type: a 500 on every list endpoint (issue 15 item 6). Out-of-range values are
now a 422 like any other invalid parameter."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 1_000


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)
