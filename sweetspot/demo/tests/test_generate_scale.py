"""generate_scale: the bulk loader for benchmarks."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from sweetspot.clients.models import Company, Contact, EnvironmentProfile, Site
from sweetspot.core.models import AuditLog, Firm


class _Rollback(Exception):
    pass


def _generate(n: int, seed: int) -> str:
    out = StringIO()
    call_command("generate_scale", companies=n, seed=seed, stdout=out)
    return out.getvalue()


def _names_after_rollback(n: int, seed: int) -> list[str]:
    """Names a run would create, leaving the database as it was."""
    try:
        with transaction.atomic():
            before = set(Company.objects.values_list("pk", flat=True))
            _generate(n, seed)
            names = list(
                Company.objects.exclude(pk__in=before).order_by("pk").values_list("name", flat=True)
            )
            raise _Rollback
    except _Rollback:
        pass
    return names


@pytest.mark.django_db
def test_generate_scale_creates_companies_with_their_rows():
    firm = Firm.current()
    output = _generate(50, 1)

    companies = list(Company.objects.prefetch_related("sites", "contacts"))
    assert len(companies) == 50
    assert "Created 50 companies" in output
    assert " s." in output
    assert EnvironmentProfile.objects.count() == 50
    assert 50 <= Site.objects.count() <= 150
    assert 50 <= Contact.objects.count() <= 150
    for company in companies:
        company.full_clean()
        assert company.environment.pk is not None
        assert 1 <= company.pcs <= 200
        assert company.segment == firm.segment_for(company.pcs)
        sites = list(company.sites.all())
        assert 1 <= len(sites) <= 3
        assert len(sites) == company.site_count
        assert sum(s.pcs for s in sites) == company.pcs
        contacts = list(company.contacts.all())
        assert 1 <= len(contacts) <= 3
        assert sum(c.is_primary for c in contacts) == 1
        assert all(c.site_id in {s.pk for s in sites} for c in contacts)
        for row in [company.environment, *sites, *contacts]:
            row.full_clean()
        if company.current_support == "in_house_it":
            assert company.pcs > 50
        if company.servers:
            assert company.network == "client_server"
    # A realistic spread, not fifty copies of one company.
    assert len({c.status for c in companies}) >= 2
    assert len({c.segment for c in companies}) >= 2
    assert len({c.industry for c in companies}) >= 10


@pytest.mark.django_db
def test_generate_scale_writes_one_summary_audit_row():
    _generate(50, 1)

    rows = list(AuditLog.objects.all())
    assert len(rows) == 1
    row = rows[0]
    assert row.object_type == "clients.Company"
    assert row.action == AuditLog.Action.CREATE
    assert row.object_repr == "generate_scale: 50 companies"
    assert row.actor is None
    assert row.changes["companies"] == 50


@pytest.mark.django_db
def test_generate_scale_is_deterministic_for_a_seed():
    first = _names_after_rollback(50, 1)
    again = _names_after_rollback(50, 1)
    other = _names_after_rollback(50, 2)

    assert len(first) == 50
    assert first == again
    assert first != other
    assert len(set(first)) == 50
    assert first[0].endswith(" #1")


@pytest.mark.django_db
def test_generate_scale_adds_to_the_demo_firm(demo):
    before = Company.objects.count()
    _generate(20, 3)

    assert Company.objects.count() == before + 20
    # Numbering continues after the companies already there.
    assert Company.objects.filter(name__endswith=f" #{before + 1}").exists()


@pytest.mark.django_db
def test_generate_scale_rejects_zero():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        _generate(0, 1)


@pytest.mark.django_db
def test_generate_scale_tickets(demo, monkeypatch):
    from sweetspot.demo.management.commands import generate_scale
    from sweetspot.desk.models import Ticket

    monkeypatch.setattr(generate_scale, "TICKET_BATCH", 200)  # several chunks
    out = StringIO()
    call_command("generate_scale", tickets=500, seed=2, stdout=out)
    assert "Created 500 tickets" in out.getvalue()
    assert Ticket.objects.count() == 500
    assert not Ticket.objects.filter(resolution_due_at__isnull=True).exists()
    assert Ticket.objects.values("company").distinct().count() > 1
    log = AuditLog.objects.get(object_type="desk.Ticket")
    assert log.changes["tickets"] == 500


@pytest.mark.django_db
def test_a_bulk_load_forgets_cached_engine_results(django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    """The loader writes past the save signals, so it renews every cache topic itself (once
    its rows commit): a page read after the load must not be served from values computed on
    the old rows."""
    from sweetspot.core import engine_cache

    before = dict(engine_cache.generations())
    with django_capture_on_commit_callbacks(execute=True):
        _generate(2, seed=5)
    after = engine_cache.generations()
    assert set(after) == set(engine_cache.TOPICS)
    assert all(after[topic] != before[topic] for topic in engine_cache.TOPICS)
