from django import forms

from .models import AuditLog


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100)
    days = forms.IntegerField(min_value=1, max_value=365, initial=90, label="Valid for (days)")


class AuditFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Object")
    actor = forms.CharField(required=False)
    action = forms.ChoiceField(
        required=False, choices=[("", "Any action"), *AuditLog.Action.choices]
    )
    object_type = forms.CharField(required=False, label="Type")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
