"""A company name already in use (any case, among active companies) is refused on the form
with a link to that company (issue 14 item 12)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_duplicate_name_is_refused_with_a_link(client_for, harbor):
    response = client_for("sam").post(
        "/clients/new/", {"name": "harbor DENTAL ", "status": "prospect"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        f'An active company is already called <a href="/clients/{harbor.pk}/">Harbor Dental</a>.'
        in html
    )


def test_the_same_company_keeps_its_name_and_an_archived_one_frees_it(client_for, harbor):
    from sweetspot.clients import services

    services.archive_company(None, harbor)
    response = client_for("sam").post(
        "/clients/new/",
        {
            "name": "Harbor Dental",
            "status": "prospect",
            "network": "none",
            "current_support": "nobody",
            "pcs": 0,
            "servers": 0,
            "site_count": 1,
        },
    )
    assert "already called" not in response.content.decode()


def test_a_company_name_with_markup_is_escaped_in_the_link(client_for, harbor):
    from sweetspot.clients.models import Company

    Company.objects.filter(pk=harbor.pk).update(name="<b>Harbor</b>")
    html = client_for("sam").post("/clients/new/", {"name": "<B>harbor</B>"}).content.decode()
    assert "&lt;b&gt;Harbor&lt;/b&gt;</a>" in html
