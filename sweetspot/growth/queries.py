"""Read side of the BD log and the pipeline: scoped querysets, follow-up groups, the board.

Activities and opportunities hang off companies, so every queryset starts from
``companies_visible_to(user)``; on top of that only firm staff see them at all (a client
contact's own company has BD history they must never see).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sweetspot.clients.scoping import companies_visible_to
from sweetspot.core.models import STAFF_ROLES, Firm, Role, User

from . import pipeline
from .models import Activity, Opportunity

BD_EDITOR_ROLES = frozenset({Role.OWNER, Role.SALES})
# Won and lost cards stay on the board this long after closing; older ones drop off so the
# board does not grow without bound (they remain in the database and the audit log).
CLOSED_VISIBLE_DAYS = 90


def _is_staff(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in STAFF_ROLES
    )


def is_bd_editor(user: Any) -> bool:
    return _is_staff(user) and user.role in BD_EDITOR_ROLES


def activities_visible_to(user: Any) -> QuerySet[Activity]:
    if not _is_staff(user):
        return Activity.objects.none()
    return Activity.objects.filter(
        Q(company__isnull=True) | Q(company__in=companies_visible_to(user))
    )


def activities_completable_by(user: Any) -> QuerySet[Activity]:
    """Owner and sales may complete any activity; other staff only their own."""
    qs = activities_visible_to(user)
    return qs if is_bd_editor(user) else qs.filter(owner_id=user.pk)


def opportunities_visible_to(user: Any) -> QuerySet[Opportunity]:
    if not _is_staff(user):
        return Opportunity.objects.none()
    return Opportunity.objects.filter(company__in=companies_visible_to(user))


def _get(qs: QuerySet[Any], pk: Any) -> Any:
    try:
        return qs.get(pk=int(pk))
    except (ValueError, TypeError, qs.model.DoesNotExist) as exc:
        raise Http404("Not found") from exc


def get_activity_for(user: Any, pk: Any, *, to_complete: bool = False) -> Activity:
    qs = activities_completable_by(user) if to_complete else activities_visible_to(user)
    return _get(  # type: ignore[no-any-return]
        qs.select_related("company", "contact", "owner"), pk
    )


def get_opportunity_for(user: Any, pk: Any) -> Opportunity:
    return _get(  # type: ignore[no-any-return]
        opportunities_visible_to(user).select_related("company", "owner"), pk
    )


def staff_users() -> QuerySet[User]:
    """People an activity or opportunity may belong to."""
    return User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by(
        "first_name", "last_name", "username"
    )


# --- my follow-ups ----------------------------------------------------------------------------


@dataclass
class FollowUps:
    today: dt.date
    overdue: list[Activity] = field(default_factory=list)
    due_today: list[Activity] = field(default_factory=list)
    upcoming: list[Activity] = field(default_factory=list)

    @property
    def groups(self) -> list[tuple[str, str, list[Activity], str]]:
        """(key, heading, activities, text when empty), overdue first."""
        return [
            ("overdue", "Overdue", self.overdue, "Nothing overdue."),
            ("today", "Due today", self.due_today, "Nothing due today."),
            ("upcoming", "Upcoming", self.upcoming, "Nothing planned."),
        ]

    @property
    def count(self) -> int:
        return len(self.overdue) + len(self.due_today) + len(self.upcoming)


def open_activities(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    return (
        qs.filter(done_date__isnull=True)
        .select_related("company", "contact", "owner")
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )


def follow_ups(qs: QuerySet[Activity], today: dt.date | None = None) -> FollowUps:
    """Open activities in three groups from one query: overdue (oldest first), due today,
    upcoming (later or no due date)."""
    out = FollowUps(today=today or timezone.localdate())
    for activity in open_activities(qs):
        if activity.due_date is None or activity.due_date > out.today:
            out.upcoming.append(activity)
        elif activity.due_date < out.today:
            out.overdue.append(activity)
        else:
            out.due_today.append(activity)
    return out


# --- the board --------------------------------------------------------------------------------


def board_opportunities(qs: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    since = timezone.now() - dt.timedelta(days=CLOSED_VISIBLE_DAYS)
    return (
        qs.filter(Q(stage__in=pipeline.OPEN_STAGES) | Q(closed_at__gte=since))
        .select_related("company", "owner", "plan")
        .order_by("-expected_monthly_fee", "pk")
    )


def firm_probabilities(firm: Firm | None = None) -> dict[str, Any]:
    return pipeline.stage_probabilities((firm or Firm.current()).stage_probabilities)


def pipeline_board(user: Any, firm: Firm | None = None) -> pipeline.Board:
    """The board for a user: one query for the cards, one for the firm row."""
    return pipeline.board(
        board_opportunities(opportunities_visible_to(user)), firm_probabilities(firm)
    )
