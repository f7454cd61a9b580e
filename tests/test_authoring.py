"""Authoring in the browser: create, edit with a live preview, publish, roll back, compare."""

import re

import pytest
import sqlalchemy as sa

from depomi_learn.extensions import db
from depomi_learn.models import AuditEvent, Course, CourseAuthor, QuizAttempt, Role
from tests.helpers.authoring import (
    COURSE,
    draft_files,
    import_course,
    make_author,
    module_file,
    post,
    versions,
)
from tests.helpers.people import csrf_token, make_user

EVALUATION = "fr/02-evaluation.md"
EVALUATION_AR = "ar/02-evaluation.md"


@pytest.fixture
def trainer(app, auth) -> int:
    return auth.as_role(Role.TRAINER, region=None)


@pytest.fixture
def course(app, trainer) -> str:
    """The quiz course, imported from files, with the signed-in trainer as its owner."""
    import_course(app)
    make_author(app, COURSE, trainer)
    return COURSE


@pytest.fixture
def draft(client, course) -> str:
    assert post(client, f"/author/{course}/draft").status_code == 302
    return course


def edit(client, path: str, text: str, *, course: str = COURSE, action: str = "save"):
    page = client.get(f"/author/{course}/files/{path}").get_data(as_text=True)
    base_sha = re.search(r'name="base_sha" value="([0-9a-f]*)"', page).group(1)
    return post(
        client,
        f"/author/{course}/files/{path}",
        {"text": text, "base_sha": base_sha, "action": action},
    )


def text_of(app, path: str, course: str = COURSE) -> str:
    return draft_files(app, course)[path].decode()


