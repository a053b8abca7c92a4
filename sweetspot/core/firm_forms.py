"""The firm settings form (core.firm_views): everything the engines read from the Firm row
except the qualification weights and pipeline probabilities (growth's settings page)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from typing import Any

from django import forms

from .limits import LimitedText
from .models import Firm

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]
CENT = Decimal("0.01")
LOGO_MAX_BYTES = 1024 * 1024
LOGO_TYPES = {"image/png", "image/jpeg", "image/gif"}

SECTIONS: list[tuple[str, list[str]]] = [
    ("The firm", ["name", "address", "phone", "email", "logo", "remove_logo"]),
    (
        "Business hours",
        ["time_zone", "business_opens", "business_closes", "business_weekdays", "holidays"],
    ),
    (
        "Team and promises",
        [
            "target_utilization",
            "hours_per_half_day",
            "min_on_call",
            "response_threshold_minutes",
        ],
    ),
    (
        "Dispatch",
        [
            "dispatch_surplus_weight",
            "dispatch_time_limit_seconds",
            "require_certification_for_upper",
        ],
    ),
    (
        "Certification planning",
        [
            "cert_payback_horizon_months",
            "first_cert_credibility_value",
            "training_spend_warning_share",
        ],
    ),
    (
        "Billing",
        [
            "rounding_increment_minutes",
            "rounding_minimum_minutes",
            "payment_terms_days",
            "tax_percent_fee",
            "tax_percent_labor",
            "tax_percent_item",
            "invoice_number_pattern",
            "credit_note_number_pattern",
        ],
    ),
    (
        "Mail",
        [
            "mail_domain",
            "ticket_token_pattern",
            "allow_new_contacts_from_domains",
            "max_attachment_bytes",
            "allowed_attachment_extensions",
        ],
    ),
]
FIELDS = [name for _, names in SECTIONS for name in names if name != "remove_logo"]


class FirmSettingsForm(LimitedText, forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=[(z, z) for z in sorted(zoneinfo.available_timezones())],
        help_text="SLA clocks, visits and invoices run in this time zone.",
    )
    business_weekdays = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Working days",
        help_text="SLA clocks run on these days only.",
    )
    holidays = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2026-12-25\n2027-01-01"}),
        help_text="One date a line (YYYY-MM-DD): closed all day, the SLA clocks stop.",
    )
    allowed_attachment_extensions = forms.CharField(
        required=False,
        max_length=500,
        help_text="Comma-separated, e.g. pdf, png, docx. Empty means the built-in list.",
    )
    remove_logo = forms.BooleanField(required=False, label="Remove the logo")
    target_utilization = forms.DecimalField(
        min_value=0,
        max_value=100,
        decimal_places=0,
        label="Target utilization (%)",
        help_text="Share of a technician's hours that should be billable.",
    )
    training_spend_warning_share = forms.DecimalField(
        min_value=0,
        max_value=100,
        decimal_places=0,
        label="Warn when training spend passes this share of billable revenue (%)",
    )

    class Meta:
        model = Firm
        fields = FIELDS
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "business_opens": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "business_closes": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif"}),
        }
        labels = {
            "min_on_call": "On-call minimum (technicians)",
            "response_threshold_minutes": "Fast response threshold (minutes)",
            "hours_per_half_day": "Hours in an on-site half-day",
            "dispatch_time_limit_seconds": "Batch dispatch time limit (seconds)",
            "max_attachment_bytes": "Largest attachment (bytes)",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        firm = self.instance
        self.fields["logo"].widget = forms.FileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif"}
        )
        self.fields["logo"].help_text = "PNG, JPEG or GIF, at most 1 MB. Shown on pages and PDFs."
        if not self.is_bound:
            self.initial["business_weekdays"] = firm.business_weekdays or [0, 1, 2, 3, 4]
            self.initial["holidays"] = "\n".join(firm.holidays or [])
            self.initial["allowed_attachment_extensions"] = ", ".join(
                firm.allowed_attachment_extensions or []
            )
            self.initial["target_utilization"] = int(firm.target_utilization * 100)
            self.initial["training_spend_warning_share"] = int(
                firm.training_spend_warning_share * 100
            )

    def sections(self) -> list[tuple[str, list[Any]]]:
        return [(title, [self[name] for name in names]) for title, names in SECTIONS]

    def clean_holidays(self) -> list[str]:
        out: list[str] = []
        bad: list[str] = []
        for line in self.cleaned_data["holidays"].splitlines():
            text = line.strip()
            if not text:
                continue
            try:
                out.append(dt.date.fromisoformat(text).isoformat())
            except ValueError:
                bad.append(text[:20])
        if bad:
            raise forms.ValidationError(
                "Not a date (use YYYY-MM-DD): %(bad)s", params={"bad": ", ".join(bad[:5])}
            )
        return sorted(set(out))

    def clean_allowed_attachment_extensions(self) -> list[str]:
        raw = self.cleaned_data["allowed_attachment_extensions"]
        out = []
        for part in raw.replace(";", ",").split(","):
            ext = part.strip().lower().lstrip(".")
            if not ext:
                continue
            if not ext.isalnum() or len(ext) > 10:
                raise forms.ValidationError(
                    "Extensions are letters and digits, like pdf or docx: %(ext)s",
                    params={"ext": ext[:20]},
                )
            out.append(ext)
        return sorted(set(out))

    def clean_business_weekdays(self) -> list[int]:
        days = sorted(set(self.cleaned_data["business_weekdays"]))
        if not days:
            raise forms.ValidationError("Choose at least one working day.")
        return days

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        upload = self.files.get(self.add_prefix("logo"))
        if upload is not None:
            if (upload.size or 0) > LOGO_MAX_BYTES:
                raise forms.ValidationError("The logo may be at most 1 MB.")
            if getattr(upload, "content_type", None) not in LOGO_TYPES:
                raise forms.ValidationError("The logo must be a PNG, JPEG or GIF image.")
        return logo

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("business_opens"), data.get("business_closes")
        if opens and closes and closes <= opens:
            self.add_error("business_closes", "Closing time must be after opening time.")
        if data.get("target_utilization") is not None:
            data["target_utilization"] = (data["target_utilization"] / 100).quantize(CENT)
        if data.get("training_spend_warning_share") is not None:
            data["training_spend_warning_share"] = (
                data["training_spend_warning_share"] / 100
            ).quantize(CENT)
        return data
