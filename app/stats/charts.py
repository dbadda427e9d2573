"""Server-side bar charts: geometry only (the template draws the SVG) — no Flask import.

Values come already published: a number, or « < 5 » (drawn as no bar, labelled « < 5 »).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
MONTHS_LONG = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def month_label(d: date, long: bool = False) -> str:
    names = MONTHS_LONG if long else MONTHS
    return f"{names[d.month - 1]} {d.year}" if long else f"{names[d.month - 1]} {str(d.year)[2:]}"


def bar_chart(
    points: list[tuple[date, int | str]],
    width: int = 640,
    height: int = 220,
    fmt: Callable[[int | str], str] = str,
) -> dict:
    """Bars, value labels and a baseline for ``points`` (month, published value)."""
    top, bottom, left, right = 24, 36, 8, 8
    plot_h = height - top - bottom
    numbers = [v for _, v in points if isinstance(v, int | float)]
    peak = max(numbers, default=0) or 1
    slot = (width - left - right) / max(len(points), 1)
    bar_w = max(slot * 0.6, 2)
    bars = []
    for i, (month, value) in enumerate(points):
        x = left + i * slot + (slot - bar_w) / 2
        h = (value / peak) * plot_h if isinstance(value, int | float) else 0
        bars.append(
            {
                "x": round(x, 1),
                "y": round(top + plot_h - h, 1),
                "w": round(bar_w, 1),
                "h": round(h, 1),
                "cx": round(x + bar_w / 2, 1),
                "label": month_label(month),
                "long_label": month_label(month, True),
                "value": fmt(value),
                "value_y": round(top + plot_h - h - 6, 1),
            }
        )
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "baseline_y": top + plot_h,
        "label_y": height - bottom + 18,
        "left": left,
        "right": width - right,
        "show_every": 1 if len(points) <= 12 else 2,
    }
