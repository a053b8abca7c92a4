from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import format_html

from sweetspot.core.limits import LimitedText

from .models import ENVIRONMENT_ITEMS, Application, Company, Contact, EnvironmentProfile, Site


class CompanyForm(LimitedText, forms.ModelForm):
    class Meta:
        model = Company
        fields = [
            "name",
            "status",
            "industry",
            "pcs",
            "servers",
            "site_count",
            "network",
            "current_support",
            "annual_revenue",
            "downtime_cost_per_hour",
            "monthly_it_budget",
            "segment",
            "segment_pinned",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"segment": "Set from the PC count unless pinned."}

    def clean_name(self) -> str:
        """A name already used by an active company (any case) is refused with a link to it
        (issue 14 item 12); the service and the database index refuse it too."""
        name = str(self.cleaned_data["name"]).strip()
        clash = Company.objects.filter(archived_at__isnull=True, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        existing = clash.only("pk", "name").first()
        if existing is not None:
            raise forms.ValidationError(
                format_html(
                    'An active company is already called <a href="{}">{}</a>.',
                    reverse("clients:company_detail", args=[existing.pk]),
                    existing.name,
                ),
                code="duplicate",
            )
        return name


class SiteForm(LimitedText, forms.ModelForm):
    class Meta:
        model = Site
        fields = ["name", "street", "city", "region", "postal_code", "pcs"]


class ContactForm(LimitedText, forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "name",
            "email",
            "phone",
            "role",
            "site",
            "is_primary",
            "billing_contact",
            "portal_access",
        ]

    def __init__(
        self, *args: Any, company: Company, allow_portal: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = Site.objects.filter(  # type: ignore[attr-defined]
            company=company, archived_at__isnull=True
        )
        if allow_portal:
            self.fields[
                "portal_access"
            ].help_text = "Ticking it makes the contact's portal login and e-mails the invitation."
        else:  # only the owner gives portal access (permissions.can_administer_users)
            del self.fields["portal_access"]


class EnvironmentForm(LimitedText, forms.ModelForm):
    applications = forms.MultipleChoiceField(
        choices=Application.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = EnvironmentProfile
        fields = [key for key, _ in ENVIRONMENT_ITEMS] + ["applications", "other_applications"]
