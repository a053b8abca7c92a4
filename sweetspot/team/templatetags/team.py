"""Small display helpers for the team pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def dots(value: Any) -> str:
    """Proficiency 1-5 as five dots, filled up to the level."""
    try:
        level = max(0, min(5, int(value)))
    except (TypeError, ValueError):
        level = 0
    return format_html(
        '<span class="dots" title="{} of 5" aria-label="proficiency {} of 5">'
        '{}<span class="off">{}</span></span>',
        level,
        level,
        "●" * level,
        "●" * (5 - level),
    )


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """{{ person.skills|get:skill.id }}"""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def level_label(value: Any) -> str:
    return str(value or "").capitalize()
