"""Plan editor and agreement draft forms. Writes go through services.py (views call it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms

from sweetspot.catalog import engine as depth_engine
from sweetspot.catalog.models import Service
from sweetspot.clients.models import Company
from sweetspot.core.limits import LimitedText

from . import queries
from .models import PRIORITIES, Agreement, Plan, Rollover
from .services import DRAFT_FIELDS, PLAN_FIELDS

TERM_FIELDS = [
    "monthly_fee",
    "billing_cadence",
    "hourly_only",
    "overage_rate",
    "onsite_half_days_per_month",
    "included_hours_per_month",
    "expected_remote_hours_per_month",
    "expected_phone_hours_per_month",
    "remote_support",
    "emergency_phone_support",
    "rollover",
    "rounding_increment_minutes",
    "rounding_minimum_minutes",
]
RESPONSE_FIELDS = [f"{p.lower()}_response_minutes" for p in PRIORITIES]
RESOLUTION_FIELDS = [f"{p.lower()}_resolution_minutes" for p in PRIORITIES]


class PlanForm(LimitedText, forms.ModelForm):
    """The plan's terms plus its included services, each shown with its staffing depth.

    Adding a service nobody can deliver (depth 0) is refused unless "I understand" is ticked:
    a field error on the services names them. Services already in the plan that have since
    lost their staff only carry the warning (editing the fee must not force a decision about
    them), and depth 1 is a warning only: the firm may sell ahead of hiring or training, but
    never by accident.
    """

    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    acknowledge_unstaffed = forms.BooleanField(
        required=False,
        label="I understand: sell services nobody on the team can deliver yet",
        help_text="Then plan the remedy: train, hire or subcontract before the first ticket.",
    )

    class Meta:
        model = Plan
        fields = PLAN_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        labels = {
            **{f: f"{f[:2].upper()} response (min)" for f in RESPONSE_FIELDS},
            **{f: f"{f[:2].upper()} resolution (min)" for f in RESOLUTION_FIELDS},
            "monthly_fee": "Monthly fee ($)",
            "overage_rate": "Overage rate ($/hour)",
            "expected_remote_hours_per_month": "Expected remote hours / month",
            "expected_phone_hours_per_month": "Expected phone hours / month",
            "included_hours_per_month": "Included hours / month",
            "onsite_half_days_per_month": "On-site half-days / month",
        }
        help_texts = {
            "expected_remote_hours_per_month": "The promise check's capacity default.",
            "expected_phone_hours_per_month": "The promise check's capacity default.",
        }

    def __init__(
        self,
        *args: Any,
        depths: Mapping[int, depth_engine.Depth],
        current_services: set[int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Billing terms (issue 12): a form posted without them keeps the defaults.
        self.fields["rollover"].required = False
        self.depths = depths
        self.current_services = set(current_services or set())
        self.catalog = queries.catalog_services(self.current_services)
        field = self.fields["services"]
        field.queryset = Service.objects.filter(  # type: ignore[attr-defined]
            pk__in=[s.pk for s in self.catalog]
        )
        if not self.is_bound:
            field.initial = sorted(self.current_services)

    def clean_rollover(self) -> str:
        return self.cleaned_data.get("rollover") or Rollover.NONE

    def selected_ids(self) -> set[int]:
        if self.is_bound:
            out = set()
            name = self.add_prefix("services")
            getlist = getattr(self.data, "getlist", None)
            values = getlist(name) if getlist else self.data.get(name) or []
            for raw in values:
                try:
                    out.add(int(raw))
                except (TypeError, ValueError):
                    continue
            return out
        return set(self.current_services)

    def service_rows(self) -> list[dict[str, Any]]:
        rows = queries.service_rows(self.catalog, self.depths, self.selected_ids())
        for row in rows:
            row["new"] = row["service"].pk not in self.current_services
        return rows

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = list(data.get("services") or [])
        added = [s for s in chosen if s.pk not in self.current_services]
        thin = queries.unstaffed(added, self.depths)
        if thin and not data.get("acknowledge_unstaffed"):
            names = ", ".join(s.name for s in thin)
            self.add_error(
                "services",
                f"Nobody on the team can deliver {names} yet (depth 0). Tick “I understand” "
                "to sell it anyway, or train, hire or subcontract first.",
            )
        return data

    def plan_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in PLAN_FIELDS if k in self.cleaned_data}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class AgreementForm(LimitedText, forms.ModelForm):
    """A draft: client, plan, term, renewal. Fee and terms come from the plan (and are
    snapshotted when the owner activates it)."""

    class Meta:
        model = Agreement
        fields = DRAFT_FIELDS
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"company": "Client", "notice_days": "Notice (days before the end date)"}
        help_texts = {"end_date": "Leave empty for an open-ended agreement."}

    def __init__(self, *args: Any, companies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies.filter(  # type: ignore[attr-defined]
            archived_at__isnull=True
        ).order_by("name")
        plans = Plan.objects.filter(archived_at__isnull=True).order_by(
            "hourly_only", "monthly_fee", "name"
        )
        self.fields["plan"].queryset = plans  # type: ignore[attr-defined]
        self.fields["plan"].label_from_instance = _plan_label  # type: ignore[attr-defined]

    def draft_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in DRAFT_FIELDS if k in self.cleaned_data}

    @staticmethod
    def default_initial(today: dt.date, company: Company | None = None) -> dict[str, Any]:
        try:
            anniversary = today.replace(year=today.year + 1)
        except ValueError:  # 29 February
            anniversary = today.replace(year=today.year + 1, day=28) + dt.timedelta(days=1)
        end = anniversary - dt.timedelta(days=1)
        initial: dict[str, Any] = {"start_date": today, "end_date": end, "notice_days": 30}
        if company is not None:
            initial["company"] = company.pk
        return initial


def _plan_label(plan: Plan) -> str:
    if plan.hourly_only:
        return f"{plan.name} — hourly at ${plan.overage_rate:,.2f}/h"
    return f"{plan.name} — ${plan.monthly_fee:,.2f}/month"
