"""Public verification, no sign-in: a certificate's status by code or by PDF, and the issuer's keys.

Every answer carries noindex (a certificate is found by its code, never by a search engine), and
lookups are rate limited per address in the database, so all workers share one count.
"""

import json

from flask import (
    Blueprint,
    Response,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from ..accounts import ratelimit
from ..certificates.credentials import (
    SigningKeyError,
    build_status_list,
    context_file,
    issuer_profile,
    public_jwks,
    sign_credential,
)
from ..certificates.issuing import Status, find_certificate, normalise_code
from ..certificates.issuing import public_record as build_public_record
from ..certificates.stored import certificate_for_pdf
from .security import client_address, limit_hits
from .transactions import writes_on_get

bp = Blueprint("verify", __name__)
LIMITED_ENDPOINTS = frozenset({"verify.form", "verify.certificate", "verify.pdf_file"})
ROBOTS = "noindex, nofollow, noarchive"
MAX_PDF_BYTES = 10 * 1024 * 1024


@bp.before_request
def _rate_limit():
    if request.endpoint not in LIMITED_ENDPOINTS:
        return None
    if request.endpoint == "verify.form" and not request.args.get("code"):
        return None  # the empty form costs nothing
    writes_on_get()
    _hits, retry_after = limit_hits([(ratelimit.VERIFICATIONS, client_address())])
    if retry_after is None:
        return None
    response = Response(render_template("verify/limited.html", retry_after=retry_after), status=429)
    response.headers["Retry-After"] = str(retry_after)
    return response


@bp.after_request
def _noindex(response: Response) -> Response:
    response.headers["X-Robots-Tag"] = ROBOTS
    if response.status_code < 400 or response.status_code == 404:
        response.headers.setdefault("Cache-Control", "no-cache")  # revocation shows at once
    return response


@bp.route("/verify")
def form():
    typed = request.args.get("code", "")
    if not typed:
        return render_template("verify/form.html", typed="", error=None)
    canonical = normalise_code(typed)
    if canonical is None:
        error = _(
            "This is not a certificate code: 16 letters and digits, like K7QM-4XZP-9D2R-HT6W."
        )
        return render_template("verify/form.html", typed=typed[:64], error=error), 400
    return redirect(url_for("verify.certificate", code=canonical))


@bp.route("/verify/<code>")
def certificate(code: str):
    as_json = code.endswith(".json")
    typed = code.removesuffix(".json")
    canonical = normalise_code(typed)
    if canonical is not None and canonical != typed:
        suffix = ".json" if as_json else ""
        return redirect(url_for("verify.certificate", code=canonical + suffix), 301)
    found = find_certificate(canonical) if canonical else None
    record = build_public_record(canonical or typed[:64], found)
    status = 404 if found is None else 200
    if as_json:
        return jsonify(record), status
    return render_template(
        "verify/result.html", record=record, certificate=found, Status=Status
    ), status


@bp.route("/verify/file", methods=["POST"])
def pdf_file():
    upload = request.files.get("pdf")
    typed = request.form.get("code", "")
    if upload is None or not upload.filename:
        error = _("Choose the certificate's PDF file.")
        return render_template("verify/form.html", typed=typed[:64], error=error), 400
    data = upload.read(MAX_PDF_BYTES + 1)
    if len(data) > MAX_PDF_BYTES or not data.startswith(b"%PDF-"):
        error = _("This file is not a PDF certificate.")
        return render_template("verify/form.html", typed=typed[:64], error=error), 400
    found = certificate_for_pdf(data, typed or None)
    record = build_public_record(found.code, found) if found else None
    return render_template(
        "verify/file.html", record=record, certificate=found, Status=Status
    ), 200 if found else 404


@bp.route("/issuer")
def issuer():
    wants_json = request.accept_mimetypes.best_match(
        ["text/html", "application/ld+json", "application/json"]
    )
    try:
        profile, jwks = issuer_profile(), public_jwks()
    except SigningKeyError:
        abort(503)
    if wants_json in ("application/ld+json", "application/json"):
        return _json_ld(profile)
    return render_template("verify/issuer.html", profile=profile, jwks=jwks)


@bp.route("/issuer.json")
def issuer_json():
    try:
        return _json_ld(issuer_profile())
    except SigningKeyError:
        abort(503)


@bp.route("/issuer/jwks.json")
def jwks():
    try:
        return jsonify(public_jwks())
    except SigningKeyError:
        abort(503)


@bp.route("/credentials/status/revocation")
def status_list():
    """The issuer's signed revocation list: a verifier holding a credential reads its bit here."""
    try:
        token = sign_credential(build_status_list())
    except SigningKeyError:
        abort(503)
    return Response(token, mimetype="application/vc+jwt")


@bp.route("/contexts/<name>")
def context(name: str):
    path = context_file(name)
    if path is None:
        abort(404)
    response = Response(path.read_bytes(), mimetype="application/ld+json")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


def _json_ld(document: dict) -> Response:
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/ld+json")
