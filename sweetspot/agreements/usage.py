"""Agreement usage measured from time entries (desk.TimeEntry).

* ``measured_hours``: remote and phone hours a month actually delivered under each agreement
  over the last 90 days (sum of minutes ÷ 3 ÷ 60), for the promise check's capacity history.
  One aggregate query for all agreements.
* ``effective_rate``: the fee for the last 3 months ÷ the hours delivered under the agreement
  in that period (out-of-scope work is billed separately at the overage rate, so it is not
  counted). Owner only: the view decides who sees it.

An entry belongs to an agreement through its own ``agreement`` or, failing that, its ticket's.

Layering: agreements sits below desk and never imports it. Time entries are reached through
the reverse relation desk declares on ``Agreement`` (``time_entries``), the way a lower app
may read an upper app's rows (docs/ARCHITECTURE.md, "Layers"); work types are desk's
``WorkType`` values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import F, Model, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from sweetspot.core.money import CENT

from .models import MONTHS_IN_PERIOD, Agreement

HISTORY_DAYS = 90
HISTORY_MONTHS = 3
MINUTES = Decimal(60)


REMOTE, PHONE = "remote", "phone"  # desk.models.WorkType values


def _time_entries() -> QuerySet[Model]:
    model = Agreement._meta.get_field("time_entries").related_model
    assert isinstance(model, type) and issubclass(model, Model)
    return model._default_manager.all()


def _agreement_key() -> Coalesce:
    return Coalesce(F("agreement_id"), F("ticket__agreement_id"))


@dataclass(frozen=True)
class Measured:
    remote_hours_per_month: Decimal
    phone_hours_per_month: Decimal


def window_start(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=HISTORY_DAYS)


def _per_month(minutes: int | None) -> Decimal:
    return (Decimal(minutes or 0) / HISTORY_MONTHS / MINUTES).quantize(CENT, rounding=ROUND_HALF_UP)


def measured_hours(
    agreement_ids: Iterable[int], today: dt.date | None = None
) -> dict[int, Measured]:
    """Agreement id → measured monthly remote/phone hours, for agreements with any time
    entry in the last 90 days (one query). Agreements without entries are absent."""
    ids = [i for i in agreement_ids if i is not None]
    if not ids:
        return {}
    today = today or timezone.localdate()
    rows = (
        _time_entries()
        .filter(work_date__gt=window_start(today), work_date__lte=today)
        .annotate(ag=_agreement_key())
        .filter(ag__in=ids)
        .values("ag")
        .annotate(
            remote=Sum("minutes", filter=Q(work_type=REMOTE)),
            phone=Sum("minutes", filter=Q(work_type=PHONE)),
        )
        .order_by("ag")
    )
    return {
        row["ag"]: Measured(_per_month(row["remote"]), _per_month(row["phone"])) for row in rows
    }


@dataclass(frozen=True)
class EffectiveRate:
    fee: Decimal  # for the last 3 months
    hours: Decimal  # delivered under the agreement in that period
    rate: Decimal | None  # fee ÷ hours; None when no hours are recorded


def effective_rate(agreement: Agreement, today: dt.date | None = None) -> EffectiveRate:
    today = today or timezone.localdate()
    minutes = (
        _time_entries()
        .filter(work_date__gt=window_start(today), work_date__lte=today, out_of_scope=False)
        .annotate(ag=_agreement_key())
        .filter(ag=agreement.pk)
        .aggregate(m=Sum("minutes"))["m"]
    )
    months = MONTHS_IN_PERIOD.get(agreement.billing_cadence, 1)
    fee = (agreement.period_fee / months * HISTORY_MONTHS).quantize(CENT, rounding=ROUND_HALF_UP)
    hours = (Decimal(minutes or 0) / MINUTES).quantize(CENT, rounding=ROUND_HALF_UP)
    rate = (fee / hours).quantize(CENT, rounding=ROUND_HALF_UP) if hours > 0 else None
    return EffectiveRate(fee=fee, hours=hours, rate=rate)
