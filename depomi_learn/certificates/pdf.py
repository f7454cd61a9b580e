"""The certificate as a PDF: A4 landscape, French and Arabic side by side, QR code of its proof.

Rendered from the certificate's stored snapshot only, with fonts shipped in static/fonts and no
other resource, so the same certificate always gives the same bytes (its SHA-256 is stored at
issue). The printed texts are fixed here in both languages rather than taken from the interface
catalogues: a translation update must never change the bytes of certificates already issued.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import segno
from flask import render_template
from markupsafe import Markup

from ..i18n import format_day
from ..models import Certificate

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
FONTS_DIR = STATIC_DIR / "fonts"
PROGRAMME = {
    "fr": "Programme DEPOMI : déploiement des politiques migratoires au niveau régional",
    "ar": "برنامج ديبومي: تنزيل السياسات الهجروية على المستوى الجهوي",
}
PRINTED = {
    "fr": {
        "title": "Certificat de réussite",
        "awarded": "décerné à",
        "completed": "pour avoir suivi avec succès la formation",
        "edition": "Édition",
        "region": "Région",
        "issued": "Délivré le",
        "expires": "Valable jusqu'au",
        "verify": "Vérifier ce certificat",
        "code": "Code",
        "hours": "Heures de formation en présentiel suivies :",
    },
    "ar": {
        "title": "شهادة إتمام",
        "awarded": "تمنح إلى",
        "completed": "لإتمام التكوين بنجاح",  # neutral: the holder may be a man or a woman
        "edition": "الإصدار",
        "region": "جهة",
        "issued": "سلمت بتاريخ",
        "expires": "صالحة إلى غاية",
        "verify": "للتحقق من هذه الشهادة",
        "code": "الرمز",
        "hours": "عدد ساعات التكوين الحضوري المتابعة:",
    },
}


def _date(value: datetime | None, language: str) -> str:
    return format_day(value, "long", language) if value is not None else ""


def qr_svg(url: str) -> Markup:
    """Return the QR code of `url` as inline SVG (vector, so it prints sharp at any size)."""
    qr = segno.make(url, error="m", micro=False)
    return Markup(qr.svg_inline(scale=4, border=2, dark="#000", light="#fff", omitsize=True))  # noqa: S704 - segno's own SVG


def _local_fonts_fetcher():
    """Return a WeasyPrint URL fetcher that opens our fonts and refuses anything else."""
    from weasyprint.urls import URLFetcher

    class LocalFontsFetcher(URLFetcher):
        def fetch(self, url: str, headers: dict | None = None):
            if not url.startswith(FONTS_DIR.as_uri() + "/"):
                raise ValueError(f"certificate PDFs load no external resource: {url}")
            return super().fetch(url, headers)

    return LocalFontsFetcher(allowed_protocols=("file",))


def render_certificate_html(certificate: Certificate, verification_url: str) -> str:
    dates = {
        language: {
            "issued": _date(certificate.issued_at, language),
            "expires": _date(certificate.expires_at, language),
        }
        for language in ("fr", "ar")
    }
    return render_template(
        "certificates/pdf.html",
        certificate=certificate,
        verification_url=verification_url,
        qr=qr_svg(verification_url),
        printed=PRINTED,
        programme=PROGRAMME,
        dates=dates,
        fonts_url=FONTS_DIR.as_uri(),
        name_arabic=certificate.holder_name_arabic or certificate.holder_name_latin,
        created=certificate.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def render_certificate_pdf(certificate: Certificate, verification_url: str) -> bytes:
    """Render the certificate's PDF from its snapshot; the same snapshot gives the same bytes."""
    from weasyprint import HTML  # imported on use: loading Pango is not free

    html = HTML(
        string=render_certificate_html(certificate, verification_url),
        base_url=FONTS_DIR.as_uri() + "/",
        url_fetcher=_local_fonts_fetcher(),
    )
    # The document identifier is the code, not a random value, so the bytes are reproducible.
    return html.write_pdf(pdf_identifier=certificate.code.encode())


def pdf_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
