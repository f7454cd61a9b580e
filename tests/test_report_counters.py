"""The dashboard's counters: kept by every change in its own transaction, equal to the live
queries, checked and repaired by `flask reports check`."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from depomi_learn.accounts.administration import set_active
from depomi_learn.accounts.privacy import erase_user
from depomi_learn.accounts.profile_changes import (
    OwnProfile,
    Place,
    accept_request,
    save_own_profile,
)
from depomi_learn.accounts.users import import_users_csv
from depomi_learn.certificates.issuing import issue_certificate, revoke_certificate
from depomi_learn.extensions import db
from depomi_learn.learning.assignments import (
    AssignmentTarget,
    cancel_assignment,
    change_due_date,
    create_assignment,
)
from depomi_learn.learning.progress import complete_module, enrol, find_enrolment
from depomi_learn.models import (
    Certificate,
    Course,
    Region,
    ReportCounter,
    Role,
    User,
    utcnow,
)
from depomi_learn.operations.demo import populate
from depomi_learn.permissions import learners_visible_to
from depomi_learn.reports.counted import counted_dashboard
from depomi_learn.reports.counters import differences
from depomi_learn.reports.filters import ReportFilters, filter_choices
from depomi_learn.reports.queries import DIMENSIONS, course_breakdown, measures, timeline
from tests.helpers.people import make_user
from tests.helpers.reports import build_world

PEOPLE = tuple(d for d in DIMENSIONS if d != "course")
IMPORTED = (
    "email,name_latin,name_arabic,role,region,province,institution,job_function,"
    "preferred_language,password\n"
    "amal@souss.ma,Amal Idrissi,أمل الإدريسي,learner,souss-massa,tiznit,"
    "Commune de Tiznit,Agente,ar,\n"
)


def _live(viewer: User, now) -> dict:
    filters = ReportFilters()
    found = measures(viewer, filters, PEOPLE, "fr", now)
    found["course"] = course_breakdown(viewer, filters, "fr", now)
    found["timeline"] = timeline(viewer, filters)
    return found


def _viewers(ids: dict[str, int]) -> list[User]:
    return [db.session.get(User, ids[k]) for k in ("national", "coord_souss", "coord_oriental")]


def _live_choices(viewer: User) -> tuple[list, list]:
    people = learners_visible_to(viewer).where(User.role == Role.LEARNER)
    rows = db.session.execute(people.with_only_columns(User.institution_id, User.job_function))
    found = rows.all()
    institutions = sorted({str(i) for i, _f in found if i is not None})
    return institutions, sorted({f for _i, f in found if f})


def assert_counters_match_live(ids: dict[str, int], later: timedelta = timedelta()) -> None:
    """The dashboard's figures from the counters equal the live queries', for every scope."""
    now = utcnow() + later
    assert differences(db.session.connection()) == []
    for viewer in _viewers(ids):
        counted = counted_dashboard(viewer, ReportFilters(), DIMENSIONS, "fr", now)
        assert counted == _live(viewer, now), viewer.email
        choices = filter_choices(viewer, "fr")
        offered = sorted(key for key, _name in choices["institution"])
        assert (offered, sorted(k for k, _n in choices["job_function"])) == _live_choices(viewer)
    db.session.rollback()


def _admin(app) -> int:
    return make_user(app, email="admin@depomi.ma", role=Role.ADMIN, region=None)


def test_dashboard_figures_follow_every_kind_of_change(app):
    ids = build_world(app)
    admin_id = _admin(app)
    with app.app_context():
        assert_counters_match_live(ids)
        admin = db.session.get(User, admin_id)
        national = db.session.get(User, ids["national"])
        agadir = db.session.get(User, ids["s_agadir"])
        course_b = db.session.get(Course, "course-b")

        enrol(db.session.get(User, ids["s_none"]), db.session.get(Course, "course-a"))
        db.session.commit()
        assert_counters_match_live(ids)

        for key in ("intro", "acteurs", "pratique"):
            complete_module(agadir, "course-b", key)
        enrolment = find_enrolment(agadir, "course-b")
        assert enrolment.completed_at is not None
        issue_certificate(agadir, enrolment, course_b.current_version)
        db.session.commit()
        assert_counters_match_live(ids)

        certificate = db.session.scalar(
            sa.select(Certificate).where(
                Certificate.user_id == ids["s_agadir"], Certificate.course_id == "course-a"
            )
        )
        revoke_certificate(certificate, actor=admin, reason="Délivré par erreur, dossier repris")
        db.session.commit()
        assert_counters_match_live(ids)

        souss = db.session.scalar(sa.select(Region).where(Region.code == "souss-massa"))
        target = AssignmentTarget("course-b", utcnow().date(), region_id=souss.id)
        assignment, count = create_assignment(national, target)
        db.session.commit()
        assert count >= 3
        assert_counters_match_live(ids)
        assert_counters_match_live(ids, later=timedelta(days=2))  # now overdue
        change_due_date(national, assignment, utcnow().date() + timedelta(days=5))
        db.session.commit()
        assert_counters_match_live(ids, later=timedelta(days=2))
        cancel_assignment(national, assignment)
        db.session.commit()
        assert_counters_match_live(ids, later=timedelta(days=7))

        set_active(admin, db.session.get(User, ids["o_oujda"]), False)
        db.session.commit()
        assert_counters_match_live(ids)

        erase_user(db.session.get(User, ids["s_tiznit"]), actor=admin)
        db.session.commit()
        assert_counters_match_live(ids)

        assert import_users_csv(IMPORTED).errors == []
        db.session.commit()
        assert_counters_match_live(ids)

        mover = db.session.get(User, ids["s_none"])
        oriental = db.session.scalar(sa.select(Region).where(Region.code == "oriental"))
        request = save_own_profile(
            mover, OwnProfile(name_latin="Sans Province", place=Place(oriental, None))
        )
        assert request is not None
        db.session.commit()
        accept_request(national, request)
        db.session.commit()
        assert mover.region_id == oriental.id
        assert_counters_match_live(ids)

        populate(40, seed=7)
        db.session.commit()
        assert_counters_match_live(ids)
        assert_counters_match_live(ids, later=timedelta(days=60))


def test_check_finds_and_repairs_a_counter_altered_by_hand(app):
    ids = build_world(app)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["reports", "check"]).exit_code == 0
    with app.app_context():
        altered = db.session.scalar(
            sa.select(sa.func.min(ReportCounter.id)).where(
                ReportCounter.dimension == "all", ReportCounter.course_id == "course-a"
            )
        )
        db.session.execute(
            sa.update(ReportCounter)
            .where(ReportCounter.id == altered)
            .values(completed=ReportCounter.completed + 5)
        )
        db.session.commit()

    found = runner.invoke(args=["reports", "check"])
    assert found.exit_code == 1
    assert "1 counter(s) differ" in found.output
    assert "'course_id': 'course-a'" in found.output

    repaired = runner.invoke(args=["reports", "check", "--repair"])
    assert repaired.exit_code == 0, repaired.output
    assert "Repaired" in repaired.output
    again = runner.invoke(args=["reports", "check"])
    assert again.exit_code == 0
    assert "match the live rows" in again.output
    with app.app_context():
        assert_counters_match_live(ids)


def test_the_dashboard_page_reads_the_counters_and_exports_the_live_rows(app, client, auth):
    build_world(app)
    auth.login("n@depomi.ma")
    with app.app_context():
        db.session.execute(sa.update(ReportCounter).values(learners=ReportCounter.learners * 1000))
        db.session.commit()
    page = client.get("/coordinate/").get_data(as_text=True)
    assert "5\u202f000" in page or "5 000" in page or "5000" in page
    export = client.get("/coordinate/export/summary.csv").get_data(as_text=True)
    assert export.splitlines()[1].split(",")[0] == "5"


def test_a_regional_coordinator_never_sees_another_regions_counters(app):
    ids = build_world(app)
    with app.app_context():
        oriental = db.session.scalar(sa.select(Region.id).where(Region.code == "oriental"))
        db.session.execute(
            sa.update(ReportCounter)
            .where(ReportCounter.region_id == oriental)
            .values(enrolled=ReportCounter.enrolled + 100, learners=ReportCounter.learners + 100)
        )
        db.session.commit()
        souss = db.session.get(User, ids["coord_souss"])
        now = utcnow()
        counted = counted_dashboard(souss, ReportFilters(), DIMENSIONS, "fr", now)
        assert counted == _live(souss, now)
        assert counted["summary"][0]["learners"] == 4  # three of build_world's, and l@souss.ma
        assert [row["key"] for row in counted["region"]] == ["souss-massa"]
        # Asking for Oriental's figures through a filter falls back to the (empty) live query.
        other = ReportFilters(region_id=oriental)
        assert counted_dashboard(souss, other, DIMENSIONS, "fr", now) is None


@pytest.mark.parametrize(
    "filters", [ReportFilters(course_id="course-a"), ReportFilters(month="2026-03")]
)
def test_filters_the_counters_do_not_keep_use_the_live_queries(app, filters):
    ids = build_world(app)
    with app.app_context():
        viewer = db.session.get(User, ids["national"])
        assert counted_dashboard(viewer, filters, DIMENSIONS, "fr", utcnow()) is None
