"""Read side of the prospects list: latest assessment per company, whitelisted sorts."""

from __future__ import annotations

from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery

from sweetspot.clients.models import Company

from .models import Assessment

PROSPECT_SORTS: dict[str, list[Any]] = {
    "-fit": [F("fit_score").desc(nulls_last=True), "name", "pk"],
    "fit": [F("fit_score").asc(nulls_last=True), "name", "pk"],
    "name": ["name", "pk"],
    "-pcs": ["-pcs", "name", "pk"],
    "pcs": ["pcs", "name", "pk"],
    "-assessed": [F("assessed_at").desc(nulls_last=True), "pk"],
}
DEFAULT_PROSPECT_SORT = "-fit"


def with_latest_assessment(qs: QuerySet[Company]) -> QuerySet[Company]:
    latest = Assessment.objects.filter(company=OuterRef("pk")).order_by("-created_at", "-pk")
    return qs.annotate(
        fit_score=Subquery(latest.values("fit_score")[:1]),
        verdict=Subquery(latest.values("verdict")[:1]),
        engagement=Subquery(latest.values("engagement")[:1]),
        assessed_at=Subquery(latest.values("created_at")[:1]),
        assessment_id=Subquery(latest.values("pk")[:1]),
    )


def prospects(qs: QuerySet[Company], params: Any) -> QuerySet[Company]:
    status = params.get("status") or "prospect"
    if status in {"prospect", "client", "former"}:
        qs = qs.filter(status=status)
    segment = params.get("segment") or ""
    if segment in {"micro", "sweet_spot", "upper"}:
        qs = qs.filter(segment=segment)
    qs = with_latest_assessment(qs)
    verdict = params.get("verdict") or ""
    if verdict in {"ready", "nurture", "not_a_fit"}:
        qs = qs.filter(verdict=verdict)  # type: ignore[misc]  # annotation above
    return qs


def sort_prospects(qs: QuerySet[Company], sort: str | None) -> tuple[QuerySet[Company], str]:
    key = sort if sort in PROSPECT_SORTS else DEFAULT_PROSPECT_SORT
    return qs.order_by(*PROSPECT_SORTS[key]), key
