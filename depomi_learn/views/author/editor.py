"""The editor: one file of the draft with its live preview, findings at their lines, and images."""

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...authoring import AuthoringError
from ...authoring.drafts import EditConflict, delete_file, draft_files, write_file
from ...authoring.folder import COURSE_YAML, relative_path, set_translated_from
from ...authoring.forms import ImageForm
from ...authoring.images import MAX_UPLOAD_BYTES, clean_image
from ...authoring.preview import Preview, preview_file
from ...authoring.snippets import snippets
from ...content.assets import sniff_media_type
from ...extensions import db
from ...learning.catalog import without_leading_title
from ...models import Course, CourseDraft
from ..security import safe_next_url
from ..transactions import reads_only
from .common import audit, bp, course_url, draft_or_404, editable_course_or_404


def _editable_path(path: str) -> bool:
    return path == COURSE_YAML or (path.endswith(".md") and not path.startswith("assets/"))


def _file_or_404(draft: CourseDraft, path: str):
    row = next((row for row in draft.files if row.path == path), None)
    if row is None or not _editable_path(path):
        abort(404)
    return row


@bp.route("/<course_id>/files/<path:path>", methods=["GET", "POST"])
def edit_file(course_id: str, path: str):
    course = editable_course_or_404(course_id)
    draft = draft_or_404(course)
    row = _file_or_404(draft, path)
    try:
        text = row.data.decode("utf-8")
    except UnicodeDecodeError:
        flash(_("This file is not UTF-8: fix it on your computer and upload the course again."),
              "error")  # fmt: skip
        return redirect(course_url(course))
    base_sha, status = row.sha256, 200
    if request.method == "POST":
        text = request.form.get("text", "").replace("\r\n", "\n")
        action = request.form.get("action", "save")
        base_sha = request.form.get("base_sha", base_sha)
        if action == "upload_image":  # without JavaScript: the unsaved text comes back below
            _upload_with_text(course, draft)
        elif action in ("save", "mark_current"):
            preview = _preview(course, draft, path, text) if action == "mark_current" else None
            if preview is not None and preview.translation is not None:
                text = set_translated_from(text, preview.translation.expected)
            try:
                data = _as_file_bytes(text, row.data)
                write_file(draft, path, data, current_user, expected_sha=base_sha)
            except EditConflict as conflict:
                db.session.rollback()
                flash(conflict.message, "error")
                base_sha, status = row.sha256, 409  # saving again overwrites, knowingly
            else:
                db.session.commit()
                flash(_("Saved in the draft."), "success")
                return redirect(url_for("author.edit_file", course_id=course.id, path=path))
    preview = _preview(course, draft, path, text)
    return render_template(
        "author/edit.html",
        course=course,
        draft=draft,
        path=path,
        text=text,
        base_sha=base_sha,
        language=path.split("/", 1)[0] if "/" in path else "",
        preview=preview,
        snippets=snippets(),
        assets=sorted(
            p.removeprefix("assets/") for p in draft_files(draft) if p.startswith("assets/")
        ),
        image_form=ImageForm(back_to=request.path),
        **_preview_context(course, preview),
    ), status


def _as_file_bytes(text: str, original: bytes) -> bytes:
    """Encode edited text the way the file was written: same line endings and BOM."""
    if b"\r\n" in original:
        text = text.replace("\n", "\r\n")
    if original.startswith(b"\xef\xbb\xbf") and not text.startswith("\ufeff"):
        text = "\ufeff" + text
    return text.encode("utf-8")


def _preview(course: Course, draft: CourseDraft, path: str, text: str) -> Preview:
    def asset_url(name: str) -> str | None:
        if f"assets/{name}" not in files:
            return None
        return url_for("author.draft_asset", course_id=course.id, name=name)

    def module_url(target: str) -> str | None:
        return (
            url_for("author.edit_file", course_id=course.id, path=target)
            if target in files
            else None
        )

    files = draft_files(draft)
    return preview_file(course.id, files, path, text, asset_url=asset_url, module_url=module_url)


