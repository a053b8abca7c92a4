from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from sweetspot.clients.models import (
    ENVIRONMENT_ITEMS,
    Application,
    CurrentSupport,
    Network,
    Presence,
)
from sweetspot.core.limits import LimitedText

from .engine import QualificationSettings
from .models import DEFAULT_STAGE_PROBABILITIES


def _money_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=Decimal(0), max_digits=12, decimal_places=2
    )


class AssessmentForm(LimitedText, forms.Form):
    """The engine's inputs as a form; converted to the JSON contract by ``to_contract``."""

    pcs = forms.IntegerField(label="PCs", min_value=0)
    servers = forms.IntegerField(min_value=0, required=False)
    sites = forms.IntegerField(min_value=0, required=False)
    network = forms.ChoiceField(choices=[("", "Unknown"), *Network.choices], required=False)
    current_support = forms.ChoiceField(
        label="Who supports them now",
        choices=[("", "Unknown"), *CurrentSupport.choices],
        required=False,
    )
    downtime_cost_per_hour = _money_field("Downtime cost per hour ($)")
    annual_revenue = _money_field("Annual revenue ($)")
    monthly_it_budget = _money_field("Monthly IT budget ($)")
    applications = forms.MultipleChoiceField(
        choices=Application.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in ENVIRONMENT_ITEMS:
            self.fields[f"env_{key}"] = forms.ChoiceField(
                label=label, choices=Presence.choices, required=False, initial="neither"
            )

    @classmethod
    def initial_from_inputs(cls, inputs: dict[str, Any]) -> dict[str, Any]:
        initial = {k: v for k, v in inputs.items() if k not in {"has", "needs"}}
        for key in inputs.get("has") or []:
            initial[f"env_{key}"] = "has"
        for key in inputs.get("needs") or []:
            initial[f"env_{key}"] = "needs"
        return initial

    def env_fields(self) -> list[Any]:
        return [self[f"env_{key}"] for key, _ in ENVIRONMENT_ITEMS]

    def profile_fields(self) -> list[Any]:
        return [
            self[name]
            for name in (
                "pcs",
                "servers",
                "sites",
                "network",
                "current_support",
                "downtime_cost_per_hour",
                "annual_revenue",
                "monthly_it_budget",
            )
        ]

    def to_contract(self) -> dict[str, Any]:
        data = self.cleaned_data
        out: dict[str, Any] = {"pcs": data["pcs"]}
        for key in ("servers", "sites"):
            if data.get(key) is not None:
                out[key] = data[key]
        for key in ("network", "current_support"):
            if data.get(key):
                out[key] = data[key]
        for key in ("downtime_cost_per_hour", "annual_revenue", "monthly_it_budget"):
            if data.get(key) is not None:
                out[key] = str(data[key])
        out["has"] = [k for k, _ in ENVIRONMENT_ITEMS if data.get(f"env_{k}") == "has"]
        out["needs"] = [k for k, _ in ENVIRONMENT_ITEMS if data.get(f"env_{k}") == "needs"]
        out["applications"] = list(data.get("applications") or [])
        return out


TIER_FIELDS = {
    "downtime_tiers": "Downtime cost tiers ($/hour: weight)",
    "revenue_tiers": "Annual revenue tiers ($: weight)",
    "budget_tiers": "Monthly IT budget tiers ($: weight)",
}
FEE_FIELDS = {
    "fee_micro": "Micro fee range",
    "fee_sweet_spot": "Sweet spot fee range",
    "fee_upper": "Upper fee range",
}
INT_HELP = {
    "micro_max_pcs": "Micro: up to this many PCs.",
    "sweet_spot_max_pcs": "Sweet spot: up to this many PCs; above is upper.",
    "ready_threshold": "Fit score at or above which an agreement prospect is ready.",
    "nurture_threshold": "Fit score at or above which a prospect is worth nurturing.",
}


class SettingsForm(LimitedText, forms.Form):
    """Every number of QualificationSettings, plus pipeline stage probabilities."""

    def __init__(
        self, *args: Any, current: QualificationSettings, stages: dict[str, int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        data = current.to_json()
        for name, value in data.items():
            if name in TIER_FIELDS:
                self.fields[name] = forms.CharField(
                    label=TIER_FIELDS[name],
                    initial=", ".join(f"{a}:{b}" for a, b in value),
                    help_text="Comma-separated threshold:weight pairs, e.g. 100:5, 500:10",
                )
            elif name in FEE_FIELDS:
                self.fields[f"{name}_low"] = forms.DecimalField(
                    label=f"{FEE_FIELDS[name]} — low ($/month)",
                    initial=value[0],
                    min_value=Decimal(0),
                    max_digits=12,
                    decimal_places=2,
                )
                self.fields[f"{name}_high"] = forms.DecimalField(
                    label=f"{FEE_FIELDS[name]} — high ($/month)",
                    initial=value[1],
                    min_value=Decimal(0),
                    max_digits=12,
                    decimal_places=2,
                )
            else:
                self.fields[name] = forms.IntegerField(
                    label=name.replace("_", " ").capitalize(),
                    initial=value,
                    min_value=-100,
                    max_value=1000,
                    help_text=INT_HELP.get(name, ""),
                )
        for stage in ("lead", "qualified", "proposal"):
            self.fields[f"stage_{stage}"] = forms.IntegerField(
                label=f"Probability of winning at {stage} (%)",
                min_value=0,
                max_value=100,
                initial=stages.get(stage, DEFAULT_STAGE_PROBABILITIES[stage]),
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in TIER_FIELDS:
            raw = data.get(name)
            if raw is None:
                continue
            pairs = []
            try:
                for part in str(raw).split(","):
                    if part.strip():
                        a, b = part.split(":")
                        pairs.append((int(a.strip()), int(b.strip())))
            except ValueError:
                self.add_error(name, "Write threshold:weight pairs, e.g. 100:5, 500:10.")
                continue
            data[name] = pairs
        for name in FEE_FIELDS:
            low, high = data.get(f"{name}_low"), data.get(f"{name}_high")
            if low is not None and high is not None and low > high:
                self.add_error(f"{name}_high", "The high end must not be below the low end.")
        micro, sweet = data.get("micro_max_pcs"), data.get("sweet_spot_max_pcs")
        if micro is not None and sweet is not None and micro >= sweet:
            self.add_error("sweet_spot_max_pcs", "Must be above the micro bound.")
        if micro is not None and micro < 0:
            self.add_error("micro_max_pcs", "Must not be negative.")
        nurture, ready = data.get("nurture_threshold"), data.get("ready_threshold")
        if nurture is not None and ready is not None and nurture > ready:
            self.add_error("ready_threshold", "Must not be below the nurture threshold.")
        return data

    def settings(self) -> QualificationSettings:
        data = self.cleaned_data
        payload: dict[str, Any] = {}
        for name in QualificationSettings.__dataclass_fields__:
            if name in FEE_FIELDS:
                payload[name] = [str(data[f"{name}_low"]), str(data[f"{name}_high"])]
            else:
                payload[name] = data[name]
        return QualificationSettings.from_json(payload)

    def stages(self) -> dict[str, int]:
        return {s: self.cleaned_data[f"stage_{s}"] for s in ("lead", "qualified", "proposal")}
