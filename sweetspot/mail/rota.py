"""Who is on call: the weekly rotation and its swaps (read side; writes are in services.py).

* The members (``RotaMember``) take turns a week each, in ``position`` order, weeks starting
  on Monday (firm time) counted from ``MailSettings.rota_starts_on`` (set to the current
  Monday when the first member is added).
* A swap (``RotaSwap``) puts someone else on call for a day or a week; the latest swap
  covering a day wins.
* The escalation chain of a day: the person on call, the next member of the rotation (the
  one after the week's rotation person, never the same person twice), then the owner(s).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from sweetspot.core import engine_cache
from sweetspot.core.models import Firm, Role, User
from sweetspot.team.models import Technician

from .models import MailSettings, RotaMember, RotaSwap

FALLBACK_START = dt.date(2024, 1, 1)  # a Monday: used only before the first member is added


@dataclass(frozen=True)
class Cover:
    day: dt.date
    technician: Technician
    swap: RotaSwap | None = None
    sms_address: str = ""


@dataclass
class Target:
    label: str
    addresses: list[str] = field(default_factory=list)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def firm_today(now: dt.datetime | None = None, firm: Firm | None = None) -> dt.date:
    firm = firm or Firm.current()
    moment = now or timezone.now()
    return moment.astimezone(ZoneInfo(firm.time_zone or "UTC")).date()


def members() -> list[RotaMember]:
    return list(
        RotaMember.objects.filter(technician__archived_at__isnull=True)
        .select_related("technician__user")
        .order_by("position", "pk")
    )


def _rotation_index(day: dt.date, count: int, starts_on: dt.date | None) -> int:
    weeks = (monday(day) - monday(starts_on or FALLBACK_START)).days // 7
    return weeks % count


class Rota:
    """The rota loaded once (three queries), asked about any day."""

    def __init__(self, first_day: dt.date | None = None, last_day: dt.date | None = None):
        self.settings = MailSettings.current()
        self.members = members()
        swaps = RotaSwap.objects.filter(cancelled_at__isnull=True).select_related(
            "technician__user"
        )
        if last_day is not None:
            swaps = swaps.filter(starts_on__lte=last_day)
        if first_day is not None:
            swaps = swaps.filter(starts_on__gte=first_day - dt.timedelta(days=31))
        self.swaps = list(swaps.order_by("created_at", "pk"))
        self.sms = {m.technician_id: m.sms_address for m in self.members}

    def rotation_member(self, day: dt.date) -> RotaMember | None:
        if not self.members:
            return None
        index = _rotation_index(day, len(self.members), self.settings.rota_starts_on)
        return self.members[index]

    def swap_on(self, day: dt.date) -> RotaSwap | None:
        covering = [
            s for s in self.swaps if s.starts_on <= day < s.starts_on + dt.timedelta(days=s.days)
        ]
        return covering[-1] if covering else None

    def cover(self, day: dt.date) -> Cover | None:
        swap = self.swap_on(day)
        if swap is not None:
            tech = swap.technician
            return Cover(day, tech, swap, self.sms.get(tech.pk, ""))
        member = self.rotation_member(day)
        if member is None:
            return None
        return Cover(day, member.technician, None, member.sms_address)

    def next_person(self, day: dt.date) -> Cover | None:
        """The member after the week's rotation person who is not the one on call."""
        cover = self.cover(day)
        member = self.rotation_member(day)
        if member is None or cover is None:
            return None
        start = self.members.index(member)
        for step in range(1, len(self.members) + 1):
            candidate = self.members[(start + step) % len(self.members)]
            if candidate.technician_id != cover.technician.pk:
                return Cover(day, candidate.technician, None, candidate.sms_address)
        return None

    def weeks(self, start: dt.date, count: int = 8) -> list[dict[str, Any]]:
        """The coming weeks: Monday, the rotation's person, and the swaps inside the week."""
        out = []
        first = monday(start)
        for i in range(count):
            week = first + dt.timedelta(weeks=i)
            member = self.rotation_member(week)
            days = [week + dt.timedelta(days=d) for d in range(7)]
            swaps = [(d, self.swap_on(d)) for d in days]
            out.append(
                {
                    "monday": week,
                    "technician": member.technician if member else None,
                    "swaps": [(d, s.technician) for d, s in swaps if s is not None],
                }
            )
        return out


def on_call_now(now: dt.datetime | None = None) -> Cover | None:
    """Who covers the firm's today; kept in core.engine_cache until the rota, a swap, the
    mail settings or the team changes (the queue and the dispatcher's home show it)."""
    day = firm_today(now, engine_cache.firm())
    return engine_cache.cached("on-call", ("team", "rota"), lambda: Rota().cover(day), day)


def _address(tech: Technician) -> str:
    user = tech.user
    return user.email if user is not None and user.is_active and user.email else ""


def chain(day: dt.date) -> list[Target]:
    """Who is paged at each step of an after-hours P1 opened on ``day`` (firm time)."""
    rota = Rota(day, day)
    targets: list[Target] = []
    for cover in (rota.cover(day), rota.next_person(day)):
        if cover is None:
            continue
        addresses = [a for a in (_address(cover.technician), cover.sms_address) if a]
        if addresses:  # someone we cannot reach is skipped, not waited for
            targets.append(Target(cover.technician.name, addresses))
    owners = User.objects.filter(role=Role.OWNER, is_active=True).exclude(email="")
    targets.append(Target("the owner", [u.email for u in owners.order_by("pk")]))
    return targets
