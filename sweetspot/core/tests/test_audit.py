"""Every mutation through services.py records who, when, which object, before -> after."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import ProtectedError

from sweetspot.clients import services
from sweetspot.clients.models import Company
from sweetspot.core.models import AuditLog


def test_create_update_archive_are_audited(personas):
    dan = personas["dan"]
    company = services.create_company(dan, {"name": "Audit Co", "pcs": 12})
    created = AuditLog.objects.get(
        object_type="clients.Company", object_id=str(company.pk), action="create"
    )
    assert created.actor == dan and created.changes["name"] == [None, "Audit Co"]
    services.update_company(dan, company, {"pcs": 60, "monthly_it_budget": Decimal("1200.50")})
    updated = AuditLog.objects.filter(
        object_type="clients.Company", object_id=str(company.pk), action="update"
    ).get()
    assert updated.changes["pcs"] == [12, 60]
    assert updated.changes["segment"] == ["sweet_spot", "upper"]
    assert updated.changes["monthly_it_budget"] == [None, "1200.50"]
    services.update_company(dan, company, {"pcs": 60})  # no change, no row
    assert (
        AuditLog.objects.filter(
            object_type="clients.Company", object_id=str(company.pk), action="update"
        ).count()
        == 1
    )
    services.archive_company(dan, company)
    archived = AuditLog.objects.get(
        object_type="clients.Company", object_id=str(company.pk), action="archive"
    )
    assert archived.changes["archived_at"][0] is None and archived.changes["archived_at"][1]


def test_companies_are_never_deleted_with_their_history(harbor):
    with pytest.raises(ProtectedError):
        harbor.delete()
    assert Company.objects.filter(pk=harbor.pk).exists()


def test_audit_page_lists_and_filters_for_owner_only(client_for, personas):
    services.create_company(personas["sam"], {"name": "Filter Me Inc", "pcs": 3})
    page = client_for("olivia").get("/audit/", {"q": "Filter Me", "actor": "Sam"})
    assert page.status_code == 200
    entries = list(page.context["page"])
    assert entries and all("Filter Me" in e.object_repr for e in entries)
    assert (
        client_for("olivia").get("/audit/", {"action": "archive"}).context["page"].paginator.count
        == 0
    )
    assert client_for("dan").get("/audit/").status_code == 404
    bad = client_for("olivia").get("/audit/", {"since": "not-a-date"})
    assert bad.status_code == 200 and bad.context["form"].errors["since"]
