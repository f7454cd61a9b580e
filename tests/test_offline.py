"""Offline learning, server side: the manifest, the service worker, course copies, offline quiz
pages and the sync endpoint that records each phone-made id once."""

import io
import json
import shutil
import uuid

import pytest
import sqlalchemy as sa
from flask import Flask
from PIL import Image

from depomi_learn.content.importer import import_tree
from depomi_learn.extensions import db
from depomi_learn.models import ModuleProgress, OfflineSubmission, QuizAttempt, Role
from depomi_learn.offline.release import release_digest
from tests.helpers.database import FIXTURES
from tests.helpers.people import csrf_token

COURSE = "offline-course"
ANSWERS = {"p-un": "true", "p-deux": "a"}


@pytest.fixture
def course(app):
    with app.app_context():
        import_tree(FIXTURES / COURSE)
        db.session.commit()
    return COURSE


@pytest.fixture
def learner(app, client, auth, course):
    """A signed-in learner enrolled in the offline course; returns the CSRF token for sync."""
    auth.as_role(Role.LEARNER)
    client.post(f"/courses/{course}/enrol", data={"csrf_token": csrf_token(client, "/courses")})
    return client.get("/offline/session").get_json()["csrf_token"]


def sync(client, token, *items, headers=None):
    return client.post(
        "/offline/sync",
        data=json.dumps({"items": list(items)}),
        content_type="application/json",
        headers={"X-CSRFToken": token} if headers is None else headers,
    )


def read_item(module="un", client_id=None):
    return {
        "id": client_id or str(uuid.uuid4()),
        "kind": "read",
        "course": COURSE,
        "module": module,
    }


def quiz_item(module="pratique", answers=None, client_id=None):
    return {
        "id": client_id or str(uuid.uuid4()),
        "kind": "quiz",
        "course": COURSE,
        "module": module,
        "lang": "fr",
        "answers": ANSWERS if answers is None else answers,
    }


def counts(app):
    with app.app_context():
        completed = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ModuleProgress)
            .where(ModuleProgress.completed_at.is_not(None))
        )
        attempts = db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt))
        claimed = db.session.scalar(sa.select(sa.func.count()).select_from(OfflineSubmission))
        return completed, attempts, claimed


@pytest.mark.parametrize(
    ("language", "name", "direction"),
    [("fr", "DEPOMI Learn : se former aux politiques migratoires", "ltr"), ("ar", None, "rtl")],
)
def test_manifest_follows_the_interface_language(client, language, name, direction):
    response = client.get("/manifest.webmanifest", headers={"Accept-Language": language})
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert manifest["lang"] == language
    assert manifest["dir"] == direction
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"].startswith("#")
    if name:
        assert manifest["name"] == name
    else:  # Arabic script, not the French or English name
        assert any("\u0600" <= ch <= "\u06ff" for ch in manifest["name"])
        assert any("\u0600" <= ch <= "\u06ff" for ch in manifest["short_name"])


def test_manifest_icons_are_pngs_of_the_declared_sizes(client):
    icons = client.get("/manifest.webmanifest").get_json()["icons"]
    assert {icon["sizes"] for icon in icons} == {"192x192", "512x512"}
    for icon in icons:
        response = client.get(icon["src"])
        assert response.status_code == 200
        assert response.mimetype == icon["type"] == "image/png"
        image = Image.open(io.BytesIO(response.data))
        assert f"{image.width}x{image.height}" == icon["sizes"]


def test_pages_link_the_manifest_and_the_offline_script(client):
    html = client.get("/courses").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert "js/offline.js?v=" in html
    assert '<meta name="theme-color" content="#0b5d4b">' in html


def test_service_worker_is_served_from_the_root_with_the_site_scope(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] in ("no-cache", "no-store")
    body = response.get_data(as_text=True)
    release = body.split('var VERSION = "', 1)[1].split('"', 1)[0]
    assert len(release) == 16
    # Every file it keeps is named by its content, so a release never mixes old and new files.
    assert 'importScripts("/static/js/offline-store.js?v=' in body
    assert "/static/css/app.css?v=" in body


def test_signed_in_pages_name_their_owner_for_the_worker(app, client, auth):
    assert "X-Depomi-User" not in client.get("/courses").headers
    auth.as_role(Role.LEARNER)
    first = client.get("/courses").headers["X-Depomi-User"]
    auth.logout()
    auth.as_role(Role.LEARNER, region="oriental")
    second = client.get("/courses").headers["X-Depomi-User"]
    assert first != second
    assert len(first) == 20
    assert "@" not in first
    assert not first.isdigit()


def test_marking_read_twice_with_one_id_records_once(app, client, learner):
    item = read_item()
    first = sync(client, learner, item)
    second = sync(client, learner, item)
    assert first.status_code == second.status_code == 200
    assert first.get_json() == second.get_json()
    assert first.get_json()["results"] == [{"id": item["id"], "status": "recorded"}]
    assert counts(app) == (1, 0, 1)
    with app.app_context():
        from depomi_learn.reports.counters import differences

        assert differences(db.session.connection()) == []  # the dashboard counted the activity


