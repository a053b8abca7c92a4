"""Forms for the team inventory. Validation errors show at field level (web/_form.html)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from sweetspot.core.limits import LimitedText
from sweetspot.core.models import STAFF_ROLES, User

from .models import Certification, Skill, Subcontractor, Technician

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TechnicianForm(LimitedText, forms.ModelForm):
    class Meta:
        model = Technician
        fields = [
            "name",
            "user",
            "level",
            "bill_rate",
            "cost_rate",
            "weekly_capacity_hours",
            "on_call",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"user": "Login", "weekly_capacity_hours": "Weekly capacity (hours)"}
        help_texts = {
            "user": "Optional: the staff login this technician uses.",
            "cost_rate": "What the firm pays per hour. Only the owner sees it.",
            "bill_rate": "What a client is charged per hour.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.user_id if self.instance and self.instance.pk else None
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            User.objects.filter(role__in=STAFF_ROLES)
            .filter(Q(technician__isnull=True) | Q(pk=current))
            .order_by("username")
        )


class SubcontractorForm(LimitedText, forms.ModelForm):
    class Meta:
        model = Subcontractor
        fields = [
            "company_name",
            "contact_name",
            "email",
            "phone",
            "level",
            "bill_rate",
            "cost_rate",
            "weekly_capacity_hours",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"weekly_capacity_hours": "Weekly capacity (hours)"}
        help_texts = {
            "cost_rate": "What we pay per hour. Only the owner sees it.",
            "weekly_capacity_hours": (
                "Hours a week they can take on for us. Dispatch counts their open tickets' "
                "estimates against it."
            ),
        }


class SkillForm(LimitedText, forms.ModelForm):
    class Meta:
        model = Skill
        fields = ["name", "slug", "group", "description"]
        help_texts = {"slug": "Stable identifier used by the service catalog and the API."}


class CertificationForm(LimitedText, forms.ModelForm):
    class Meta:
        model = Certification
        fields = [
            "vendor",
            "name",
            "code",
            "level",
            "status",
            "exam_fee",
            "class_cost",
            "study_hours",
            "renewal_months",
            "estimated_on",
            "source",
        ]
        widgets = {"estimated_on": DATE}


def _skill_field() -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        queryset=Skill.objects.filter(archived_at__isnull=True).order_by("group", "name")
    )


def _proficiency_field() -> forms.IntegerField:
    return forms.IntegerField(
        min_value=1, max_value=5, help_text="1 = basic … 5 = expert", label="Proficiency"
    )


class TechnicianSkillForm(LimitedText, forms.Form):
    skill = _skill_field()
    proficiency = _proficiency_field()
    assessed_on = forms.DateField(required=False, widget=DATE, label="Assessed on")


class SubcontractorSkillForm(LimitedText, forms.Form):
    skill = _skill_field()
    proficiency = _proficiency_field()


class EvidenceForm(LimitedText, forms.Form):
    skill = _skill_field()
    proficiency = _proficiency_field()


def _certification_field() -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        queryset=Certification.objects.order_by("vendor", "name"),
        help_text="Retired certifications can be recorded: they still evidence skills.",
    )


class HeldCertificationForm(LimitedText, forms.Form):
    certification = _certification_field()
    earned_on = forms.DateField(widget=DATE, label="Earned on")
    expires_on = forms.DateField(
        required=False,
        widget=DATE,
        label="Expires on",
        help_text="Blank: one renewal period after it was earned (none if it does not renew).",
    )
    credential_id = forms.CharField(required=False, max_length=100, label="Credential id")

    def __init__(self, *args: Any, with_credential: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_credential:
            del self.fields["credential_id"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        earned, expires = data.get("earned_on"), data.get("expires_on")
        if earned and expires and expires < earned:
            self.add_error("expires_on", "A certification cannot expire before it is earned.")
        return data
