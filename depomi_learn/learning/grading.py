"""Grade quiz answers against stored answer keys: pure functions, no app and no database.

The same inputs always give the same grade, so a stored attempt can be graded again identically.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

QUESTION_TYPES = ("single", "multiple", "true_false", "short_text", "numeric")

# Tatweel, harakat (with hamza above/below), superscript alef and Quranic annotation marks.
_ARABIC_MARKS = re.compile("[\u0640\u064b-\u065f\u0670\u06d6-\u06ed]")
# The letter variants the course format unifies: alef forms, and ta marbuta/ha and alef
# maqsura/ya, which learners type interchangeably at the end of words. The cost, accepted: a
# few word pairs merge ("كتابة" writing / "كتابه" his book, "على" on / "علي" Ali).
_LETTER_VARIANTS = str.maketrans({**dict.fromkeys("أإآٱ", "ا"), "ة": "ه", "ى": "ي"})

_BIDI_MARKS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)
_SEPARATORS = str.maketrans(
    {
        "\u066b": ".",  # Arabic decimal separator
        ",": ".",  # French decimal comma
        "\u2212": "-",  # minus sign
        "\u00a0": " ",  # thousands: no-break space
        "\u202f": " ",  # thousands: narrow no-break space (French typography)
        "\u066c": " ",  # thousands: Arabic thousands separator
    }
)
# A comma is always the French decimal comma ("1,000" is 1.0), never a thousands separator:
# a comma and a dot together ("1,000.5") are refused as ambiguous. Thousands groups must be exact
# (1 000 000), so "20 14" is refused rather than read as 2014. No exponents: learners do not type
# them, and "1e5" is more likely a typo.
_NUMBER = re.compile(r"[-+]?(?:[0-9]{1,3}(?: [0-9]{3})+|[0-9]*)(?:\.[0-9]*)?")
_TRUE_FALSE = {"true": True, "false": False}


@dataclass(frozen=True)
class QuestionGrade:
    """The grade of one question; `chosen_option_ids` lets the page show their feedback."""

    score: float
    max_score: float
    fraction: float
    correct: bool
    chosen_option_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class GradingItem:
    """One question to grade; `accept` is the union of every language's accepted texts."""

    question_type: str
    answer_key: dict
    response: object
    points: float = 1.0
    accept: Sequence[str] = ()


@dataclass(frozen=True)
class AttemptGrade:
    """The grades of a whole attempt, in the order of its items, and their totals."""

    grades: tuple[QuestionGrade, ...]
    points: float
    max_points: float

    @property
    def percent(self) -> float:
        """Return the share of points earned, 0-100; an attempt worth no points is 0."""
        return round(100 * self.points / self.max_points, 2) if self.max_points else 0.0

    def passed(self, pass_mark: float) -> bool:
        """Tell whether the attempt reaches `pass_mark` percent."""
        return self.percent >= pass_mark


def normalise_text(text: str, *, case_sensitive: bool = False) -> str:
    """Return `text` in the comparable form the course format defines for short answers."""
    normal = unicodedata.normalize("NFKC", text)  # also turns Arabic presentation forms to letters
    if not case_sensitive:
        normal = normal.casefold()
    # Digits are digits in any script ("١٩٥٦" is "1956"), and invisible direction marks that
    # phones insert around mixed Arabic and Latin text are not part of the answer.
    normal = _ARABIC_MARKS.sub("", normal).translate(_LETTER_VARIANTS).translate(_DIGITS)
    normal = _BIDI_MARKS.sub("", normal)
    # Casefolding and removing marks can leave sequences NFKC would compose: compose them once
    # more so normalising twice changes nothing.
    normal = unicodedata.normalize("NFKC", normal)
    return " ".join(normal.split())


def parse_number(text: str) -> float | None:
    """Read a learner's number in Latin or Arabic digits; None when invalid or ambiguous."""
    if not isinstance(text, str):
        return None
    ascii_text = text.strip().translate(_DIGITS).translate(_SEPARATORS)
    if not _NUMBER.fullmatch(ascii_text) or not any(c.isdigit() for c in ascii_text):
        return None
    value = float(ascii_text.replace(" ", ""))
    return value if math.isfinite(value) else None  # "9" * 400 overflows to inf


