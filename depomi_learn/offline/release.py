"""The installable web app: its manifest, the release its service worker carries, and the opaque
key that names a person's offline copies on a shared phone."""

import hashlib
import hmac
from importlib import metadata
from pathlib import Path

from flask import Flask, current_app, url_for
from flask_babel import gettext as _

from ..i18n import direction
from ..models import User

THEME_COLOUR = "#0b5d4b"  # --brand in app.css
BACKGROUND_COLOUR = "#f3f6f4"  # --wash
ICON_SIZES = (192, 512)
SW_TEMPLATE = "offline/sw.js"
# Static files every offline page needs; the worker keeps them in its release's cache.
SHELL_FILES = ("css/app.css", "js/offline-store.js", "js/offline.js")


def _package_version() -> str:
    try:
        return metadata.version("depomi-learn")
    except metadata.PackageNotFoundError:
        return "0"


def release_digest(app: Flask) -> str:
    """Digest the package version, the static files and the worker's templates."""
    digest = hashlib.sha256(_package_version().encode())
    if app.static_folder is None or app.template_folder is None:
        raise RuntimeError("the application has no static or template folder")
    folders = (Path(app.static_folder), Path(app.root_path, app.template_folder, "offline"))
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def release_version() -> str:
    """Return the release the service worker carries: the app's version and its static files.

    Computed once per process (the files do not change under a running release), every time in
    debug mode so that a developer's edit is a new release.
    """
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    cached = app.extensions.get("offline_release")
    if cached is None or app.debug:
        cached = app.extensions["offline_release"] = release_digest(app)
    return cached


def user_key(user: User) -> str:
    """Return the opaque key naming `user`'s offline copies (no id or email on the phone)."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"offline-user:{user.id}".encode(), hashlib.sha256).hexdigest()[:20]


def manifest(language: str) -> dict:
    """Return the web app manifest in the interface language."""
    return {
        "id": "/",
        "name": _("DEPOMI Learn: training in migration policies"),
        "short_name": _("DEPOMI Learn"),
        "description": _("Courses for the regional deployment of migration policies."),
        "lang": language,
        "dir": direction(language),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {
                "src": url_for("static", filename=f"img/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in ICON_SIZES
        ],
    }


def shell_urls() -> list[str]:
    """Return the fingerprinted URLs of the static files the worker keeps for its release."""
    files = [*SHELL_FILES, *(f"img/icon-{size}.png" for size in ICON_SIZES)]
    return [url_for("static", filename=name) for name in files]
