"""Forms of the billing pages. Writes go through services.py (views call it)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from sweetspot.core.limits import LimitedText

from .models import Item, TaxCategory


class DateInput(forms.DateInput):
    input_type = "date"


class ItemForm(LimitedText, forms.ModelForm):
    class Meta:
        model = Item
        fields = ["company", "date", "kind", "description", "quantity", "unit_price", "unit_cost"]
        widgets = {"date": DateInput()}
        labels = {"unit_price": "Unit price ($)", "unit_cost": "Unit cost ($)"}
        help_texts = {"unit_cost": "What the firm paid: the margin is the owner's to see."}

    def __init__(self, *args: Any, companies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies  # type: ignore[attr-defined]


class LineForm(LimitedText, forms.Form):
    description = forms.CharField(max_length=300)
    quantity = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    rate = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0"))
    tax_category = forms.ChoiceField(choices=TaxCategory.choices, initial=TaxCategory.ITEM)


class DiscountForm(LimitedText, forms.Form):
    description = forms.CharField(max_length=300, initial="Discount")
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    tax_category = forms.ChoiceField(choices=TaxCategory.choices, initial=TaxCategory.FEE)


class NotesForm(LimitedText, forms.Form):
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
