"""Services: every state change is validated, atomic and audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from sweetspot.core.models import AuditLog
from sweetspot.team import services
from sweetspot.team.models import Certification, Skill, TechnicianCertification


def rows_for(obj) -> list[AuditLog]:
    return list(
        AuditLog.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk)).order_by("pk")
    )


def test_technician_lifecycle_is_audited(team, personas):
    olivia = personas["olivia"]
    tech = services.create_technician(
        olivia, {"name": "Nina North", "bill_rate": Decimal("90.00"), "cost_rate": Decimal("35.00")}
    )
    services.update_technician(olivia, tech, {"bill_rate": Decimal("95.00")})
    services.update_technician(olivia, tech, {"bill_rate": Decimal("95.00")})  # no change
    services.archive_technician(olivia, tech)
    services.archive_technician(olivia, tech)  # already archived: nothing
    services.restore_technician(olivia, tech)
    actions = [(r.action, r.actor_id) for r in rows_for(tech)]
    assert actions == [
        ("create", olivia.pk),
        ("update", olivia.pk),
        ("archive", olivia.pk),
        ("restore", olivia.pk),
    ]
    assert rows_for(tech)[1].changes == {"bill_rate": ["90.00", "95.00"]}


def test_skill_changes_are_audited_on_the_technician(tara_tech, personas):
    olivia = personas["olivia"]
    lan = Skill.objects.get(slug="lan")
    start = AuditLog.objects.count()
    services.set_technician_skill(olivia, tara_tech, lan, 2, dt.date(2026, 11, 1))
    services.set_technician_skill(olivia, tara_tech, lan, 3, dt.date(2026, 11, 20))
    services.remove_technician_skill(olivia, tara_tech, lan)
    services.remove_technician_skill(olivia, tara_tech, lan)  # gone already: nothing
    new = list(AuditLog.objects.order_by("pk")[start:])
    assert [r.object_type for r in new] == ["team.Technician"] * 3
    assert new[0].changes == {"skill:lan": [None, {"proficiency": 2, "assessed_on": "2026-11-01"}]}
    assert new[1].changes["skill:lan"][1]["proficiency"] == 3
    assert new[2].changes["skill:lan"][1] is None
    assert not tara_tech.skills.filter(skill=lan).exists()


def test_proficiency_must_be_1_to_5(tara_tech, personas):
    lan = Skill.objects.get(slug="lan")
    for bad in (0, 7):
        with pytest.raises(ValidationError) as exc:
            services.set_technician_skill(personas["olivia"], tara_tech, lan, bad)
        assert "proficiency" in exc.value.error_dict
    assert not tara_tech.skills.filter(skill=lan).exists()


def test_negative_rates_are_refused(personas):
    with pytest.raises(ValidationError) as exc:
        services.create_technician(personas["olivia"], {"name": "X", "cost_rate": -1})
    assert "cost_rate" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.create_subcontractor(personas["olivia"], {"company_name": "Y", "bill_rate": -5})
    assert "bill_rate" in exc.value.error_dict


def test_a_user_links_to_one_technician_only(tara_tech, personas):
    with pytest.raises(ValidationError) as exc:
        services.create_technician(personas["olivia"], {"name": "Dup", "user": personas["tara"]})
    assert "user" in exc.value.error_dict
    with pytest.raises(ValidationError):
        services.create_technician(personas["olivia"], {"name": "Hana", "user": personas["hana"]})


def test_certifications_held_expiry_defaults_and_audit(tara_tech, personas):
    olivia = personas["olivia"]
    ccna = Certification.objects.get(code="CCNA")  # renews every 36 months
    row = services.add_technician_certification(
        olivia, tara_tech, ccna, {"earned_on": dt.date(2024, 2, 29), "credential_id": "C-1"}
    )
    assert row.expires_on == dt.date(2027, 2, 28)
    log = AuditLog.objects.latest("pk")
    assert log.object_type == "team.Technician"
    assert log.changes["certification:CCNA"] == [
        None,
        {"earned_on": "2024-02-29", "expires_on": "2027-02-28", "credential_id": "C-1"},
    ]
    services.update_technician_certification(olivia, row, {"expires_on": dt.date(2027, 6, 1)})
    assert AuditLog.objects.latest("pk").changes["certification:CCNA"][1]["expires_on"] == (
        "2027-06-01"
    )
    with pytest.raises(ValidationError) as exc:
        services.update_technician_certification(olivia, row, {"expires_on": dt.date(2020, 1, 1)})
    assert "expires_on" in exc.value.error_dict
    services.remove_technician_certification(olivia, row)
    assert not TechnicianCertification.objects.filter(pk=row.pk).exists()
    assert AuditLog.objects.latest("pk").changes["certification:CCNA"][1] is None


def test_subcontractor_services_are_audited(quill, personas):
    olivia = personas["olivia"]
    start = AuditLog.objects.count()
    services.update_subcontractor(olivia, quill, {"bill_rate": Decimal("170.00")})
    services.set_subcontractor_skill(olivia, quill, Skill.objects.get(slug="access-db"), 5)
    services.remove_subcontractor_skill(olivia, quill, Skill.objects.get(slug="access-db"))
    held = services.add_subcontractor_certification(
        olivia, quill, Certification.objects.get(code="MCSD"), {"earned_on": dt.date(2005, 1, 1)}
    )
    assert held.expires_on is None  # retired certification: does not renew
    services.remove_subcontractor_certification(olivia, held)
    services.archive_subcontractor(olivia, quill)
    services.restore_subcontractor(olivia, quill)
    new = list(AuditLog.objects.order_by("pk")[start:])
    assert len(new) == 7
    assert {r.object_type for r in new} == {"team.Subcontractor"}
    assert [r.action for r in new][-2:] == ["archive", "restore"]


def test_skill_and_certification_catalog_services(team, personas):
    olivia = personas["olivia"]
    skill = services.create_skill(
        olivia, {"name": "Sage 50", "slug": "sage-50", "group": "accounting"}
    )
    services.update_skill(olivia, skill, {"description": "Sage 50 accounts"})
    with pytest.raises(ValidationError) as exc:
        services.create_skill(olivia, {"name": "Sage again", "slug": "sage-50", "group": "x"})
    assert {"slug", "group"} <= set(exc.value.error_dict)
    cert = services.create_certification(
        olivia,
        {
            "vendor": "Sage",
            "name": "Sage 50 Certified Consultant",
            "code": "SAGE50-CC",
            "level": "intermediate",
            "estimated_on": dt.date(2026, 11, 25),
            "exam_fee": Decimal("200"),
        },
    )
    services.update_certification(olivia, cert, {"study_hours": 30})
    services.set_certification_evidence(olivia, cert, skill, 3)
    services.set_certification_evidence(olivia, cert, skill, 4)
    services.remove_certification_evidence(olivia, cert, skill)
    assert [r.action for r in rows_for(skill)] == ["create", "update"]
    cert_rows = rows_for(cert)
    assert [r.action for r in cert_rows] == ["create", "update", "update", "update", "update"]
    assert cert_rows[3].changes == {"evidence:sage-50": [3, 4]}
    with pytest.raises(ValidationError):
        services.set_certification_evidence(olivia, cert, skill, 6)


def test_add_months_clamps_to_month_end():
    assert services.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert services.add_months(dt.date(2026, 11, 25), 14) == dt.date(2028, 1, 25)
    assert services.add_months(dt.date(2026, 3, 15), -3) == dt.date(2025, 12, 15)
