"""Every CSV export: one charset in its header, and a semicolon variant for French Excel that
holds the same cells as the comma one; a course's CSV templates say their charset once too."""

import csv
import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from depomi_learn.content.importer import import_tree
from depomi_learn.extensions import db
from depomi_learn.models import CourseAsset, CourseVersion, Role, TrainingSession
from tests.helpers.courses import make_course
from tests.helpers.reports import build_world
from tests.helpers.results import build_results_world
from tests.helpers.sessions import make_learners, make_session, register_all

CSV_TYPE = "text/csv; charset=utf-8"


def _rows(response, delimiter: str) -> list[list[str]]:
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter))


def _check_both_separators(client, url: str) -> list[list[str]]:
    joiner = "&" if "?" in url else "?"
    found = {}
    for separator, query in ((",", ""), (";", f"{joiner}sep=semicolon")):
        response = client.get(url + query)  # read whole before the next (a streamed body)
        found[separator] = (response.headers["Content-Type"], _rows(response, separator))
    assert found[","][0] == found[";"][0] == CSV_TYPE
    by_comma, by_semicolon = found[","][1], found[";"][1]
    assert len(by_comma) > 1
    assert len(by_comma[0]) > 1
    assert by_semicolon == by_comma
    return by_comma


@pytest.mark.parametrize(
    "url",
    [
        "/coordinate/export/summary.csv",
        "/coordinate/export/province.csv",
        "/coordinate/export/learners.csv?metric=learners",
    ],
)
def test_coordinator_csv_has_one_charset_and_a_semicolon_variant(app, auth, client, url):
    build_world(app)
    auth.login("c@souss.ma")
    _check_both_separators(client, url)


def test_results_csv_has_one_charset_and_a_semicolon_variant(app, auth):
    build_results_world(app)
    auth.as_role(Role.COORDINATOR, region=None)
    _check_both_separators(auth.client, "/results/export.csv?by=region&by=sex")


def test_session_csvs_have_one_charset_and_a_semicolon_variant(app, auth, client):
    learners = make_learners(app, 2)
    make_course(app, "c1")
    session_id = make_session(app, "c1")
    register_all(app, session_id, learners)
    auth.as_role(Role.ADMIN, region=None)
    _check_both_separators(client, "/sessions/report.csv")
    rows = _check_both_separators(client, f"/sessions/{session_id}/learners.csv")
    assert {"l0@example.ma", "l1@example.ma"} <= {cell for row in rows for cell in row}
    with app.app_context():
        assert db.session.get(TrainingSession, session_id) is not None


def test_pages_offer_the_semicolon_csv(app, auth, client):
    build_world(app)
    auth.login("c@souss.ma")
    html = client.get("/coordinate/").get_data(as_text=True)
    assert "sep=semicolon" in html
    assert "CSV for Excel (semicolons)" in html


def test_a_csv_template_of_a_course_says_its_charset_once(app, auth):
    course_id = "projet-migration-developpement"
    root = Path(__file__).resolve().parent.parent / "courses"
    with app.app_context():
        results, findings = import_tree(root / course_id)
        assert results, findings
        db.session.commit()
        asset = db.session.scalars(
            sa.select(CourseAsset)
            .join(CourseVersion)
            .where(
                CourseVersion.course_id == course_id,
                CourseAsset.path == "templates/cadre-logique-fr.csv",
            )
        ).one()
        url = f"/courses/{course_id}/assets/{asset.sha256}/{asset.path}"
    auth.as_role(Role.LEARNER)
    response = auth.client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == CSV_TYPE
