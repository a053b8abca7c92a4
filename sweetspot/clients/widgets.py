"""The company picker as a form field (issue 18): forms that choose a client no longer list
every company (the new-ticket page weighed 2.3 MB and took 3.4 s at 10,000 companies with
their sites and contacts), and fields that depend on the company (its sites, its contacts)
list only that company's.

* ``CompanyPicker``: the widget. It renders ``clients/_company_picker.html`` (a text box
  that asks ``clients:company_lookup`` for at most 20 names as you type, and a hidden input
  that the form submits); only the chosen company's name is read, one query.
* ``CompanyScoped``: a form mixin. The fields named in ``company_fields`` list the rows of
  the form's company (from the submitted data, else the initial value; none before one is
  chosen), and are marked so that ``web/_form.html`` refreshes them when the pick changes
  (htmx: the page asked again with ``?company=<pk>``, the field cut out of the answer).
  Whatever the field lists, ``clean`` still checks a submitted row is the company's.
"""

from __future__ import annotations

from typing import Any

from django import forms

from sweetspot.core.validators import query_pk

from .models import Company


def _pk(value: Any) -> int | None:
    return query_pk(value.pk if isinstance(value, Company) else value)


class CompanyPicker(forms.Widget):
    template_name = "clients/_company_picker_widget.html"

    def __init__(self, label: str = "Client", attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.label = label

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        pk = _pk(value)
        found = Company.objects.filter(pk=pk).values_list("name", flat=True).first() if pk else None
        picker_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"].update(
            picker_id=picker_id,
            label=self.label,
            selected=(pk, found) if found is not None else None,
        )
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


class CompanyScoped:
    """Mixin for a ``forms.Form`` with a ``company`` field: see the module docstring."""

    company_fields: tuple[str, ...] = ()
    fields: dict[str, forms.Field]

    is_bound: bool
    data: Any
    initial: Any

    def scope_to_company(self) -> None:
        """Restrict the ``company_fields`` querysets to the form's company (submitted, else
        initial)."""
        pk = _pk((self.data if self.is_bound else self.initial or {}).get("company"))
        for name in self.company_fields:
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            rows = field.queryset
            assert rows is not None
            field.queryset = rows.filter(company_id=pk) if pk is not None else rows.none()
            field.company_dependent = True  # type: ignore[attr-defined]


def with_picked_company(request: Any, initial: dict[str, Any] | None = None) -> dict[str, Any]:
    """``initial`` with the company of ``?company=`` when the page is asked with one (the
    company fields' refresh after a pick, or a link from a company's page)."""
    out = dict(initial or {})
    pk = _pk(request.GET.get("company"))
    if pk is not None:
        out["company"] = pk
    return out


def company_field(label: str = "Client", required: bool = True) -> forms.ModelChoiceField:
    """A company choice through the picker: active companies only."""
    return forms.ModelChoiceField(
        queryset=Company.objects.filter(archived_at__isnull=True),
        required=required,
        label=label,
        widget=CompanyPicker(label=label),
    )