def test_quiz_answers_are_graded_once_on_the_server(app, client, learner):
    item = quiz_item()
    first = sync(client, learner, item).get_json()["results"][0]
    assert first["status"] == "graded"
    assert first["percent"] == 100
    assert first["passed"] is True
    assert first["unknown_questions"] == []
    assert client.get(first["result_url"]).status_code == 200
    again = sync(client, learner, item, quiz_item(answers={"p-un": "false"})).get_json()
    assert again["results"][0] == first
    assert again["results"][1]["percent"] == 0  # a new id is a new attempt
    completed, attempts, claimed = counts(app)
    assert (attempts, claimed) == (2, 2)
    assert completed == 1  # the passed quiz completed its module


def test_answers_to_questions_that_no_longer_exist_are_reported(app, client, learner):
    result = sync(client, learner, quiz_item(answers={**ANSWERS, "gone": "x"})).get_json()
    assert result["results"][0]["unknown_questions"] == ["gone"]
    assert result["results"][0]["percent"] == 100


def test_work_on_a_module_that_no_longer_exists_is_reported_not_lost(app, client, learner):
    item = read_item(module="disparu")
    assert sync(client, learner, item).get_json()["results"][0]["status"] == "module_gone"
    assert sync(client, learner, item).get_json()["results"][0]["status"] == "module_gone"
    assert counts(app) == (0, 0, 1)


@pytest.mark.parametrize(
    ("item", "status"),
    [
        (quiz_item(module="finale"), "needs_connection"),  # timed final assessment
        (quiz_item(module="un"), "no_quiz"),
        (read_item(module="pratique"), "has_quiz"),
    ],
)
def test_items_the_server_refuses_are_answered_with_a_reason(app, client, learner, item, status):
    assert sync(client, learner, item).get_json()["results"][0]["status"] == status
    assert counts(app)[:2] == (0, 0)


def test_sync_without_csrf_token_is_refused_and_records_nothing(app, client, learner):
    response = sync(client, learner, read_item(), headers={})
    assert response.status_code == 400
    assert response.get_json()["error"] == "csrf"
    assert sync(client, "forged", read_item()).status_code == 400
    assert counts(app) == (0, 0, 0)


def test_signed_out_sync_is_refused_and_the_phone_keeps_its_queue(app, client, course):
    token = csrf_token(client, "/login")
    response = sync(client, token, read_item())
    assert response.status_code == 401
    assert response.get_json() == {"error": "signed_out"}
    assert client.get("/offline/session").status_code == 401


@pytest.mark.parametrize(
    "bad",
    [
        {"items": [{**read_item(), "id": "1" * 30}]},
        {"items": [{**read_item(), "id": "not-a-uuid"}]},
        {"items": [{**read_item(), "kind": "certificate"}]},
        {"items": [{**read_item(), "course": "../etc"}]},
        {"items": [{**read_item(), "module": "un\x00"}]},
        {"items": [{**quiz_item(), "answers": {"p-un": "a\x00b"}}]},
        {"items": [{**quiz_item(), "answers": {"p-un": {"nested": 1}}}]},
        {"items": [{**read_item(), "made_at": "yesterday"}]},
        {"items": [read_item()] * 101},
        {"items": "all"},
        [read_item()],
    ],
)
def test_hostile_items_get_400_and_change_nothing(app, client, learner, bad):
    good = read_item(module="deux")
    payload = bad if isinstance(bad, list) else {"items": [good, *bad["items"]]}
    if isinstance(bad, dict) and not isinstance(bad["items"], list):
        payload = bad
    response = client.post(
        "/offline/sync",
        data=json.dumps(payload),
        content_type="application/json",
        headers={"X-CSRFToken": learner},
    )
    assert response.status_code == 400
    assert counts(app) == (0, 0, 0)  # not even the good item before the bad one


def test_a_client_id_is_per_person(app, client, auth, learner):
    item = read_item()
    assert sync(client, learner, item).status_code == 200
    auth.logout()
    auth.as_role(Role.LEARNER, region="oriental")
    client.post(f"/courses/{COURSE}/enrol", data={"csrf_token": csrf_token(client, "/courses")})
    token = client.get("/offline/session").get_json()["csrf_token"]
    assert sync(client, token, item).get_json()["results"][0]["status"] == "recorded"
    assert counts(app) == (2, 0, 2)


def test_not_enrolled_learner_gets_no_bundle_and_records_nothing(app, client, auth, course):
    auth.as_role(Role.LEARNER)
    assert client.get(f"/offline/courses/{course}/bundle").status_code == 403
    token = client.get("/offline/session").get_json()["csrf_token"]
    assert sync(client, token, read_item()).get_json()["results"][0]["status"] == "not_enrolled"
    assert counts(app)[:2] == (0, 0)


