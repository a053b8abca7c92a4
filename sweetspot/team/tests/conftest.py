"""Team fixtures: the demo firm plus the seeded team inventory."""

from __future__ import annotations

import json

import pytest
from django.test import Client


@pytest.fixture
def team(demo):
    from sweetspot.team.seed import seed_team

    seed_team()


@pytest.fixture
def tara_tech(team):
    from sweetspot.team.models import Technician

    return Technician.objects.get(name="Tara Tran")


@pytest.fixture
def ravi_tech(team):
    from sweetspot.team.models import Technician

    return Technician.objects.get(name="Ravi Rao")


@pytest.fixture
def quill(team):
    from sweetspot.team.models import Subcontractor

    return Subcontractor.objects.get(company_name="Quill Data")


@pytest.fixture
def api_client_for(personas, api_token):
    """api_client_for("dan") -> a client sending that persona's bearer token."""

    def make(username: str) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {api_token(username)}")

    return make


def send(c: Client, method: str, url: str, body: object | None = None):
    if body is None:
        return getattr(c, method)(url)
    return getattr(c, method)(url, data=json.dumps(body), content_type="application/json")
