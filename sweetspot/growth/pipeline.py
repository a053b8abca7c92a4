"""The sales pipeline: pure helpers for weighted values, and the writes for opportunities.

Weighted monthly value = Σ expected monthly fee × stage probability / 100 over the open
stages (lead, qualified, proposal); annualised = weighted monthly × 12. Probabilities are
percentages from ``Firm.stage_probabilities`` merged over ``DEFAULT_STAGE_PROBABILITIES``.
Money stays Decimal and is rounded to cents (half up) only at the end.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sweetspot.clients import services as client_services
from sweetspot.clients.models import CompanyStatus
from sweetspot.core import audit
from sweetspot.core.models import STAFF_ROLES, AuditLog, User
from sweetspot.core.money import CENT
from sweetspot.core.writes import assign_fields

from .models import DEFAULT_STAGE_PROBABILITIES, Opportunity, Stage

OPEN_STAGES: tuple[str, ...] = (Stage.LEAD, Stage.QUALIFIED, Stage.PROPOSAL)
CLOSED_STAGES: tuple[str, ...] = (Stage.WON, Stage.LOST)
NEXT_STAGE: dict[str, str] = {
    Stage.LEAD: Stage.QUALIFIED,
    Stage.QUALIFIED: Stage.PROPOSAL,
    Stage.PROPOSAL: Stage.WON,
    Stage.WON: Stage.PROPOSAL,
    Stage.LOST: Stage.PROPOSAL,
}
HUNDRED = Decimal(100)


# --- pure helpers ---------------------------------------------------------------------------


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def stage_probabilities(overrides: Mapping[str, Any] | None = None) -> dict[str, Decimal]:
    """Percent per stage: the firm's overrides merged over the defaults.

    Unknown stages and values that are not a number between 0 and 100 are ignored (the firm
    settings form validates; this keeps a hand-edited row from breaking the board).
    """
    out = {stage: Decimal(pct) for stage, pct in DEFAULT_STAGE_PROBABILITIES.items()}
    for stage, raw in (overrides or {}).items():
        if stage not in out or isinstance(raw, bool):
            continue
        try:
            value = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            continue
        if value.is_finite() and 0 <= value <= 100:
            out[stage] = value
    return out


class HasStageAndFee(Protocol):
    stage: str
    expected_monthly_fee: Decimal


def weighted_monthly(
    opportunities: Iterable[HasStageAndFee], probabilities: Mapping[str, Decimal]
) -> Decimal:
    """Σ fee × probability / 100 over open stages, rounded to cents at the end."""
    total = Decimal(0)
    for opp in opportunities:
        if opp.stage in OPEN_STAGES:
            total += Decimal(opp.expected_monthly_fee) * probabilities[opp.stage] / HUNDRED
    return cents(total)


def annualised(monthly: Decimal) -> Decimal:
    """Twelve times the (already rounded) monthly figure, so the two shown agree."""
    return cents(monthly * 12)


@dataclass
class Column:
    stage: str
    label: str
    probability: Decimal
    cards: list[Any] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def next_stage(self) -> str:
        """The move a card in this column most likely makes next (preselected on the board)."""
        return NEXT_STAGE[self.stage]

    @property
    def total(self) -> Decimal:
        return cents(sum((Decimal(c.expected_monthly_fee) for c in self.cards), Decimal(0)))

    @property
    def weighted(self) -> Decimal:
        if not self.is_open:
            return Decimal("0.00")
        return weighted_monthly(self.cards, {self.stage: self.probability})


@dataclass
class Board:
    columns: list[Column]
    weighted_monthly: Decimal
    weighted_annual: Decimal
    open_count: int
    open_total: Decimal


def board(opportunities: Iterable[HasStageAndFee], probabilities: Mapping[str, Decimal]) -> Board:
    """Group already-loaded opportunities into one column per stage, in stage order."""
    columns = {
        stage: Column(stage=stage, label=str(label), probability=probabilities[stage])
        for stage, label in Stage.choices
    }
    for opp in opportunities:
        columns[opp.stage].cards.append(opp)
    open_cards = [c for col in columns.values() if col.is_open for c in col.cards]
    monthly = weighted_monthly(open_cards, probabilities)
    return Board(
        columns=list(columns.values()),
        weighted_monthly=monthly,
        weighted_annual=annualised(monthly),
        open_count=len(open_cards),
        open_total=cents(sum((Decimal(c.expected_monthly_fee) for c in open_cards), Decimal(0))),
    )


# --- writes ---------------------------------------------------------------------------------

CREATE_FIELDS = [
    "company",
    "title",
    "stage",
    "owner",
    "proposed",
    "plan",
    "expected_monthly_fee",
    "expected_close",
]
UPDATE_FIELDS = [
    "company",
    "title",
    "owner",
    "proposed",
    "plan",
    "expected_monthly_fee",
    "expected_close",
    "lost_reason",
]


def _services_snapshot(opp: Opportunity) -> dict[str, Any]:
    return {"services": sorted(s.pk for s in opp.services.all())} if opp.pk else {}


def _set_services(opp: Opportunity, data: Mapping[str, Any]) -> None:
    if "services" in data and data["services"] is not None:
        opp.services.set(list(data["services"]))


def _normalise(opp: Opportunity) -> None:
    """Money to cents (so the audit trail reads 1100.00, not 1100); text trimmed."""
    try:
        fee = Decimal(opp.expected_monthly_fee)
        if fee.is_finite() and fee == cents(fee):
            opp.expected_monthly_fee = cents(fee)
    except (InvalidOperation, ValueError, TypeError):
        pass  # not a number, or more than cents: full_clean reports it
    opp.title = (opp.title or "").strip()
    opp.lost_reason = (opp.lost_reason or "").strip()


def _check_owner(opp: Opportunity) -> None:
    owner = opp.owner if opp.owner_id else None
    if owner is not None and (owner.role not in STAFF_ROLES or not owner.is_active):
        raise ValidationError({"owner": "The owner must be an active member of the firm."})


@transaction.atomic
def create_opportunity(actor: User | None, data: Mapping[str, Any]) -> Opportunity:
    """A new opportunity, open (lead by default); closing it goes through move_opportunity."""
    opp = Opportunity()
    assign_fields(opp, CREATE_FIELDS, data)
    if not opp.owner_id and actor is not None and actor.pk:
        opp.owner = actor
    if not opp.stage:
        opp.stage = Stage.LEAD
    if opp.stage not in OPEN_STAGES:
        raise ValidationError(
            {"stage": "Create the opportunity in an open stage, then move it to won or lost."}
        )
    _normalise(opp)
    _check_owner(opp)
    opp.full_clean()
    opp.save()
    _set_services(opp, data)
    audit.record(
        actor, AuditLog.Action.CREATE, opp, {}, audit.snapshot(opp) | _services_snapshot(opp)
    )
    return opp


@transaction.atomic
def update_opportunity(
    actor: User | None, opp: Opportunity, data: Mapping[str, Any]
) -> Opportunity:
    """Edit the details; the stage only changes through move_opportunity."""
    before = audit.snapshot(opp) | _services_snapshot(opp)
    assign_fields(opp, UPDATE_FIELDS, data)
    _normalise(opp)
    if opp.stage != Stage.LOST:
        opp.lost_reason = ""
    elif not opp.lost_reason.strip():
        raise ValidationError({"lost_reason": "Say why it was lost."})
    _check_owner(opp)
    opp.full_clean()
    opp.save()
    _set_services(opp, data)
    audit.record(
        actor, AuditLog.Action.UPDATE, opp, before, audit.snapshot(opp) | _services_snapshot(opp)
    )
    return opp


@transaction.atomic
def move_opportunity(
    actor: User | None, opp: Opportunity, stage: str, lost_reason: str = ""
) -> Opportunity:
    """Move to another stage. Lost needs a reason; won/lost set closed_at, open clears it;
    won makes the company a client (through the client book's service, so it is audited)."""
    if stage not in Stage.values:
        raise ValidationError({"stage": "Choose a stage."})
    lost_reason = (lost_reason or "").strip()
    if stage == Stage.LOST and not lost_reason:
        raise ValidationError({"lost_reason": "Say why it was lost."})
    before = audit.snapshot(opp)
    opp.stage = stage
    if stage in CLOSED_STAGES:
        if before["stage"] != stage or opp.closed_at is None:
            opp.closed_at = timezone.now()
    else:
        opp.closed_at = None
    opp.lost_reason = lost_reason if stage == Stage.LOST else ""
    opp.full_clean()
    opp.save()
    audit.record(actor, AuditLog.Action.UPDATE, opp, before, audit.snapshot(opp))
    if stage == Stage.WON and opp.company.status != CompanyStatus.CLIENT:
        client_services.update_company(actor, opp.company, {"status": CompanyStatus.CLIENT})
    return opp
