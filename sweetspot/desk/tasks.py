"""Background jobs of the desk: batch dispatch of a large unassigned queue (issue #18)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from . import batch_views


@db_task()
def solve_batch(job_id: int) -> None:
    """Solve the unassigned queue for a ``batch_dispatch`` job and keep the plan in it."""
    batch_views.run_job(job_id)
