"""Practical work: handing in text and files, content-checked storage, review against the rubric,
resubmission, completion, and nobody outside the course or region seeing the work."""

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from depomi_learn.content.importer import import_tree
from depomi_learn.extensions import db
from depomi_learn.learning.practical_work.files import stored_path
from depomi_learn.models import (
    AuditEvent,
    Course,
    Enrolment,
    ModuleProgress,
    Review,
    Role,
    Submission,
    SubmissionFile,
    User,
)
from depomi_learn.permissions import (
    can_review_submission,
    can_view_submission,
    submissions_reviewable_by,
    submissions_visible_to,
)
from tests.helpers.authoring import make_author
from tests.helpers.courses import make_course
from tests.helpers.database import FIXTURES
from tests.helpers.people import PASSWORD, csrf_token, make_user
from tests.helpers.practical import ALLOWED, REFUSED, pdf

COURSE_ID = "practical-course"
MODULE = f"/courses/{COURSE_ID}/modules/profil"
LEARNER = "learner@example.ma"
TRAINER = "trainer@example.ma"
HIGH = {"level-donnees": "2", "level-projet": "2"}  # 10 of 10
LOW = {"level-donnees": "1", "level-projet": "0"}  # 2 of 10: below the pass mark of 60 %


@pytest.fixture
def folder(app, tmp_path) -> Path:
    previous = app.config["SUBMISSIONS_FOLDER"]
    app.config["SUBMISSIONS_FOLDER"] = str(tmp_path / "submissions")
    yield tmp_path / "submissions"
    app.config["SUBMISSIONS_FOLDER"] = previous


@pytest.fixture
def learner(app, client, auth, folder) -> int:
    with app.app_context():
        results, findings = import_tree(FIXTURES / COURSE_ID)
        assert results, findings
        db.session.commit()
    user_id = make_user(app, email=LEARNER)
    auth.login(LEARNER)
    page = f"/courses/{COURSE_ID}"
    client.post(f"{page}/enrol", data={"csrf_token": csrf_token(client, page)})
    return user_id


@pytest.fixture
def trainer(app, learner) -> int:
    user_id = make_user(app, email=TRAINER, role=Role.TRAINER, region="oriental")
    make_author(app, COURSE_ID, user_id)
    return user_id


def hand_in(client, *, text: str = "", files: tuple = ()):
    fields = MultiDict({"csrf_token": csrf_token(client, MODULE), "text": text})
    for name, content in files:
        fields.add("files", FileStorage(io.BytesIO(content), filename=name))
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    body, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
    return client.post(
        f"{MODULE}/work",
        input_stream=body,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def review(client, submission_id: int, decision: str, levels: dict, feedback: str = ""):
    page = f"/work/review/{submission_id}"
    data = {"csrf_token": csrf_token(client, page), "decision": decision, "feedback": feedback}
    return client.post(page, data={**data, **levels})


def switch_to(auth, email: str) -> None:
    auth.logout()
    response = auth.login(email, PASSWORD)
    assert response.status_code == 302


def submissions(app) -> list[Submission]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Submission).order_by(Submission.id)).all()
        for row in rows:
            _ = row.files, row.review
        db.session.expunge_all()
        return rows


@pytest.mark.parametrize("kind", sorted(ALLOWED))
def test_each_allowed_type_is_handed_in_and_stored_under_a_random_name(
    app, client, learner, folder, kind
):
    name, build = ALLOWED[kind]
    content = build()
    response = hand_in(client, files=[(name, content)])
    assert response.status_code == 302
    [submission] = submissions(app)
    [item] = submission.files
    assert (item.file_type, item.original_name, item.size) == (kind, name, len(content))
    assert re.fullmatch(r"[0-9a-f]{32}", item.stored_name)
    assert [p.name for p in folder.iterdir()] == [item.stored_name]
    assert (folder / item.stored_name).read_bytes() == content
    page = client.get(MODULE).get_data(as_text=True)
    assert "Awaiting review" in page
    assert name in page


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_files_are_explained_and_change_nothing(app, client, learner, folder, case):
    name, content, message = REFUSED[case]
    response = hand_in(client, text="Mon profil", files=[(name, content)])
    assert response.status_code == 302
    page = client.get(MODULE).get_data(as_text=True)
    assert message in page
    assert submissions(app) == []
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_hostile_file_name_is_kept_only_as_clean_metadata(app, client, learner, folder):
    hand_in(client, files=[("../../etc/\x1bpasswd<script>.pdf", pdf())])
    [item] = submissions(app)[0].files
    assert item.original_name == "passwd_script_.pdf"
    assert list(folder.iterdir()) == [folder / item.stored_name]


