"""Forms for time entries and visits (validation of shape; rules live in the services)."""

from __future__ import annotations

from typing import Any

from django import forms

from sweetspot.clients.models import Site
from sweetspot.clients.widgets import CompanyScoped, company_field
from sweetspot.core.limits import LimitedText
from sweetspot.team.models import Technician

from .models import InternalCategory, Ticket, WorkType
from .queries import tickets_visible_to


class TimeEntryForm(LimitedText, forms.Form):
    work_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    started_at = forms.TimeField(
        required=False, label="Start", widget=forms.TimeInput(attrs={"type": "time"})
    )
    ended_at = forms.TimeField(
        required=False, label="End", widget=forms.TimeInput(attrs={"type": "time"})
    )
    minutes = forms.IntegerField(required=False, min_value=1, label="Or duration (minutes)")
    ticket = forms.ModelChoiceField(
        queryset=Ticket.objects.none(),
        required=False,
        label="Ticket #",
        widget=forms.NumberInput(attrs={"min": 1}),
        help_text="Optional: the ticket this work was for (its client and agreement follow).",
        error_messages={"invalid_choice": "No such ticket."},
    )
    company = company_field(required=False)
    work_type = forms.ChoiceField(choices=WorkType.choices, initial=WorkType.REMOTE)
    internal_category = forms.ChoiceField(
        choices=InternalCategory.choices, required=False, label="Internal"
    )
    billable = forms.BooleanField(required=False, initial=True)
    out_of_scope = forms.BooleanField(required=False)
    note = forms.CharField(required=False, max_length=500)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ticket"].queryset = tickets_visible_to(user)  # type: ignore[attr-defined]


class VisitForm(CompanyScoped, LimitedText, forms.Form):
    company_fields = ("site",)  # the chosen company's only (clients.widgets)
    company = company_field()
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
        self.fields["site"].queryset = Site.objects.filter(  # type: ignore[attr-defined]
            archived_at__isnull=True
        )
        self.scope_to_company()
        self.fields["technician"].queryset = Technician.objects.filter(  # type: ignore[attr-defined]
            archived_at__isnull=True
        )


class VisitRescheduleForm(LimitedText, forms.Form):
    starts_at = forms.DateTimeField(
        label="Start", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label="End", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    technician = forms.ModelChoiceField(queryset=Technician.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["technician"].queryset = Technician.objects.filter(  # type: ignore[attr-defined]
            archived_at__isnull=True
        )


class VisitDoneForm(LimitedText, forms.Form):
    """Mark a visit done: the checklist as found on site and the time spent."""

    items = forms.MultipleChoiceField(
        label="Checklist done", required=False, widget=forms.CheckboxSelectMultiple
    )
    minutes = forms.IntegerField(label="Time spent on site (minutes)", min_value=1, max_value=1440)
    note = forms.CharField(label="Note for the timesheet", required=False, max_length=300)
    billable = forms.BooleanField(label="Billable", required=False, initial=True)

    def __init__(self, *args: Any, checklist: list[dict[str, Any]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [  # type: ignore[attr-defined]
            (str(i), str(c.get("item", ""))) for i, c in enumerate(checklist or [])
        ]
