"""Shared by the scenario modes (agreements, desk, billing, mail): how a validation error's
location reads in a ``path: reason`` line. Pure: no Django."""

from __future__ import annotations

from typing import Any


def error_path(loc: tuple[Any, ...]) -> str:
    """("tickets", 3, "priority") -> "tickets[3].priority"; the empty location -> "(file)"."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"