def test_bundle_lists_pages_images_and_styles_with_sizes(client, learner):
    bundle = client.get(f"/offline/courses/{COURSE}/bundle?lang=fr").get_json()
    urls = [file["url"] for file in bundle["files"]]
    assert bundle["languages"] == ["fr"]
    assert bundle["other_languages"] == ["ar"]
    assert f"/courses/{COURSE}/modules/un?lang=fr" in urls
    assert f"/offline/courses/{COURSE}/modules/pratique/quiz?lang=fr" in urls
    assert not any("finale/quiz" in url for url in urls)  # timed: needs a connection
    assert any(url.startswith("/static/css/app.css?v=") for url in urls)
    assert bundle["bytes"] == sum(file["bytes"] for file in bundle["files"]) > 0
    both = client.get(f"/offline/courses/{COURSE}/bundle?lang=fr&also=ar").get_json()
    assert both["languages"] == ["fr", "ar"]
    assert both["bytes"] > bundle["bytes"]
    assert f"/courses/{COURSE}/modules/un?lang=ar" in [f["url"] for f in both["files"]]
    assert both["version"] != bundle["version"]


def test_bundle_sizes_are_close_to_what_is_downloaded(client, learner):
    bundle = client.get(f"/offline/courses/{COURSE}/bundle?lang=fr").get_json()
    for file in bundle["files"]:
        if file["kind"] in ("page", "quiz"):
            actual = len(client.get(file["url"]).data)
            assert 0.5 * actual < file["bytes"] < 2 * actual, file["url"]


def test_offline_quiz_page_never_holds_answer_keys(client, learner):
    html = client.get(f"/offline/courses/{COURSE}/modules/pratique/quiz?lang=fr").get_data(
        as_text=True
    )
    assert 'data-key="p-un"' in html
    assert "Le conseil régional" in html
    assert "correct" not in html.lower()
    assert "answer_key" not in html


def test_quizzes_that_need_a_connection_have_no_offline_page(client, learner):
    assert client.get(f"/offline/courses/{COURSE}/modules/finale/quiz").status_code == 404
    assert client.get(f"/offline/courses/{COURSE}/modules/un/quiz").status_code == 404
    module = client.get(f"/courses/{COURSE}/modules/finale?lang=fr").get_data(as_text=True)
    assert 'data-offline-quiz=""' in module
    practice = client.get(f"/courses/{COURSE}/modules/pratique?lang=fr").get_data(as_text=True)
    assert (
        f'data-offline-quiz="/offline/courses/{COURSE}/modules/pratique/quiz?lang=fr"' in practice
    )


def test_a_new_published_version_changes_what_the_copy_follows(app, client, learner, tmp_path):
    before = client.get(f"/offline/courses/{COURSE}/bundle?lang=fr").get_json()["version"]
    folder = tmp_path / COURSE
    shutil.copytree(FIXTURES / COURSE, folder)
    lesson = folder / "fr" / "01-un.md"
    lesson.write_text(lesson.read_text("utf-8") + "\nUn paragraphe ajouté.\n", "utf-8")
    with app.app_context():
        import_tree(folder)
        db.session.commit()
    after = client.get(f"/offline/courses/{COURSE}/bundle?lang=fr").get_json()["version"]
    assert after != before  # the page script sees it and downloads the copy again


def test_the_release_changes_with_any_static_file(tmp_path):
    static, templates = tmp_path / "static", tmp_path / "templates"
    (static / "css").mkdir(parents=True)
    (templates / "offline").mkdir(parents=True)
    (static / "css" / "app.css").write_text("body { color: black }")
    (templates / "offline" / "sw.js").write_text("// worker")
    site = Flask(__name__, static_folder=str(static), template_folder=str(templates))
    first = release_digest(site)
    assert release_digest(site) == first
    (static / "css" / "app.css").write_text("body { color: navy }")
    second = release_digest(site)
    (templates / "offline" / "sw.js").write_text("// worker, changed")
    assert len({first, second, release_digest(site)}) == 3


def test_bundle_lists_each_course_image_once_with_its_size(app, client, auth):
    with app.app_context():
        import_tree(FIXTURES / "courses" / "valid-course")
        db.session.commit()
    auth.as_role(Role.LEARNER)
    client.post("/courses/valid-course/enrol", data={"csrf_token": csrf_token(client, "/courses")})
    bundle = client.get("/offline/courses/valid-course/bundle?lang=fr&also=ar").get_json()
    images = [file for file in bundle["files"] if file["kind"] == "image"]
    assert len(images) == 1  # the same map in both languages is fetched once
    assert images[0]["url"].startswith("/courses/valid-course/assets/")
    response = client.get(images[0]["url"])
    assert response.status_code == 200
    assert len(response.data) == images[0]["bytes"]
