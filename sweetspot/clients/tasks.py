"""Background jobs of the client book: preview and apply of a company import."""

from __future__ import annotations

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from sweetspot.core.dbstats import refresh_statistics
from sweetspot.core.models import Job

from . import importer
from .models import Company, Contact, Site

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="3", minute="17"))
def purge_imports() -> None:
    """Daily: uploads and row-by-row results older than importer.RETENTION_DAYS go."""
    importer.purge()


@db_task()
def preview_import(job_id: int) -> None:
    """Dry run: check every row against the client book, write nothing."""
    _run(job_id, apply=False)


@db_task()
def apply_import(job_id: int) -> None:
    """Check every row again and import them all in one transaction, or none."""
    _run(job_id, apply=True)


def _run(job_id: int, *, apply: bool) -> None:
    # Claim the job: only a queued job runs, so a task enqueued twice runs once.
    claimed = Job.objects.filter(
        pk=job_id, kind=importer.JOB_KIND, status=Job.Status.QUEUED
    ).update(
        status=Job.Status.RUNNING,
        progress=0,
        message="Importing…" if apply else "Checking rows…",
    )
    if not claimed:
        return
    job = Job.objects.select_related("created_by").get(pk=job_id)
    try:
        if apply and job.result.get("applied"):
            job.status = Job.Status.DONE
            job.message = "Already imported; nothing was done."
        else:
            _import(job, apply=apply)
    except Exception as exc:
        logger.exception("Company import job %s failed", job_id)
        job.status = Job.Status.FAILED
        job.message = f"Unexpected error: {exc}"[:500]
    job.finished_at = timezone.now()
    try:
        job.save()
    except Exception:
        logger.exception("Could not record the end of company import job %s", job_id)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, message="Unexpected error.", finished_at=job.finished_at
        )


def _import(job: Job, *, apply: bool) -> None:
    if "file" in job.result:
        # Parsed here, in the worker, from the stored upload (never in the request).
        try:
            rows = importer.read_file(
                importer.load_upload(job.result["file"]),
                importer.format_for(job.result["file"]) or "",
            )
        except importer.ImportFileError as exc:
            job.status = Job.Status.FAILED
            job.message = " ".join(exc.messages)[:500]
            return
        Job.objects.filter(pk=job.pk).update(total=len(rows))
    else:
        rows = job.result.get("input") or []

    def progress(done: int) -> None:
        Job.objects.filter(pk=job.pk).update(progress=done)

    outcome = importer.run_import(rows, job.created_by, apply=apply, progress=progress)
    job.result = {
        **job.result,
        "rows": outcome.rows,
        "summary": outcome.summary,
        "applied": outcome.applied,
    }
    job.total = job.progress = len(rows)
    errors = outcome.summary["errors"]
    if apply and not outcome.applied:
        job.status = Job.Status.FAILED
        job.message = f"Nothing was imported: {errors} row{'s' if errors != 1 else ''} with errors."
    elif apply:
        job.status = Job.Status.DONE
        job.message = "Imported."
        # Fresh planner statistics for the rows just loaded (issue 18).
        refresh_statistics(tables=[m._meta.db_table for m in (Company, Site, Contact)])
    else:
        job.status = Job.Status.DONE
        job.message = f"Checked: {errors} row{'s' if errors != 1 else ''} with errors."
