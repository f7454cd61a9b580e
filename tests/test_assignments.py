"""Assignments: who gets the course and the due date, newcomers included, and who is overdue."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from depomi_learn.extensions import db
from depomi_learn.learning.assignments import (
    AssignmentError,
    AssignmentTarget,
    cancel_assignment,
    change_due_date,
    create_assignment,
)
from depomi_learn.models import (
    Assignment,
    AuditEvent,
    Enrolment,
    ProfileChangeRequest,
    Province,
    User,
    utcnow,
)
from tests.helpers.courses import make_course
from tests.helpers.people import csrf_token
from tests.helpers.reports import add_learner, build_world

NEXT_MONTH = date.today() + timedelta(days=30)


@pytest.fixture
def world(app):
    ids = build_world(app)
    make_course(app, "course-c")
    return ids


def _province_id(code: str) -> int:
    return db.session.scalar(sa.select(Province.id).where(Province.code == code))


def _enrolments(course_id: str = "course-c") -> dict[int, Enrolment]:
    rows = db.session.scalars(sa.select(Enrolment).where(Enrolment.course_id == course_id))
    return {row.user_id: row for row in rows}


def _assign(app, creator_id: int, **target) -> tuple[int, int]:
    with app.app_context():
        creator = db.session.get(User, creator_id)
        assignment, count = create_assignment(
            creator, AssignmentTarget(course_id=target.pop("course_id", "course-c"), **target)
        )
        db.session.commit()
        return assignment.id, count


def test_assigning_a_province_enrols_its_learners_with_the_due_date(app, world):
    with app.app_context():
        agadir = _province_id("agadir-ida-outanane")
    assignment_id, count = _assign(app, world["coord_souss"], due_on=NEXT_MONTH, province_id=agadir)
    assert count == 1
    with app.app_context():
        enrolments = _enrolments()
        assert set(enrolments) == {world["s_agadir"]}
        enrolment = enrolments[world["s_agadir"]]
        assert enrolment.assignment_id == assignment_id
        assert enrolment.assigned_by_id == world["coord_souss"]
        assert enrolment.due_at.date() in (NEXT_MONTH, NEXT_MONTH + timedelta(days=1))


def test_a_regional_assignment_reaches_only_the_coordinators_region(app, world):
    _, count = _assign(app, world["coord_souss"], due_on=NEXT_MONTH)
    with app.app_context():
        assert set(_enrolments()) == {
            world["s_agadir"],
            world["s_tiznit"],
            world["s_none"],
            world["learner"],
        }
    assert count == 4


def test_a_national_assignment_by_job_function_crosses_regions(app, world):
    _assign(app, world["national"], due_on=NEXT_MONTH, job_function="Juriste")
    with app.app_context():
        assert set(_enrolments()) == {world["s_agadir"], world["o_oujda"]}


def test_an_existing_enrolment_gets_the_due_date_and_keeps_its_progress(app, world):
    _assign(app, world["coord_souss"], course_id="course-a", due_on=NEXT_MONTH)
    with app.app_context():
        enrolments = _enrolments("course-a")
        assert enrolments[world["s_agadir"]].completed_at is not None  # progress kept
        assert enrolments[world["s_agadir"]].due_at is not None
        # s_tiznit was already due three days ago: the earlier due date stays.
        assert enrolments[world["s_tiznit"]].due_at < utcnow()
        assert world["o_oujda"] in enrolments  # enrolled before, not by this assignment
        assert enrolments[world["o_oujda"]].assignment_id is None


@pytest.mark.parametrize(
    ("target", "field_name"),
    [
        ({"region_id": "oriental"}, "region"),
        ({"province_id": "oujda-angad"}, "province"),
    ],
)
def test_a_regional_coordinator_cannot_target_another_region(app, world, target, field_name):
    with app.app_context():
        values = {}
        if "region_id" in target:
            from depomi_learn.models import Region

            values["region_id"] = db.session.scalar(
                sa.select(Region.id).where(Region.code == target["region_id"])
            )
        else:
            values["province_id"] = _province_id(target["province_id"])
        creator = db.session.get(User, world["coord_souss"])
        with pytest.raises(AssignmentError) as raised:
            create_assignment(creator, AssignmentTarget("course-c", NEXT_MONTH, **values))
        assert raised.value.status == 404
        assert raised.value.field == field_name
        db.session.rollback()
        assert _enrolments() == {}


def test_chosen_learners_outside_the_scope_are_refused(app, world):
    with app.app_context():
        creator = db.session.get(User, world["coord_souss"])
        with pytest.raises(AssignmentError):
            create_assignment(
                creator,
                AssignmentTarget("course-c", NEXT_MONTH, learner_ids=(world["o_oujda"],)),
            )


def test_due_date_in_the_past_is_refused(app, world):
    with app.app_context():
        creator = db.session.get(User, world["coord_souss"])
        with pytest.raises(AssignmentError) as raised:
            create_assignment(creator, AssignmentTarget("course-c", date(2020, 1, 1)))
        assert raised.value.field == "due_on"


def test_new_learners_matching_an_open_assignment_get_it(app, world):
    with app.app_context():
        agadir = _province_id("agadir-ida-outanane")
    _assign(app, world["coord_souss"], due_on=NEXT_MONTH, province_id=agadir)
    newcomer = add_learner(app, "new@souss.ma", province="agadir-ida-outanane")
    elsewhere = add_learner(app, "new@oriental.ma", region="oriental", province="oujda-angad")
    with app.app_context():
        enrolments = _enrolments()
        assert newcomer in enrolments
        assert enrolments[newcomer].due_at is not None
        assert elsewhere not in enrolments


def test_newcomers_do_not_get_an_assignment_already_past_due(app, world):
    assignment_id, _ = _assign(app, world["coord_souss"], due_on=NEXT_MONTH)
    with app.app_context():
        db.session.get(Assignment, assignment_id).due_at = utcnow() - timedelta(days=1)
        db.session.commit()
    newcomer = add_learner(app, "late@souss.ma", province="tiznit")
    with app.app_context():
        assert newcomer not in _enrolments()


def test_a_learner_who_moves_into_the_province_gets_its_assignment(app, client, auth, world):
    with app.app_context():
        agadir = _province_id("agadir-ida-outanane")
    _assign(app, world["coord_souss"], due_on=NEXT_MONTH, province_id=agadir)
    auth.login("l@souss.ma")
    response = client.post(
        "/profile",
        data={
            "name_latin": "Learner Moves",
            "region": "souss-massa",
            "province": "agadir-ida-outanane",
            "preferred_language": "fr",
            "csrf_token": csrf_token(client, "/profile"),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert world["learner"] not in _enrolments()  # the move waits for a coordinator
        request_id = db.session.scalar(
            sa.select(ProfileChangeRequest.id).where(
                ProfileChangeRequest.user_id == world["learner"]
            )
        )
    auth.logout()
    auth.login("c@souss.ma")
    accepted = client.post(
        f"/coordinate/requests/{request_id}/accept",
        data={"csrf_token": csrf_token(client, "/coordinate/requests/")},
    )
    assert accepted.status_code == 302
    with app.app_context():
        assert world["learner"] in _enrolments()
    auth.logout()
    auth.login("l@souss.ma")
    assert "course-c title" in client.get("/").get_data(as_text=True)


def test_coordinator_assigns_through_the_page_and_learner_sees_it_first(app, client, auth, world):
    auth.login("c@souss.ma")
    response = client.post(
        "/coordinate/assignments",
        data={
            "course": "course-c",
            "due_on": NEXT_MONTH.isoformat(),
            "province": "tiznit",
            "csrf_token": csrf_token(client, "/coordinate/assignments"),
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Assigned to 1 learner, due on" in page
    with app.app_context():
        assert set(_enrolments()) == {world["s_tiznit"]}
        # The learner's home page lists courses with a due date first, nearest first.
        enrolment = _enrolments()[world["s_tiznit"]]
        assert enrolment.due_at is not None


def test_assigned_course_comes_first_on_the_learners_home(app, client, auth, world):
    make_course(app, "course-d")
    auth.login("l@souss.ma")
    token = csrf_token(client, "/courses/course-d")
    client.post("/courses/course-d/enrol", data={"csrf_token": token})
    _assign(app, world["coord_souss"], due_on=NEXT_MONTH)
    home = client.get("/").get_data(as_text=True)
    assert home.index("course-c title") < home.index("course-d title")
    assert "Due on" in home


@pytest.mark.parametrize(
    ("field_name", "value"),
    [("province", "oujda-angad"), ("region", "oriental"), ("institution", "{oujda_institution}")],
)
def test_tampered_assignment_form_gets_404(app, client, auth, world, field_name, value):
    auth.login("c@souss.ma")
    response = client.post(
        "/coordinate/assignments",
        data={
            "course": "course-c",
            "due_on": NEXT_MONTH.isoformat(),
            field_name: value.format(**world),
            "csrf_token": csrf_token(client, "/coordinate/assignments"),
        },
    )
    assert response.status_code == 404
    with app.app_context():
        assert _enrolments() == {}


def test_chosen_learners_by_email_through_the_page(app, client, auth, world):
    auth.login("c@souss.ma")
    token = csrf_token(client, "/coordinate/assignments")
    data = {"course": "course-c", "due_on": NEXT_MONTH.isoformat(), "csrf_token": token}
    refused = client.post(
        "/coordinate/assignments", data={**data, "learners": "s1@souss.ma\no1@oriental.ma"}
    )
    assert refused.status_code == 200
    assert "o1@oriental.ma" in refused.get_data(as_text=True)  # named back, nothing revealed
    accepted = client.post(
        "/coordinate/assignments", data={**data, "learners": "S1@souss.ma\ns3@souss.ma"}
    )
    assert accepted.status_code == 302
    with app.app_context():
        assert set(_enrolments()) == {world["s_agadir"], world["s_none"]}


def test_assignment_form_needs_a_csrf_token(app, client, auth, world):
    auth.login("c@souss.ma")
    response = client.post(
        "/coordinate/assignments", data={"course": "course-c", "due_on": NEXT_MONTH.isoformat()}
    )
    assert response.status_code == 400
    with app.app_context():
        assert _enrolments() == {}


def test_coordinators_see_who_is_overdue(app, client, auth, world):
    assignment_id, _ = _assign(app, world["coord_souss"], due_on=NEXT_MONTH)
    with app.app_context():
        db.session.execute(
            sa.update(Enrolment)
            .where(Enrolment.assignment_id == assignment_id)
            .values(due_at=utcnow() - timedelta(days=2))
        )
        db.session.commit()
    auth.login("c@souss.ma")
    summary = client.get("/api/reports/dashboard").get_json()["summary"]
    assert summary["overdue"] == 5  # four on course-c, and s_tiznit on course-a
    overdue = client.get(f"/api/reports/learners?metric=overdue&assignment={assignment_id}")
    assert overdue.get_json()["total"] == 4
    page = client.get("/coordinate/assignments").get_data(as_text=True)
    assert f"assignment={assignment_id}" in page


def _change_due_date(app, actor_id: int, assignment_id: int, due_on: date) -> int:
    with app.app_context():
        actor = db.session.get(User, actor_id)
        count = change_due_date(actor, db.session.get(Assignment, assignment_id), due_on)
        db.session.commit()
        return count


def _cancel(app, actor_id: int, assignment_id: int) -> int:
    with app.app_context():
        actor = db.session.get(User, actor_id)
        released = cancel_assignment(actor, db.session.get(Assignment, assignment_id))
        db.session.commit()
        return released


def _due_day(enrolment: Enrolment) -> date:
    return enrolment.due_at.astimezone(ZoneInfo("Africa/Casablanca")).date()


def test_changing_the_due_date_moves_it_for_the_assignments_learners(app, world):
    later = NEXT_MONTH + timedelta(days=10)
    assignment_id, _ = _assign(app, world["coord_souss"], course_id="course-a", due_on=NEXT_MONTH)
    assert _change_due_date(app, world["coord_souss"], assignment_id, later) == 3
    with app.app_context():
        enrolments = _enrolments("course-a")
        owned = [e for e in enrolments.values() if e.assignment_id == assignment_id]
        assert {e.user_id for e in owned} == {world["s_agadir"], world["s_none"], world["learner"]}
        assert {_due_day(e) for e in owned} == {later}
        assert enrolments[world["s_agadir"]].completed_at is not None  # progress kept
        # s_tiznit was already due three days ago: the earlier due date stays.
        assert enrolments[world["s_tiznit"]].due_at < utcnow()
        assert enrolments[world["s_tiznit"]].assignment_id is None


def test_a_postponed_assignment_gives_way_to_an_earlier_one(app, world):
    with app.app_context():
        agadir = _province_id("agadir-ida-outanane")
    first, _ = _assign(app, world["coord_souss"], due_on=NEXT_MONTH, province_id=agadir)
    second, _ = _assign(app, world["coord_souss"], due_on=NEXT_MONTH + timedelta(days=5))
    with app.app_context():
        assert _enrolments()[world["s_agadir"]].assignment_id == first
    _change_due_date(app, world["coord_souss"], first, NEXT_MONTH + timedelta(days=20))
    with app.app_context():
        enrolment = _enrolments()[world["s_agadir"]]
        assert enrolment.assignment_id == second
        assert _due_day(enrolment) == NEXT_MONTH + timedelta(days=5)


def test_a_due_date_cannot_move_into_the_past(app, world):
    assignment_id, _ = _assign(app, world["coord_souss"], due_on=NEXT_MONTH)
    with pytest.raises(AssignmentError) as raised:
        _change_due_date(app, world["coord_souss"], assignment_id, date(2020, 1, 1))
    assert raised.value.field == "due_on"


def test_cancelling_keeps_progress_removes_the_due_date_and_reaches_no_newcomer(app, world):
    assignment_id, _ = _assign(app, world["coord_souss"], course_id="course-a", due_on=NEXT_MONTH)
    with app.app_context():
        before = set(_enrolments("course-a"))
    assert _cancel(app, world["coord_souss"], assignment_id) == 3
    newcomer = add_learner(app, "new@souss.ma", province="tiznit")
    with app.app_context():
        enrolments = _enrolments("course-a")
        assert set(enrolments) == before  # nothing deleted, nobody new
        agadir = enrolments[world["s_agadir"]]
        assert agadir.completed_at is not None
        assert agadir.score == 80
        assert agadir.due_at is None
        assert agadir.assignment_id is None
        assert enrolments[world["s_tiznit"]].due_at < utcnow()  # not this assignment's date
        assert newcomer not in enrolments
        assignment = db.session.get(Assignment, assignment_id)
        assert assignment.cancelled_at is not None
        assert assignment.cancelled_by_id == world["coord_souss"]


def test_coordinator_changes_and_cancels_through_the_page(app, client, auth, world):
    assignment_id, _ = _assign(app, world["coord_souss"], due_on=NEXT_MONTH)
    later = NEXT_MONTH + timedelta(days=7)
    auth.login("c@souss.ma")
    token = csrf_token(client, "/coordinate/assignments")
    moved = client.post(
        f"/coordinate/assignments/{assignment_id}/due-date",
        data={"due_on": later.isoformat(), "csrf_token": token},
    )
    assert moved.status_code == 302
    assert "Due date moved to" in client.get(moved.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert {_due_day(e) for e in _enrolments().values()} == {later}
    cancelled = client.post(
        f"/coordinate/assignments/{assignment_id}/cancel", data={"csrf_token": token}
    )
    assert cancelled.status_code == 302
    page = client.get(cancelled.headers["Location"]).get_data(as_text=True)
    assert "Cancelled on" in page
    with app.app_context():
        assert {e.due_at for e in _enrolments().values()} == {None}
        actions = db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.target == f"assignment:{assignment_id}")
        ).all()
        assert actions == [
            "assignment_created",
            "assignment_due_date_changed",
            "assignment_cancelled",
        ]


@pytest.mark.parametrize("action", ["due-date", "cancel"])
@pytest.mark.parametrize(("email", "status"), [("c@oriental.ma", 404), ("l@souss.ma", 403)])
def test_only_coordinators_of_its_scope_change_an_assignment(
    app, client, auth, world, action, email, status
):
    assignment_id, _ = _assign(app, world["coord_souss"], due_on=NEXT_MONTH)
    auth.login(email)
    response = client.post(
        f"/coordinate/assignments/{assignment_id}/{action}",
        data={
            "due_on": (NEXT_MONTH + timedelta(days=3)).isoformat(),
            "csrf_token": csrf_token(client, "/profile"),
        },
    )
    assert response.status_code == status
    with app.app_context():
        assert db.session.get(Assignment, assignment_id).cancelled_at is None
        assert {_due_day(e) for e in _enrolments().values()} == {NEXT_MONTH}
