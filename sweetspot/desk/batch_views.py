"""Batch dispatch page (issue #7 item 5, #18 item 3): preview the optimal plan for the
unassigned queue, then accept it. Owner and dispatcher only (others 404).

Queues of up to ``settings.BATCH_DISPATCH_BACKGROUND_ABOVE`` tickets (default 300) are solved
inside the request, under the firm's time limit (``Firm.dispatch_time_limit_seconds``).
Larger queues are solved by the huey worker (``desk.tasks.solve_batch``) in a ``core.Job``
row of kind ``batch_dispatch``: the page answers at once with a "Solving…" state and polls
``batch/runs/<pk>/`` (htmx, every second) until the plan is there; accepting it assigns the
plan the job proposed (tickets assigned meanwhile are skipped), so no web request waits on
the solver. A finished run is reused for the same queue for ``RUN_REUSE_MINUTES``, and a
running one for any queue. ``build_preview`` is shared with the API (``sweetspot.api.desk``),
whose preview and accept still solve inline at any size (not yet moved to the job).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings as django_settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from sweetspot.core import permissions
from sweetspot.core.access import AuthedHttpRequest, permission_required
from sweetspot.core.models import Firm, Job, User

from . import batch, engine, loaders, services
from .models import Ticket, TicketStatus

dispatch_required = permission_required(permissions.can_dispatch)
logger = logging.getLogger(__name__)

JOB_KIND = "batch_dispatch"
RUN_REUSE_MINUTES = 10
# The worker's steps, shown as "step/total" with the message while it runs.
STEPS = {
    "load": (1, "Loading the queue and the team…"),
    "urgency": (2, "Stage 1: the most urgent work that fits…"),
    "cost": (3, "Stage 2: the least cost for that work…"),
    "closing": (4, "Checking the bound on the final plan…"),
}


def background_above() -> int:
    """Queues with more tickets than this are solved by the background worker."""
    return int(django_settings.BATCH_DISPATCH_BACKGROUND_ABOVE)


def _unassigned() -> Any:
    return Ticket.objects.filter(
        status=TicketStatus.NEW, technician__isnull=True, subcontractor__isnull=True
    )


def unassigned_pks() -> list[int]:
    """The ids of the unassigned queue (a background run is keyed by them)."""
    return list(_unassigned().values_list("pk", flat=True))


def queue_is_large() -> bool:
    """More unassigned tickets than the request may solve: the job worker solves them."""
    return _unassigned().count() > background_above()


def unassigned_queue() -> list[Ticket]:
    return list(_unassigned().select_related("company", "service").order_by("created_at", "pk"))


@dataclass
class Preview:
    tickets: list[Ticket]
    people: list[engine.Person]
    plan: batch.Plan
    greedy: batch.Plan
    rows: list[dict[str, Any]]
    left_over: list[dict[str, Any]]
    load: list[dict[str, Any]]

    def to_result(self) -> dict[str, Any]:
        """What a background run keeps in its job row (``from_result`` reads it back)."""
        shown = {row["person_id"] for row in self.rows}
        return {
            "plan": self.plan.to_record(),
            "greedy": self.greedy.to_record(),
            "people": {
                p.id: {"kind": p.kind, "name": p.label, "free_hours": str(p.free_hours)}
                for p in self.people
                if p.id in shown
            },
            "rows": [
                {
                    "ticket": row["ticket"].pk,
                    "person": row["person_id"],
                    "hours": str(row["hours"]),
                    "cost": str(row["cost"]),
                }
                for row in self.rows
            ],
        }

    @classmethod
    def from_result(cls, result: dict[str, Any]) -> Preview:
        plan = batch.Plan.from_json(result["plan"])
        greedy = batch.Plan.from_json(result["greedy"])
        people = [
            engine.Person(
                id=pid, kind=p["kind"], name=p["name"], free_hours=Decimal(p["free_hours"])
            )
            for pid, p in result["people"].items()
        ]
        by_person = {p.id: p for p in people}
        ids = [int(pk) for pk in [*plan.assignments, *plan.unassigned]]
        by_pk = {
            t.pk: t for t in Ticket.objects.filter(pk__in=ids).select_related("company", "service")
        }
        tickets = [by_pk[pk] for pk in ids if pk in by_pk]
        rows = [
            {
                "ticket": by_pk[r["ticket"]],
                "person": by_person[r["person"]],
                "person_id": r["person"],
                "hours": Decimal(r["hours"]),
                "cost": Decimal(r["cost"]),
            }
            for r in result["rows"]
            if r["ticket"] in by_pk
        ]
        left_over = [
            {"ticket": by_pk[int(tid)], "reason": reason}
            for tid, reason in plan.unassigned.items()
            if int(tid) in by_pk
        ]
        used: dict[str, Decimal] = {}
        for row in rows:
            used[row["person_id"]] = used.get(row["person_id"], Decimal(0)) + row["hours"]
        load = [{"person": p, "hours": used[p.id], "free": p.free_hours} for p in people]
        return cls(tickets, people, plan, greedy, rows, left_over, load)

    def to_json(self) -> dict[str, Any]:
        data = self.plan.to_json()
        data["greedy"] = {
            "assigned": len(self.greedy.assignments),
            "total_cost": str(self.greedy.total_cost),
        }
        data["queue"] = len(self.tickets)
        return data


def build_preview(
    time_limit: float | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> Preview:
    now = now or timezone.now()
    firm = Firm.current()
    settings = loaders.dispatch_settings(firm)
    tickets = unassigned_queue()
    people = loaders.people(
        timezone.localdate(now), now=now, company_ids={t.company_id for t in tickets}
    )
    etickets = loaders.engine_tickets(tickets, now)
    plan = batch.plan(etickets, people, settings, time_limit=time_limit, progress=progress)
    greedy = batch.greedy_plan(etickets, people, settings)
    by_ticket = {str(t.pk): t for t in tickets}
    by_eticket = {t.id: t for t in etickets}
    by_person = {p.id: p for p in people}
    rows = []
    for tid, pid in plan.assignments.items():
        person = by_person[pid]
        et = by_eticket[tid]
        rows.append(
            {
                "ticket": by_ticket[tid],
                "person": person,
                "person_id": pid,
                "hours": et.estimate_hours,
                "cost": batch.pair_cost(person, et, settings),
            }
        )
    left_over = [{"ticket": by_ticket[tid], "reason": r} for tid, r in plan.unassigned.items()]
    used = plan.hours_by_person(etickets)
    load = [
        {"person": p, "hours": used.get(p.id, Decimal(0)), "free": p.free_hours}
        for p in people
        if p.id in used
    ]
    return Preview(tickets, people, plan, greedy, rows, left_over, load)


def accept(actor: User, time_limit: float | None = None) -> int:
    """Re-run the plan and assign each proposed ticket through services.assign (audited)."""
    preview = build_preview(time_limit)
    count = 0
    with transaction.atomic():
        for row in preview.rows:
            assignee = loaders.resolve_person(row["person_id"])
            if assignee is None:
                continue
            services.assign(actor, row["ticket"], assignee)
            count += 1
    return count


def accept_run(actor: User, job: Job) -> int:
    """Assign what a finished background run proposed, skipping tickets that have left the
    unassigned queue since (assigned by hand, closed) and people no longer active."""
    proposed = {int(tid): pid for tid, pid in job.result["plan"]["assignments"].items()}
    still = Ticket.objects.filter(
        pk__in=proposed,
        status=TicketStatus.NEW,
        technician__isnull=True,
        subcontractor__isnull=True,
    ).select_related("company", "service")
    count = 0
    with transaction.atomic():
        for ticket in still.order_by("created_at", "pk"):
            assignee = loaders.resolve_person(proposed[ticket.pk])
            if assignee is None:
                continue
            services.assign(actor, ticket, assignee)
            count += 1
    return count


def queue_key(pks: list[int]) -> str:
    return hashlib.sha256(",".join(map(str, sorted(pks))).encode()).hexdigest()[:32]


def start_run(actor: User, pks: list[int]) -> Job:
    """The run for this queue: one still solving, or one finished for the same queue within
    RUN_REUSE_MINUTES, else a new job handed to the worker."""
    from .tasks import solve_batch  # noqa: PLC0415 (the task module imports this one)

    key = queue_key(pks)
    recent = timezone.now() - dt.timedelta(minutes=RUN_REUSE_MINUTES)
    job = (
        Job.objects.filter(
            kind=JOB_KIND,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
            created_at__gte=timezone.now() - dt.timedelta(hours=1),  # not a worker long dead
        )
        .order_by("-pk")
        .first()
    ) or (
        Job.objects.filter(
            kind=JOB_KIND, status=Job.Status.DONE, finished_at__gte=recent, result__queue=key
        )
        .order_by("-pk")
        .first()
    )
    if job is not None:
        return job
    job = Job.objects.create(
        kind=JOB_KIND,
        created_by=actor,
        total=len(STEPS),
        message="Waiting for the worker…",
        result={"queue": key, "size": len(pks)},
    )
    solve_batch(job.pk)
    job.refresh_from_db()
    return job


def run_job(job_id: int) -> None:
    """The worker's side (``tasks.solve_batch``): claim the queued job, solve, keep the plan."""
    claimed = Job.objects.filter(pk=job_id, kind=JOB_KIND, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, progress=STEPS["load"][0], message=STEPS["load"][1]
    )
    if not claimed:
        return

    def progress(part: str) -> None:
        step, message = STEPS.get(part, (0, ""))
        if step:
            Job.objects.filter(pk=job_id).update(progress=step, message=message)

    job = Job.objects.get(pk=job_id)
    try:
        preview = build_preview(progress=progress)
    except Exception as exc:
        logger.exception("Batch dispatch job %s failed", job_id)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED,
            message=f"The solver failed: {exc}"[:500],
            finished_at=timezone.now(),
        )
        return
    n = len(preview.plan.assignments)
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.DONE,
        progress=len(STEPS),
        message=f"Plan ready: {n} ticket{'' if n == 1 else 's'} to assign.",
        result={**job.result, **preview.to_result(), "size": len(preview.tickets)},
        finished_at=timezone.now(),
    )


