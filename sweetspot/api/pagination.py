"""The API's one paginator: ninja's page-number pagination with bounded inputs.

A huge ``?page=`` (or ``?page_size=``) used to reach the database as an offset too large for
its integer type: a 500 on every list endpoint (issue 15 item 6). Out-of-range values are
now a 422 like any other invalid parameter."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
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
    # The fewest ids the inner select asks for (see paginate_queryset).
    IDS_AT_LEAST = 25

    def _items_count(self, queryset: Any) -> int:
        # Without ORDER BY: the cheapest index for the filter alone (desk.queries.TicketPaginator).
        return int(queryset.values("pk").order_by()[: self.CAP + 1].count())

    def paginate_queryset(self, queryset: Any, pagination: Any, request: Any, **params: Any) -> Any:
        out = super().paginate_queryset(queryset, pagination, request, **params)
        items = out[self.items_attribute]
        if isinstance(items, QuerySet) and not items.query.annotations:
            # The page's ids first, on the filtered, sorted table alone (limited in the index
            # of the filter and the sort), then those rows: as desk.queries.TicketPaginator.
            # Whole rows asked at once let SQLite search the filter's index and sort every
            # match (at risk: all tickets in flight) instead of reading the first 25 in order.
            # A short page asks the inner select for IDS_AT_LEAST ids and keeps its own
            # first rows: with LIMIT 20 or less SQLite stopped reading at-risk tickets in
            # order from the newest-first index and collected and sorted all of them
            # instead (7 ms more at 1M tickets for ?page_size=4 than for 25; issue 18).
            low, high = items.query.low_mark, items.query.high_mark
            wide = items
            if high is not None and high - low < self.IDS_AT_LEAST:
                wide = queryset[low : low + self.IDS_AT_LEAST]
            outer = queryset.model._default_manager.filter(pk__in=wide.values("pk"))
            outer.query.select_related = queryset.query.select_related
            outer = outer.prefetch_related(*queryset._prefetch_related_lookups)
            outer = outer.order_by(*queryset.query.order_by)
            out[self.items_attribute] = (
                outer if high is None or wide is items else outer[: high - low]
            )
        return out
