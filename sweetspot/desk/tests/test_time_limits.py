"""Time entry sanity (issue 14 item 12): over 24 h a day, or dated after tomorrow, is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sweetspot.desk import time_services
from sweetspot.team.models import Technician


@pytest.fixture
def tara_tech(full_demo, personas):
    return Technician.objects.get(user=personas["tara"])


def _log(tech, company, day, minutes):
    return time_services.log_entry(
        None, {"technician": tech, "company": company, "work_date": day, "minutes": minutes}
    )


def test_more_than_24_hours_on_one_day_is_refused(tara_tech, harbor):
    day = timezone.localdate() - dt.timedelta(days=400)  # a day with nothing logged
    _log(tara_tech, harbor, day, 20 * 60)
    with pytest.raises(ValidationError) as exc:
        _log(tara_tech, harbor, day, 5 * 60)
    assert "a day has 24" in exc.value.message_dict["minutes"][0]
    _log(tara_tech, harbor, day, 4 * 60)  # exactly 24 h is fine


def test_one_entry_over_24_hours_is_refused(tara_tech, harbor):
    with pytest.raises(ValidationError) as exc:
        _log(tara_tech, harbor, timezone.localdate() - dt.timedelta(days=401), 100_000)
    assert "at most 24 hours" in exc.value.message_dict["minutes"][0]


def test_work_dated_after_tomorrow_is_refused_tomorrow_is_fine(tara_tech, harbor):
    today = timezone.localdate()
    _log(tara_tech, harbor, today + dt.timedelta(days=1), 30)
    with pytest.raises(ValidationError) as exc:
        _log(tara_tech, harbor, today + dt.timedelta(days=2), 30)
    assert exc.value.message_dict["work_date"] == ["Work cannot be dated after tomorrow."]


def test_editing_an_entry_counts_the_day_without_itself(tara_tech, harbor):
    day = timezone.localdate() - dt.timedelta(days=402)
    entry = _log(tara_tech, harbor, day, 23 * 60)
    time_services.update_entry(None, entry, {"minutes": 24 * 60})
    with pytest.raises(ValidationError):
        time_services.update_entry(None, entry, {"minutes": 24 * 60 + 1})


def test_the_form_shows_the_error_on_the_field(tara_tech, harbor, client_for):
    response = client_for("tara").post(
        "/time/",
        {
            "company": harbor.pk,
            "work_date": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
            "minutes": "30",
            "work_type": "remote",
            "billable": "on",
        },
    )
    assert response.status_code == 200
    assert "after tomorrow" in response.content.decode()