def _page(request: AuthedHttpRequest, preview: Preview | None, job: Job | None) -> HttpResponse:
    context: dict[str, Any] = {"job": job, "threshold": background_above()}
    if preview is not None:
        context.update(preview=preview, plan=preview.plan, greedy=preview.greedy)
    return render(request, "desk/batch_preview.html", context)


@dispatch_required
@require_GET
def batch_preview(request: AuthedHttpRequest) -> HttpResponse:
    pks = unassigned_pks()
    if len(pks) <= background_above():
        return _page(request, build_preview(), None)
    job = start_run(request.user, pks)
    if job.status == Job.Status.DONE:
        return redirect("desk:batch_run", pk=job.pk)
    return _page(request, None, job)


@dispatch_required
@require_GET
def batch_run(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A background run: its progress while it solves (the page polls this), then the plan."""
    job = get_object_or_404(Job, pk=pk, kind=JOB_KIND)
    done = job.status == Job.Status.DONE
    return _page(request, Preview.from_result(job.result) if done else None, job)


@dispatch_required
@require_POST
def batch_accept(request: AuthedHttpRequest) -> HttpResponse:
    run = request.POST.get("run", "")
    if run.isdigit():
        job = get_object_or_404(Job, pk=int(run), kind=JOB_KIND, status=Job.Status.DONE)
        count = accept_run(request.user, job)
    else:
        if queue_is_large():
            messages.info(request, "This queue is solved in the background: accept its plan.")
            return redirect("desk:batch_preview")
        count = accept(request.user)
    messages.success(request, f"{count} ticket{'' if count == 1 else 's'} assigned")
    return redirect("desk:batch_preview")
