"""Results indicators on a hand-built population (tests/results_world.py), values worked by hand."""

from datetime import date

import pytest

from depomi_learn.extensions import db
from depomi_learn.models import User
from depomi_learn.reports.quarterly import build_quarterly
from depomi_learn.reports.result_tables import flat_rows
from depomi_learn.reports.results import ResultsRequest, results
from tests.helpers.queries import counting_queries
from tests.helpers.results import EXPECTED_TOTALS, build_results_world, grow_world


@pytest.fixture
def world(app):
    return build_results_world(app)


def compute(app, viewer_id: int, **request) -> dict[str, dict]:
    """Return {indicator: {cell codes (or "total"): published value}}."""
    with app.test_request_context():
        viewer = db.session.get(User, viewer_id)
        found = results(viewer, ResultsRequest(**request))
        table = {}
        for result in found:
            values = {"total": result.total.shown}
            values.update({cell.key: cell.shown for cell in result.cells})
            table[result.indicator.id] = values
        return table


def test_every_total_matches_the_hand_computed_value(app, world):
    table = compute(app, world["national"])
    for indicator, expected in EXPECTED_TOTALS.items():
        assert table[indicator]["total"] == expected, indicator


def test_a_person_who_completed_three_courses_counts_once(app, world):
    table = compute(app, world["national"], indicators=("people_trained", "completions"))
    assert table["people_trained"]["total"] == 17  # W1 once; M1 also attended a session
    assert table["completions"]["total"] == 17
    only_w1 = compute(app, world["national"], start=date(2026, 4, 1), end=date(2026, 5, 31))
    assert only_w1["completions"]["total"] == "<5"  # W1 twice and N1: three completions


def test_by_sex_hides_the_small_group_and_the_next_smallest(app, world):
    table = compute(app, world["national"], by=("sex",))
    # female 8, male 8, not stated 1: "not stated" alone would be 17 - 8 - 8.
    assert table["people_trained"] == {
        "total": 17,
        ("female",): "<5",
        ("male",): 8,
        ("not_stated",): "<5",
    }
    assert table["completions"] == {
        "total": 17,
        ("female",): "<5",  # 8 completions by 6 women: hidden with the one person below
        ("male",): 8,
        ("not_stated",): "<5",
    }
    assert "women_share" not in {k for k, v in table.items() if len(v) > 1}
    assert "satisfaction" not in {k for k, v in table.items() if len(v) > 1}


def test_rows_add_up_by_sex_when_nothing_is_hidden(app, world):
    table = compute(app, world["national"], by=("sex",), end=date(2026, 3, 31))
    assert table["people_trained"] == {"total": 14, ("female",): 6, ("male",): 8}
    assert table["completions"] == {"total": 14, ("female",): 6, ("male",): 8}
    assert table["training_hours"] == {
        "total": 14.3,
        ("female",): 6.3,
        ("male",): 8.0,
    }
    assert table["certificates_valid"] == {"total": 11, ("female",): 6, ("male",): 5}
    assert table["knowledge_gain"]["total"] is None  # no post-test before May
    assert table["satisfaction"]["total"] is None  # no session before May


def test_by_region(app, world):
    table = compute(app, world["national"], by=("region",))
    assert table["people_trained"] == {
        "total": 17,
        ("souss-massa",): 12,
        ("oriental",): 5,
    }
    assert table["certificates_valid"] == {"total": 11, ("souss-massa",): 6, ("oriental",): 5}
    assert table["training_hours"] == {
        "total": 51.3,
        ("souss-massa",): 46.3,
        ("oriental",): 5.0,
    }
    # Souss-Massa: 8 women of 12 (4 others: a small group), then Oriental hidden with it.
    assert table["women_share"] == {
        "total": 47.1,
        ("souss-massa",): "<5",
        ("oriental",): "<5",
    }
    assert table["knowledge_gain"] == {"total": 0.5, ("souss-massa",): 0.5}
    # Two evaluations in Oujda: hidden, and Souss-Massa with them.
    assert table["satisfaction"] == {
        "total": 71.4,
        ("souss-massa",): "<5",
        ("oriental",): "<5",
    }


def test_by_province_and_institution_type(app, world):
    table = compute(app, world["national"], by=("province", "institution_type"))
    assert table["people_trained"] == {
        "total": 17,
        ("agadir-ida-outanane", "commune"): 8,
        ("oujda-angad", "commune"): 5,  # no line holds a lone hidden cell
        ("tiznit", "regional_council"): "<5",
        ("-", "-"): "<5",
    }


def test_by_institution_type(app, world):
    table = compute(app, world["national"], by=("institution_type",))
    assert table["people_trained"] == {
        "total": 17,
        ("commune",): 13,
        ("regional_council",): "<5",
        ("-",): "<5",
    }


def test_by_province(app, world):
    table = compute(app, world["national"], by=("province",))
    assert table["people_trained"] == {
        "total": 17,
        ("agadir-ida-outanane",): 8,
        ("oujda-angad",): 5,
        ("tiznit",): "<5",
        ("-",): "<5",
    }
    assert table["satisfaction"] == {
        "total": 71.4,
        ("agadir-ida-outanane",): "<5",  # 80.0, five people, hidden with the next line
        ("-",): "<5",  # the Oriental session has no province: two people
    }


