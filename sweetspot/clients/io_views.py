"""Import and export of the client book (CSV/XLSX through tablib)."""

from __future__ import annotations

from typing import Any

import tablib
from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sweetspot.clients.scoping import companies_visible_to, get_company_for
from sweetspot.core import spreadsheet
from sweetspot.core.access import client_editor_required, staff_required
from sweetspot.core.models import Job

from . import importer, queries
from .importer import company_rows
from .tasks import apply_import, preview_import

EXPORT_COLUMNS = [
    "id",
    "name",
    "status",
    "segment",
    "industry",
    "pcs",
    "servers",
    "site_count",
    "network",
    "current_support",
    "annual_revenue",
    "downtime_cost_per_hour",
    "monthly_it_budget",
]
CONTENT_TYPES = spreadsheet.CONTENT_TYPES


def _fmt(request: HttpRequest) -> str:
    fmt = request.GET.get("format", "csv")
    return fmt if fmt in CONTENT_TYPES else "csv"


def _respond(data: tablib.Dataset, fmt: str, filename: str) -> HttpResponse:
    """Through the spreadsheet-safe writer: text neutralised, numbers stay numbers."""
    return spreadsheet.response(fmt, filename, data.headers or [], list(data))


@staff_required
def company_export(request: HttpRequest) -> HttpResponse:
    """Export the filtered, sorted list the user is looking at (scoped). Staff only: the
    columns are the firm's internal record (a client contact reads the portal page)."""
    qs = queries.filter_companies(companies_visible_to(request.user), request.GET)
    qs, _ = queries.sort_companies(qs, request.GET.get("sort"))
    data = tablib.Dataset(headers=EXPORT_COLUMNS)
    for row in qs.values_list(*EXPORT_COLUMNS).iterator(chunk_size=2000):
        data.append(list(row))
    return _respond(data, _fmt(request), "companies")


@staff_required
def company_record_export(request: HttpRequest, pk: int) -> HttpResponse:
    """One company with its sites and contacts, in the import file's shape."""

    company = get_company_for(request.user, pk)
    return _respond(company_rows(company), _fmt(request), f"company-{company.pk}")


class ImportForm(forms.Form):
    content: bytes
    fmt: str
    file = forms.FileField(
        label="CSV or XLSX file",
        help_text="Header row first; one row per site or contact.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        fmt = importer.format_for(upload.name)
        if fmt is None:
            raise forms.ValidationError("Upload a .csv or .xlsx file.")
        if upload.size > importer.MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB; split it up.")
        self.content, self.fmt = upload.read(), fmt
        try:
            # Only the header and a first row here; the worker reads the rest.
            importer.check_file(self.content, fmt)
        except importer.ImportFileError as exc:
            raise forms.ValidationError(exc.messages) from exc
        return upload


def _import_job(request: HttpRequest, job_id: int) -> Job:
    """The user's own import job, else 404."""
    return get_object_or_404(Job, pk=job_id, created_by=request.user, kind=importer.JOB_KIND)


@client_editor_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        # The upload is kept as a file (importer.RETENTION_DAYS), not in the job row.
        stored = importer.store_upload(form.content, form.fmt)
        job = Job.objects.create(
            kind=importer.JOB_KIND,
            created_by=request.user,  # type: ignore[misc]  # a logged-in editor
            total=0,
            message="Waiting to check the file…",
            result={"filename": form.cleaned_data["file"].name, "file": stored},
        )
        preview_import(job.pk)
        return redirect("clients:import_status", job_id=job.pk)
    return render(
        request,
        "clients/import_upload.html",
        {"form": form, "columns": importer.IMPORT_COLUMNS},
    )


@client_editor_required
def import_status(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _import_job(request, job_id)
    result = job.result or {}
    summary: dict[str, int] = result.get("summary") or {}
    applied = bool(result.get("applied"))
    context = {
        "job": job,
        "filename": result.get("filename", ""),
        "rows": result.get("rows") or [],
        "summary": summary,
        "applied": applied,
        "can_apply": job.status == Job.Status.DONE
        and bool(summary)
        and not summary.get("errors")
        and not applied,
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "clients/_import_preview.html", context)
    return render(request, "clients/import_status.html", context)


@client_editor_required
@require_POST
def import_apply(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _import_job(request, job_id)
    result = job.result or {}
    summary: dict[str, int] = result.get("summary") or {}
    if result.get("applied"):
        messages.info(request, "This file has already been imported.")
    elif job.status != Job.Status.DONE or not summary:
        messages.error(request, "The preview is not finished; nothing was imported.")
    elif summary.get("errors"):
        messages.error(request, "The file has errors; nothing will be imported until it is fixed.")
    # Claim the job: of two clicks on Apply, only one enqueues the import.
    elif Job.objects.filter(pk=job.pk, status=Job.Status.DONE).update(
        status=Job.Status.QUEUED, progress=0, message="Waiting to import…", finished_at=None
    ):
        apply_import(job.pk)
    return redirect("clients:import_status", job_id=job.pk)
