"""How much text people may type: the sizes every form, API schema and model check uses.

- ``NAME`` (200): a title, subject, name or purpose — one line. The ``max_length`` of the
  name-like ``CharField`` columns; other one-line columns (codes, phones, cities) keep their
  own smaller ``max_length``.
- ``TEXT`` (10,000): notes, descriptions, comments, an opportunity's or competitor's notes,
  a ticket's description. About four pages of prose: more than anyone types, small enough
  that a runaway paste or script cannot fill a page (or the database). A ``TextField``
  without its own ``max_length`` gets this limit from ``TextChecked`` (no migration).
- ``ITEMS`` (50): how many lines a list such as a visit checklist may have.

A value over its limit is refused with one message naming the limit and the length typed
(``too_long``): in forms (the ``LimitedText`` mixin), in the model check run by every service
(``validators.TextChecked``) and as ``max_length`` in the API schemas (pydantic's 422).
Mail intake never refuses a long e-mail: it cuts the text to the limit (``truncate``) and
keeps the whole message as the stored raw e-mail.

Textareas carry no ``maxlength`` attribute: a browser would silently cut a long paste; the
server's error keeps the text and says how much to remove instead.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

NAME = 200
TEXT = 10_000
ITEMS = 50

TRUNCATED_MARK = "\n[…cut to {limit:,} characters; the whole e-mail is kept as received]"


def too_long(limit: int, length: int) -> ValidationError:
    """The one message for text over its limit."""
    return ValidationError(
        "Keep this to %(limit)s characters or fewer (you typed %(length)s).",
        code="max_length",
        params={"limit": f"{limit:,}", "length": f"{length:,}"},
    )


class MaxLength(MaxLengthValidator):
    """``MaxLengthValidator`` with the message above (thousands separated)."""

    def __call__(self, value: Any) -> None:
        if isinstance(value, str) and len(value) > self.limit_value:
            raise too_long(int(self.limit_value), len(value))  # type: ignore[arg-type]


def limit_field(field: forms.Field) -> None:
    """Give a form text field its limit: its own ``max_length``, else ``TEXT`` for a textarea
    and ``NAME`` for one line. Password fields are left alone."""
    if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
        return
    textarea = isinstance(field.widget, forms.Textarea)
    limit = field.max_length or (TEXT if textarea else NAME)
    field.max_length = limit
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.validators.append(MaxLength(limit))
    if textarea:
        field.widget.attrs.pop("maxlength", None)
    else:
        field.widget.attrs.setdefault("maxlength", str(limit))


class LimitedText:
    """Form mixin: every text field gets its limit and the one message (``limit_field``)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            limit_field(field)


def truncate(text: str, limit: int = TEXT) -> str:
    """``text`` cut to ``limit`` characters with a note saying so (mail intake)."""
    if len(text) <= limit:
        return text
    mark = TRUNCATED_MARK.format(limit=limit)
    return text[: limit - len(mark)] + mark
