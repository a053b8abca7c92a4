"""The demo catalog: idempotent, self-sufficient (creates missing skills), and telling."""

from __future__ import annotations

from sweetspot.catalog import loaders, report
from sweetspot.catalog.models import Competitor, CompetitorOffering, Service, ServiceRequirement
from sweetspot.catalog.seed import CATALOG, seed_catalog
from sweetspot.team.models import Skill
from sweetspot.team.taxonomy import SKILLS


def test_seed_is_idempotent_and_creates_missing_skills(db):
    assert seed_catalog() == {"services": len(CATALOG), "competitors": 2}
    assert set(Skill.objects.values_list("slug", flat=True)) >= {s[0] for s in SKILLS}
    counts = (
        Service.objects.count(),
        ServiceRequirement.objects.count(),
        Competitor.objects.count(),
        CompetitorOffering.objects.count(),
        Skill.objects.count(),
    )
    assert seed_catalog() == {"services": 0, "competitors": 0}
    assert counts == (
        Service.objects.count(),
        ServiceRequirement.objects.count(),
        Competitor.objects.count(),
        CompetitorOffering.objects.count(),
        Skill.objects.count(),
    )


def test_seeded_catalog_shape(db):
    seed_catalog()
    specs = {s.name: s for s in loaders.services()}
    assert specs["E-mail and phone sync"].requires == {
        "outlook-exchange-admin": 2,
        "phone-pda-sync": 2,
    }
    assert specs["SQL Server development"].requires == {"sql-server": 4, "vb-dotnet": 3}
    assert specs["SQL Server development"].subcontractable
    assert specs["Firewall management"].tier == "network"
    analysis = report.build().analysis
    theirs = {g.service_name for g in analysis.competitor_only}
    assert theirs == {
        "VoIP phone systems",
        "24/7 NOC monitoring",
        "Website hosting",
        "Security awareness training",
    }
    assert "Office & accounting app support" in analysis.differentiators


def test_with_the_team_seed_there_is_a_single_point_of_failure(demo):
    from sweetspot.team.seed import seed_team

    seed_team()
    seed_catalog()
    analysis = report.build().analysis
    spof = {g.service_name: g for g in analysis.staffing if g.kind == "single_point_of_failure"}
    assert "Firewall management" in spof
    assert spof["Firewall management"].detail == "Only Ravi Rao can deliver it."
    train = spof["Firewall management"].remedies[0]
    assert train.kind == "train" and train.description.startswith("Train Maya Ortiz for ")
    # Tara (Outlook/Exchange 2, phone sync 2) and Maya both deliver e-mail: depth 2, no SPOF.
    assert "E-mail and phone sync" not in spof
