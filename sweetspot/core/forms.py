from django import forms

from .models import AuditLog


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100)
    days = forms.IntegerField(min_value=1, max_value=365, initial=90, label="Valid for (days)")
    code = forms.CharField(
        max_length=20,
        required=False,
        label="Code from your authenticator app",
        help_text="A new token needs a fresh second factor.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: object, needs_code: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.needs_code = needs_code
        if not needs_code:
            del self.fields["code"]


class AuditFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Object")
    actor = forms.CharField(required=False)
    action = forms.ChoiceField(
        required=False, choices=[("", "Any action"), *AuditLog.Action.choices]
    )
    object_type = forms.CharField(required=False, label="Type")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        max_length=20,
        label="Code",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class ReauthForm(CodeForm):
    """Password and a current code: re-authentication before removing the second factor."""

    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class MfaPolicyForm(forms.Form):
    require_mfa_for_staff = forms.BooleanField(
        required=False, label="Require a second factor for all staff (the owner always has one)"
    )
