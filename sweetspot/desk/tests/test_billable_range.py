"""Billable-hours report for any month and for a date range (issue 14 item 16)."""

from __future__ import annotations

import datetime as dt

import pytest

from sweetspot.desk import time_services
from sweetspot.team.models import Technician

pytestmark = pytest.mark.django_db


@pytest.fixture
def tara_tech(full_demo, personas):
    return Technician.objects.get(user=personas["tara"])


def _log(tech, company, day, minutes, billable=True):
    time_services.log_entry(
        None,
        {
            "technician": tech,
            "company": company,
            "work_date": day,
            "minutes": minutes,
            "billable": billable,
        },
    )


def _tara_row(html: str) -> str:
    return html.split("<td>Tara Tran</td>", 1)[1].split("</tr>", 1)[0]


def test_any_month(tara_tech, harbor, client_for):
    _log(tara_tech, harbor, dt.date(2024, 2, 10), 90)
    html = client_for("dan").get("/time/billable/?month=2024-02").content.decode()
    assert "Billable hours — February 2024" in html
    assert _tara_row(html).startswith("<td>1.50</td>")


def test_a_date_range(tara_tech, harbor, client_for):
    _log(tara_tech, harbor, dt.date(2024, 2, 27), 60)
    _log(tara_tech, harbor, dt.date(2024, 3, 2), 120)
    _log(tara_tech, harbor, dt.date(2024, 3, 9), 600)  # outside the range
    html = client_for("dan").get("/time/billable/?start=2024-02-26&end=2024-03-05").content.decode()
    assert "Billable hours — 2024-02-26 to 2024-03-05" in html
    assert _tara_row(html).startswith("<td>3.00</td>")


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("month=2024-13", "YYYY-MM"),
        ("start=2024-03-05&end=2024-02-01", "must not be before"),
        ("start=2023-01-01&end=2024-06-01", "at most a year"),
        ("start=2024-03-05", "Give both dates"),
    ],
)
def test_bad_ranges_are_field_errors_not_500s(full_demo, client_for, query, error):
    response = client_for("dan").get(f"/time/billable/?{query}")
    assert response.status_code == 200
    assert error in response.content.decode()
