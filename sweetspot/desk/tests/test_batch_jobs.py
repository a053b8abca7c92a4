"""Batch dispatch of a large queue as a background job (issue #18 item 3): the page answers
at once with a "Solving…" state, the worker keeps the plan in a core.Job row, the page shows
it and accepting assigns what it proposed."""

from __future__ import annotations

import pytest

from sweetspot.core.models import AuditLog, Job
from sweetspot.desk import batch, batch_views, services, tasks
from sweetspot.desk.models import Ticket, TicketStatus

from .test_batch_page import queue  # noqa: F401  (the fixture: 7 tickets, 2 technicians)


@pytest.fixture
def large(settings, queue):  # noqa: F811
    """The 7-ticket queue counts as large: above the background threshold."""
    settings.BATCH_DISPATCH_BACKGROUND_ABOVE = 3
    return queue


def _no_solver_here(*args, **kwargs):
    raise AssertionError("the web request ran the solver")


@pytest.mark.django_db
def test_large_queue_page_answers_at_once_then_the_worker_fills_in_the_plan(
    large, client_for, monkeypatch
):
    techs, tickets, nobody = large
    queued: list[int] = []
    monkeypatch.setattr(tasks, "solve_batch", queued.append)  # the worker has not run yet
    monkeypatch.setattr(batch, "plan", _no_solver_here)
    dan = client_for("dan")
    resp = dan.get("/desk/batch/")
    assert resp.status_code == 200
    body = resp.content.decode()
    job = Job.objects.get(kind=batch_views.JOB_KIND)
    assert queued == [job.pk] and job.status == Job.Status.QUEUED
    assert 'id="batch-solving"' in body and f'hx-get="/desk/batch/runs/{job.pk}/"' in body
    assert "batch-assignments" not in body
    # Polling while it runs: still the solving state, no second job for the same queue.
    assert 'id="batch-solving"' in dan.get(f"/desk/batch/runs/{job.pk}/").content.decode()
    dan.get("/desk/batch/")
    assert Job.objects.filter(kind=batch_views.JOB_KIND).count() == 1

    monkeypatch.undo()
    tasks.solve_batch.call_local(job.pk)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.progress == job.total
    plan = job.result["plan"]
    assert len(plan["assignments"]) == 3  # 5 h + 3 h of capacity, 2 h tickets
    assert plan["unassigned"][str(nobody.pk)] == "no_qualified"
    assert {"build", "urgency", "cost"} <= set(plan["solver"]["stages"])

    resp = dan.get(f"/desk/batch/runs/{job.pk}/")
    body = resp.content.decode()
    assert 'id="batch-solving"' not in body and "batch-assignments" in body
    assert 'hx-get="/desk/batch/runs/' not in body  # finished: no more polling
    assert "Mail issue 0" in body and "Nobody qualified" in body
    assert f'name="run" value="{job.pk}"' in body
    preview = resp.context["preview"]
    assert [r["ticket"].pk for r in preview.rows] == [int(t) for t in plan["assignments"]]
    assert sum(row["hours"] for row in preview.load) == 6


@pytest.mark.django_db
def test_immediate_worker_the_page_leads_to_the_plan_and_accept_assigns_it(large, client_for):
    techs, tickets, nobody = large
    dan = client_for("dan")
    resp = dan.get("/desk/batch/")
    job = Job.objects.get(kind=batch_views.JOB_KIND)
    assert job.status == Job.Status.DONE
    assert resp.status_code == 302 and resp["Location"] == f"/desk/batch/runs/{job.pk}/"
    # The same queue a moment later: the finished run is shown again, not solved again.
    dan.get("/desk/batch/")
    assert Job.objects.filter(kind=batch_views.JOB_KIND).count() == 1

    # Someone assigns one of the proposed tickets by hand meanwhile: accepting skips it.
    proposed = [int(t) for t in job.result["plan"]["assignments"]]
    by_hand = Ticket.objects.get(pk=proposed[0])
    services.assign(job.created_by, by_hand, techs[0])
    before = AuditLog.objects.filter(object_type="desk.Ticket").count()
    resp = client_for("olivia").post("/desk/batch/accept/", {"run": job.pk}, follow=True)
    assert "2 tickets assigned" in resp.content.decode()
    assert AuditLog.objects.filter(object_type="desk.Ticket").count() == before + 2
    assert set(
        Ticket.objects.filter(status=TicketStatus.ASSIGNED).values_list("pk", flat=True)
    ) == set(proposed)


