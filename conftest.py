"""Shared fixtures: the demo firm's personas, clients for each, API tokens."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def demo_snapshots(django_db_setup, django_db_blocker):
    """The demo firm seeded once per test session (per xdist worker) and kept as rows:
    sweetspot/demo/snapshot.py. Index 0: the client book; 1: the full firm."""
    from sweetspot.demo import snapshot
    from sweetspot.demo.seed import seed_demo

    with django_db_blocker.unblock():
        return snapshot.take(lambda: seed_demo(full=False), lambda: seed_demo(full=True))


@pytest.fixture(autouse=True)
def _fresh_default_cache():
    """Each test starts with an empty default cache. Its entries outlive the test's
    rolled-back rows otherwise, and the header's firm brand (cached for a minute) could
    expire in the middle of a query-count test that an earlier test had warmed: one request
    then reads the firm row and the counts for 1 and 20 rows differ (seen once in CI)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """Test clients logged in with force_login (client_for and the tests that call it
    directly) have passed their second factor, as a persona signing in with a verified
    device would; MFA's own tests log in through the real forms instead."""
    from django.test import Client

    from sweetspot.core.testing import mark_mfa_verified

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        mark_mfa_verified(self)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def demo(db, demo_snapshots):
    """The client book, personas, assessments and pipeline."""
    from sweetspot.demo import snapshot

    snapshot.restore(demo_snapshots[0])


@pytest.fixture
def full_demo(demo, demo_snapshots):
    """Plus the team, the service catalog, plans, agreements and the desk, as `make run`
    shows them."""
    from sweetspot.demo import snapshot

    snapshot.restore(demo_snapshots[1])


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