def test_trainer_creates_a_course_in_french_and_arabic(app, client, trainer):
    response = post(
        client,
        "/author/new",
        {
            "course_id": "migrations-locales",
            "label": "2026.1",
            "languages": "fr, ar",
            "default_language": "fr",
            "title-fr": "Les migrations locales",
            "title-ar": "الهجرة المحلية",
            "summary-fr": "Un cours: pour les communes.",
            "summary-ar": "درس للجماعات.",
            "level": "beginner",
            "duration_minutes": "45",
            "audience": "commune, region",
            "certificate_enabled": "y",
            "validity_months": "24",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == "/author/migrations-locales/"
    files = draft_files(app, "migrations-locales")
    yaml_text = files["course.yaml"].decode()
    assert "title:\n  fr: Les migrations locales\n  ar: الهجرة المحلية\n" in yaml_text
    assert "summary:\n  fr: 'Un cours: pour les communes.'\n" in yaml_text
    assert "languages: [fr, ar]\n" in yaml_text
    assert "version: '2026.1'" in yaml_text
    with app.app_context():
        course = db.session.get(Course, "migrations-locales")
        assert course.current_version_id is None  # unpublished: not in the catalogue
        owner = db.session.scalars(sa.select(CourseAuthor)).one()
        assert (owner.user_id, owner.is_owner) == (trainer, True)
    page = client.get("/author/migrations-locales/").get_data(as_text=True)
    assert "E008" in page  # no module yet: the validator says so
    assert "migrations-locales" not in client.get("/courses").get_data(as_text=True)


def test_a_taken_course_id_is_refused(app, client, course):
    response = post(
        client,
        "/author/new",
        {"course_id": COURSE, "label": "1", "languages": "fr", "default_language": "fr",
         "level": "beginner", "duration_minutes": "5"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "already exists" in response.get_data(as_text=True)


def test_modules_are_added_reordered_and_translated(app, client, draft):
    response = post(
        client, f"/author/{draft}/modules", {"module_id": "synthese", "title": "Synthèse"}
    )
    assert response.headers["Location"] == f"/author/{draft}/files/fr/04-synthese.md"
    assert "modules: [lecture, evaluation, chrono, synthese]" in text_of(app, "course.yaml")
    post(client, f"/author/{draft}/modules/synthese/move", {"direction": "up"})
    assert "modules: [lecture, evaluation, synthese, chrono]" in text_of(app, "course.yaml")
    response = post(client, f"/author/{draft}/modules/synthese/translations", {"language": "ar"})
    assert response.headers["Location"] == f"/author/{draft}/files/ar/04-synthese.md"
    translation = text_of(app, "ar/04-synthese.md")
    assert re.search(r"^translated_from: [0-9a-f]{12}$", translation, re.M)


def test_saving_checks_that_nobody_saved_meanwhile(app, client, draft):
    page = client.get(f"/author/{draft}/files/{EVALUATION}").get_data(as_text=True)
    stale_sha = re.search(r'name="base_sha" value="([0-9a-f]*)"', page).group(1)
    edit(client, EVALUATION, text_of(app, EVALUATION) + "\nUne phrase de plus.\n")
    response = post(
        client,
        f"/author/{draft}/files/{EVALUATION}",
        {"text": "écrasé", "base_sha": stale_sha, "action": "save"},
    )
    assert response.status_code == 409
    assert "Une phrase de plus." in text_of(app, EVALUATION)
    assert "écrasé" in response.get_data(as_text=True)  # the author's text is not lost


def test_the_preview_shows_findings_at_their_line_and_the_page_as_learners_see_it(
    app, client, draft
):
    text = module_file(
        "evaluation",
        "Évaluation",
        "# Évaluation\n\nBonjour <script>alert(1)</script> **monde**\n\n"
        "```quiz\nid: q-single\ntype: single\nprompt: Laquelle ?\noptions:\n"
        "  - id: a\n    text: A\n    correct: true\n"
        "  - id: b\n    text: B\n    correct: true\n```\n",
    )
    response = post(client, f"/author/{draft}/preview", {"path": EVALUATION, "text": text})
    assert response.status_code == 200
    html = response.get_json()["html"]
    assert response.get_json()["errors"] >= 1
    lines = text.split("\n")
    line = lines.index("options:") + 1
    assert f'data-line="{line}"' in html
    assert "E211" in html
    assert "<strong>monde</strong>" in html
    assert "<script>" not in html
    fixed = text.replace("text: B\n    correct: true", "text: B\n    feedback: Non")
    response = post(client, f"/author/{draft}/preview", {"path": EVALUATION, "text": fixed})
    html = response.get_json()["html"]
    assert "E211" not in html
    assert "Laquelle ?" in html
    assert "Answer key (authors only)" in html
    assert '<li class="right">' in html
    assert "Non" in html


def test_the_arabic_preview_is_right_to_left(app, client, draft):
    text = text_of(app, EVALUATION_AR)
    response = post(client, f"/author/{draft}/preview", {"path": EVALUATION_AR, "text": text})
    html = response.get_json()["html"]
    assert '<article class="module-text" lang="ar" dir="rtl">' in html
    page = client.get(f"/author/{draft}/files/{EVALUATION_AR}").get_data(as_text=True)
    assert 'id="text" name="text"' in page
    assert 'lang="ar" dir="rtl"' in page
    assert "Original" in page  # the French file side by side


def test_a_stale_translation_is_flagged_and_marked_current(app, client, draft):
    edit(client, EVALUATION, text_of(app, EVALUATION).replace("Question single", "Question unique"))
    page = client.get(f"/author/{draft}/files/{EVALUATION_AR}").get_data(as_text=True)
    assert "stale-warning" in page
    assert "What changed in the original" in page  # found in version 1's files
    assert '<span class="diff-del">-prompt: Question single</span>' in page
    assert '<span class="diff-add">+prompt: Question unique</span>' in page
    edit(client, EVALUATION_AR, text_of(app, EVALUATION_AR), action="mark_current")
    page = client.get(f"/author/{draft}/files/{EVALUATION_AR}").get_data(as_text=True)
    assert "stale-warning" not in page


def test_publishing_with_errors_is_refused_with_the_findings(app, client, draft):
    broken = text_of(app, EVALUATION).replace("    correct: true\n", "", 1)  # q-single: none
    edit(client, EVALUATION, broken)
    before = versions(app)
    response = post(client, f"/author/{draft}/publish")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was published" in page
    assert "E211" in page
    assert versions(app) == before
    assert text_of(app, EVALUATION) == broken  # the draft is kept as it was


def test_publishing_a_clean_draft_creates_a_version_learners_see(app, client, auth, draft):
    text = text_of(app, "fr/01-lecture.md").replace("Un module à lire.", "Texte révisé en ligne.")
    edit(client, "fr/01-lecture.md", text)
    response = post(client, f"/author/{draft}/publish")
    assert response.status_code == 302
    assert [number for number, _hash in versions(app)] == [1, 2]
    assert draft_files(app) is None  # published: the draft is done with
    with app.app_context():
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "course_published")
        ).one()
        assert event.details["version"] == 2
    auth.logout()
    make_user(app, email="lea@example.ma")
    auth.login("lea@example.ma")
    client.post(f"/courses/{COURSE}/enrol", data={"csrf_token": csrf_token(client, "/courses")})
    page = client.get(f"/courses/{COURSE}/modules/lecture").get_data(as_text=True)
    assert "Texte révisé en ligne." in page


def test_publishing_an_unchanged_draft_creates_nothing(app, client, draft):
    response = post(client, f"/author/{draft}/publish", follow_redirects=True)
    assert "Nothing changed since version 1" in response.get_data(as_text=True)
    assert len(versions(app)) == 1


def test_rollback_republishes_an_old_version_as_the_newest(app, client, draft):
    edit(client, "fr/01-lecture.md", module_file("lecture", "Lecture", "Version deux."))
    post(client, f"/author/{draft}/publish")
    response = post(client, f"/author/{draft}/versions/1/republish")
    assert response.status_code == 302
    (one, first_hash), (_two, second_hash), (three, third_hash) = versions(app)
    assert (one, three) == (1, 3)
    assert third_hash == first_hash != second_hash
    page = client.get(f"/author/{draft}/versions").get_data(as_text=True)
    assert "Same content as version 1" in page


def test_diff_between_two_versions(app, client, draft):
    edit(client, "fr/01-lecture.md", module_file("lecture", "Lecture", "Version deux."))
    post(client, f"/author/{draft}/publish")
    page = client.get(f"/author/{draft}/diff?from=1&to=2").get_data(as_text=True)
    assert "fr/01-lecture.md" in page
    assert '<span class="diff-add"><bdi>+Version deux.</bdi></span>' in page
    assert '<span class="diff-del"><bdi>-Un module à lire.</bdi></span>' in page
    assert "fr/02-evaluation.md" not in page  # unchanged files are not listed


def _attempt(app, user_id: int) -> None:
    with app.app_context():
        version = db.session.get(Course, COURSE).current_version
        db.session.add(
            QuizAttempt(
                user_id=user_id, course_id=COURSE, module_key="evaluation",
                version_id=version.id, number=1, language="fr", settings={}, questions=[],
            )
        )  # fmt: skip
        db.session.commit()


def test_removing_a_question_learners_answered_asks_for_confirmation(app, client, draft):
    _attempt(app, make_user(app, email="lea@example.ma"))
    text = text_of(app, EVALUATION)
    start = text.index("```quiz\nid: q-numeric")
    edit(client, EVALUATION, text[:start])
    ar = text_of(app, EVALUATION_AR)
    edit(client, EVALUATION_AR, ar[: ar.index("```quiz\nid: q-numeric")])
    response = post(client, f"/author/{draft}/publish")
    assert response.status_code == 409
    assert "q-numeric" in response.get_data(as_text=True)
    assert len(versions(app)) == 1
    response = post(client, f"/author/{draft}/publish", {"confirm_removals": "yes"})
    assert response.status_code == 302
    assert len(versions(app)) == 2
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(QuizAttempt.id))) == 1  # kept


