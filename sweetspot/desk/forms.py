from __future__ import annotations

from typing import Any

from django import forms

from sweetspot.catalog.models import Service
from sweetspot.clients.models import Company, Contact, Site

from .models import Priority, Source


class TicketForm(forms.Form):
    company = forms.ModelChoiceField(queryset=Company.objects.filter(archived_at__isnull=True))
    site = forms.ModelChoiceField(queryset=Site.objects.all(), required=False)
    contact = forms.ModelChoiceField(queryset=Contact.objects.all(), required=False)
    subject = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea, required=False)
    source = forms.ChoiceField(choices=Source.choices, initial=Source.PHONE)
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.P3)
    service = forms.ModelChoiceField(
        queryset=Service.objects.filter(archived_at__isnull=True), required=False
    )
    estimate_hours = forms.DecimalField(min_value=0, max_digits=6, decimal_places=2, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        company = data.get("company")
        for key in ("site", "contact"):
            obj = data.get(key)
            if obj is not None and company is not None and obj.company_id != company.pk:
                self.add_error(key, "Not one of this company's.")
        if data.get("estimate_hours") is None:
            data.pop("estimate_hours", None)
        return data


class PortalTicketForm(forms.Form):
    subject = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea, required=False)
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.P3)


class CommentForm(forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)
    internal = forms.BooleanField(required=False, initial=True)
