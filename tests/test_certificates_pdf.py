"""The printed certificate: Arabic shaped and searchable, French, the code, a QR code that leads to
the verification page, A4 landscape, fonts embedded, and the same bytes every time."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image

from depomi_learn.certificates.issuing import verification_url
from depomi_learn.certificates.pdf import _local_fonts_fetcher, pdf_sha256, render_certificate_pdf
from depomi_learn.certificates.stored import render_and_store
from depomi_learn.extensions import db
from depomi_learn.models import Certificate, CourseVersion
from tests.helpers.certificates import complete_course
from tests.helpers.courses import make_course
from tests.helpers.people import make_user

NAME_AR = "أمينة آيت علي بن يوسف"
TITLE_AR = "الاستراتيجية الوطنية للهجرة واللجوء"
TITLE_FR = "La SNIA en région : fondamentaux"
# Bidirectional controls that pdftotext puts around right-to-left runs; not part of the text.
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed"
)


@pytest.fixture(scope="module")
def pdf_file(app, tmp_path_factory) -> tuple[Path, str, str]:
    """Issue one certificate through course completion, store its PDF, render it again; return
    (path of the PDF rendered again, code, stored hash)."""
    make_course(app)
    with app.app_context():
        version = db.session.scalar(sa.select(CourseVersion))
        version.title = {"fr": TITLE_FR, "ar": TITLE_AR}
        db.session.commit()
    code = complete_course(app, make_user(app, name="Amina Ait Ali Ben Youssef", name_ar=NAME_AR))
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate))
        stored = render_and_store(certificate.id).data_sha256
        data = render_certificate_pdf(certificate, verification_url(code))
    path = tmp_path_factory.mktemp("pdf") / "certificate.pdf"
    path.write_bytes(data)
    return path, code, stored


def _text(path: Path, *args: str) -> str:
    result = subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, check=True, text=True
    )
    return BIDI_CONTROLS.sub("", result.stdout)


def test_pdf_text_has_the_arabic_name_in_logical_order(pdf_file):
    path, _code, _hash = pdf_file
    text = _text(path)
    assert NAME_AR in text  # logical order, the letters themselves (not presentation forms)
    assert TITLE_AR in text
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", text), "presentation forms leaked"


def test_pdf_text_has_the_french_title_names_and_code(pdf_file):
    path, code, _hash = pdf_file
    text = _text(path)
    assert TITLE_FR in text
    assert "Amina Ait Ali Ben Youssef" in text
    assert "Certificat de réussite" in text
    assert "شهادة إتمام" in text
    assert code in text
    assert "Programme DEPOMI" in text
    assert f"http://127.0.0.1:5000/verify/{code}" in text


def test_qr_code_decodes_to_the_verification_url(pdf_file, tmp_path):
    path, code, _hash = pdf_file
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(tmp_path / "page")],
        check=True,
    )
    with Image.open(tmp_path / "page.png") as image:
        found = zxingcpp.read_barcodes(image)
    assert [barcode.text for barcode in found] == [f"http://127.0.0.1:5000/verify/{code}"]


def test_pdf_is_one_a4_landscape_page_with_embedded_fonts(pdf_file):
    path, _code, _hash = pdf_file
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    assert re.search(r"Pages:\s+1\n", info.stdout)
    assert "841.89 x 595.276 pts (A4)" in info.stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    rows = fonts.stdout.splitlines()[2:]
    assert any("Certificate-Naskh" in row for row in rows)  # our vendored Noto Naskh Arabic
    # Every font embedded (subset) with a ToUnicode map, so the text can be searched and copied.
    assert all(re.search(r"\byes\s+yes\s+yes\b", row) for row in rows), fonts.stdout


def test_pdf_is_reproducible_from_the_snapshot(pdf_file):
    path, _code, stored = pdf_file
    assert pdf_sha256(path.read_bytes()) == stored


def test_pdf_rendering_fetches_nothing():
    fetcher = _local_fonts_fetcher()
    with pytest.raises(ValueError, match="no external resource"):
        fetcher.fetch("https://fonts.example.org/font.woff2")
    with pytest.raises(ValueError, match="no external resource"):
        fetcher.fetch("file:///etc/passwd")
