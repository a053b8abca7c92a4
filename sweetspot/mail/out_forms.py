"""Forms of the mail-out pages: notification choices, the rota, swaps, mail settings."""

from __future__ import annotations

from typing import Any

from django import forms

from sweetspot.core.limits import LimitedText
from sweetspot.team.models import Technician

from .models import MailSettings


class MailSettingsForm(LimitedText, forms.ModelForm):
    class Meta:
        model = MailSettings
        fields = [
            "escalation_minutes",
            "digest_hour",
            "acknowledgement_window_minutes",
            "rota_starts_on",
        ]
        widgets = {"rota_starts_on": forms.DateInput(attrs={"type": "date"})}


def _technicians() -> Any:
    return Technician.objects.filter(archived_at__isnull=True).order_by("name", "pk")


class MemberForm(LimitedText, forms.Form):
    technician = forms.ModelChoiceField(queryset=Technician.objects.none())
    sms_address = forms.EmailField(label="E-mail-to-SMS address", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = _technicians().filter(rota_member__isnull=True)  # type: ignore[attr-defined]


class SmsForm(LimitedText, forms.Form):
    sms_address = forms.EmailField(label="E-mail-to-SMS address", required=False)


class SwapForm(LimitedText, forms.Form):
    technician = forms.ModelChoiceField(queryset=Technician.objects.none(), label="Who covers")
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.TypedChoiceField(
        choices=[(1, "A day"), (7, "A week")], coerce=int, initial=1, label="For"
    )
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = _technicians()  # type: ignore[attr-defined]
