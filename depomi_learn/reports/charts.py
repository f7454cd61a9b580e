"""Server-rendered SVG charts: small, escaped, mirrored for right-to-left pages.

Each chart is an image with a title for screen readers; the page shows the same numbers in a
table next to it. Every label goes through `escape`, so a learner-entered institution name is
text in the SVG, never markup.
"""

import math
from dataclasses import dataclass

from flask_babel import gettext
from markupsafe import Markup, escape

from ..i18n import format_month, format_number

WIDTH = 560
LABEL_WIDTH = 200
ROW_HEIGHT = 28
BAR_HEIGHT = 18
MAX_LABEL = 28


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as shown next to the bar


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


class _Mirror:
    """Place x coordinates from the reading start: left in LTR, right in RTL."""

    def __init__(self, rtl: bool, width: int) -> None:
        self.rtl, self.width = rtl, width

    def x(self, position: float, length: float = 0) -> float:
        return self.width - position - length if self.rtl else position

    def anchor(self, towards_start: bool) -> str:
        """Return the text-anchor of text that ends (True) or begins (False) at the point."""
        return (
            ("start" if self.rtl else "end") if towards_start else ("end" if self.rtl else "start")
        )


def _open(chart_id: str, title: str, width: int, height: int) -> list[str]:
    return [
        # direction="ltr": anchors keep their left-to-right meaning; _Mirror does the flipping,
        # and the bidirectional algorithm still lays out each Arabic label right to left.
        f'<svg class="chart" id="{escape(chart_id)}" role="img" direction="ltr" '
        f'aria-labelledby="{escape(chart_id)}-title" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
    ]


def bar_chart(chart_id: str, title: str, bars: list[Bar], *, rtl: bool) -> Markup:
    """Return horizontal bars, one per row: label, bar, value."""
    height = max(len(bars), 1) * ROW_HEIGHT + 8
    mirror = _Mirror(rtl, WIDTH)
    span = WIDTH - LABEL_WIDTH - 70
    top = max((bar.value for bar in bars), default=0) or 1
    parts = _open(chart_id, title, WIDTH, height)
    for index, bar in enumerate(bars):
        y = 4 + index * ROW_HEIGHT
        length = round(span * bar.value / top, 1)
        text_y = y + BAR_HEIGHT - 4
        parts.append(
            f'<text class="chart-label" x="{mirror.x(LABEL_WIDTH - 8)}" y="{text_y}" '
            f'text-anchor="{mirror.anchor(True)}">{escape(_short(bar.label))}</text>'
            f'<rect class="chart-bar" x="{mirror.x(LABEL_WIDTH, length)}" y="{y}" '
            f'width="{length}" height="{BAR_HEIGHT}" rx="2"/>'
            f'<text class="chart-value" x="{mirror.x(LABEL_WIDTH + length + 6)}" y="{text_y}" '
            f'text-anchor="{mirror.anchor(False)}">{escape(bar.text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text and attribute above is escaped


def column_chart(chart_id: str, title: str, bars: list[Bar], *, rtl: bool) -> Markup:
    """Return vertical columns in time order (from the reading start), values on top."""
    plot_top, plot_height, axis = 20, 160, 40
    height = plot_top + plot_height + axis
    mirror = _Mirror(rtl, WIDTH)
    slot = (WIDTH - 20) / max(len(bars), 1)
    width = max(min(slot * 0.7, 48), 2)
    every = math.ceil(64 / slot)  # an axis label needs about 64 units: skip some when crowded
    top = max((bar.value for bar in bars), default=0) or 1
    baseline = plot_top + plot_height
    parts = _open(chart_id, title, WIDTH, height)
    parts.append(
        f'<line class="chart-axis" x1="10" x2="{WIDTH - 10}" y1="{baseline}" y2="{baseline}"/>'
    )
    for index, bar in enumerate(bars):
        centre = mirror.x(10 + slot * index + slot / 2)
        size = round(plot_height * bar.value / top, 1)
        parts.append(
            f'<rect class="chart-bar" x="{round(centre - width / 2, 1)}" y="{baseline - size}" '
            f'width="{round(width, 1)}" height="{size}" rx="2"/>'
        )
        if slot >= 22:
            parts.append(
                f'<text class="chart-value" x="{round(centre, 1)}" y="{baseline - size - 4}" '
                f'text-anchor="middle">{escape(bar.text)}</text>'
            )
        if index % every == 0:
            parts.append(
                f'<text class="chart-label" x="{round(centre, 1)}" y="{baseline + 18}" '
                f'text-anchor="middle">{escape(_short(bar.label))}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text and attribute above is escaped


def dashboard_charts(tables: dict, *, rtl: bool) -> dict[str, Markup]:
    """Return the funnel, the completions per month and, nationally, the regions compared."""
    row = tables["summary"].rows[0]
    funnel = [
        Bar(str(column.label), row[column.key] or 0, str(row[column.key] or 0))
        for column in tables["summary"].columns
        if column.key in ("learners", "enrolled", "started", "completed", "certified")
    ]
    months = [
        Bar(format_month(r["month"], short=True), r["completed"], str(r["completed"]))
        for r in tables["timeline"].rows
    ]
    charts = {
        "funnel": bar_chart(
            "chart-funnel", gettext("From account to certificate"), funnel, rtl=rtl
        ),
        "timeline": column_chart(
            "chart-timeline", gettext("Completions per month"), months, rtl=rtl
        ),
    }
    if "region" in tables:
        regions = [
            Bar(
                ("★ " if r["programme"] else "") + r["label"],
                r["completion_rate"] or 0,
                "—"
                if r["completion_rate"] is None
                else gettext("%(percent)s%%", percent=format_number(r["completion_rate"], 1)),
            )
            for r in tables["region"].rows
        ]
        charts["region"] = bar_chart(
            "chart-regions", gettext("Completion rate by region (%)"), regions, rtl=rtl
        )
    return charts
