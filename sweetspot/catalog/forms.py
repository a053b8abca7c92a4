from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils import timezone

from sweetspot.core.limits import LimitedText
from sweetspot.team.models import Skill, SkillGroup

from . import queries
from .models import Competitor, PlanItem, Service

PROFICIENCY_CHOICES = [(n, str(n)) for n in range(1, 6)]


class ServiceForm(LimitedText, forms.ModelForm):
    class Meta:
        model = Service
        fields = ["name", "description", "tier", "subcontractable", "typical_duration_hours"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"typical_duration_hours": "Typical duration (hours)"}
        help_texts = {
            "subcontractable": "Outside specialists count toward its depth.",
        }


def skill_groups() -> list[tuple[str, list[Skill]]]:
    """Active skills grouped for a <select> with optgroups (1 query)."""
    labels = dict(SkillGroup.choices)
    groups: dict[str, list[Skill]] = {}
    for skill in Skill.objects.filter(archived_at__isnull=True).order_by("group", "name"):
        groups.setdefault(skill.group, []).append(skill)
    return [(labels.get(g, g), skills) for g, skills in groups.items()]


@dataclass
class RequirementRow:
    skill_id: int | None = None
    min_proficiency: int | None = 2
    errors: list[str] = field(default_factory=list)


class RequirementRows:
    """The inline "required skills" rows of the service form: repeated `req_skill` and
    `req_min` inputs (rows are added with htmx, removed in the browser). Rows without a skill
    are ignored; each other row's errors are shown next to it."""

    def __init__(self, data: Any | None = None, service: Service | None = None) -> None:
        self.bound = data is not None
        self.skills = {s.pk: s for s in Skill.objects.all()}
        self.rows: list[RequirementRow] = []
        if data is not None:
            skills = data.getlist("req_skill")
            mins = data.getlist("req_min")
            for i, raw_skill in enumerate(skills):
                raw_min = mins[i] if i < len(mins) else ""
                self.rows.append(self._parse(raw_skill, raw_min))
        elif service is not None and service.pk:
            self.rows = [
                RequirementRow(r.skill_id, r.min_proficiency) for r in service.requirements.all()
            ]

    def _parse(self, raw_skill: str, raw_min: str) -> RequirementRow:
        row = RequirementRow(None, None)
        if not raw_skill.strip():
            return RequirementRow(None, 2)  # a blank row: ignored
        try:
            row.skill_id = int(raw_skill)
        except ValueError:
            row.errors.append("Choose a skill from the list.")
        else:
            if row.skill_id not in self.skills:
                row.skill_id = None
                row.errors.append("Choose a skill from the list.")
        try:
            row.min_proficiency = int(raw_min)
        except ValueError:
            row.errors.append("Minimum proficiency is a whole number from 1 to 5.")
        else:
            if not 1 <= row.min_proficiency <= 5:
                row.errors.append("Minimum proficiency is a whole number from 1 to 5.")
        return row

    def is_valid(self) -> bool:
        seen: set[int] = set()
        for row in self.rows:
            if row.skill_id is not None and row.skill_id in seen:
                row.errors.append("This skill is listed twice.")
            if row.skill_id is not None:
                seen.add(row.skill_id)
        return not self.errors

    @property
    def cleaned(self) -> dict[Skill, int]:
        return {
            self.skills[row.skill_id]: int(row.min_proficiency or 1)
            for row in self.rows
            if row.skill_id is not None and not row.errors
        }

    @property
    def errors(self) -> list[str]:
        return [e for row in self.rows for e in row.errors]


class CompetitorForm(LimitedText, forms.ModelForm):
    services = forms.ModelMultipleChoiceField(
        label="Our services they also sell",
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_services = forms.CharField(
        label="Services they sell that we do not",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line, e.g. VoIP phone systems.",
    )

    class Meta:
        model = Competitor
        fields = ["name", "segment_focus", "price_notes", "notes"]
        widgets = {
            "price_notes": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = Service.objects.filter(  # type: ignore[attr-defined]
            archived_at__isnull=True
        ).order_by("name")
        if self.instance.pk and not self.is_bound:
            offerings = list(self.instance.offerings.all())
            self.initial["services"] = [o.service_id for o in offerings if o.service_id]
            self.initial["other_services"] = "\n".join(
                o.name for o in offerings if o.service_id is None
            )

    def clean_other_services(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data["other_services"].splitlines()]
        too_long = [n for n in names if len(n) > 200]
        if too_long:
            raise forms.ValidationError("Keep each service name under 200 characters.")
        return [n for n in names if n]


def default_due_date() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=30)


class AcceptRemedyForm(LimitedText, forms.Form):
    owner = forms.ModelChoiceField(queryset=queries.plan_owners(), empty_label=None)
    due_date = forms.DateField(widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        owner.label_from_instance = lambda u: u.label  # type: ignore[attr-defined]

    def clean_due_date(self) -> dt.date:
        due: dt.date = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError("The due date cannot be in the past.")
        return due


class PlanStatusForm(LimitedText, forms.Form):
    status = forms.ChoiceField(choices=PlanItem.Status.choices)
