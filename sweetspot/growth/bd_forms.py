"""Forms for the BD log and the pipeline. Querysets come from the scoping helpers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils import timezone

from sweetspot.agreements.models import Plan
from sweetspot.catalog.models import Service
from sweetspot.clients.models import Company, Contact
from sweetspot.clients.scoping import companies_visible_to, contacts_visible_to
from sweetspot.core.limits import LimitedText
from sweetspot.core.models import User

from . import pipeline
from .models import Activity, Opportunity, Stage
from .queries import staff_users

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        user: User = obj
        return str(user.label)


def _company_queryset(user: Any, current_id: int | None) -> Any:
    """Active companies the user can see, plus the current one even if archived since."""
    keep = Q(archived_at__isnull=True)
    if current_id:
        keep |= Q(pk=current_id)
    return companies_visible_to(user).filter(keep).order_by("name", "pk")


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def contact_choices(user: Any, company_id: int | None, current_id: int | None = None) -> Any:
    """The contacts one may pick for a company: its active ones (plus the current pick)."""
    if not company_id:
        return Contact.objects.none()
    keep = Q(archived_at__isnull=True)
    if current_id:
        keep |= Q(pk=current_id)
    return contacts_visible_to(user).filter(keep, company_id=company_id).order_by("name", "pk")


class ActivityForm(LimitedText, forms.ModelForm):
    owner = StaffChoiceField(queryset=User.objects.none(), empty_label=None)

    class Meta:
        model = Activity
        fields = ["kind", "subject", "owner", "company", "contact", "due_date", "notes"]
        widgets = {
            "due_date": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "company": forms.Select(
                attrs={
                    "hx-get": reverse_lazy("bd:contact_options"),
                    "hx-target": "#id_contact",
                    "hx-trigger": "change",
                    "hx-swap": "innerHTML",
                }
            ),
        }
        help_texts = {"contact": "Pick the company first; its contacts are listed here."}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance: Activity = self.instance
        self.fields["owner"].queryset = staff_users()  # type: ignore[attr-defined]

        if "plan" in self.fields:
            self.fields["plan"].queryset = Plan.objects.filter(  # type: ignore[attr-defined]
                archived_at__isnull=True
            )
            self.fields["services"].queryset = Service.objects.filter(  # type: ignore[attr-defined]
                archived_at__isnull=True
            )
        self.fields["company"].queryset = _company_queryset(  # type: ignore[attr-defined]
            user, instance.company_id
        )
        if self.is_bound:
            company_id = _int_or_none(self.data.get(self.add_prefix("company")))
        else:
            company_id = _int_or_none(self.initial.get("company")) or instance.company_id
        self.fields["contact"].queryset = contact_choices(  # type: ignore[attr-defined]
            user, company_id, instance.contact_id
        )


class ActivityEditForm(ActivityForm):
    class Meta(ActivityForm.Meta):
        fields = ActivityForm.Meta.fields + ["done_date", "outcome"]
        widgets = {
            **ActivityForm.Meta.widgets,
            "done_date": DATE,
            "outcome": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            **ActivityForm.Meta.help_texts,
            "done_date": "Empty while it is still to do.",
        }


class CompleteForm(LimitedText, forms.Form):
    outcome = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.TextInput(
            attrs={"placeholder": "Outcome: what came of it?", "aria-label": "Outcome"}
        ),
    )
    done_date = forms.DateField(
        required=False,
        label="Done on",
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date", "aria-label": "Done on"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["done_date"].initial = timezone.localdate()


class OpportunityForm(LimitedText, forms.ModelForm):
    owner = StaffChoiceField(queryset=User.objects.none(), empty_label=None)

    class Meta:
        model = Opportunity
        fields = [
            "company",
            "title",
            "stage",
            "owner",
            "plan",
            "services",
            "proposed",
            "expected_monthly_fee",
            "expected_close",
        ]
        widgets = {"expected_close": DATE, "services": forms.CheckboxSelectMultiple}
        labels = {"expected_monthly_fee": "Expected monthly fee ($)"}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance: Opportunity = self.instance
        self.fields["owner"].queryset = staff_users()  # type: ignore[attr-defined]

        if "plan" in self.fields:
            self.fields["plan"].queryset = Plan.objects.filter(  # type: ignore[attr-defined]
                archived_at__isnull=True
            )
            self.fields["services"].queryset = Service.objects.filter(  # type: ignore[attr-defined]
                archived_at__isnull=True
            )
        self.fields["company"].queryset = _company_queryset(  # type: ignore[attr-defined]
            user, instance.company_id
        )
        if "stage" in self.fields:
            self.fields["stage"] = forms.ChoiceField(
                choices=[(v, lbl) for v, lbl in Stage.choices if v in pipeline.OPEN_STAGES],
                initial=Stage.LEAD,
                help_text="Won and lost are set from the board.",
            )


class OpportunityEditForm(OpportunityForm):
    """Details only; the stage moves on the board. Lost ones keep an editable reason."""

    class Meta(OpportunityForm.Meta):
        fields = [
            "company",
            "title",
            "owner",
            "plan",
            "services",
            "proposed",
            "expected_monthly_fee",
            "expected_close",
            "lost_reason",
        ]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        if self.instance.stage != Stage.LOST:
            del self.fields["lost_reason"]


class MoveForm(LimitedText, forms.Form):
    stage = forms.ChoiceField(choices=Stage.choices)
    lost_reason = forms.CharField(required=False, max_length=300)


def company_from_param(user: Any, raw: Any) -> Company | None:
    """A ?company=<id> prefill, only if the user may see that company."""
    pk = _int_or_none(raw)
    if pk is None:
        return None
    return companies_visible_to(user).filter(pk=pk, archived_at__isnull=True).first()
