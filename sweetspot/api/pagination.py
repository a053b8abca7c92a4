"""The API's one paginator: ninja's page-number pagination with bounded inputs.

A huge ``?page=`` (or ``?page_size=``) used to reach the database as an offset too large for
its integer type: a 500 on every list endpoint (issue 15 item 6). Out-of-range values are
now a 422 like any other invalid parameter."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 1_000


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)


class CappedPages(Pages):
    """Pages whose ``count`` stops at CAP + 1 (issue 18): for lists that grow with history
    (tickets), where counting every match of a million rows costs more than the page. A count
    of CAP + 1 means "more than CAP"; page on until a page comes back short."""

    CAP = 1000

    def _items_count(self, queryset: Any) -> int:
        # Without ORDER BY: the cheapest index for the filter alone (desk.queries.TicketPaginator).
        return int(queryset.values("pk").order_by()[: self.CAP + 1].count())
