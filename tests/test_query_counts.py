"""Every list view and list endpoint runs the same number of queries for 1 row and 20 rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sweetspot.clients import services
from sweetspot.core.models import Role, User
from sweetspot.core.tokens import create_token


@pytest.fixture
def olivia(db):
    return User.objects.create_user("olivia", password="x", role=Role.OWNER)


def make_companies(actor: User, n: int) -> list[Any]:
    out = []
    for i in range(n):
        company = services.create_company(
            actor,
            {"name": f"Acme {i:02d}", "pcs": 10 + i, "status": "client"},
            {"server": "has", "applications": ["quickbooks"]},
        )
        services.create_site(actor, company, {"name": f"Site {i}", "pcs": 5})
        services.create_contact(
            actor, company, {"name": f"Person {i}", "email": f"p{i}@x.test", "is_primary": True}
        )
        out.append(company)
    return out


def count_queries(client: Client, url: str, **headers: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


def same_for_1_and_20(
    olivia: User, setup: Callable[[User, int], str], as_api: bool = False
) -> tuple[int, int]:
    counts = []
    for n in (1, 20):
        url = setup(olivia, n)
        client = Client()
        headers = {}
        if as_api:
            headers["Authorization"] = f"Bearer {create_token(olivia, f't{n}')[1]}"
        else:
            client.force_login(olivia)
        client.get(url, headers=headers)  # warm: session, firm row, content types
        counts.append(count_queries(client, url, **headers))
    return counts[0], counts[1]


def _reset(olivia: User) -> None:
    from sweetspot.clients.models import Company, Contact, EnvironmentProfile, Site
    from sweetspot.core.models import ApiToken, AuditLog

    Contact.objects.all().delete()
    Site.objects.all().delete()
    EnvironmentProfile.objects.all().delete()
    Company.objects.all().delete()
    AuditLog.objects.all().delete()
    ApiToken.objects.all().delete()


def companies_url(path: str) -> Callable[[User, int], str]:
    def setup(olivia: User, n: int) -> str:
        _reset(olivia)
        make_companies(olivia, n)
        return path

    return setup


def company_child_url(path: str) -> Callable[[User, int], str]:
    """A company with n sites and n contacts."""

    def setup(olivia: User, n: int) -> str:
        _reset(olivia)
        company = make_companies(olivia, 1)[0]
        for i in range(1, n):
            services.create_site(olivia, company, {"name": f"Extra {i}"})
            services.create_contact(olivia, company, {"name": f"Extra {i}"})
        return path.format(pk=company.pk)

    return setup


@pytest.mark.parametrize(
    "setup,as_api",
    [
        (companies_url("/clients/"), False),
        (companies_url("/clients/?q=acme&sort=-pcs&status=client"), False),
        (companies_url("/clients/export/?format=csv"), False),
        (companies_url("/api/v1/companies"), True),
        (companies_url("/api/v1/companies?q=acme&sort=-pcs"), True),
        (company_child_url("/clients/{pk}/"), False),
        (company_child_url("/api/v1/companies/{pk}/sites"), True),
        (company_child_url("/api/v1/companies/{pk}/contacts"), True),
        (companies_url("/audit/"), False),
    ],
    ids=[
        "company-list",
        "company-list-filtered",
        "company-export",
        "api-companies",
        "api-companies-filtered",
        "company-detail",
        "api-sites",
        "api-contacts",
        "audit-log",
    ],
)
def test_query_count_is_flat(olivia, setup, as_api):
    one, twenty = same_for_1_and_20(olivia, setup, as_api)
    assert one == twenty, f"1 row: {one} queries, 20 rows: {twenty} queries"


def test_profile_token_list_is_flat(olivia):
    counts = []
    for n in (1, 20):
        from sweetspot.core.models import ApiToken

        ApiToken.objects.all().delete()
        for i in range(n):
            create_token(olivia, f"token {i}")
        client = Client()
        client.force_login(olivia)
        client.get("/profile/")
        counts.append(count_queries(client, "/profile/"))
    assert counts[0] == counts[1]


def test_prospects_list_is_flat(olivia):
    from sweetspot.growth.services import assess_company

    counts = []
    for n in (1, 20):
        from sweetspot.growth.models import Assessment

        Assessment.objects.all().delete()
        _reset(olivia)
        for company in make_companies(olivia, n):
            services.update_company(olivia, company, {"status": "prospect"})
            assess_company(olivia, company)
        client = Client()
        client.force_login(olivia)
        client.get("/growth/prospects/")
        counts.append(count_queries(client, "/growth/prospects/?sort=-fit"))
    assert counts[0] == counts[1]


# --- BD log and pipeline (#4) -------------------------------------------------------------------


def _reset_bd(olivia: User) -> None:
    from sweetspot.growth.models import Activity, Opportunity

    Activity.objects.all().delete()
    Opportunity.objects.all().delete()
    _reset(olivia)


def followups_url(path: str) -> Callable[[User, int], str]:
    """n open activities with company and contact, spread over overdue, today and upcoming."""

    def setup(olivia: User, n: int) -> str:
        import datetime as dt

        from django.utils import timezone

        from sweetspot.growth import activity_services

        _reset_bd(olivia)
        today = timezone.localdate()
        for i, company in enumerate(make_companies(olivia, n)):
            activity_services.log_activity(
                olivia,
                {
                    "kind": "follow_up",
                    "subject": f"Follow up {i}",
                    "company": company,
                    "contact": company.contacts.first(),
                    "due_date": today + dt.timedelta(days=i % 3 - 1),
                },
            )
        return path

    return setup


def pipeline_url(path: str) -> Callable[[User, int], str]:
    """n opportunities over all five stages."""

    def setup(olivia: User, n: int) -> str:
        from decimal import Decimal

        from sweetspot.growth import pipeline

        _reset_bd(olivia)
        stages = ["lead", "qualified", "proposal", "won", "lost"]
        for i, company in enumerate(make_companies(olivia, n)):
            opp = pipeline.create_opportunity(
                olivia,
                {
                    "company": company,
                    "title": f"Deal {i}",
                    "expected_monthly_fee": Decimal(100 + i),
                },
            )
            if stages[i % 5] != "lead":
                pipeline.move_opportunity(olivia, opp, stages[i % 5], lost_reason="Price")
        return path

    return setup


@pytest.mark.parametrize(
    "setup",
    [
        followups_url("/growth/followups/"),
        followups_url("/growth/followups/?owner=all"),
        pipeline_url("/growth/pipeline/"),
    ],
    ids=["bd-followups", "bd-followups-all", "pipeline-board"],
)
def test_bd_pages_query_count_is_flat(olivia, setup):
    one, twenty = same_for_1_and_20(olivia, setup)
    assert one == twenty, f"1 row: {one} queries, 20 rows: {twenty} queries"
