"""Plans, agreements, revenue and the promise check over HTTP.

The same roles as the pages (sweetspot.agreements.views), 404 for anyone else:
plans — staff read, the owner writes; agreements — owner, dispatcher, sales read, owner and
sales draft, the owner activates/cancels/expires; revenue — the owner alone; promise check —
owner, dispatcher, sales. Client contacts get 404 everywhere here (their PDF is a page).
Bodies are strict: unknown keys, bad enums, negative numbers, money with more than two
decimals → 422; a transition from the wrong status → 422 with the reason. Renewing (owner
and sales, as the page) answers 201 with the draft, 409 when the agreement cannot be renewed.
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from sweetspot.agreements import promise, queries, revenue
from sweetspot.agreements import services as agreement_services
from sweetspot.catalog.models import Service
from sweetspot.clients.scoping import companies_visible_to
from sweetspot.core import permissions
from sweetspot.core.access import AuthedHttpRequest

from .auth import require
from .conflicts import ConflictOut
from .pagination import Pages as PageNumberPagination  # bounded ?page= (issue 15)
from .schemas import Strict, Text

router = Router(tags=["agreements"])
PAGE_SIZE = 25

CadenceT = Literal["monthly", "quarterly", "annual"]
StatusT = Literal["draft", "active", "expired", "cancelled"]
RenewalT = Literal["automatic", "manual"]


def _money(default: Any = ...) -> Any:
    return Field(default, ge=0, max_digits=12, decimal_places=2)


def _hours(default: Any = ...) -> Any:
    return Field(default, ge=0, max_digits=6, decimal_places=2)


def _minutes(default: Any = ...) -> Any:
    return Field(default, ge=0, le=1_000_000)


# --- schemas --------------------------------------------------------------------------------


class PlanIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    description: Text = ""
    monthly_fee: Decimal = _money(Decimal("0"))
    onsite_half_days_per_month: Decimal = _hours(Decimal("0"))
    remote_support: bool = True
    emergency_phone_support: bool = True
    included_hours_per_month: Decimal = _hours(Decimal("0"))
    expected_remote_hours_per_month: Decimal = _hours(Decimal("0"))
    expected_phone_hours_per_month: Decimal = _hours(Decimal("0"))
    p1_response_minutes: int = _minutes(60)
    p2_response_minutes: int = _minutes(240)
    p3_response_minutes: int = _minutes(480)
    p4_response_minutes: int = _minutes(1440)
    p1_resolution_minutes: int = _minutes(480)
    p2_resolution_minutes: int = _minutes(960)
    p3_resolution_minutes: int = _minutes(2400)
    p4_resolution_minutes: int = _minutes(4800)
    overage_rate: Decimal = _money(Decimal("0"))
    billing_cadence: CadenceT = "monthly"
    hourly_only: bool = False
    services: list[int] = Field(default_factory=list, description="catalog service ids")
    acknowledge_unstaffed: bool = Field(
        False, description="Required to add a service nobody can deliver yet (depth 0)."
    )


class PlanPatch(Strict):
    name: str | None = Field(None, min_length=1, max_length=200)
    description: Text | None = None
    monthly_fee: Decimal | None = _money(None)
    onsite_half_days_per_month: Decimal | None = _hours(None)
    remote_support: bool | None = None
    emergency_phone_support: bool | None = None
    included_hours_per_month: Decimal | None = _hours(None)
    expected_remote_hours_per_month: Decimal | None = _hours(None)
    expected_phone_hours_per_month: Decimal | None = _hours(None)
    p1_response_minutes: int | None = _minutes(None)
    p2_response_minutes: int | None = _minutes(None)
    p3_response_minutes: int | None = _minutes(None)
    p4_response_minutes: int | None = _minutes(None)
    p1_resolution_minutes: int | None = _minutes(None)
    p2_resolution_minutes: int | None = _minutes(None)
    p3_resolution_minutes: int | None = _minutes(None)
    p4_resolution_minutes: int | None = _minutes(None)
    overage_rate: Decimal | None = _money(None)
    billing_cadence: CadenceT | None = None
    hourly_only: bool | None = None
    services: list[int] | None = None
    acknowledge_unstaffed: bool = False


class ServiceRefOut(Schema):
    id: int
    name: str


class PlanOut(Schema):
    id: int
    name: str
    description: str
    monthly_fee: Decimal
    onsite_half_days_per_month: Decimal
    remote_support: bool
    emergency_phone_support: bool
    included_hours_per_month: Decimal
    expected_remote_hours_per_month: Decimal
    expected_phone_hours_per_month: Decimal
    response_minutes: dict[str, int]
    resolution_minutes: dict[str, int]
    overage_rate: Decimal
    billing_cadence: str
    hourly_only: bool
    services: list[ServiceRefOut]
    archived_at: dt.datetime | None

    @staticmethod
    def resolve_response_minutes(obj: Any) -> dict[str, int]:
        return obj.response_minutes()  # type: ignore[no-any-return]

    @staticmethod
    def resolve_resolution_minutes(obj: Any) -> dict[str, int]:
        return obj.resolution_minutes()  # type: ignore[no-any-return]

    @staticmethod
    def resolve_services(obj: Any) -> list[dict[str, Any]]:
        return [{"id": s.pk, "name": s.name} for s in obj.services.all()]


class AgreementIn(Strict):
    company_id: int
    plan_id: int
    start_date: dt.date
    end_date: dt.date | None = None
    renewal: RenewalT = "manual"
    notice_days: int = Field(30, ge=0, le=3650)
    notes: Text = ""


class RenewIn(Strict):
    terms: Literal["same", "plan"] = Field(
        "same",
        description="same: this agreement's signed terms and fee; plan: the plan's current "
        "terms and fee when the renewal is signed.",
    )


class AgreementOut(Schema):
    id: int
    company_id: int
    company_name: str
    plan_id: int
    status: str
    start_date: dt.date
    end_date: dt.date | None
    renewal: str
    notice_days: int
    renewal_due: bool
    period_fee: Decimal
    billing_cadence: str
    monthly_equivalent: Decimal
    signed_at: dt.datetime | None
    ended_at: dt.datetime | None
    notes: str
    terms: dict[str, Any] = Field(
        description="The signed snapshot once signed; a draft shows the plan's current terms."
    )

    @staticmethod
    def resolve_company_name(obj: Any) -> str:
        return obj.company.name  # type: ignore[no-any-return]

    @staticmethod
    def resolve_renewal_due(obj: Any) -> bool:
        return agreement_services.renewal_due(obj, timezone.localdate())

    @staticmethod
    def resolve_monthly_equivalent(obj: Any) -> Decimal:
        return agreement_services.monthly_equivalent(obj.period_fee, obj.billing_cadence)

    @staticmethod
    def resolve_terms(obj: Any) -> dict[str, Any]:
        return agreement_services.terms_of(obj)


class RemedyOut(Schema):
    action: str
    person: str | None
    certification: str | None
    text: str


class FindingOut(Schema):
    kind: str
    severity: str
    agreements: list[str]
    service: str | None
    detail: str
    remedy: RemedyOut


class CapacityOut(Schema):
    required_hours: float
    available_hours: float


class PromiseOut(Schema):
    ok: bool
    findings: list[FindingOut]
    capacity: CapacityOut


class ActivatedOut(AgreementOut):
    promise_check: PromiseOut = Field(description="The promise check run right after signing.")


class SegmentRevenueOut(Schema):
    segment: str
    clients: int
    mrr: Decimal
    arr: Decimal


class ClientRevenueOut(Schema):
    company_id: int
    company: str
    segment: str
    agreements: int
    mrr: Decimal
    arr: Decimal


class TrendPointOut(Schema):
    month: str
    month_end: dt.date
    mrr: Decimal
    ahead: bool = False


class UpcomingOut(Schema):
    agreement_id: int
    company_id: int
    company: str
    start_date: dt.date
    mrr: Decimal


class RuleOut(Schema):
    clients: int
    annual: Decimal
    monthly_per_client: Decimal


class RevenueOut(Schema):
    mrr: Decimal
    arr: Decimal
    agreements: int
    clients: int
    retainer_clients: int
    average_monthly_fee: Decimal
    rule: RuleOut
    by_segment: list[SegmentRevenueOut]
    by_client: list[ClientRevenueOut]
    upcoming: list[UpcomingOut]
    trend: list[TrendPointOut]


class PlanFilters(Schema):
    archived: Literal["", "all"] = ""


class AgreementFilters(Schema):
    status: StatusT | Literal[""] = ""
    company: int | None = None


# --- plans ----------------------------------------------------------------------------------


def _plan_services(ids: list[int]) -> list[Service]:
    found = {s.pk: s for s in Service.objects.filter(pk__in=ids)}
    unknown = [i for i in ids if i not in found]
    if unknown:
        raise ValidationError({"services": f"Unknown service id(s): {unknown}."})
    return [found[i] for i in dict.fromkeys(ids)]


def _check_unstaffed(chosen: list[Service], current: set[int], acknowledged: bool) -> None:
    """The plan editor's rule: adding a depth-0 service needs an explicit acknowledgement."""
    added = [s for s in chosen if s.pk not in current]
    if not added or acknowledged:
        return
    thin = queries.unstaffed(added, queries.staffing_depths())
    if thin:
        names = ", ".join(s.name for s in thin)
        raise ValidationError(
            {
                "services": f"Nobody on the team can deliver {names} yet (depth 0); "
                "send acknowledge_unstaffed: true to sell it anyway."
            }
        )


