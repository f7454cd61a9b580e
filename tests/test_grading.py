"""Grading of quiz answers: every question type, Arabic and French normalisation, numbers."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from depomi_learn.learning.grading import (
    GradingItem,
    grade_attempt,
    grade_question,
    normalise_text,
    parse_number,
)

# No example database: it would write a .hypothesis folder into the repository.
PROPERTY = settings(max_examples=200, database=None, deadline=None)

SINGLE = {"options": ["a", "b", "c"], "correct": ["b"]}
PARTIAL = {"options": ["a", "b", "c", "d"], "correct": ["a", "c"], "scoring": "partial"}
ALL_OR_NOTHING = {**PARTIAL, "scoring": "all_or_nothing"}
TO_ARABIC_INDIC = str.maketrans("0123456789.", "٠١٢٣٤٥٦٧٨٩٫")
GARBAGE = [None, "", "   ", 42, 3.5, [], {}, ["", None], object(), "\u064e\u0640", "nan"]


def _fraction(question_type: str, key: dict, response: object, **kwargs) -> float:
    return grade_question(question_type, key, response, **kwargs).fraction


# --- normalise_text ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("الْمَغْرِب", "المغرب"),  # harakat
        ("المغرِبٌ", "المغرب"),  # kasra and dammatan
        ("مـــغرب", "مغرب"),  # tatweel
        ("إدماج", "ادماج"),
        ("أدماج", "ادماج"),
        ("آدماج", "ادماج"),
        ("ٱلمغرب", "المغرب"),  # alef wasla
        ("القرآن", "القران"),
        ("ا\u0654دماج", "ادماج"),  # alef followed by a combining hamza
        ("\ufedf\ufee0", "لل"),  # lam initial and medial presentation forms
        ("\ufe8d\ufedf\ufee4\ufed0\ufeae\ufe8f", "المغرب"),  # the whole word in presentation forms
        ("\ufefb", "لا"),  # lam-alef ligature
        ("\ufef7", "لا"),  # lam-alef with hamza above ligature
        ("  المملكة \t  المغربية\n", "المملكه المغربيه"),
        ("\u00a0Rabat\u202f–\u2003Salé ", "rabat – salé"),
        ("Égalité", "égalité"),
        ("ÉGALITÉ", "égalité"),
        ("E\u0301galite\u0301", "égalité"),  # decomposed accents compose
        ("Straße", "strasse"),
        ("２０１１", "2011"),  # full-width digits
        ("ﬁnances", "finances"),  # ligature
        ("مدرسة", "مدرسه"),  # ta marbuta is typed as ha
        ("\ufe93", "ه"),  # ta marbuta in its presentation form
        ("مستشفى", "مستشفي"),  # alef maqsura is typed as ya
        ("عَلى", "علي"),
    ],
)
def test_normalise_text_folds_variants(typed: str, expected: str) -> None:
    assert normalise_text(typed) == expected


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("égalité", "egalite"),  # French accents are letters, not marks to drop
        ("مسؤول", "مسوول"),  # only alef forms are unified, not hamza on waw
    ],
)
def test_normalise_text_keeps_distinct_letters(first: str, second: str) -> None:
    assert normalise_text(first) != normalise_text(second)


def test_case_sensitive_normalisation_keeps_case() -> None:
    assert normalise_text(" DGCL ", case_sensitive=True) == "DGCL"
    assert normalise_text("DGCL", case_sensitive=True) != normalise_text(
        "dgcl", case_sensitive=True
    )
    assert normalise_text("الْمَغْرِب", case_sensitive=True) == "المغرب"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("e\u0654\u0301", "\u00e9"), ("\u1100\u064e\u1161", "\uac00")],
)
def test_normalise_text_composes_what_removing_marks_uncovers(typed: str, expected: str) -> None:
    assert normalise_text(typed) == expected
    assert normalise_text(expected) == expected


@PROPERTY
@given(st.text(), st.booleans())
def test_normalise_text_is_idempotent(text: str, case_sensitive: bool) -> None:
    once = normalise_text(text, case_sensitive=case_sensitive)
    assert normalise_text(once, case_sensitive=case_sensitive) == once


@PROPERTY
@given(
    st.lists(
        st.sampled_from(list("اأإآٱلمغربةى\u064e\u0651\u0640\u0654 \tÉeİß\ufedf")), max_size=12
    ),
    st.booleans(),
)
def test_normalise_text_is_idempotent_on_arabic_and_french(
    chars: list[str], sensitive: bool
) -> None:
    once = normalise_text("".join(chars), case_sensitive=sensitive)
    assert normalise_text(once, case_sensitive=sensitive) == once


# --- parse_number -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("٣٫٥", 3.5),
        ("3,5", 3.5),
        ("3.5", 3.5),
        ("۲۰۱۴", 2014),
        ("٢٠١٤", 2014),
        (" 2014 ", 2014),
        ("\u00a02014\t", 2014),
        ("1 000,5", 1000.5),
        ("1\u00a0000\u00a0000", 1_000_000),
        ("12\u202f345,25", 12345.25),
        ("١٬٠٠٠٫٥", 1000.5),
        ("1 000.5", 1000.5),
        ("−2", -2),
        ("-2,5", -2.5),
        ("+7", 7),
        ("0,5", 0.5),
        (",5", 0.5),
        ("5,", 5),
        ("1,000", 1.0),  # a comma is always the French decimal comma
        ("007", 7),
    ],
)
def test_parse_number_reads_latin_and_arabic_forms(typed: str, expected: float) -> None:
    assert parse_number(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "abc",
        "1,2,3",
        "1.2.3",
        "1,000.5",  # comma then dot: English or French? refuse rather than guess
        "1.000,5",
        "1e5",  # learners do not type exponents; "e" is more likely a typo
        "1E5",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "Infinity",
        "9" * 400,  # overflows to infinity
        "0x10",
        "20 14",  # not thousands groups
        "1 0000",
        "1  000",
        "- 2",
        "2-",
        "--2",
        ".",
        "-",
        ",",
        "3 ½",
        "10²",
        "३",  # Devanagari digit: float() would accept it, the course format does not
        "١٢a",
        "1_000",
    ],
)
def test_parse_number_refuses_invalid_or_ambiguous(typed: str) -> None:
    assert parse_number(typed) is None


def test_parse_number_refuses_non_text() -> None:
    assert parse_number(None) is None
    assert parse_number(12) is None


@PROPERTY
@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_parse_number_round_trips_integers(number: int) -> None:
    assert parse_number(str(number)) == number
    assert parse_number(str(number).translate(TO_ARABIC_INDIC)) == number
    assert parse_number(f"{number:,}".replace(",", "\u00a0")) == number


@PROPERTY
@given(st.decimals(min_value=-(10**9), max_value=10**9, places=4))
def test_parse_number_round_trips_decimals(number: Decimal) -> None:
    text = format(number, "f")
    assert parse_number(text) == float(number)
    assert parse_number(text.replace(".", ",")) == float(number)
    assert parse_number(text.translate(TO_ARABIC_INDIC)) == float(number)


# --- choice questions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "expected"),
    [("b", 1.0), (["b"], 1.0), ("a", 0.0), ("z", 0.0), (["b", "a"], 0.0), (["b", "b"], 1.0)],
)
def test_single_choice_is_right_only_with_the_correct_option(
    response: object, expected: float
) -> None:
    assert _fraction("single", SINGLE, response) == expected


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (["a"], 0.5),
        (["a", "b"], 0.0),
        (["a", "b", "c"], 0.5),
        (["a", "c"], 1.0),
        (["c", "a"], 1.0),
        (["a", "a", "c", "c"], 1.0),  # duplicates count once
        (["a", "c", "z"], 0.5),  # an unknown id is a wrong choice
        (["b", "d"], 0.0),  # floored at 0, never negative
        (["a", "b", "c", "d"], 0.0),
        ([], 0.0),
    ],
)
def test_partial_scoring_subtracts_wrong_choices(chosen: list[str], expected: float) -> None:
    assert _fraction("multiple", PARTIAL, chosen) == expected


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [(["a", "c"], 1.0), (["c", "a", "a"], 1.0), (["a"], 0.0), (["a", "b", "c"], 0.0), ([], 0.0)],
)
def test_all_or_nothing_needs_exactly_the_correct_set(chosen: list[str], expected: float) -> None:
    assert _fraction("multiple", ALL_OR_NOTHING, chosen) == expected


def test_multiple_without_scoring_is_all_or_nothing() -> None:
    key = {"options": ["a", "b", "c"], "correct": ["a", "c"]}
    assert _fraction("multiple", key, ["a"]) == 0.0
    assert _fraction("multiple", key, ["a", "c"]) == 1.0


def test_chosen_option_ids_keep_order_without_duplicates_or_blanks() -> None:
    grade = grade_question("multiple", PARTIAL, ["c", "z", "c", "", None, "a"])
    assert grade.chosen_option_ids == ("c", "z", "a")
    assert grade_question("single", SINGLE, "a").chosen_option_ids == ("a",)
    assert grade_question("true_false", {"answer": True}, "true").chosen_option_ids == ()


def test_unknown_scoring_is_an_error() -> None:
    with pytest.raises(ValueError, match="scoring"):
        grade_question("multiple", {**PARTIAL, "scoring": "generous"}, ["a"])


# --- true/false, short text, numeric ----------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "response", "expected"),
    [
        (True, "true", 1.0),
        (True, True, 1.0),
        (True, " TRUE ", 1.0),
        (True, "false", 0.0),
        (True, False, 0.0),
        (False, "false", 1.0),
        (False, False, 1.0),
        (False, "true", 0.0),
        (False, "oui", 0.0),  # an unreadable answer is wrong whatever the key
        (False, "0", 0.0),
    ],
)
def test_true_false_compares_with_the_answer(
    answer: bool, response: object, expected: float
) -> None:
    assert _fraction("true_false", {"answer": answer}, response) == expected


@pytest.mark.parametrize(
    ("response", "accept", "expected"),
    [
        ("  direction générale des COLLECTIVITÉS  ", ["Direction générale des collectivités"], 1),
        ("الْمَغْرِب", ["المغرب"], 1),
        ("أدماج", ["إدماج"], 1),
        ("\ufedf\ufee0", ["لل"], 1),
        ("الجماعه الترابيه", ["الجماعة الترابية"], 1),  # ha typed for ta marbuta
        ("مستوى", ["مستوي"], 1),  # alef maqsura where the author wrote ya
        ("1956", ["1956"], 1),
        ("المغرب", ["Maroc", "المغرب"], 1),  # the union of every language's accept list
        ("Rabat", ["Casablanca"], 0),
        ("", ["DGCL"], 0),
        ("   ", ["   "], 0),  # an empty answer never matches, even a blank accepted text
    ],
)
def test_short_text_matches_normalised_accept_list(
    response: str, accept: list[str], expected: int
) -> None:
    assert _fraction("short_text", {"case_sensitive": False}, response, accept=accept) == expected


def test_case_sensitive_short_text_distinguishes_case() -> None:
    key = {"case_sensitive": True}
    assert _fraction("short_text", key, "DGCL", accept=["DGCL"]) == 1.0
    assert _fraction("short_text", key, "dgcl", accept=["DGCL"]) == 0.0
    assert _fraction("short_text", {"case_sensitive": False}, "dgcl", accept=["DGCL"]) == 1.0


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("3,5", 1.0),
        ("٣٫٥", 1.0),
        ("3.6", 1.0),  # exactly on the edge although 3.6 - 3.5 > 0.1 in binary floats
        ("3,4", 1.0),
        ("3.61", 0.0),
        ("3.39", 0.0),
        ("", 0.0),
        ("trois", 0.0),
    ],
)
def test_numeric_answer_within_tolerance(response: str, expected: float) -> None:
    assert _fraction("numeric", {"answer": 3.5, "tolerance": 0.1}, response) == expected


@pytest.mark.parametrize(
    ("response", "expected"),
    [("0.4", 1.0), ("0.2", 1.0), ("0.41", 0.0), ("0,19", 0.0)],
)
def test_numeric_tolerance_edges_survive_float_noise(response: str, expected: float) -> None:
    assert _fraction("numeric", {"answer": 0.3, "tolerance": 0.1}, response) == expected


def test_numeric_without_tolerance_needs_the_exact_value() -> None:
    key = {"answer": 3_500_000_000, "tolerance": 0}
    assert _fraction("numeric", key, "3 500 000 000") == 1.0
    assert _fraction("numeric", key, "3 500 000 001") == 0.0
    assert _fraction("numeric", {"answer": 2014}, "۲۰۱۴") == 1.0


@pytest.mark.parametrize(
    ("response", "expected"),
    [("10", 1.0), ("20", 1.0), ("15,5", 1.0), ("9.999", 0.0), ("20,001", 0.0), ("-15", 0.0)],
)
def test_numeric_range_includes_its_edges(response: str, expected: float) -> None:
    assert _fraction("numeric", {"range": [10, 20]}, response) == expected


@PROPERTY
@given(
    st.decimals(min_value=-(10**6), max_value=10**6, places=3),
    st.decimals(min_value=0, max_value=1000, places=3),
)
def test_numeric_tolerance_edges_are_inclusive_and_tight(
    answer: Decimal, tolerance: Decimal
) -> None:
    key = {"answer": float(answer), "tolerance": float(tolerance)}
    step = Decimal("0.001")
    for inside in (answer + tolerance, answer - tolerance):
        assert _fraction("numeric", key, format(inside, "f").replace(".", ",")) == 1.0
    for outside in (answer + tolerance + step, answer - tolerance - step):
        assert _fraction("numeric", key, format(outside, "f")) == 0.0


# --- every type: empty and garbage responses, points ------------------------------------------

EVERY_TYPE = [
    ("single", SINGLE, (), "b"),
    ("multiple", PARTIAL, (), ["a", "c"]),
    ("multiple", ALL_OR_NOTHING, (), ["a", "c"]),
    ("true_false", {"answer": False}, (), "false"),
    ("short_text", {"case_sensitive": False}, ("DGCL",), "dgcl"),
    ("numeric", {"answer": 3.5, "tolerance": 0.1}, (), "3,5"),
    ("numeric", {"range": [10, 20]}, (), "12"),
]


@pytest.mark.parametrize(("question_type", "key", "accept", "right"), EVERY_TYPE)
@pytest.mark.parametrize("response", GARBAGE)
def test_empty_or_garbage_response_scores_zero(
    question_type: str, key: dict, accept: tuple, right: object, response: object
) -> None:
    grade = grade_question(question_type, key, response, points=2, accept=accept)
    assert (grade.score, grade.fraction, grade.correct) == (0.0, 0.0, False)


@pytest.mark.parametrize(("question_type", "key", "accept", "right"), EVERY_TYPE)
def test_points_weight_the_score(
    question_type: str, key: dict, accept: tuple, right: object
) -> None:
    grade = grade_question(question_type, key, right, points=2, accept=accept)
    assert (grade.score, grade.max_score, grade.fraction, grade.correct) == (2.0, 2.0, 1.0, True)


def test_partial_score_is_weighted_and_not_correct() -> None:
    grade = grade_question("multiple", PARTIAL, ["a"], points=3)
    assert (grade.score, grade.fraction, grade.correct) == (1.5, 0.5, False)


def test_scores_are_rounded_to_avoid_float_noise() -> None:
    key = {"options": ["a", "b", "c", "d"], "correct": ["a", "b", "c"], "scoring": "partial"}
    assert grade_question("multiple", key, ["a"], points=0.3).score == 0.1


@pytest.mark.parametrize("question_type", ["essay", "", "SINGLE", None])
def test_unknown_question_type_is_an_error(question_type: object) -> None:
    with pytest.raises(ValueError, match="unknown question type"):
        grade_question(question_type, SINGLE, "b")


@pytest.mark.parametrize("points", [-1, float("nan"), float("inf")])
def test_invalid_points_are_an_error(points: float) -> None:
    with pytest.raises(ValueError, match="points"):
        grade_question("single", SINGLE, "b", points=points)


# --- attempts ---------------------------------------------------------------------------------


def test_attempt_totals_points_and_percent() -> None:
    attempt = grade_attempt(
        [
            GradingItem("single", SINGLE, "b", points=2),
            GradingItem("multiple", PARTIAL, ["a"]),
            GradingItem("short_text", {"case_sensitive": False}, "Rabat", accept=["Salé"]),
        ]
    )
    assert [grade.score for grade in attempt.grades] == [2.0, 0.5, 0.0]
    assert (attempt.points, attempt.max_points, attempt.percent) == (2.5, 4.0, 62.5)
    assert attempt.passed(60)
    assert not attempt.passed(70)


def test_attempt_percent_is_rounded_and_pass_mark_inclusive() -> None:
    items = [
        GradingItem("true_false", {"answer": True}, answer) for answer in ("true", "true", "x")
    ]
    attempt = grade_attempt(items)
    assert attempt.percent == 66.67
    assert attempt.passed(66.67)
    assert not attempt.passed(70)
    assert grade_attempt([GradingItem("true_false", {"answer": True}, "true")] * 10).passed(100)


def test_attempt_without_points_scores_zero_percent() -> None:
    assert grade_attempt([]).percent == 0.0
    attempt = grade_attempt([GradingItem("single", SINGLE, "b", points=0)])
    assert (attempt.points, attempt.max_points, attempt.percent) == (0.0, 0.0, 0.0)
    assert not attempt.passed(70)


# --- properties over random keys and responses ------------------------------------------------

OPTION_IDS = st.sampled_from(["a", "b", "c", "d", "e", "f"])
NUMBERS = st.floats(allow_nan=False, allow_infinity=False)
NUMBER_TEXT = st.one_of(
    NUMBERS.map(str),
    st.integers().map(str),
    st.decimals(places=2, allow_nan=False, allow_infinity=False).map(
        lambda d: format(d, "f").translate(TO_ARABIC_INDIC)
    ),
)
ANY_RESPONSE = st.one_of(
    st.none(),
    st.booleans(),
    st.text(),
    st.sampled_from(["true", "false", "a", "b"]),
    NUMBER_TEXT,
    st.lists(st.one_of(OPTION_IDS, st.text(max_size=3), st.none(), st.integers()), max_size=8),
    st.integers(),
)


@st.composite
def questions(draw: st.DrawFn) -> tuple[str, dict, list[str]]:
    """Draw a question type with a valid random answer key and accept list."""
    question_type = draw(st.sampled_from(["single", "multiple", "true_false", "short_text"]))
    question_type = draw(st.sampled_from([question_type, "numeric"]))
    if question_type in ("single", "multiple"):
        options = draw(st.lists(OPTION_IDS, min_size=2, max_size=6, unique=True))
        size = 1 if question_type == "single" else len(options)
        correct = draw(st.lists(st.sampled_from(options), min_size=1, max_size=size, unique=True))
        key = {"options": options, "correct": correct}
        if question_type == "multiple":
            key["scoring"] = draw(st.sampled_from(["all_or_nothing", "partial"]))
        return question_type, key, []
    if question_type == "true_false":
        return question_type, {"answer": draw(st.booleans())}, []
    if question_type == "short_text":
        accept = draw(st.lists(st.text(min_size=1), min_size=1, max_size=4))
        return question_type, {"case_sensitive": draw(st.booleans())}, accept
    if draw(st.booleans()):
        low, high = sorted(draw(st.lists(NUMBERS, min_size=2, max_size=2)))
        return question_type, {"range": [low, high]}, []
    tolerance = draw(st.floats(min_value=0, allow_infinity=False))
    return question_type, {"answer": draw(NUMBERS), "tolerance": tolerance}, []


@PROPERTY
@given(questions(), ANY_RESPONSE, st.floats(min_value=0, max_value=100))
def test_any_response_scores_within_points_deterministically(
    question: tuple[str, dict, list[str]], response: object, points: float
) -> None:
    question_type, key, accept = question
    grade = grade_question(question_type, key, response, points=points, accept=accept)
    assert 0.0 <= grade.score <= points
    assert 0.0 <= grade.fraction <= 1.0
    assert grade.correct == (grade.fraction == 1.0)
    assert grade == grade_question(question_type, key, response, points=points, accept=accept)


@PROPERTY
@given(
    st.lists(
        st.tuples(questions(), ANY_RESPONSE, st.integers(min_value=0, max_value=5)), max_size=6
    )
)
def test_attempt_percent_stays_between_0_and_100(drawn: list) -> None:
    items = [
        GradingItem(question_type, key, response, points=points, accept=accept)
        for (question_type, key, accept), response, points in drawn
    ]
    attempt = grade_attempt(items)
    assert 0.0 <= attempt.points <= attempt.max_points
    assert 0.0 <= attempt.percent <= 100.0
    assert attempt == grade_attempt(items)


def test_short_answers_match_whatever_the_digits_and_direction_marks():
    assert normalise_text("القانون ٠٢.٠٣") == normalise_text("القانون 02.03")
    assert normalise_text("\u200fSNIA\u200e") == "snia"
