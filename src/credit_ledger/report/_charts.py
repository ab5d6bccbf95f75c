"""Charts as inline SVG: Vega-Lite specs rendered by ``vl-convert-python`` (no JavaScript in
the page, nothing fetched, crisp on paper). Install with ``pip install 'credit-ledger[report]'``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from credit_ledger.errors import ConfigError
from credit_ledger.report._model import Cell

__all__ = ["bar_chart", "line_chart"]

_FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"


def _svg(spec: dict[str, Any]) -> str:
    try:
        import vl_convert  # noqa: PLC0415 - optional extra, imported only to draw
    except ImportError:
        raise ConfigError(
            "the HTML report needs the optional extra 'report': "
            "pip install 'credit-ledger[report]' (or use --format json)"
        ) from None
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "config": {"font": _FONT, "view": {"stroke": None}, "axis": {"labelLimit": 260}},
        **spec,
    }
    svg: str = vl_convert.vegalite_to_svg(spec)
    return svg


def _values(
    x: Sequence[Cell], y: Sequence[Cell], series: Sequence[Cell] | None
) -> list[dict[str, Cell]]:
    if series is None:
        return [{"x": a, "y": b} for a, b in zip(x, y, strict=True)]
    return [{"x": a, "y": b, "s": c} for a, b, c in zip(x, y, series, strict=True)]


def bar_chart(
    title: str,
    x: Sequence[Cell],
    y: Sequence[Cell],
    *,
    x_title: str,
    y_title: str,
    horizontal: bool = False,
    sort: bool = False,
) -> str:
    """A bar chart (SVG text); ``horizontal`` puts categories on the y axis (long names)."""
    cat: dict[str, Any] = {"field": "x", "type": "nominal", "title": x_title}
    if sort:
        cat["sort"] = "-x" if horizontal else "-y"
    num = {"field": "y", "type": "quantitative", "title": y_title}
    enc = (
        {"y": cat, "x": num}
        if horizontal
        else {"x": {**cat, "axis": {"labelAngle": -40}}, "y": num}
    )
    return _svg(
        {
            "title": title,
            "width": 520 if horizontal else {"step": 48},
            "height": max(120, 18 * len(x)) if horizontal else 220,
            "data": {"values": _values(x, y, None)},
            "mark": {"type": "bar", "color": "#b5282e"},
            "encoding": {**enc, "tooltip": [{"field": "x"}, {"field": "y"}]},
        }
    )


def line_chart(
    title: str, x: Sequence[Cell], y: Sequence[Cell], *, x_title: str, y_title: str
) -> str:
    """A line chart with points (SVG text), x in the given order."""
    return _svg(
        {
            "title": title,
            "width": 520,
            "height": 200,
            "data": {"values": _values(x, y, None)},
            "mark": {"type": "line", "point": True, "color": "#1f5fa8"},
            "encoding": {
                "x": {"field": "x", "type": "ordinal", "title": x_title, "sort": None},
                "y": {"field": "y", "type": "quantitative", "title": y_title},
            },
        }
    )
