"""ECharts options shared by the statistics tabs (접수 통계, 통화 통계)."""

from __future__ import annotations

from typing import Any


def bar_chart(labels: list[str], series: list[dict[str, Any]]) -> dict[str, Any]:
    """Stacked bars over `labels` (days, hours, months): each series gives its name, data and stack
    (and a colour where it has one); counts on the value axis are whole numbers."""
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 16, "top": 30, "bottom": 24},
        "xAxis": {"type": "category", "data": labels},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "bar", **line} for line in series],
    }
