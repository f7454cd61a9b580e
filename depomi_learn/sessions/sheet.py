"""The printable attendance sheet: A4, French and Arabic, one signature column per day.

Rendered with WeasyPrint and the fonts shipped in static/fonts (Arabic shaped by HarfBuzz), and
nothing fetched from elsewhere. The printed headings are fixed in both languages here, like the
certificate's.
"""

from __future__ import annotations

from flask import render_template

from ..certificates.pdf import FONTS_DIR, _local_fonts_fetcher
from ..i18n import format_clock, format_day
from ..models import TrainingSession
from .registration import roster

PRINTED = {
    "title": {"fr": "Feuille de présence", "ar": "ورقة الحضور"},
    "session": {"fr": "Session", "ar": "الدورة التكوينية"},
    "place": {"fr": "Lieu", "ar": "المكان"},
    "number": {"fr": "N°", "ar": "الرقم"},
    "name": {"fr": "Nom et prénom", "ar": "الاسم الكامل"},
    "institution": {"fr": "Institution", "ar": "المؤسسة"},
    "signature": {"fr": "Signature", "ar": "التوقيع"},
    "trainers": {"fr": "Formateurs", "ar": "المكونون"},
}


def sheet_html(session: TrainingSession) -> str:
    people = [row.user for row in roster(session) if row.status == "registered"]
    days = sorted(session.days, key=lambda d: d.starts_at)
    return render_template(
        "sessions/sheet_pdf.html",
        session=session,
        people=people,
        days=[
            (
                format_day(d.starts_at, "short", "fr"),
                f"{format_clock(d.starts_at, 'fr')}-{format_clock(d.ends_at, 'fr')}",
            )
            for d in days
        ],
        printed=PRINTED,
        fonts_url=FONTS_DIR.as_uri(),
    )


def attendance_sheet_pdf(session: TrainingSession) -> bytes:
    """Render the session's attendance sheet as PDF bytes."""
    from weasyprint import HTML  # imported on use: loading Pango is not free

    html = HTML(
        string=sheet_html(session),
        base_url=FONTS_DIR.as_uri() + "/",
        url_fetcher=_local_fonts_fetcher(),
    )
    return html.write_pdf()