def grade_question(
    question_type: str,
    answer_key: dict,
    response: object,
    *,
    points: float = 1.0,
    accept: Sequence[str] = (),
) -> QuestionGrade:
    """Grade one response against its answer key, worth `points`."""
    if question_type not in QUESTION_TYPES:
        raise ValueError(f"unknown question type {question_type!r}")
    if not (math.isfinite(points) and points >= 0):
        raise ValueError(f"points must be a finite number >= 0, not {points!r}")
    chosen: tuple[str, ...] = ()
    if question_type in ("single", "multiple"):
        chosen = _chosen_ids(response)
        fraction = _choice_fraction(question_type, answer_key, chosen)
    elif question_type == "true_false":
        fraction = float(_true_false(response) == _key_answer(answer_key))
    elif question_type == "short_text":
        fraction = float(_text_matches(answer_key, response, accept))
    else:
        fraction = float(_number_matches(answer_key, response))
    return QuestionGrade(
        score=min(round(fraction * points, 6), float(points)),  # rounding never passes the maximum
        max_score=float(points),
        fraction=round(fraction, 6),
        correct=fraction == 1.0,
        chosen_option_ids=chosen,
    )


def grade_attempt(items: Iterable[GradingItem]) -> AttemptGrade:
    """Grade every question of an attempt and total the points."""
    grades = tuple(
        grade_question(
            item.question_type,
            item.answer_key,
            item.response,
            points=item.points,
            accept=item.accept,
        )
        for item in items
    )
    return AttemptGrade(
        grades=grades,
        points=round(sum(grade.score for grade in grades), 6),
        max_points=round(sum(grade.max_score for grade in grades), 6),
    )


def _chosen_ids(response: object) -> tuple[str, ...]:
    """Return the distinct option ids chosen, in the order sent; non-text values are no choice."""
    if isinstance(response, str):
        response = [response]
    if not isinstance(response, list | tuple):
        return ()
    return tuple(dict.fromkeys(r for r in response if isinstance(r, str) and r))


def _choice_fraction(question_type: str, answer_key: dict, chosen: tuple[str, ...]) -> float:
    correct = set(answer_key["correct"])
    if not correct:
        raise ValueError("a choice question needs at least one correct option")
    if question_type == "single" or answer_key.get("scoring", "all_or_nothing") == "all_or_nothing":
        return float(set(chosen) == correct)
    if answer_key["scoring"] != "partial":
        raise ValueError(f"unknown scoring {answer_key['scoring']!r}")
    right = sum(1 for option_id in chosen if option_id in correct)
    wrong = len(chosen) - right  # unknown ids are wrong choices too
    return max(0.0, (right - wrong) / len(correct))


def _key_answer(answer_key: dict) -> bool:
    answer = answer_key["answer"]
    if not isinstance(answer, bool):
        raise ValueError(f"a true_false answer must be true or false, not {answer!r}")
    return answer


def _true_false(response: object) -> bool | None:
    if isinstance(response, bool):
        return response
    if isinstance(response, str):
        return _TRUE_FALSE.get(response.strip().lower())
    return None


def _text_matches(answer_key: dict, response: object, accept: Sequence[str]) -> bool:
    if not isinstance(response, str):
        return False
    sensitive = bool(answer_key.get("case_sensitive", False))
    answer = normalise_text(response, case_sensitive=sensitive)
    # An accepted text made only of marks or spaces must not let an empty answer through.
    return bool(answer) and answer in {normalise_text(a, case_sensitive=sensitive) for a in accept}


def _number_matches(answer_key: dict, response: object) -> bool:
    value = parse_number(response) if isinstance(response, str) else None
    if value is None:
        return False
    if "range" in answer_key:
        low, high = answer_key["range"]
        # Bounds and answer are parsed from decimal text the same way, so equal text compares
        # equal: the edges need no slack.
        return low <= value <= high
    answer = answer_key["answer"]
    tolerance = answer_key.get("tolerance", 0.0)
    # |3.6 - 3.5| is 0.10000000000000009: allow the few ulps that decimal-to-binary rounding of
    # the three numbers can add, far below anything a learner could type.
    slack = 4 * math.ulp(max(abs(answer), abs(value), tolerance))
    return abs(value - answer) <= tolerance + slack
