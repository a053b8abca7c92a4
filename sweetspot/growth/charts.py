"""Server-rendered SVG geometry for the assessment card (no JavaScript charting)."""

from __future__ import annotations

import math
from typing import Any

BAR_WIDTH = 460
LABEL_WIDTH = 170
ROW_HEIGHT = 22


def reasons_chart(reasons: list[dict[str, Any]]) -> dict[str, Any]:
    """Horizontal bars around a zero axis: positive weights right (green), negative left."""
    rows = [r for r in reasons if r["signal"] != "base"]
    biggest = max([abs(int(r["weight"])) for r in rows] + [1])
    negatives = any(int(r["weight"]) < 0 for r in rows)
    axis = LABEL_WIDTH + (BAR_WIDTH // 2 if negatives else 0)
    span = BAR_WIDTH // 2 if negatives else BAR_WIDTH - 40
    bars = []
    for i, r in enumerate(rows):
        w = int(r["weight"])
        length = round(span * abs(w) / biggest)
        bars.append(
            {
                "y": i * ROW_HEIGHT,
                "text_y": i * ROW_HEIGHT + 15,
                "label": r["signal"].replace("_", " "),
                "weight": w,
                "x": axis if w >= 0 else axis - length,
                "width": max(length, 1) if w else 0,
                "value_x": axis + length + 4 if w >= 0 else axis - length - 4,
                "anchor": "start" if w >= 0 else "end",
                "kind": "pos" if w > 0 else ("neg" if w < 0 else "zero"),
                "detail": r["detail"],
            }
        )
    return {
        "bars": bars,
        "axis": axis,
        "width": LABEL_WIDTH + BAR_WIDTH + 40,
        "height": max(1, len(rows)) * ROW_HEIGHT + 4,
        "label_x": LABEL_WIDTH - 8,
    }


def gauge(score: int) -> dict[str, Any]:
    """A half-circle gauge: the arc path from 0 to the score (0–100)."""
    r, cx, cy = 70, 80, 80
    angle = math.pi * (1 - max(0, min(100, score)) / 100)
    x = cx + r * math.cos(angle)
    y = cy - r * math.sin(angle)
    return {
        "track": f"M {cx - r} {cy} A {r} {r} 0 0 1 {cx + r} {cy}",
        "value": f"M {cx - r} {cy} A {r} {r} 0 0 1 {x:.1f} {y:.1f}",
        "score": score,
    }