def test_too_many_files_and_an_empty_hand_in_are_refused(app, client, learner):
    response = hand_in(client, files=[(f"p{n}.pdf", pdf()) for n in range(4)])
    assert response.status_code == 302
    assert "Attach at most 3 files." in client.get(MODULE).get_data(as_text=True)
    hand_in(client, text="   ")
    assert "Write your answer or attach a file" in client.get(MODULE).get_data(as_text=True)
    assert submissions(app) == []


def test_a_second_hand_in_while_one_awaits_review_makes_nothing(app, client, learner):
    hand_in(client, text="Première version")
    hand_in(client, text="Deuxième onglet", files=[("p.pdf", pdf())])
    assert [s.text for s in submissions(app)] == ["Première version"]
    assert "awaiting review" in client.get(MODULE).get_data(as_text=True)


def test_the_database_refuses_two_open_submissions(app, learner):
    hand_in_row = {"course_id": COURSE_ID, "module_key": "profil", "work_key": "profil-commune"}
    with app.app_context():
        version_id = db.session.get(Course, COURSE_ID).current_version_id
        for number in (1, 2):
            db.session.add(
                Submission(user_id=learner, version_id=version_id, number=number, **hand_in_row)
            )
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()


def test_mark_as_read_does_not_complete_a_module_with_work(app, client, learner):
    page = f"{MODULE}/read"
    response = client.post(page, data={"csrf_token": csrf_token(client, MODULE)})
    assert response.status_code == 400
    assert "Mark as read" not in client.get(MODULE).get_data(as_text=True)


def test_review_resubmission_and_pass_complete_the_course(app, client, auth, learner, trainer):
    hand_in(client, text="Le profil de ma commune", files=[("profil.pdf", pdf())])
    switch_to(auth, TRAINER)
    queue = client.get("/work/review").get_data(as_text=True)
    assert "Fatima Zahra Alaoui" in queue
    assert "profil" in queue
    first = submissions(app)[0]
    page = client.get(f"/work/review/{first.id}").get_data(as_text=True)
    assert "Le profil de ma commune" in page
    assert "La fiche projet est cohérente" in page

    review(client, first.id, "pass", LOW)
    assert "below the pass mark" in client.get(f"/work/review/{first.id}").get_data(as_text=True)
    assert submissions(app)[0].status == "submitted"
    review(client, first.id, "resubmit", LOW, "Ajoutez les données de 2024.")
    assert submissions(app)[0].status == "resubmit"
    assert review(client, first.id, "pass", HIGH).status_code == 302
    assert submissions(app)[0].review.percent == 20

    switch_to(auth, LEARNER)
    page = client.get(MODULE).get_data(as_text=True)
    assert "Resubmission asked" in page
    assert "Ajoutez les données de 2024." in page
    hand_in(client, text="Le profil, avec 2024")
    second = submissions(app)[1]
    assert (second.number, second.status) == (2, "submitted")

    switch_to(auth, TRAINER)
    assert "Ajoutez les données de 2024." in client.get(f"/work/review/{second.id}").get_data(
        as_text=True
    )
    review(client, second.id, "pass", HIGH, "Très bon travail.")
    switch_to(auth, LEARNER)
    client.post(
        f"/courses/{COURSE_ID}/modules/lecture/read",
        data={"csrf_token": csrf_token(client, MODULE)},
    )
    with app.app_context():
        assert db.session.scalar(
            sa.select(ModuleProgress.completed_at).where(ModuleProgress.module_key == "profil")
        )
        assert db.session.scalar(sa.select(Enrolment.completed_at))
        reviews = db.session.scalars(sa.select(Review).order_by(Review.id)).all()
        assert [(r.passed, r.points, r.levels) for r in reviews] == [
            (False, 2, {"donnees": 1, "projet": 0}),
            (True, 10, {"donnees": 2, "projet": 2}),
        ]
        events = db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == "practical_work_reviewed")
            .order_by(AuditEvent.id)
        ).all()
        assert [e.details["decision"] for e in events] == ["resubmit", "pass"]
        assert {e.actor_id for e in events} == {trainer}
    page = client.get(MODULE).get_data(as_text=True)
    assert "Très bon travail." in page
    assert "Hand in" not in page


