"""SLA targets in business terms (issue 14 item 11): the one wording helper."""

import datetime

import pytest

from sweetspot.core.wording import business_day_minutes, business_duration


@pytest.mark.parametrize(
    ("minutes", "words"),
    [
        (540, "1 business day (9 business hours)"),
        (1080, "2 business days (18 business hours)"),
        # The demo's "1 day" P4 target: 1,440 business minutes are 24 business hours.
        (1440, "24 business hours (2.7 business days)"),
        (120, "2 business hours"),
        (90, "1.5 business hours"),
        (60, "1 business hour"),
        (45, "45 business minutes"),
        (1, "1 business minute"),
        (4320, "8 business days (72 business hours)"),
    ],
)
def test_business_duration(minutes, words):
    assert business_duration(minutes) == words


def test_business_day_follows_the_firms_hours():
    class Firm:
        business_opens = datetime.time(9, 0)
        business_closes = datetime.time(17, 0)

    assert business_day_minutes(Firm()) == 480
    assert business_duration(480, business_day_minutes(Firm())) == (
        "1 business day (8 business hours)"
    )
    assert business_day_minutes(None) == 540