@pytest.mark.django_db
def test_large_queue_accept_without_a_run_does_not_solve_in_the_request(
    large, client_for, monkeypatch
):
    monkeypatch.setattr(batch, "plan", _no_solver_here)
    resp = client_for("dan").post("/desk/batch/accept/")
    assert resp.status_code == 302 and resp["Location"] == "/desk/batch/"
    assert not Ticket.objects.filter(status=TicketStatus.ASSIGNED).exists()


@pytest.mark.django_db
def test_small_queue_still_solves_in_the_request(queue, client_for):  # noqa: F811
    resp = client_for("dan").get("/desk/batch/")
    assert resp.status_code == 200 and len(resp.context["preview"].rows) == 3
    assert not Job.objects.filter(kind=batch_views.JOB_KIND).exists()


@pytest.mark.django_db
def test_a_failing_solver_marks_the_run_failed(large, client_for, monkeypatch):
    monkeypatch.setattr(batch, "plan", _no_solver_here)  # raises inside the worker too
    resp = client_for("dan").get("/desk/batch/")
    job = Job.objects.get(kind=batch_views.JOB_KIND)
    assert job.status == Job.Status.FAILED and "solver failed" in job.message
    assert resp.status_code == 200 and "The solver stopped" in resp.content.decode()
    # A failed run is not reused: the next visit starts a fresh one.
    monkeypatch.undo()
    client_for("dan").get("/desk/batch/")
    assert Job.objects.filter(kind=batch_views.JOB_KIND, status=Job.Status.DONE).count() == 1


@pytest.mark.django_db
def test_api_a_large_queue_answers_with_a_run_to_follow_and_accept(large, client_for, monkeypatch):
    """Over the API too no request waits on the solver: 202 with the run, its progress at
    GET /dispatch/batch/runs/{id}, the plan once done, and accept ?run= assigns it."""
    techs, tickets, nobody = large
    queued: list[int] = []
    monkeypatch.setattr(tasks, "solve_batch", queued.append)  # the worker has not run yet
    monkeypatch.setattr(batch, "plan", _no_solver_here)
    dan = client_for("dan")
    resp = dan.post("/api/v1/dispatch/batch/preview")
    assert resp.status_code == 202
    run = resp.json()
    assert run["status"] == Job.Status.QUEUED and run["plan"] is None and queued == [run["run"]]
    follow = f"/api/v1/dispatch/batch/runs/{run['run']}"
    assert dan.get(follow).json()["status"] == Job.Status.QUEUED
    # Not done yet: accepting the run, or the queue without a run, is a conflict.
    assert dan.post(f"/api/v1/dispatch/batch/accept?run={run['run']}").status_code == 409
    refused = dan.post("/api/v1/dispatch/batch/accept")
    assert refused.status_code == 409 and "background" in refused.json()["detail"]
    assert not Ticket.objects.filter(pk__in=[t.pk for t in tickets], technician__isnull=False)

    monkeypatch.undo()
    tasks.solve_batch.call_local(run["run"])
    done = dan.get(follow).json()
    assert done["status"] == Job.Status.DONE and done["progress"] == done["total"]
    assert len(done["plan"]["assignments"]) == 3
    assert done["plan"]["unassigned"][str(nobody.pk)] == "no_qualified"
    assert list(done["plan"]["solver"]) == ["status", "gap", "urgency_gap", "cost_gap", "seconds"]
    resp = dan.post(f"/api/v1/dispatch/batch/accept?run={run['run']}")
    assert resp.status_code == 200 and resp.json() == {"assigned": 3}
    assigned = Ticket.objects.filter(pk__in=[int(t) for t in done["plan"]["assignments"]])
    assert all(t.technician_id for t in assigned)
    # Another role, or a run that does not exist: 404.
    assert client_for("tara").get(follow).status_code == 404
    assert dan.get("/api/v1/dispatch/batch/runs/999999").status_code == 404


@pytest.mark.django_db
def test_api_a_small_queue_is_still_solved_at_once(queue, client_for):  # noqa: F811
    resp = client_for("dan").post("/api/v1/dispatch/batch/preview")
    assert resp.status_code == 200
    assert not Job.objects.filter(kind=batch_views.JOB_KIND).exists()
    assert list(resp.json())[:4] == ["assignments", "unassigned", "total_cost", "solver"]
