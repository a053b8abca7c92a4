"""Text hygiene shared by every app: single-line fields refuse control characters, long text
refuses NUL (and the other C0 controls except tab, newline and carriage return).

Why: a newline in a company name once ended a CSS string in the agreement PDF (an SSRF), and
PostgreSQL refuses a NUL byte in any text column with a 500. Names, e-mail addresses, codes
and other ``CharField`` values are one line; ``TextField`` values (notes, descriptions) may
span lines.

Models opt in with the ``TextChecked`` mixin: its ``clean_fields`` (run by every service's
``full_clean``) checks every ``CharField`` and ``TextField`` of the model, so the rule needs no
validator on each field (and no migration). Forms and API schemas may call the validators
directly for an earlier, field-level error.

The same check holds text to its length (``limits``): a ``CharField`` to its ``max_length``, a
``TextField`` to its own ``max_length`` or ``limits.TEXT``, with the one "Keep this to …
characters" message instead of Django's.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from . import limits

LINE_BREAKS = {"\u2028", "\u2029", "\x85"}
MULTILINE_ALLOWED = {"\t", "\n", "\r"}


def control_characters(value: str, *, multiline: bool = False) -> list[str]:
    """The control characters in ``value`` that its kind of field refuses."""
    found = []
    for char in value:
        if multiline:
            if char in MULTILINE_ALLOWED:
                continue
            bad = char == "\x00" or ("\x00" <= char < "\x20") or char == "\x7f"
        else:
            bad = unicodedata.category(char) == "Cc" or char in LINE_BREAKS
        if bad:
            found.append(char)
    return found


def _describe(chars: list[str]) -> str:
    names = sorted({f"U+{ord(c):04X}" for c in chars})
    return ", ".join(names[:5])


def validate_single_line(value: Any) -> None:
    """A name, code, e-mail, phone...: one line of printable text."""
    if isinstance(value, str) and (bad := control_characters(value)):
        raise ValidationError(
            "Use one line of text without control characters (found %(chars)s).",
            code="control_characters",
            params={"chars": _describe(bad)},
        )


def validate_text(value: Any) -> None:
    """Notes and descriptions: line breaks and tabs are fine; NUL and other controls are not."""
    if isinstance(value, str) and (bad := control_characters(value, multiline=True)):
        raise ValidationError(
            "The text contains control characters (found %(chars)s).",
            code="control_characters",
            params={"chars": _describe(bad)},
        )


def text_errors(instance: models.Model, exclude: Any = None) -> dict[str, list[ValidationError]]:
    """Field errors for every CharField/TextField of ``instance`` that breaks the rules."""
    errors: dict[str, list[ValidationError]] = {}
    skip = set(exclude or ())
    for field in instance._meta.concrete_fields:
        if field.name in skip or not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname, None)
        if value is None and not field.null:
            # Django skips validating None in a blank=True field; the database then refuses
            # it (an API sending null for a text field was a 500).
            errors.setdefault(field.name, []).append(
                ValidationError("This field cannot be null.", code="null")
            )
            continue
        is_text = isinstance(field, models.TextField)
        limit = field.max_length or (limits.TEXT if is_text else None)
        if isinstance(value, str) and limit and len(value) > limit:
            errors.setdefault(field.name, []).append(limits.too_long(limit, len(value)))
            continue
        check = validate_text if is_text else validate_single_line
        try:
            check(value)
        except ValidationError as exc:
            errors.setdefault(field.name, []).append(exc)
    return errors


class TextChecked(models.Model):
    """Abstract model base: ``full_clean`` refuses control characters (see the module
    docstring). A Model subclass (abstract, no fields) so the type checker keeps each
    model's manager types."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude: Any = None) -> None:
        errors: dict[str, list[ValidationError]] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = {k: list(v) for k, v in exc.error_dict.items()}
        for name, errs in text_errors(self, exclude).items():  # type: ignore[arg-type]
            if name not in errors:
                errors[name] = errs
            elif any(e.code == "max_length" for e in errs):
                # Ours names the limit and the length typed, with thousands separators.
                kept = [e for e in errors[name] if e.code != "max_length"]
                errors[name] = kept + [e for e in errs if e.code == "max_length"]
        if errors:
            raise ValidationError(errors)
