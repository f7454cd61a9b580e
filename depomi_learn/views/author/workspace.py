"""The workspace: my courses, a new course, a course's overview, settings, modules and authors."""

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...authoring import AuthoringError
from ...authoring.authors import add_author, authors_of, remove_author
from ...authoring.drafts import (
    EditConflict,
    add_module,
    add_translation,
    check_draft,
    create_course,
    discard_draft,
    draft_files,
    get_draft,
    learner_work,
    move_module,
    new_meta,
    remove_module,
    start_draft,
    write_file,
)
from ...authoring.folder import COURSE_YAML, dump_meta, read_meta
from ...authoring.forms import AuthorForm, CourseForm, ImageForm, ModuleForm, ZipForm
from ...authoring.outline import outline
from ...authoring.settings import meta_with_settings, settings_of, split_list
from ...extensions import db
from ...models import Course, CourseDraft
from ...permissions import can_manage_authors, courses_editable_by
from .common import audit, bp, course_url, draft_or_404, editable_course_or_404


@bp.route("/")
def workspace():
    courses = db.session.scalars(courses_editable_by(current_user).order_by(Course.id)).all()
    drafts = {
        draft.course_id: draft
        for draft in db.session.scalars(
            sa.select(CourseDraft).where(CourseDraft.course_id.in_([c.id for c in courses]))
        )
    }
    titles = {course.id: _title(course, drafts.get(course.id)) for course in courses}
    return render_template(
        "author/workspace.html", courses=courses, drafts=drafts, titles=titles, zip_form=ZipForm()
    )


def _title(course: Course, draft: CourseDraft | None) -> str:
    if course.current_version is not None:
        return course.current_version.text("title", course.current_version.default_language)
    try:
        meta = read_meta(draft_files(draft)) if draft else {}
    except AuthoringError:
        return course.id
    titles = meta.get("title") if isinstance(meta.get("title"), dict) else {}
    return str(titles.get(meta.get("default_language")) or course.id)


@bp.route("/new", methods=["GET", "POST"])
def new_course():
    form = CourseForm()
    if request.method == "GET":
        form.process(data=settings_of(new_meta("")))
    if form.validate_on_submit() and _check_languages(form):
        meta = _meta_from_form(form, new_meta(form.course_id.data))
        try:
            course = create_course(meta, current_user)
        except AuthoringError as error:
            form.course_id.errors.append(error.message)
        else:
            audit("course_created", course)
            db.session.commit()
            flash(_("Course created. Add its first module."), "success")
            return redirect(course_url(course))
    return render_template("author/course_form.html", form=form, course=None, **_texts(form))


@bp.route("/<course_id>/settings", methods=["GET", "POST"])
def settings(course_id: str):
    course = editable_course_or_404(course_id)
    draft = draft_or_404(course)
    try:
        meta = read_meta(draft_files(draft))
    except AuthoringError as error:
        flash(error.message, "error")
        return redirect(url_for("author.edit_file", course_id=course.id, path=COURSE_YAML))
    form = CourseForm()
    if request.method == "GET":
        form.process(data=settings_of(meta))
    form.course_id.data = course.id  # permanent
    base_sha = request.form.get("base_sha") or _course_yaml_sha(draft)
    if form.validate_on_submit() and _check_languages(form):
        data = dump_meta(_meta_from_form(form, meta))
        try:
            write_file(draft, COURSE_YAML, data, current_user, expected_sha=base_sha)
        except EditConflict as conflict:
            db.session.rollback()
            flash(conflict.message, "error")
            base_sha = _course_yaml_sha(draft)
        else:
            db.session.commit()
            flash(_("Course settings saved in the draft."), "success")
            return redirect(course_url(course))
    return render_template(
        "author/course_form.html",
        form=form,
        course=course,
        base_sha=base_sha,
        has_comments=b"#" in draft_files(draft).get(COURSE_YAML, b""),
        **_texts(form, meta),
    )


def _course_yaml_sha(draft: CourseDraft) -> str:
    return next((row.sha256 for row in draft.files if row.path == COURSE_YAML), "")


def _languages_of(form: CourseForm) -> list[str]:
    return split_list(form.languages.data)


def _check_languages(form: CourseForm) -> bool:
    if form.default_language.data.strip() not in _languages_of(form):
        form.default_language.errors.append(_("The default language must be one of the languages."))
        return False
    return True


def _texts(form: CourseForm, meta: dict | None = None) -> dict:
    """Return the per-language title and summary inputs to show, filled in."""
    meta = meta or {}
    languages = list(dict.fromkeys([*_languages_of(form), *current_app.config["LANGUAGES"]]))
    titles = meta.get("title") if isinstance(meta.get("title"), dict) else {}
    summaries = meta.get("summary") if isinstance(meta.get("summary"), dict) else {}
    if request.method == "POST":
        titles = {code: request.form.get(f"title-{code}", "") for code in languages}
        summaries = {code: request.form.get(f"summary-{code}", "") for code in languages}
    return {"text_languages": languages, "titles": titles, "summaries": summaries}


def _meta_from_form(form: CourseForm, meta: dict) -> dict:
    return meta_with_settings(meta, form.data, request.form)


@bp.route("/<course_id>/")
def course(course_id: str):
    return render_course_page(editable_course_or_404(course_id))


