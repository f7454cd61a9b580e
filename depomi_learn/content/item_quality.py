"""Item-writing flaws: questions a learner can answer from their form rather than their content.

Warnings only (W203-W206): the question still works, but it measures test-wiseness. Checked on
every language file of a module, since the flaw lives in the texts (option lengths, wording).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from flask_babel import lazy_gettext as _l

from .findings import Findings
from .source import ModuleSource, ParsedQuestion

MIN_SINGLE = 3  # below this, "most" questions is noise
MIN_TRUE_FALSE = 3
LOPSIDED = 2 / 3
CATCH_ALL = (
    # French
    "toutes les reponses",
    "toutes ces reponses",
    "toutes les propositions",
    "toutes ces propositions",
    "tout ce qui precede",
    "toutes les reponses precedentes",
    "aucune de ces reponses",
    "aucune des reponses",
    "aucune reponse",
    "aucune des propositions",
    "aucune de ces propositions",
    "rien de ce qui precede",
    # English
    "all of the above",
    "none of the above",
    "all of these",
    "none of these",
    "all the above",
    # Arabic (alef forms unified, harakat removed)
    "جميع ما سبق",
    "كل ما سبق",
    "جميع ما ذكر",
    "كل ما ذكر",
    "جميع الاجوبة",
    "كل الاجوبة",
    "جميع الاجابات",
    "كل الاجابات",
    "لا شيء مما سبق",
    "لا شيء مما ذكر",
    "لا شيء مما تقدم",
    "لا شيء من ذلك",
    "لا احد مما سبق",
    "ولا واحدة مما سبق",
    "لا جواب مما سبق",
)
MARKDOWN_NOISE = re.compile(r"[*_`~]|\[\^[^\]]*\]")
PUNCTUATION = re.compile(r"[\s.,;:!?¡¿،؛؟«»\"'()\[\]-]+")


def check_module_items(module: ModuleSource, findings: Findings) -> None:
    """Report the item-writing flaws of one module file's questions."""
    _check_longest_correct(module, findings)
    _check_true_false_balance(module, findings)
    for question in module.questions:
        _check_options(module, question, findings)


def normalise(text: str) -> str:
    """Return text for comparison: no accents, harakat or tatweel, one alef, casefolded."""
    text = unicodedata.normalize("NFKD", MARKDOWN_NOISE.sub("", text))
    text = "".join(c for c in text if not unicodedata.combining(c) and c != "\u0640")
    text = re.sub("[أإآ]", "ا", unicodedata.normalize("NFC", text))
    return PUNCTUATION.sub(" ", text).casefold().strip()


def _check_longest_correct(module: ModuleSource, findings: Findings) -> None:
    singles = [q for q in module.questions if q.type == "single" and len(q.text.options) > 1]
    if len(singles) < MIN_SINGLE:
        return
    longest = [q for q in singles if _correct_is_longest(q)]
    if len(longest) * 2 > len(singles):
        message = _l(
            "the correct option is the longest in %(count)s of %(total)s "
            "single-choice questions (%(ids)s)",
            count=len(longest),
            total=len(singles),
            ids=", ".join(q.id for q in longest[:5]) + (", ..." if len(longest) > 5 else ""),
        )
        findings.add("W203", module.path, longest[0].line, message)


def _correct_is_longest(question: ParsedQuestion) -> bool:
    correct = set(question.answer_key.get("correct") or [])
    lengths = {option.id: len(normalise(option.text)) for option in question.text.options}
    right = [length for option_id, length in lengths.items() if option_id in correct]
    wrong = [length for option_id, length in lengths.items() if option_id not in correct]
    return bool(right and wrong) and min(right) > max(wrong)


def _check_true_false_balance(module: ModuleSource, findings: Findings) -> None:
    answers = [q for q in module.questions if q.type == "true_false"]
    if len(answers) < MIN_TRUE_FALSE:
        return
    counts = Counter(bool(q.answer_key.get("answer")) for q in answers)
    value, count = counts.most_common(1)[0]
    if count > LOPSIDED * len(answers):
        first = next(q for q in answers if bool(q.answer_key.get("answer")) == value)
        message = _l(
            "%(count)s of %(total)s true/false questions have the answer %(value)s",
            count=count,
            total=len(answers),
            value=str(value).lower(),
        )
        findings.add("W204", module.path, first.line, message)


def _check_options(module: ModuleSource, question: ParsedQuestion, findings: Findings) -> None:
    seen: dict[str, str] = {}
    for option in question.text.options:
        text = normalise(option.text)
        if any(text == phrase or text.startswith(phrase + " ") for phrase in CATCH_ALL):
            message = _l(
                "quiz '%(id)s': option '%(option)s' is '%(text)s'",
                id=question.id,
                option=option.id,
                text=option.text.strip(),
            )
            findings.add("W205", module.path, question.line, message)
        if text in seen:
            message = _l(
                "quiz '%(id)s': options '%(first)s' and '%(option)s' have the same text",
                id=question.id,
                first=seen[text],
                option=option.id,
            )
            findings.add("W206", module.path, question.line, message)
        seen.setdefault(text, option.id)
