"""The shared write helpers: partial updates and services' errors shown on forms."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django import forms
from django.core.exceptions import ValidationError

from sweetspot.core.writes import assign_fields, save_form


class NameForm(forms.Form):
    name = forms.CharField()


def test_assign_fields_copies_only_listed_keys():
    obj = SimpleNamespace(name="old", role="client")
    assign_fields(obj, ["name"], {"name": "new", "role": "owner"})
    assert (obj.name, obj.role) == ("new", "client")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("error", "field"),
    [
        (ValidationError({"name": "Taken."}), "name"),
        (ValidationError({"unknown": "Odd."}), "__all__"),
        (ValidationError("Refused."), "__all__"),
    ],
)
def test_save_form_turns_service_errors_into_form_errors(error, field):
    form = NameForm({"name": "x"})
    assert form.is_valid()

    def refuse(data):
        raise error

    assert save_form(form, refuse) is None
    assert field in form.errors


@pytest.mark.django_db
def test_save_form_returns_what_the_service_saved():
    form = NameForm({"name": "Harbor"})
    assert form.is_valid()
    assert save_form(form, lambda data: data["name"].upper()) == "HARBOR"