def test_passed_work_completes_the_module_before_the_other_lessons(
    app, client, auth, learner, trainer
):
    hand_in(client, text="Profil")
    switch_to(auth, TRAINER)
    review(client, submissions(app)[0].id, "pass", HIGH)
    with app.app_context():
        progress = db.session.scalar(
            sa.select(ModuleProgress).where(ModuleProgress.module_key == "profil")
        )
        assert progress.completed_at is not None
        assert db.session.scalar(sa.select(Enrolment.completed_at)) is None  # lecture not read


def test_owner_downloads_as_attachment_without_sniffing(app, client, learner):
    hand_in(client, files=[("profil.pdf", pdf())])
    item = submissions(app)[0].files[0]
    response = client.get(f"/work/files/{item.id}")
    assert response.status_code == 200
    assert response.data == pdf()
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"
    response.close()


def test_nobody_outside_the_course_or_region_sees_the_work(app, client, auth, learner, trainer):
    hand_in(client, text="Confidentiel", files=[("profil.pdf", pdf())])
    submission = submissions(app)[0]
    file_url = f"/work/files/{submission.files[0].id}"
    review_url = f"/work/review/{submission.id}"
    make_course(app, "other-course")
    outsiders = {
        "other@example.ma": make_user(app, email="other@example.ma", region="oriental"),
        "t2@example.ma": make_user(app, email="t2@example.ma", role=Role.TRAINER),
        "c2@example.ma": make_user(
            app, email="c2@example.ma", role=Role.COORDINATOR, region="oriental"
        ),
    }
    make_author(app, "other-course", outsiders["t2@example.ma"])
    for email in outsiders:
        switch_to(auth, email)
        assert client.get(file_url).status_code == 404, email
        assert client.get(review_url).status_code in (403, 404), email
        assert review(client, submission.id, "pass", HIGH).status_code in (403, 404), email
        assert "Confidentiel" not in client.get("/work/review").get_data(as_text=True)
    assert client.get("/work/counts").get_data(as_text=True).count(COURSE_ID) == 0
    assert submissions(app)[0].status == "submitted"
    for hostile in ("999999999999999999999999999999", "0", "-1", "1.0"):
        assert client.get(f"/work/files/{hostile}").status_code == 404
    assert client.get("/work/files/1%00").status_code == 400


def test_coordinators_count_their_region_only(app, client, auth, learner, trainer):
    hand_in(client, text="Profil")
    make_user(app, email="c@example.ma", role=Role.COORDINATOR, region="souss-massa")
    switch_to(auth, "c@example.ma")
    page = client.get("/work/counts").get_data(as_text=True)
    row = re.search(rf"<th scope=\"row\">{COURSE_ID}</th>((?:<td>\d+</td>)+)", page)
    assert row is not None
    assert re.findall(r"\d+", row.group(1)) == ["1", "1", "0", "0"]
    item_url = f"/work/review/{submissions(app)[0].id}"
    assert client.get(item_url).status_code == 403  # counting is not reviewing


def test_region_reviewers_are_the_trainers_of_the_learners_region(app, client, learner, trainer):
    hand_in(client, text="Profil")
    local = make_user(app, email="local@example.ma", role=Role.TRAINER, region="souss-massa")
    with app.app_context():
        submission = db.session.scalar(sa.select(Submission))
        submission.reviewers = "region"
        db.session.flush()
        author, neighbour = db.session.get(User, trainer), db.session.get(User, local)
        assert can_review_submission(neighbour, submission)
        assert not can_review_submission(author, submission)  # another region's trainer
        assert db.session.scalars(submissions_reviewable_by(neighbour)).all() == [submission]
        assert db.session.scalars(submissions_reviewable_by(author)).all() == []
        assert db.session.scalars(submissions_visible_to(author)).all() == []
        assert can_view_submission(db.session.get(User, learner), submission)
        db.session.rollback()


def test_stored_files_are_only_found_by_their_random_name(ctx, folder):
    for hostile in ("../app.db", "a" * 32 + "/", "passwd", "A" * 32):
        with pytest.raises(ValueError, match="not a stored file name"):
            stored_path(hostile)
    assert stored_path("0" * 32) == folder / ("0" * 32)


def test_a_file_row_never_points_outside_the_folder(app, client, learner):
    hand_in(client, files=[("profil.pdf", pdf())])
    with app.app_context():
        item = db.session.scalar(sa.select(SubmissionFile))
        item.stored_name = "../../config.py"
        db.session.commit()
        file_id = item.id
    assert client.get(f"/work/files/{file_id}").status_code == 404
