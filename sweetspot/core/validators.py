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

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from . import limits

LINE_BREAKS = {"\u2028", "\u2029", "\x85"}
MULTILINE_ALLOWED = {"\t", "\n", "\r"}


# Unicode category Cc is exactly U+0000-U+001F and U+007F-U+009F (U+0085 among them).
_SINGLE_LINE_REFUSED = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def is_single_line(value: str) -> bool:
    """True when a one-line field takes ``value`` (no control character, no line break)."""
    return not _SINGLE_LINE_REFUSED.search(value)


def control_characters(value: str, *, multiline: bool = False) -> list[str]:
    """The control characters in ``value`` that its kind of field refuses."""
    if not multiline and not _SINGLE_LINE_REFUSED.search(value):
        return []  # the usual case, without a look at each character
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
        found = field_text_errors(field, getattr(instance, field.attname, None))
        if found:
            errors[field.name] = found
    return errors


def field_text_errors(field: Any, value: Any) -> list[ValidationError]:
    """The rules above for one value of one CharField/TextField (also used on its own by the
    company import, which checks cells without building model instances)."""
    if value is None and not field.null:
        # Django skips validating None in a blank=True field; the database then refuses
        # it (an API sending null for a text field was a 500).
        return [ValidationError("This field cannot be null.", code="null")]
    is_text = isinstance(field, models.TextField)
    limit = field.max_length or (limits.TEXT if is_text else None)
    if isinstance(value, str) and limit and len(value) > limit:
        return [limits.too_long(limit, len(value))]
    check = validate_text if is_text else validate_single_line
    try:
        check(value)
    except ValidationError as exc:
        return [exc]
    return []


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


def query_pk(value: Any) -> int | None:
    """A primary key from a query string or form value: digits that fit the database's
    integer, else None (a 30-digit id used to reach SQLite and overflow: a 500)."""
    text = str(value or "")
    if text.isdigit() and len(text) <= 10 and int(text) <= 2_147_483_647:
        return int(text)
    return None
