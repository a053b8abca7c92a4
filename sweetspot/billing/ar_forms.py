"""Forms of the Billing II pages (payments, client credit, exports, settings, periods).
Writes go through ar_services (views call it)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from sweetspot.core.limits import LimitedText

from .models import BillingSettings, ExportFormat, PaymentMethod


class DateInput(forms.DateInput):
    input_type = "date"


class PaymentForm(LimitedText, forms.Form):
    date = forms.DateField(widget=DateInput(), initial=timezone.localdate)
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    method = forms.ChoiceField(choices=PaymentMethod.choices, initial=PaymentMethod.CHECK)
    reference = forms.CharField(max_length=100, required=False)


class ApplyCreditForm(LimitedText, forms.Form):
    amount = forms.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), required=False
    )


class ExportForm(LimitedText, forms.Form):
    format = forms.ChoiceField(choices=ExportFormat.choices, initial=ExportFormat.IIF)
    date_from = forms.DateField(widget=DateInput())
    date_to = forms.DateField(widget=DateInput())
    include_exported = forms.BooleanField(
        required=False, label="Export again what an earlier batch of this format held"
    )


class BillingSettingsForm(LimitedText, forms.ModelForm):
    class Meta:
        model = BillingSettings
        exclude: list[str] = []
