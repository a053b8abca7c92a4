"""Read the database into the engine's frozen dataclasses, in a fixed number of queries.

The one people loader: the gap analysis, the certification planner, the promise check and
dispatch all load technicians and subcontractors through ``people()`` (skills, level, rates,
certifications held, weekly hours, on call), so they share one definition of who can do
what; dispatch adds its own extras (free hours, familiarity) on top.
Archived technicians, subcontractors, services and competitors are left out, so archiving
the only qualified person drops a service's depth at once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

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

from .engine import CertSpec, CompetitorSpec, Person, ServiceSpec
from .models import Competitor, CompetitorOffering, Service, ServiceRequirement

TECHNICIAN = "technician"
SUBCONTRACTOR = "subcontractor"


def _held(
    rows: Iterable[TechnicianCertification | SubcontractorCertification],
    today: dt.date | None = None,
) -> frozenset[str]:
    """Codes of the certifications held: any status (retired ones still count), not expired."""
    today = today or timezone.localdate()
    return frozenset(
        r.certification.code for r in rows if r.expires_on is None or r.expires_on >= today
    )


def technicians(include_archived: bool = False, today: dt.date | None = None) -> list[Person]:
    qs = Technician.objects.prefetch_related(
        Prefetch("skills", queryset=TechnicianSkill.objects.select_related("skill")),
        Prefetch(
            "certifications",
            queryset=TechnicianCertification.objects.select_related("certification"),
        ),
    ).order_by("name", "pk")
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return [
        Person(
            id=t.pk,
            kind=TECHNICIAN,
            name=t.name,
            skills={s.skill.slug: s.proficiency for s in t.skills.all()},
            level=t.level,
            bill_rate=t.bill_rate,
            cost_rate=t.cost_rate,
            certifications=_held(t.certifications.all(), today),
            weekly_hours=t.weekly_capacity_hours,
            on_call=t.on_call,
        )
        for t in qs
    ]


def subcontractors(include_archived: bool = False, today: dt.date | None = None) -> list[Person]:
    qs = Subcontractor.objects.prefetch_related(
        Prefetch("skills", queryset=SubcontractorSkill.objects.select_related("skill")),
        Prefetch(
            "certifications",
            queryset=SubcontractorCertification.objects.select_related("certification"),
        ),
    ).order_by("company_name", "pk")
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return [
        Person(
            id=s.pk,
            kind=SUBCONTRACTOR,
            name=s.company_name,
            skills={k.skill.slug: k.proficiency for k in s.skills.all()},
            level=s.level,
            bill_rate=s.bill_rate,
            cost_rate=s.cost_rate,
            certifications=_held(s.certifications.all(), today),
            weekly_hours=s.weekly_capacity_hours,
        )
        for s in qs
    ]


def people(today: dt.date | None = None) -> list[Person]:
    """Non-archived technicians, then non-archived subcontractors (6 queries); certifications
    count as held when not expired on ``today`` (default: the firm's today)."""
    return technicians(today=today) + subcontractors(today=today)


def evidenced_skills() -> dict[str, frozenset[str]]:
    """Certification code -> the skill slugs it evidences (one query)."""
    out: dict[str, set[str]] = defaultdict(set)
    for code, slug in CertificationSkill.objects.values_list("certification__code", "skill__slug"):
        out[code].add(slug)
    return {code: frozenset(slugs) for code, slugs in out.items()}


def requirements_prefetch() -> Prefetch:  # type: ignore[type-arg]
    return Prefetch(
        "requirements",
        queryset=ServiceRequirement.objects.select_related("skill").order_by("skill__name"),
    )


def spec_for(service: Service) -> ServiceSpec:
    """A service row (with requirements prefetched) as the engine sees it."""
    return ServiceSpec(
        id=service.pk,
        name=service.name,
        requires={r.skill.slug: r.min_proficiency for r in service.requirements.all()},
        tier=service.tier,
        subcontractable=service.subcontractable,
    )


def services() -> list[ServiceSpec]:
    """Non-archived services with their required skills (2 queries)."""
    qs = Service.objects.filter(archived_at__isnull=True).prefetch_related(requirements_prefetch())
    return [spec_for(s) for s in qs.order_by("name", "pk")]


def certs() -> list[CertSpec]:
    """Every certification (current and retired) with the skills it evidences (2 queries)."""
    qs = Certification.objects.prefetch_related(
        Prefetch("evidence", queryset=CertificationSkill.objects.select_related("skill"))
    ).order_by("code")
    return [
        CertSpec(
            code=c.code,
            name=c.name,
            level=c.level,
            current=c.status == Certification.Status.CURRENT,
            cost=(c.exam_fee or Decimal(0)) + (c.class_cost or Decimal(0)),
            study_hours=c.study_hours,
            evidences={e.skill.slug: e.proficiency for e in c.evidence.all()},
        )
        for c in qs
    ]


def competitors() -> list[CompetitorSpec]:
    """Non-archived competitors (3 queries). An offering that names one of our active
    services (same name, any case) counts as that service; one mapped to a service we have
    since archived counts as a service we do not offer."""
    ours = {
        name.casefold(): pk
        for pk, name in Service.objects.filter(archived_at__isnull=True).values_list("pk", "name")
    }
    qs = Competitor.objects.filter(archived_at__isnull=True).prefetch_related(
        Prefetch("offerings", queryset=CompetitorOffering.objects.select_related("service"))
    )
    out = []
    for comp in qs.order_by("name", "pk"):
        ids: set[int] = set()
        unmatched: list[str] = []
        for offering in comp.offerings.all():
            name = offering.service.name if offering.service is not None else offering.name
            match = ours.get(name.strip().casefold())
            if match is not None:
                ids.add(match)
            elif name.strip() and name.strip() not in unmatched:
                unmatched.append(name.strip())
        out.append(CompetitorSpec(comp.name, frozenset(ids), tuple(sorted(unmatched))))
    return out


def skill_names() -> dict[str, str]:
    """slug -> display name (1 query)."""
    return dict(Skill.objects.values_list("slug", "name"))
