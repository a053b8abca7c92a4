"""The team seed: real certification catalog, demo people, idempotent."""

from __future__ import annotations

import datetime as dt

from sweetspot.core.models import AuditLog
from sweetspot.team.models import (
    Certification,
    CertificationSkill,
    Skill,
    Subcontractor,
    SubcontractorCertification,
    SubcontractorSkill,
    Technician,
    TechnicianCertification,
    TechnicianSkill,
)
from sweetspot.team.seed import ESTIMATED_ON, seed_team
from sweetspot.team.taxonomy import SKILLS

MODELS = [
    Skill,
    Certification,
    CertificationSkill,
    Technician,
    TechnicianSkill,
    TechnicianCertification,
    Subcontractor,
    SubcontractorSkill,
    SubcontractorCertification,
    AuditLog,
]


def _counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def test_seed_is_idempotent(db):
    first = seed_team()
    assert first["certifications"] >= 30 and first["technicians"] >= 4
    before = _counts()
    snapshot = list(Certification.objects.order_by("pk").values())
    again = seed_team()
    assert again == {"skills": 0, "certifications": 0, "technicians": 0, "subcontractors": 0}
    assert _counts() == before
    assert list(Certification.objects.order_by("pk").values()) == snapshot


def test_seed_keeps_the_firms_edits(demo, personas):
    from sweetspot.team import services

    seed_team()
    ccna = Certification.objects.get(code="CCNA")
    services.update_certification(personas["olivia"], ccna, {"exam_fee": 333})
    tara = Technician.objects.get(name="Tara Tran")
    services.remove_technician_skill(personas["olivia"], tara, Skill.objects.get(slug="printing"))
    seed_team()
    assert Certification.objects.get(code="CCNA").exam_fee == 333
    assert not tara.skills.filter(skill__slug="printing").exists()


def test_catalog_has_real_current_and_retired_certifications(team):
    certs = {c.code: c for c in Certification.objects.all()}
    assert len(certs) >= 30
    for code in [
        "MCP", "MCSA", "MCSE", "MCDBA", "MCSD", "MCT", "MS-102", "AZ-104", "AZ-900", "MS-900",
        "AZ-800/801", "DP-300", "A+", "Network+", "Security+", "Server+", "Linux+", "CySA+",
        "CCNA", "CCNP-ENT", "CCIE-EI", "CCT", "CNA", "CNE", "QBO-PROADVISOR", "CISSP",
        "AWS-SAA", "VCP-DCV", "FCP-NSE4", "SNSA", "ACSP", "ACMT", "ITIL4-F",
    ]:  # fmt: skip
        assert code in certs, code
    for code in ["MCP", "MCSA", "MCSE", "MCDBA", "MCSD", "CNA", "CNE"]:
        assert certs[code].status == "retired", code
    assert certs["AZ-104"].status == "current"
    assert certs["QBO-PROADVISOR"].exam_fee == 0
    levels = {c.level for c in certs.values()}
    assert levels == {"entry", "intermediate", "senior", "expert"}
    assert certs["CCIE-EI"].level == "expert" and certs["MCSE"].level == "senior"
    for cert in certs.values():
        assert cert.estimated_on == ESTIMATED_ON
        assert cert.source, cert.code
        cert.full_clean()


def test_certifications_evidence_skills(team):
    def evidence(code: str) -> dict[str, int]:
        return dict(
            CertificationSkill.objects.filter(certification__code=code).values_list(
                "skill__slug", "proficiency"
            )
        )

    assert evidence("A+")["windows-desktop"] == 2
    assert evidence("A+")["hardware-upgrades"] == 2 and evidence("A+")["printing"] == 2
    assert evidence("MCP") == {"windows-desktop": 2, "office-apps": 2}
    assert evidence("CCNA") == {"lan": 3, "wan-vpn": 3, "firewalls": 2}
    assert evidence("MCSE") == {"windows-server": 4, "outlook-exchange-admin": 3, "lan": 3}
    assert evidence("MCDBA")["sql-server"] == 4 and evidence("DP-300")["sql-server"] == 4
    assert evidence("MCSD")["vb-dotnet"] == 4 and evidence("MCSD")["exchange-dev"] == 3
    assert evidence("QBO-PROADVISOR") == {"quickbooks": 3}
    assert evidence("CCIE-EI")["lan"] == 5
    assert {s for s, *_ in SKILLS} == set(Skill.objects.values_list("slug", flat=True))


def test_demo_people(team, personas):
    tara = Technician.objects.get(name="Tara Tran")
    assert tara.user == personas["tara"] and tara.level == "entry"
    assert (tara.bill_rate, tara.cost_rate, tara.on_call) == (85, 32, False)
    assert set(tara.certifications.values_list("certification__code", flat=True)) == {"A+", "MCP"}
    assert min(tara.skills.values_list("proficiency", flat=True)) >= 2
    assert max(tara.skills.values_list("proficiency", flat=True)) <= 3
    ravi = Technician.objects.get(name="Ravi Rao")
    assert ravi.user == personas["ravi"] and ravi.level == "senior" and ravi.on_call
    assert (ravi.bill_rate, ravi.cost_rate) == (150, 60)
    assert set(ravi.certifications.values_list("certification__code", flat=True)) == {
        "CCNA",
        "MCSE",
    }
    leo = Technician.objects.get(name="Leo Park")
    assert leo.weekly_capacity_hours == 24 and leo.on_call
    maya = Technician.objects.get(name="Maya Ortiz")
    soon = maya.certifications.get(certification__code="Network+")
    assert 0 <= (soon.expires_on - dt.date.today()).days <= 90
    quill = Subcontractor.objects.get(company_name="Quill Data")
    assert (quill.cost_rate, quill.bill_rate) == (110, 165)
    assert quill.weekly_capacity_hours == 20
    skills = dict(quill.skills.values_list("skill__slug", "proficiency"))
    assert skills["sql-server"] == 5 and skills["exchange-dev"] == 4 and skills["vb-dotnet"] == 4
    codes = set(quill.certifications.values_list("certification__code", flat=True))
    assert {"MCDBA", "DP-300"} <= codes


def test_a_single_point_of_failure_is_seeded(team):
    strong = TechnicianSkill.objects.filter(skill__slug="wan-vpn", proficiency__gte=3)
    assert list(strong.values_list("technician__name", flat=True)) == ["Ravi Rao"]
