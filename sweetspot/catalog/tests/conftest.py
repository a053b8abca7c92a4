"""Catalog fixtures: a small, self-contained team built with its own skills, so the tests
hold whatever else the demo firm seeds (other technicians never have these skills)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

TODAY = dt.date(2026, 1, 15)


def make_skill(slug: str, name: str | None = None, group: str = "development") -> Any:
    from sweetspot.team.models import Skill

    skill, _ = Skill.objects.get_or_create(
        slug=slug, defaults={"name": name or slug.title(), "group": group}
    )
    return skill


def make_tech(name: str, skills: dict[str, int], **data: Any) -> Any:
    from sweetspot.team.models import Skill, Technician, TechnicianSkill

    defaults = {"level": "entry", "bill_rate": Decimal(90), "cost_rate": Decimal(35)}
    tech = Technician.objects.create(name=name, **(defaults | data))
    for slug, level in skills.items():
        TechnicianSkill.objects.create(
            technician=tech, skill=Skill.objects.get(slug=slug), proficiency=level
        )
    return tech


def make_sub(name: str, skills: dict[str, int], **data: Any) -> Any:
    from sweetspot.team.models import Skill, Subcontractor, SubcontractorSkill

    defaults = {"bill_rate": Decimal(165), "cost_rate": Decimal(110)}
    sub = Subcontractor.objects.create(company_name=name, **(defaults | data))
    for slug, level in skills.items():
        SubcontractorSkill.objects.create(
            subcontractor=sub, skill=Skill.objects.get(slug=slug), proficiency=level
        )
    return sub


def make_cert(code: str, evidences: dict[str, int], **data: Any) -> Any:
    from sweetspot.team.models import Certification, CertificationSkill, Skill

    defaults: dict[str, Any] = {
        "vendor": "Test",
        "name": f"Certified {code}",
        "level": "intermediate",
        "status": "current",
        "exam_fee": Decimal(200),
        "class_cost": Decimal(800),
        "study_hours": 40,
        "estimated_on": TODAY,
    }
    cert = Certification.objects.create(code=code, **(defaults | data))
    for slug, level in evidences.items():
        CertificationSkill.objects.create(
            certification=cert, skill=Skill.objects.get(slug=slug), proficiency=level
        )
    return cert


@pytest.fixture
def cobol(demo):
    """COBOL work nobody else in the firm can do.

    * Ada (entry, COBOL 3) and Bo (senior, COBOL 4, CICS 4); Cy (entry, COBOL 1) is close.
    * Mainframe Ltd, a subcontractor with COBOL 5 and CICS 5.
    * "COBOL maintenance" (routine, COBOL 3): Ada + Bo = 2 in-house.
    * "CICS development" (specialist, subcontractable, COBOL 4 + CICS 4): Bo in-house + Mainframe
      Ltd outside = 2.
    * "CICS support" (network, not subcontractable, CICS 3): Bo only, a single point of
      failure; Mainframe Ltd does not count.
    * certifications: COBOL-RET (retired, cheapest, CICS 5), COBOL-PRO ($1,000, CICS 4),
      COBOL-MASTER ($3,000, CICS 5).
    """
    from sweetspot.catalog import services

    cob = make_skill("test-cobol", "COBOL (test)")
    cics = make_skill("test-cics", "CICS (test)")
    ada = make_tech("Ada Test", {"test-cobol": 3}, bill_rate=Decimal(80))
    bo = make_tech(
        "Bo Test", {"test-cobol": 4, "test-cics": 4}, level="senior", bill_rate=Decimal(150)
    )
    cy = make_tech("Cy Test", {"test-cobol": 1, "test-cics": 2}, bill_rate=Decimal(70))
    mainframe = make_sub("Mainframe Ltd", {"test-cobol": 5, "test-cics": 5})
    retired = make_cert("COBOL-RET", {"test-cics": 5}, status="retired", exam_fee=Decimal(10))
    pro = make_cert("COBOL-PRO", {"test-cics": 4})
    master = make_cert("COBOL-MASTER", {"test-cics": 5}, class_cost=Decimal(2800))
    maintenance = services.create_service(
        None, {"name": "COBOL maintenance", "tier": "routine"}, {cob: 3}
    )
    cics_dev = services.create_service(
        None,
        {"name": "CICS development", "tier": "specialist", "subcontractable": True},
        {cob: 4, cics: 4},
    )
    cics_support = services.create_service(
        None, {"name": "CICS support", "tier": "network"}, {cics: 3}
    )
    return {
        "ada": ada,
        "bo": bo,
        "cy": cy,
        "mainframe": mainframe,
        "retired": retired,
        "pro": pro,
        "master": master,
        "maintenance": maintenance,
        "cics_dev": cics_dev,
        "cics_support": cics_support,
    }


@pytest.fixture
def api_client_for(personas, api_token):
    def make(username: str) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {api_token(username)}")

    return make


def send(c: Client, method: str, url: str, body: object | None = None) -> Any:
    if body is None:
        return getattr(c, method)(url)
    return getattr(c, method)(url, data=json.dumps(body), content_type="application/json")