def render_course_page(course: Course, *, status: int = 200, **extra: object):
    """Render a course's overview: its draft with the validator's findings, or its version."""
    draft = get_draft(course.id)
    findings, draft_outline = [], None
    if draft is not None:
        files = draft_files(draft)
        source, findings = check_draft(draft)
        draft_outline = outline(course.id, files, source, findings)
    page = render_template(
        "author/course.html",
        course=course,
        version=course.current_version,
        draft=draft,
        findings=findings,
        outline=draft_outline,
        module_form=ModuleForm(),
        image_form=ImageForm(),
        zip_form=ZipForm(),
        can_manage=can_manage_authors(current_user, course),
        **extra,
    )
    return page, status


@bp.route("/<course_id>/draft", methods=["POST"])
def start_editing(course_id: str):
    course = editable_course_or_404(course_id)
    start_draft(course, current_user)
    db.session.commit()
    return redirect(course_url(course))


@bp.route("/<course_id>/draft/discard", methods=["POST"])
def discard(course_id: str):
    course = editable_course_or_404(course_id)
    draft = draft_or_404(course, lock=True)
    deleted = discard_draft(draft)
    audit("course_draft_discarded", course, course_deleted=deleted)
    db.session.commit()
    flash(_("The draft is discarded."), "success")
    return redirect(url_for("author.workspace") if deleted else course_url(course))


@bp.route("/<course_id>/modules", methods=["POST"])
def new_module(course_id: str):
    course = editable_course_or_404(course_id)
    draft = draft_or_404(course, lock=True)
    form = ModuleForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(errors), "error")
        return redirect(course_url(course))
    try:
        path = add_module(draft, form.module_id.data, form.title.data, current_user)
    except AuthoringError as error:
        flash(error.message, "error")
        return redirect(course_url(course))
    db.session.commit()
    flash(_("Module added. Write it here."), "success")
    return redirect(url_for("author.edit_file", course_id=course.id, path=path))


@bp.route("/<course_id>/modules/<module_id>/move", methods=["POST"])
def move(course_id: str, module_id: str):
    course = editable_course_or_404(course_id)
    draft = draft_or_404(course, lock=True)
    offset = -1 if request.form.get("direction") == "up" else 1
    try:
        move_module(draft, module_id, offset, current_user)
    except AuthoringError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
    return redirect(course_url(course, _anchor="modules"))


@bp.route("/<course_id>/modules/<module_id>/remove", methods=["GET", "POST"])
def remove(course_id: str, module_id: str):
    course = editable_course_or_404(course_id)
    draft = draft_or_404(course, lock=request.method == "POST")
    learners, attempts = learner_work(course.id, module_id)
    unconfirmed = (learners or attempts) and request.form.get("confirm") != "yes"
    if request.method != "POST" or unconfirmed:  # HEAD too: it skips the CSRF check
        return render_template(
            "author/remove_module.html",
            course=course,
            module_id=module_id,
            learners=learners,
            attempts=attempts,
        )
    try:
        paths = remove_module(draft, module_id, current_user)
    except AuthoringError as error:
        flash(error.message, "error")
        return redirect(course_url(course))
    audit("course_module_removed", course, module=module_id, files=paths)
    db.session.commit()
    flash(_("Module removed from the draft."), "success")
    return redirect(course_url(course, _anchor="modules"))


@bp.route("/<course_id>/modules/<module_id>/translations", methods=["POST"])
def translate(course_id: str, module_id: str):
    course = editable_course_or_404(course_id)
    draft = draft_or_404(course, lock=True)
    try:
        path = add_translation(draft, module_id, request.form.get("language", ""), current_user)
    except AuthoringError as error:
        flash(error.message, "error")
        return redirect(course_url(course))
    db.session.commit()
    flash(_("Translation started from the original: translate its texts."), "success")
    return redirect(url_for("author.edit_file", course_id=course.id, path=path))


@bp.route("/<course_id>/authors", methods=["GET", "POST"])
def authors(course_id: str):
    course = editable_course_or_404(course_id)
    manage = can_manage_authors(current_user, course)
    form = AuthorForm()
    if request.method == "POST":
        if not manage:
            abort(403)
        if form.validate_on_submit():
            try:
                row = add_author(course, form.email.data, current_user, owner=form.owner.data)
            except AuthoringError as error:
                form.email.errors.append(error.message)
            else:
                audit("course_author_added", course, user_id=row.user_id, owner=row.is_owner)
                db.session.commit()
                flash(_("Author added."), "success")
                return redirect(url_for("author.authors", course_id=course.id))
    return render_template(
        "author/authors.html", course=course, authors=authors_of(course), form=form, manage=manage
    )


@bp.route("/<course_id>/authors/<int:user_id>/remove", methods=["POST"])
def remove_an_author(course_id: str, user_id: int):
    course = editable_course_or_404(course_id)
    if not can_manage_authors(current_user, course):
        abort(403)
    try:
        remove_author(course, user_id, current_user)
    except AuthoringError as error:
        flash(error.message, "error")
    else:
        audit("course_author_removed", course, user_id=user_id)
        db.session.commit()
        flash(_("Author removed."), "success")
    return redirect(url_for("author.authors", course_id=course.id))
