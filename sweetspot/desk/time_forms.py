"""Forms for time entries and visits (validation of shape; rules live in the services)."""

from __future__ import annotations

from typing import Any

from django import forms

from sweetspot.clients.models import Company, Site
from sweetspot.team.models import Technician

from .models import InternalCategory, WorkType


class TimeEntryForm(forms.Form):
    work_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    started_at = forms.TimeField(
        required=False, label="Start", widget=forms.TimeInput(attrs={"type": "time"})
    )
    ended_at = forms.TimeField(
        required=False, label="End", widget=forms.TimeInput(attrs={"type": "time"})
    )
    minutes = forms.IntegerField(required=False, min_value=1, label="Or duration (minutes)")
    company = forms.ModelChoiceField(queryset=Company.objects.none(), required=False)
    work_type = forms.ChoiceField(choices=WorkType.choices, initial=WorkType.REMOTE)
    internal_category = forms.ChoiceField(
        choices=InternalCategory.choices, required=False, label="Internal"
    )
    billable = forms.BooleanField(required=False, initial=True)
    out_of_scope = forms.BooleanField(required=False)
    note = forms.CharField(required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.filter(  # type: ignore[attr-defined]
            archived_at__isnull=True
        ).only("pk", "name")


class VisitForm(forms.Form):
    company = forms.ModelChoiceField(queryset=Company.objects.none())
    site = forms.ModelChoiceField(queryset=Site.objects.none(), required=False)
    technician = forms.ModelChoiceField(queryset=Technician.objects.none())
    starts_at = forms.DateTimeField(
        label="Start", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label="End", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    purpose = forms.CharField(max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Company.objects.filter(  # type: ignore[attr-defined]
            archived_at__isnull=True
        )
        self.fields["site"].queryset = Site.objects.filter(  # type: ignore[attr-defined]
            archived_at__isnull=True
        ).select_related("company")
        self.fields["technician"].queryset = Technician.objects.filter(  # type: ignore[attr-defined]
            archived_at__isnull=True
        )
