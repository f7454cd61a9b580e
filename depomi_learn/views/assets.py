"""Static files: fingerprinted URLs cached for a year, and gzip for text assets.

Every `url_for('static', filename=...)` gets `?v=<first 12 hex of the file's SHA-256>`, so a
browser keeps the file until it changes, and a new deployment changes the URL. A request whose
`v` matches the file is `Cache-Control: public, max-age=31536000, immutable`; without it (or
with a stale one, during a rolling deployment) the file is revalidated with its ETag instead.
CSS, JavaScript and SVG are gzipped once per process and served compressed to browsers that
accept it. Fonts and images are already compressed.
"""

import gzip
import hashlib
import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, abort, request, send_from_directory
from flask.sessions import SecureCookieSessionInterface
from werkzeug.security import safe_join

IMMUTABLE = "public, max-age=31536000, immutable"
COMPRESSIBLE = frozenset({".css", ".js", ".svg", ".json", ".jsonld", ".txt"})
IN_MEMORY_BYTES = 256 * 1024  # larger files (fonts) are sent from disk


@dataclass(frozen=True)
class Asset:
    mtime_ns: int
    size: int
    digest: str  # hex SHA-256 of the file
    data: bytes | None  # None: sent from disk
    gzipped: bytes | None  # None: not worth compressing

    @property
    def version(self) -> str:
        return self.digest[:12]


class StaticFiles:
    """Digests and compressed copies of the static folder's files, kept while they are unchanged."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._assets: dict[str, Asset] = {}

    def get(self, filename: str) -> Asset | None:
        path = safe_join(self.folder, filename)
        if path is None or not os.path.isfile(path):
            return None
        stat = os.stat(path)
        asset = self._assets.get(filename)
        if asset is None or (asset.mtime_ns, asset.size) != (stat.st_mtime_ns, stat.st_size):
            data = Path(path).read_bytes()
            compressible = Path(filename).suffix in COMPRESSIBLE and len(data) > 512
            asset = Asset(
                stat.st_mtime_ns,
                stat.st_size,
                hashlib.sha256(data).hexdigest(),
                data if len(data) <= IN_MEMORY_BYTES else None,
                gzip.compress(data, 9, mtime=0) if compressible else None,
            )
            self._assets[filename] = asset
        return asset


class StaticAwareSessionInterface(SecureCookieSessionInterface):
    """Cookie sessions that leave static files alone: no `Set-Cookie`, no `Vary: Cookie`.

    Flask-Login looks at the session on every response, which would make browsers keep one
    copy of app.css per session cookie (and the cookie is refreshed every minute).
    """

    def save_session(self, app: Flask, session, response: Response) -> None:
        if request.endpoint == "static" and not session.modified:
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """Fingerprint static URLs and serve static files with long caching and gzip."""
    files = StaticFiles(app.static_folder)
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = StaticAwareSessionInterface()

    @app.url_defaults
    def fingerprint(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and "filename" in values:
            asset = files.get(values["filename"])
            if asset is not None:
                values["v"] = asset.version

    def serve_static(filename: str) -> Response:
        asset = files.get(filename)
        if asset is None:
            abort(404)
        if asset.gzipped is not None and request.accept_encodings["gzip"]:
            response = Response(asset.gzipped, mimetype=_media_type(filename))
            response.headers["Content-Encoding"] = "gzip"
            response.set_etag(f"{asset.version}-gz")
        elif asset.data is not None:
            response = Response(asset.data, mimetype=_media_type(filename))
            response.set_etag(asset.version)
        else:
            response = send_from_directory(app.static_folder, filename, etag=asset.version)
        response.make_conditional(request)
        if asset.gzipped is not None:
            response.vary.add("Accept-Encoding")
        if request.args.get("v") == asset.version:
            response.headers["Cache-Control"] = IMMUTABLE
        else:
            response.headers["Cache-Control"] = "no-cache"  # revalidate with the ETag
        return response

    app.view_functions["static"] = serve_static


def _media_type(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"
