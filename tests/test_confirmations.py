"""Destructive or irreversible actions ask first; the pipeline's move control does not
default to "Won" (issue 14 item 13)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def test_pipeline_move_control_defaults_to_nothing_and_winning_asks(demo, client_for):
    html = client_for("sam").get("/growth/pipeline/").content.decode()
    selects = re.findall(r'<select name="stage".*?</select>', html, re.S)
    assert selects, "the board has move controls"
    for select in selects:
        assert re.search(r'<option value=""\s+selected>Move to…</option>', select)
        assert not re.search(r'value="\w+"\s+selected', select), select
    assert "as won? The company becomes a client." in html


def test_an_empty_move_is_refused_with_a_field_error(demo, client_for):
    from sweetspot.growth.models import Opportunity

    opp = Opportunity.objects.filter(stage="proposal").first()
    assert opp is not None
    response = client_for("sam").post(f"/growth/opportunities/{opp.pk}/move/", {"stage": ""})
    opp.refresh_from_db()
    assert opp.stage == "proposal"
    assert response.status_code in {200, 302}


def test_cancel_archive_and_delete_ask_first(full_demo, client_for, harbor):
    from sweetspot.agreements.models import Agreement

    olivia = client_for("olivia")
    agreement = Agreement.objects.filter(status="active").first()
    assert agreement is not None
    assert (
        "Cancel this agreement with" in olivia.get(f"/agreements/{agreement.pk}/").content.decode()
    )
    assert (
        "Archive Harbor Dental? It leaves the lists"
        in olivia.get(f"/clients/{harbor.pk}/").content.decode()
    )
    from sweetspot.desk.models import TimeEntry

    entry = TimeEntry.objects.filter(technician__user__username="tara").order_by("-work_date")[0]
    week = entry.work_date.isoformat()
    timesheet = client_for("tara").get(f"/time/?week={week}").content.decode()
    assert "Delete this time entry (" in timesheet
