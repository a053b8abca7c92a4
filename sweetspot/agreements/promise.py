"""Run the promise check on live data: load rows, call the pure engine.

``run()`` on today's data is kept in core.engine_cache until the firm settings, the team, the
catalog, an agreement (or plan, or company name), a ticket or a time entry changes, or the
day does: the owner's home page and the agreement pages pay no query for it meanwhile. A
what-if (``extra``) or an explicit firm row is computed every time."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from sweetspot.catalog import engine as depth_engine
from sweetspot.catalog import loaders as people_loader
from sweetspot.catalog.models import Service, ServiceRequirement
from sweetspot.core import engine_cache
from sweetspot.core.models import Firm
from sweetspot.team.models import (
    Certification,
    CertificationSkill,
)

from . import engine, usage
from .models import Agreement, AgreementStatus
from .services import terms_of


def settings_for(firm: Firm) -> engine.PromiseSettings:
    return engine.PromiseSettings(
        target_utilization=firm.target_utilization,
        hours_per_half_day=firm.hours_per_half_day,
        response_threshold_minutes=firm.response_threshold_minutes,
        min_on_call=firm.min_on_call,
    )


def load_members() -> list[engine.Member]:
    """The team through the one people loader (catalog.loaders.people): technicians with their
    weekly hours and on-call flag, then subcontractors (whose hours the check does not count)."""
    return [
        engine.Member(
            id=f"{p.kind}:{p.id}",
            kind=p.kind,
            name=p.name,
            skills=p.skills,
            weekly_hours=p.weekly_hours if not p.outside else Decimal(0),
            on_call=p.on_call,
            level=p.level,
            bill_rate=p.bill_rate,
        )
        for p in people_loader.people()
    ]


def load_services() -> list[engine.Service]:
    services = Service.objects.filter(archived_at__isnull=True).prefetch_related(
        Prefetch("requirements", queryset=ServiceRequirement.objects.select_related("skill"))
    )
    return [
        engine.Service(
            id=str(s.pk),
            name=s.name,
            requires={r.skill.slug: r.min_proficiency for r in s.requirements.all()},
            tier=s.tier,
            subcontractable=s.subcontractable,
        )
        for s in services
    ]


def load_certs() -> list[depth_engine.CertSpec]:
    certs = Certification.objects.prefetch_related(
        Prefetch("evidence", queryset=CertificationSkill.objects.select_related("skill"))
    )
    return [
        depth_engine.CertSpec(
            code=c.code,
            name=c.name,
            level=c.level,
            current=c.status == "current",
            cost=c.exam_fee + c.class_cost,
            study_hours=c.study_hours,
            evidences={e.skill.slug: e.proficiency for e in c.evidence.all()},
        )
        for c in certs
    ]


def terms_for(agreements: Iterable[Agreement]) -> list[engine.Terms]:
    """Each agreement's terms for the engine. For an ACTIVE agreement with time entries in the
    last 90 days, the remote and phone hours are the measured monthly averages (capacity
    history, one aggregate query for all of them) instead of the plan's expected defaults."""
    agreements = list(agreements)
    measured = usage.measured_hours(
        [a.pk for a in agreements if a.pk is not None and a.status == AgreementStatus.ACTIVE]
    )
    out = []
    for a in agreements:
        t = terms_of(a)
        remote = Decimal(t["expected_remote_hours_per_month"])
        phone = Decimal(t["expected_phone_hours_per_month"])
        history = measured.get(a.pk) if a.status == AgreementStatus.ACTIVE else None
        if history is not None:
            remote, phone = history.remote_hours_per_month, history.phone_hours_per_month
        out.append(
            engine.Terms(
                id=str(a.pk),
                name=f"{a.company.name} ({t['plan_name']})",
                services=tuple(str(s["id"]) for s in t["services"]),
                onsite_half_days_per_month=Decimal(t["onsite_half_days_per_month"]),
                expected_remote_hours_per_month=remote,
                expected_phone_hours_per_month=phone,
                response_minutes=dict(t["response_minutes"]),
            )
        )
    return out


def active_agreements() -> list[Agreement]:
    return list(
        Agreement.objects.filter(status=AgreementStatus.ACTIVE)
        .select_related("company", "plan")
        .order_by("pk")
    )


# Everything run() reads (measured hours come from time entries, through their tickets).
TOPICS = ("firm", "team", "catalog", "agreements", "tickets", "time")


def _run(extra: Iterable[Agreement], firm: Firm) -> engine.Result:
    agreements = active_agreements()
    seen = {a.pk for a in agreements}
    agreements += [a for a in extra if a.pk not in seen]
    return engine.check(
        terms_for(agreements), load_members(), load_services(), settings_for(firm), load_certs()
    )


def run(extra: Iterable[Agreement] = (), firm: Firm | None = None) -> engine.Result:
    """The check on every active agreement, plus ``extra`` (a draft, for a what-if)."""
    extra = list(extra)
    if not extra and firm is None:
        return engine_cache.cached(
            "promise", TOPICS, lambda: _run((), engine_cache.firm()), timezone.localdate()
        )
    return _run(extra, firm or engine_cache.firm())
