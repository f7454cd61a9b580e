"""The one-page PDF summary of the quarterly report: key figures and bar charts, French or Arabic.

Rendered by WeasyPrint from HTML with inline SVG charts and the fonts shipped in static/fonts;
no other resource is ever fetched.
"""

from pathlib import Path

from flask import render_template
from flask_babel import gettext
from markupsafe import Markup

from .charts import Bar, bar_chart
from .indicators import BREAKDOWN_LABELS, INDICATORS
from .quarterly import QuarterlyReport
from .result_tables import value_display
from .results import IndicatorResult

FONTS_DIR = Path(__file__).resolve().parent.parent.parent / "static" / "fonts"
CHARTED = "people_trained"  # the charts show people trained by each breakdown


def _local_fonts_fetcher():
    """Return a WeasyPrint URL fetcher that opens our fonts and refuses anything else."""
    from weasyprint.urls import URLFetcher

    class LocalFontsFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None):
            if not url.startswith(FONTS_DIR.as_uri() + "/"):
                raise ValueError(f"the summary PDF loads no external resource: {url}")
            return super().fetch(url, headers)

    return LocalFontsFetcher(allowed_protocols=("file",))


def _bars(result: IndicatorResult, language: str) -> list[Bar]:
    return [
        Bar(
            cell.labels[0],
            0 if cell.hidden else float(cell.value or 0),
            value_display(cell.shown, language),
        )
        for cell in result.cells
    ]


def summary_charts(report: QuarterlyReport) -> dict[str, Markup]:
    """Return one bar chart of people trained per breakdown of the report."""
    rtl = report.language == "ar"
    return {
        by: bar_chart(
            f"chart-{by}",
            gettext("People trained by %(breakdown)s", breakdown=str(BREAKDOWN_LABELS[by])),
            _bars(found[CHARTED], report.language),
            rtl=rtl,
        )
        for by, found in report.breakdowns.items()
    }


def render_summary_html(report: QuarterlyReport) -> str:
    return render_template(
        "results/summary_pdf.html",
        report=report,
        indicators=INDICATORS,
        charts=summary_charts(report),
        labels=BREAKDOWN_LABELS,
        value_display=value_display,
        fonts_url=FONTS_DIR.as_uri(),
    )


def render_summary_pdf(report: QuarterlyReport) -> bytes:
    """Render the summary as a one-page A4 PDF."""
    from weasyprint import HTML  # imported on use: loading Pango is not free

    html = HTML(
        string=render_summary_html(report),
        base_url=FONTS_DIR.as_uri() + "/",
        url_fetcher=_local_fonts_fetcher(),
    )
    return html.write_pdf()
