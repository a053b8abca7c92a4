from __future__ import annotations

from typing import Any

from django import forms

from sweetspot.catalog.models import Service
from sweetspot.clients.models import Contact, Site
from sweetspot.clients.widgets import CompanyScoped, company_field
from sweetspot.core.limits import LimitedText
from sweetspot.team.models import Skill

from .models import Priority, Source


class TicketForm(CompanyScoped, LimitedText, forms.Form):
    company_fields = ("site", "contact")  # the chosen company's only (clients.widgets)
    company = company_field()
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope_to_company()

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


class PortalTicketForm(LimitedText, forms.Form):
    subject = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea, required=False)
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.P3)


class CommentForm(LimitedText, forms.Form):
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)
    internal = forms.BooleanField(required=False, initial=True)


class TicketEditForm(LimitedText, forms.Form):
    """What a ticket is about; the client is fixed once it is opened."""

    site = forms.ModelChoiceField(queryset=Site.objects.none(), required=False)
    contact = forms.ModelChoiceField(queryset=Contact.objects.none(), required=False)
    subject = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    priority = forms.ChoiceField(
        choices=Priority.choices, help_text="A new priority recomputes the SLA due times."
    )
    service = forms.ModelChoiceField(
        queryset=Service.objects.filter(archived_at__isnull=True),
        required=False,
        help_text="Its required skills and tier drive dispatch.",
    )
    estimate_hours = forms.DecimalField(min_value=0, max_digits=6, decimal_places=2)

    def __init__(self, *args: Any, company_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site_field = self.fields["site"]
        contact_field = self.fields["contact"]
        assert isinstance(site_field, forms.ModelChoiceField)
        assert isinstance(contact_field, forms.ModelChoiceField)
        site_field.queryset = Site.objects.filter(company_id=company_id)
        contact_field.queryset = Contact.objects.filter(company_id=company_id)


PROFICIENCY_CHOICES = [(str(n), f"{n} or better") for n in range(1, 6)]


class RequirementForm(forms.Form):
    """One extra required skill; leave the skill empty to drop the row."""

    skill = forms.ModelChoiceField(
        queryset=Skill.objects.filter(archived_at__isnull=True).order_by("name"),
        to_field_name="slug",
        required=False,
    )
    minimum = forms.TypedChoiceField(
        choices=PROFICIENCY_CHOICES, coerce=int, initial="2", label="Minimum proficiency"
    )


class BaseRequirementFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            skill = form.cleaned_data.get("skill")
            if skill is None:
                continue
            if skill.slug in seen:
                raise forms.ValidationError(f"{skill.name} is listed twice.")
            seen.add(skill.slug)


def requirements_of(formset: forms.BaseFormSet) -> dict[str, int]:  # type: ignore[type-arg]
    """{skill slug: minimum} from a valid requirements formset (blank rows dropped)."""
    return {
        f.cleaned_data["skill"].slug: f.cleaned_data["minimum"]
        for f in formset.forms
        if f.cleaned_data.get("skill") is not None
    }


RequirementFormSet = forms.formset_factory(
    RequirementForm, formset=BaseRequirementFormSet, extra=2, max_num=12, validate_max=True
)
