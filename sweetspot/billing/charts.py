"""Server-rendered SVG geometry for the receivables page (no JavaScript charting), in the
manner of growth/charts.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import ar

HEIGHT = 160
TOP = 24
BAR = 80
GAP = 36
LEFT = 16


def aging_chart(total: dict[str, Decimal]) -> dict[str, Any]:
    """One bar per aging bucket, height proportional to the amount; later buckets warmer."""
    biggest = max([total[k] for k in ar.BUCKETS] + [Decimal(1)])
    bars = []
    for i, key in enumerate(ar.BUCKETS):
        value = total[key]
        length = int(Decimal(HEIGHT) * value / biggest)
        x = LEFT + i * (BAR + GAP)
        bars.append(
            {
                "key": key,
                "label": ar.BUCKET_LABELS[key],
                "value": value,
                "x": x,
                "y": TOP + HEIGHT - length,
                "width": BAR,
                "height": max(length, 1) if value else 0,
                "label_x": x + BAR // 2,
                "value_y": TOP + HEIGHT - length - 6,
                "kind": key,
            }
        )
    return {
        "bars": bars,
        "width": LEFT + len(ar.BUCKETS) * (BAR + GAP),
        "height": TOP + HEIGHT + 30,
        "base_y": TOP + HEIGHT,
        "label_y": TOP + HEIGHT + 18,
    }