def test_removing_a_module_with_learner_work_asks_for_confirmation(app, client, draft):
    _attempt(app, make_user(app, email="lea@example.ma"))
    page = client.get(f"/author/{draft}/modules/evaluation/remove").get_data(as_text=True)
    assert "1 attempt" in page
    post(client, f"/author/{draft}/modules/evaluation/remove")  # not confirmed
    assert EVALUATION in draft_files(app)
    post(client, f"/author/{draft}/modules/evaluation/remove", {"confirm": "yes"})
    files = draft_files(app)
    assert EVALUATION not in files
    assert EVALUATION_AR not in files
    assert "modules: [lecture, chrono]" in files["course.yaml"].decode()


def test_a_head_request_never_removes_a_module(app, client, draft):
    # HEAD is routed like GET and skips the CSRF check: it must only show the page.
    assert client.head(f"/author/{draft}/modules/evaluation/remove").status_code == 200
    assert EVALUATION in draft_files(app)


def test_discarding_the_draft_keeps_the_published_version(app, client, draft):
    post(client, f"/author/{draft}/draft/discard")
    assert draft_files(app) is None
    assert len(versions(app)) == 1


def test_owner_adds_a_co_author_who_may_edit_but_not_choose_authors(app, client, auth, course):
    make_user(app, email="co@example.ma", role=Role.TRAINER)
    response = post(client, f"/author/{course}/authors", {"email": "co@example.ma"})
    assert response.status_code == 302
    auth.logout()
    auth.login("co@example.ma")
    assert client.get(f"/author/{course}/").status_code == 200
    response = post(client, f"/author/{course}/authors", {"email": "co@example.ma"})
    assert response.status_code == 403


