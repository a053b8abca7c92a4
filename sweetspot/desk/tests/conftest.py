"""Fixtures shared by the desk tests."""

from __future__ import annotations

import pytest

from sweetspot.core.models import Firm


@pytest.fixture
def firm(demo):
    """The demo firm in New York, working every weekday of the default 8-17 hours with no
    holidays (business_weekdays empty = the default Monday-Friday)."""
    firm = Firm.current()
    firm.time_zone = "America/New_York"
    firm.business_weekdays = []
    firm.holidays = []
    firm.save()
    return firm
