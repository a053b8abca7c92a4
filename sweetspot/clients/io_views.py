"""Import and export of the client book (CSV/XLSX through tablib)."""

from __future__ import annotations

import tablib
from django.http import Http404, HttpRequest, HttpResponse

from sweetspot.core.access import any_role_required, client_editor_required
from sweetspot.core.scoping import companies_visible_to, get_company_for

from . import queries

EXPORT_COLUMNS = [
    "id", "name", "status", "segment", "industry", "pcs", "servers", "site_count", "network",
    "current_support", "annual_revenue", "downtime_cost_per_hour", "monthly_it_budget",
]
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _fmt(request: HttpRequest) -> str:
    fmt = request.GET.get("format", "csv")
    return fmt if fmt in CONTENT_TYPES else "csv"


def _respond(data: tablib.Dataset, fmt: str, filename: str) -> HttpResponse:
    body = data.export(fmt)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@any_role_required
def company_export(request: HttpRequest) -> HttpResponse:
    """Export the filtered, sorted list the user is looking at (scoped)."""
    qs = queries.filter_companies(companies_visible_to(request.user), request.GET)
    qs, _ = queries.sort_companies(qs, request.GET.get("sort"))
    data = tablib.Dataset(headers=EXPORT_COLUMNS)
    for row in qs.values_list(*EXPORT_COLUMNS).iterator(chunk_size=2000):
        data.append(["" if v is None else v for v in row])
    return _respond(data, _fmt(request), "companies")


@any_role_required
def company_record_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One company with its sites and contacts, in the import file's shape."""
    from .importer import company_rows

    company = get_company_for(request.user, pk)
    return _respond(company_rows(company), _fmt(request), f"company-{company.pk}")


@client_editor_required
def import_upload(request: HttpRequest) -> HttpResponse:
    raise Http404("Import is not available yet")


@client_editor_required
def import_status(request: HttpRequest, job_id: int) -> HttpResponse:
    raise Http404("Import is not available yet")


@client_editor_required
def import_apply(request: HttpRequest, job_id: int) -> HttpResponse:
    raise Http404("Import is not available yet")