def test_learners_cannot_be_authors(app, client, course):
    make_user(app, email="lea@example.ma")
    response = post(client, f"/author/{course}/authors", {"email": "lea@example.ma"})
    assert "Only trainers can be authors" in response.get_data(as_text=True)


def test_without_javascript_the_check_button_previews_without_saving(app, client, draft):
    before = text_of(app, EVALUATION)
    text = module_file("evaluation", "Évaluation", "Brouillon **gras**")
    response = edit(client, EVALUATION, text, action="preview")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<strong>gras</strong>" in page
    assert "Brouillon **gras**" in page
    assert text_of(app, EVALUATION) == before


def test_course_yaml_is_checked_as_it_is_typed(app, client, draft):
    text = text_of(app, "course.yaml").replace("level: beginner", "level: expert")
    response = post(client, f"/author/{draft}/preview", {"path": "course.yaml", "text": text})
    line = text.split("\n").index("level: expert") + 1
    html = response.get_json()["html"]
    assert "E009" in html
    assert f'data-line="{line}"' in html


def test_the_settings_form_rewrites_the_metadata_of_the_draft(app, client, draft):
    page = client.get(f"/author/{draft}/settings").get_data(as_text=True)
    assert 'value="Cours de quiz"' in page
    assert 'value="fr, ar"' in page
    response = post(
        client,
        f"/author/{draft}/settings",
        {"label": "2027.1", "languages": "fr, ar", "default_language": "fr",
         "title-fr": "Cours revu", "title-ar": "درس", "summary-fr": "Résumé",
         "summary-ar": "ملخص", "level": "advanced", "duration_minutes": "90",
         "prerequisites": "", "audience": "commune"},
    )  # fmt: skip
    assert response.status_code == 302
    yaml_text = text_of(app, "course.yaml")
    assert "version: '2027.1'" in yaml_text
    assert "level: advanced" in yaml_text
    assert "modules: [lecture, evaluation, chrono]" in yaml_text  # the modules are kept
    assert "certificate:\n  enabled: false\n" in yaml_text
    response = post(
        client,
        f"/author/{draft}/settings",
        {"label": "x", "languages": "fr", "default_language": "ar", "level": "beginner",
         "duration_minutes": "5"},
    )  # fmt: skip
    assert "The default language must be one of the languages." in response.get_data(as_text=True)


def test_the_draft_is_compared_with_the_published_version(app, client, draft):
    edit(client, "fr/01-lecture.md", module_file("lecture", "Lecture", "Nouveau texte."))
    page = client.get(f"/author/{draft}/diff").get_data(as_text=True)
    assert "From version 1 to the draft" in page
    assert "+Nouveau texte." in page
    response = client.get(f"/author/{draft}/export.zip?draft=1")
    assert response.headers["Content-Disposition"] == f'attachment; filename="{COURSE}-draft.zip"'
