"""Forms of user administration and password reset (core.people_views)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm

from .limits import LimitedText
from .models import Role, User

STAFF_ROLE_ORDER = [Role.TECHNICIAN, Role.DISPATCHER, Role.SALES, Role.OWNER]


class StaffInviteForm(LimitedText, forms.Form):
    """A new staff login; the person chooses their password from the e-mailed link."""

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(label="E-mail", help_text="The invitation link is sent here.")
    username = forms.RegexField(
        regex=r"^[\w.@+-]+\Z",
        max_length=150,
        help_text="What they type to log in: letters, digits and @ . + - _ only.",
        error_messages={"invalid": "Use letters, digits and @ . + - _ only."},
    )
    role = forms.ChoiceField(choices=[(r.value, r.label) for r in STAFF_ROLE_ORDER])
    may_run_billing = forms.BooleanField(
        required=False, label="May run billing", help_text="Dispatchers only."
    )


class UserEditForm(LimitedText, forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(label="E-mail")
    role = forms.ChoiceField(choices=[(r.value, r.label) for r in STAFF_ROLE_ORDER])
    may_run_billing = forms.BooleanField(
        required=False, label="May run billing", help_text="Dispatchers only."
    )

    def __init__(self, *args: Any, client_login: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if client_login:  # a client contact's login keeps its role and company
            del self.fields["role"]
            del self.fields["may_run_billing"]


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form; an invited person who never chose a password (no usable one)
    may use it too. The page answers the same whether or not the address is known."""

    def get_users(self, email: str) -> Iterator[Any]:
        return iter(User.objects.filter(email__iexact=email, is_active=True).exclude(email=""))
