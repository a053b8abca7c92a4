"""Server-rendered SVG geometry for the owner's home page (no JavaScript charting), in the
manner of ``growth/charts.py`` and the revenue trend: the view computes rectangles and labels,
the template draws them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

SLA_LABEL_W = 120
SLA_BAR_W = 420
SLA_ROW_H = 40


def sla_attainment_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Two horizontal bars per priority (response, resolution), 0–100 % of the tickets whose
    target fell due that met it; a priority with no target due shows "no tickets"."""
    bars = []
    for i, r in enumerate(rows):
        y = i * SLA_ROW_H
        for j, kind in enumerate(("response", "resolution")):
            pct = r[f"{kind}_pct"]
            width = round(SLA_BAR_W * (pct or 0) / 100, 1)
            bars.append(
                {
                    "kind": kind,
                    "x": SLA_LABEL_W,
                    "y": y + 4 + j * 16,
                    "w": width,
                    "h": 13,
                    "pct": pct,
                    "value_x": SLA_LABEL_W + width + 6,
                    "text_y": y + 15 + j * 16,
                    "label": f"{r['priority']} {kind}: "
                    + (f"{pct}% of {r[f'{kind}_due']}" if pct is not None else "no tickets"),
                }
            )
    return {
        "width": SLA_LABEL_W + SLA_BAR_W + 110,
        "height": max(1, len(rows)) * SLA_ROW_H + 4,
        "label_x": SLA_LABEL_W - 8,
        "rows": [{"label": r["label"], "y": i * SLA_ROW_H + 22} for i, r in enumerate(rows)],
        "bars": bars,
        "target_x": SLA_LABEL_W + SLA_BAR_W,
    }


UT_W, UT_H = 640, 230
UT_PAD_L, UT_PAD_B, UT_PAD_T = 44, 34, 12


def utilization_chart(people: list[dict[str, Any]], target: Decimal) -> dict[str, Any]:
    """Grouped vertical bars: for each person, one bar per week (billable hours / weekly
    capacity, in %), a dashed line at the firm's target utilization. The axis tops at 125 %
    or the highest bar."""
    top = max([125] + [w["pct"] for p in people for w in p["weeks"]])
    plot_h = UT_H - UT_PAD_B - UT_PAD_T
    plot_w = UT_W - UT_PAD_L - 8
    slot = plot_w / max(len(people), 1)
    weeks = max((len(p["weeks"]) for p in people), default=4) or 4
    bar_w = slot * 0.7 / weeks

    def y_of(pct: float) -> float:
        return round(UT_PAD_T + plot_h - plot_h * pct / top, 1)

    groups = []
    for i, p in enumerate(people):
        x0 = UT_PAD_L + i * slot + slot * 0.15
        bars = []
        for j, w in enumerate(p["weeks"]):
            y = y_of(min(w["pct"], top))
            bars.append(
                {
                    "x": round(x0 + j * bar_w, 1),
                    "y": y,
                    "w": round(bar_w - 2, 1),
                    "h": round(UT_PAD_T + plot_h - y, 1),
                    "title": f"{p['name']}, week of {w['week']:%b %d}: {w['pct']}% "
                    f"({w['hours']} billable h of {p['capacity']} h)",
                    "under": w["pct"] < float(target) * 100,
                }
            )
        groups.append({"name": p["name"], "cx": round(x0 + slot * 0.35, 1), "bars": bars})
    grid = [{"y": y_of(v), "label": f"{v}%"} for v in range(0, int(top) + 1, 25)]
    return {
        "width": UT_W,
        "height": UT_H,
        "groups": groups,
        "grid": grid,
        "left": UT_PAD_L,
        "right": UT_W - 8,
        "axis_y": UT_PAD_T + plot_h,
        "label_y": UT_H - 12,
        "target_y": y_of(float(target) * 100),
        "target_pct": int(target * 100),
    }
