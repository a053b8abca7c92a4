"""The one validator for required skills: a service's requirements, a ticket's extra skills.

A misspelt or retired skill would make work nobody qualifies for, so unknown and archived
skill slugs are refused, as are minimums outside 1–5 and a skill listed twice. Errors are
field errors (``ValidationError({field: [...]})``) that forms and the API show as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from .models import Skill


def clean_requirements(pairs: Iterable[tuple[Any, Any]], field: str) -> dict[Skill, int]:
    """[(skill slug, minimum proficiency)] -> {Skill: minimum}, in the order given."""
    pairs = [(str(slug), need) for slug, need in pairs]
    slugs = [slug for slug, _ in pairs]
    known = {s.slug: s for s in Skill.objects.filter(slug__in=slugs, archived_at__isnull=True)}
    out: dict[Skill, int] = {}
    problems: list[str] = []
    for slug, need in pairs:
        if slug not in known:
            problems.append(f"Unknown skill “{slug}”.")
        elif isinstance(need, bool) or not isinstance(need, int) or not 1 <= need <= 5:
            problems.append(f"“{slug}” needs a minimum proficiency from 1 to 5.")
        elif known[slug] in out:
            problems.append(f"“{slug}”: this skill is listed twice.")
        else:
            out[known[slug]] = need
    if problems:
        raise ValidationError({field: problems})
    return out
