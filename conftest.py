"""Shared fixtures: the demo firm's personas, clients for each, API tokens."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def demo(db):
    """The client book, personas, assessments and pipeline (fast)."""
    from sweetspot.core.demo import seed_demo

    seed_demo(full=False)


@pytest.fixture
def full_demo(demo):
    """Plus the team, the service catalog, plans and agreements, as `make run` shows them."""
    from sweetspot.core.demo import seed_demo

    seed_demo(full=True)


@pytest.fixture
def personas(demo):
    from sweetspot.core.models import User

    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def harbor(demo):
    from sweetspot.clients.models import Company

    return Company.objects.get(name="Harbor Dental")


@pytest.fixture
def maple(demo):
    from sweetspot.clients.models import Company

    return Company.objects.get(name="Maple Law")


@pytest.fixture
def client_for(personas, client):
    """client_for("olivia") -> a Django test client logged in as that persona."""
    from django.test import Client

    def make(username: str | None) -> Client:
        c = Client()
        if username:
            c.force_login(personas[username])
        return c

    return make


@pytest.fixture
def api_token(personas):
    from sweetspot.core.tokens import create_token

    def make(username: str) -> str:
        return create_token(personas[username], "test")[1]

    return make
