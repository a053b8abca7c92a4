"""A database outage answers a clean 503 (no traceback); other failures a plain 500."""

from __future__ import annotations

from unittest import mock

from django.db import OperationalError
from django.test import Client


def _client(persona_client):
    persona_client.raise_request_exception = False
    return persona_client


def test_database_outage_is_a_503_page_and_api_json(client_for, settings):
    settings.DEBUG = False
    c = _client(client_for("dan"))
    boom = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    with mock.patch("sweetspot.core.views.render", side_effect=boom):
        page = c.get("/profile/")
    assert page.status_code == 503 and page["Retry-After"] == "30"
    html = page.content.decode()
    assert "back in a moment" in html and "Traceback" not in html and "OperationalError" not in html
    with mock.patch("sweetspot.api.desk.queries.tickets_visible_to", side_effect=boom):
        api = c.get("/api/v1/tickets")
    assert api.status_code == 503 and api.json()["detail"].startswith("The database")


def test_other_errors_stay_a_plain_500(client_for, settings):
    settings.DEBUG = False
    c = _client(client_for("dan"))
    with mock.patch("sweetspot.core.views.render", side_effect=RuntimeError("bug")):
        page = c.get("/profile/")
    assert page.status_code == 500 and b"Something went wrong" in page.content
    assert b"RuntimeError" not in page.content


def test_anonymous_login_page_during_outage(db):
    c = Client(raise_request_exception=False)
    with mock.patch(
        "sweetspot.core.views.LoginView.get", side_effect=OperationalError("server closed")
    ):
        assert c.get("/login/").status_code == 503