def _preview_context(course: Course, preview: Preview) -> dict:
    here = [f for f in preview.findings if relative_path(f, course.id) == preview.path]
    elsewhere = [f for f in preview.findings if relative_path(f, course.id) != preview.path]
    return {
        "findings_here": here,
        "findings_elsewhere": elsewhere,
        "errors": sum(1 for f in preview.findings if f.is_error),
        "warnings": sum(1 for f in preview.findings if not f.is_error),
        "body_html": without_leading_title(preview.html),
    }


@bp.route("/<course_id>/preview", methods=["POST"])
@reads_only
def preview(course_id: str):
    course = editable_course_or_404(course_id)
    draft = draft_or_404(course)
    path = request.form.get("path", "")
    _file_or_404(draft, path)
    text = request.form.get("text", "").replace("\r\n", "\n")
    result = _preview(course, draft, path, text)
    context = _preview_context(course, result)
    html = render_template("author/_preview.html", course=course, preview=result, **context)
    return jsonify(html=html, errors=context["errors"], warnings=context["warnings"])


@bp.route("/<course_id>/assets", methods=["POST"])
def upload_image(course_id: str):
    course = editable_course_or_404(course_id)
    draft = draft_or_404(course)
    form = ImageForm()
    back = safe_next_url(form.back_to.data, course_url(course))
    if not form.validate_on_submit():
        flash(_("Choose an image to upload."), "error")
        return redirect(back)
    try:
        name = _store_image(course, draft, form)
    except AuthoringError as error:
        flash(error.message, "error")
        return redirect(back)
    message = _(
        "Image saved as assets/%(name)s: write ![description](../assets/%(name)s) in a module.",
        name=name,
    )
    flash(message, "success")
    return redirect(back)


@bp.route("/<course_id>/editor-images", methods=["POST"])
def upload_image_from_editor(course_id: str):
    """Store an image sent by the editor's script; answer its Markdown, the page stays."""
    course = editable_course_or_404(course_id)
    draft = draft_or_404(course)
    form = ImageForm()
    if not form.validate_on_submit():
        return jsonify(error=_("Choose an image to upload.")), 400
    try:
        name = _store_image(course, draft, form)
    except AuthoringError as error:
        return jsonify(error=error.message), 400
    message = _("Image saved as assets/%(name)s and inserted at the cursor.", name=name)
    return jsonify(name=name, markdown=image_markdown(name), message=message)


def _upload_with_text(course: Course, draft: CourseDraft) -> None:
    """Store the image posted with the editor's text (no JavaScript); flash the outcome."""
    form = ImageForm()
    if not form.validate_on_submit():
        flash(_("Choose an image to upload."), "error")
        return
    try:
        name = _store_image(course, draft, form)
    except AuthoringError as error:
        flash(error.message, "error")
        return
    message = _(
        "Image saved as assets/%(name)s. Your text below is not saved yet: insert the image "
        "where it belongs, then save.",
        name=name,
    )
    flash(message, "success")


def _store_image(course: Course, draft: CourseDraft, form: ImageForm) -> str:
    """Check the uploaded image, store it in the draft's assets and commit; return its name."""
    upload = form.image.data
    image = clean_image(upload.filename or "image", upload.stream.read(MAX_UPLOAD_BYTES + 1))
    write_file(draft, f"assets/{image.name}", image.data, current_user)
    audit("course_image_uploaded", course, path=image.name, bytes=len(image.data))
    db.session.commit()
    return image.name


def image_markdown(name: str) -> str:
    """Return the Markdown that shows an image of assets/ from a module file."""
    return f"![{_('Description of the image')}](../assets/{name})"


@bp.route("/<course_id>/assets/<path:name>/delete", methods=["POST"])
def delete_image(course_id: str, name: str):
    course = editable_course_or_404(course_id)
    draft = draft_or_404(course)
    try:
        delete_file(draft, f"assets/{name}", current_user)
    except AuthoringError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Image removed from the draft."), "success")
    return redirect(course_url(course, _anchor="images"))


@bp.route("/<course_id>/draft-assets/<path:name>")
def draft_asset(course_id: str, name: str):
    course = editable_course_or_404(course_id)
    draft = draft_or_404(course)
    row = next((row for row in draft.files if row.path == f"assets/{name}"), None)
    if row is None:
        abort(404)
    response = Response(row.data, mimetype=sniff_media_type(row.data))
    if response.mimetype == "image/svg+xml":
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'"
        )
    return response