def test_by_course_counts_a_person_once_per_course(app, world):
    table = compute(app, world["national"], by=("course",))
    assert table["people_trained"] == {
        "total": 17,
        ("course-a",): 14,
        ("course-b",): "<5",
        ("course-c",): "<5",
        ("course-s",): "<5",  # S1, P1 and M1 by attendance
    }
    assert table["knowledge_gain"] == {"total": 0.5, ("course-d",): 0.5}
    assert table["training_hours"][("course-s",)] == "<5"  # 34 hours of four people


def test_by_quarter_and_year(app, world):
    table = compute(app, world["national"], by=("quarter",))
    # Q1: 14; Q2: W1 and N1 by completion, S1, P1 and M1 by attendance.
    assert table["people_trained"] == {"total": 17, ("2026-Q1",): 14, ("2026-Q2",): 5}
    # Q2: three completions by two people: hidden, and Q1 with it (17 - 14 would tell).
    assert table["completions"] == {"total": 17, ("2026-Q1",): "<5", ("2026-Q2",): "<5"}
    assert table["satisfaction"] == {"total": 71.4, ("2026-Q2",): 71.4}
    yearly = compute(app, world["national"], by=("year",))
    assert yearly["people_trained"] == {"total": 17, ("2026",): 17}
    assert yearly["training_hours"] == {"total": 51.3, ("2026",): 51.3}


def test_attendance_threshold_is_a_setting(app, world):
    app.config["RESULTS_ATTENDANCE_PERCENT"] = 60
    try:
        table = compute(app, world["national"], indicators=("people_trained",))
    finally:
        app.config["RESULTS_ATTENDANCE_PERCENT"] = 80
    assert table["people_trained"]["total"] == 18  # P2's 60 % now counts


def test_two_way_breakdown_hides_along_rows_and_columns(app, world):
    table = compute(app, world["national"], by=("region", "sex"))
    # Souss-Massa: women 8, men 3, not stated 1; Oriental: men 5. The men's column has one
    # hidden cell (Souss-Massa), so Oriental's men are hidden too.
    assert table["people_trained"] == {
        "total": 17,
        ("souss-massa", "female"): 8,
        ("souss-massa", "male"): "<5",
        ("souss-massa", "not_stated"): "<5",
        ("oriental", "male"): "<5",
    }


def test_coordinator_sees_their_region_only(app, world):
    souss = compute(app, world["coord_souss"], by=("sex",))
    assert souss["people_trained"] == {
        "total": 12,
        ("female",): 8,
        ("male",): "<5",
        ("not_stated",): "<5",
    }
    assert souss["satisfaction"] == {"total": 80.0}  # no breakdown by sex: the total only
    oriental = compute(app, world["coord_oriental"])
    assert oriental["people_trained"]["total"] == 5
    assert oriental["completions"]["total"] == 5
    assert oriental["knowledge_gain"]["total"] is None
    assert oriental["satisfaction"]["total"] == "<5"  # two evaluations


def test_flat_rows_carry_one_key_per_breakdown(app, world):
    with app.test_request_context():
        viewer = db.session.get(User, world["national"])
        rows = flat_rows(results(viewer, ResultsRequest(by=("sex",), end=date(2026, 3, 31))))
    people = [r for r in rows if r["indicator"] == "people_trained"]
    assert people == [
        {"indicator": "people_trained", "sex": "female", "value": 6},
        {"indicator": "people_trained", "sex": "male", "value": 8},
    ]
    assert not [r for r in rows if r["indicator"] == "women_share"]


def count_statements(app, viewer_id: int, request: ResultsRequest) -> int:
    with counting_queries(app) as statements, app.test_request_context():
        results(db.session.get(User, viewer_id), request)
    return len(statements)


@pytest.mark.parametrize("by", [(), ("sex",), ("region", "course"), ("province", "quarter")])
def test_statement_count_does_not_grow_with_the_population(app, world, by):
    request = ResultsRequest(by=by)
    small = count_statements(app, world["national"], request)
    grow_world(app, 60)
    assert count_statements(app, world["national"], request) == small
    assert small <= 2 * 6 + 4  # two per family of indicators (six), the viewer, labels


def test_statement_count_is_the_same_for_a_coordinator(app, world):
    grow_world(app, 30)
    request = ResultsRequest(by=("sex",))
    assert count_statements(app, world["coord_souss"], request) == count_statements(
        app, world["national"], request
    )


def test_quarterly_report_computes_the_totals_once(app, world):
    def statements() -> int:
        with counting_queries(app) as sent, app.test_request_context():
            build_quarterly(db.session.get(User, world["national"]), None, None, True, "", "fr")
        return len(sent)

    first = statements()
    grow_world(app, 40)
    assert statements() == first
    # The viewer, six totals, then per breakdown (sex, institution type, region) one aggregate
    # per family that allows it (satisfaction only by region) and the region names.
    assert first == 1 + 6 + 5 + 5 + 6 + 1