def _plan_rows(request: AuthedHttpRequest) -> Any:
    return queries.plans_visible_to(request.user).prefetch_related("services")


@router.get("/plans", response=list[PlanOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_plans(request: AuthedHttpRequest, filters: Query[PlanFilters]) -> Any:
    require(request, permissions.is_staff)
    qs = _plan_rows(request)
    if filters.archived != "all":
        qs = qs.filter(archived_at__isnull=True)
    return qs.order_by("hourly_only", "monthly_fee", "name")


@router.post("/plans", response={201: PlanOut})
def create_plan(request: AuthedHttpRequest, payload: PlanIn) -> Any:
    require(request, permissions.can_edit_plans)
    data = payload.dict()
    ids = data.pop("services")
    acknowledged = data.pop("acknowledge_unstaffed")
    with transaction.atomic():
        chosen = _plan_services(ids)
        _check_unstaffed(chosen, set(), acknowledged)
        plan = agreement_services.create_plan(request.user, data, chosen)
    return Status(201, _plan_rows(request).get(pk=plan.pk))


@router.get("/plans/{plan_id}", response=PlanOut)
def get_plan(request: AuthedHttpRequest, plan_id: int) -> Any:
    require(request, permissions.is_staff)
    return queries.get_plan_for(request.user, plan_id)


@router.patch("/plans/{plan_id}", response=PlanOut)
def update_plan(request: AuthedHttpRequest, plan_id: int, payload: PlanPatch) -> Any:
    """Edits the plan for new agreements and drafts; signed agreements keep their terms."""
    require(request, permissions.can_edit_plans)
    plan = queries.get_plan_for(request.user, plan_id)
    data = payload.dict(exclude_unset=True)
    ids = data.pop("services", None)
    acknowledged = data.pop("acknowledge_unstaffed", False)
    with transaction.atomic():
        chosen = None
        if ids is not None:
            chosen = _plan_services(ids)
            current = set(plan.services.values_list("pk", flat=True))
            _check_unstaffed(chosen, current, acknowledged)
        agreement_services.update_plan(request.user, plan, data, chosen)
    return _plan_rows(request).get(pk=plan.pk)


# --- agreements -----------------------------------------------------------------------------


def _agreement_rows(request: AuthedHttpRequest) -> Any:
    return (
        queries.agreements_visible_to(request.user)
        .select_related("company", "plan")
        .prefetch_related("plan__services")
    )


@router.get("/agreements", response=list[AgreementOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_agreements(request: AuthedHttpRequest, filters: Query[AgreementFilters]) -> Any:
    require(request, permissions.can_view_agreements)
    qs = queries.filter_agreements(_agreement_rows(request), filters.dict())
    return qs.order_by("company__name", "-start_date", "pk")


@router.post("/agreements", response={201: AgreementOut})
def create_agreement(request: AuthedHttpRequest, payload: AgreementIn) -> Any:
    """A draft. Its fee and terms follow the plan until the owner activates it."""
    require(request, permissions.can_draft_agreements)
    data = payload.dict()
    company = (
        companies_visible_to(request.user, include_archived=False)
        .filter(pk=data.pop("company_id"))
        .first()
    )
    if company is None:
        raise ValidationError({"company_id": "Unknown client."})
    plan = (
        queries.plans_visible_to(request.user)
        .filter(pk=data.pop("plan_id"), archived_at__isnull=True)
        .first()
    )
    if plan is None:
        raise ValidationError({"plan_id": "Unknown plan."})
    agreement = agreement_services.create_draft(
        request.user, {**data, "company": company, "plan": plan}
    )
    return Status(201, queries.get_agreement_for(request.user, agreement.pk))


@router.get("/agreements/{agreement_id}", response=AgreementOut)
def get_agreement(request: AuthedHttpRequest, agreement_id: int) -> Any:
    require(request, permissions.can_view_agreements)
    return queries.get_agreement_for(request.user, agreement_id)


@router.post("/agreements/{agreement_id}/activate", response=ActivatedOut)
def activate_agreement(request: AuthedHttpRequest, agreement_id: int) -> Any:
    """Sign: snapshot the plan's terms; the promise check runs right after."""
    require(request, permissions.can_sign_agreements)
    agreement = queries.get_agreement_for(request.user, agreement_id)
    agreement_services.activate(request.user, agreement)
    agreement.promise_check = promise.run().to_json()  # type: ignore[attr-defined]
    return agreement


@router.post("/agreements/{agreement_id}/cancel", response=AgreementOut)
def cancel_agreement(request: AuthedHttpRequest, agreement_id: int) -> Any:
    require(request, permissions.can_sign_agreements)
    agreement = queries.get_agreement_for(request.user, agreement_id)
    return agreement_services.cancel(request.user, agreement)


@router.post("/agreements/{agreement_id}/expire", response=AgreementOut)
def expire_agreement(request: AuthedHttpRequest, agreement_id: int) -> Any:
    require(request, permissions.can_sign_agreements)
    agreement = queries.get_agreement_for(request.user, agreement_id)
    return agreement_services.expire(request.user, agreement)


@router.post("/agreements/{agreement_id}/renew", response={201: AgreementOut, 409: ConflictOut})
def renew_agreement(request: AuthedHttpRequest, agreement_id: int, payload: RenewIn) -> Any:
    """The next term as a draft to sign (the agreement page's "Renew"): from the day after
    this term ends, as long as this term. 409 when this agreement cannot be renewed: not
    active or expired, open-ended, or the next term already exists (``detail`` says which)."""
    require(request, permissions.can_draft_agreements)
    agreement = queries.get_agreement_for(request.user, agreement_id)
    draft = agreement_services.renew(request.user, agreement, payload.terms)
    return Status(201, queries.get_agreement_for(request.user, draft.pk))


# --- revenue and the promise check ----------------------------------------------------------


@router.get("/revenue", response=RevenueOut)
def get_revenue(request: AuthedHttpRequest) -> Any:
    """MRR (active agreements' monthly equivalents), ARR, by segment, by client, and the
    12-month trend. Owner only."""
    require(request, permissions.can_see_revenue)
    return revenue.summary()


@router.get("/promise-check", response=PromiseOut)
def get_promise_check(request: AuthedHttpRequest) -> Any:
    """The promise check on the live data: the same JSON as ``manage.py promise_check
    --json``."""
    require(request, permissions.can_view_agreements)
    return promise.run().to_json()
