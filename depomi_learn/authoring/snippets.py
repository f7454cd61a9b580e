"""Blocks the editor offers to insert: a quiz block for each question type, quiz settings."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import gettext as _


@dataclass(frozen=True)
class Snippet:
    name: str
    label: str
    text: str


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _quiz(body: str) -> str:
    return f"\n```quiz\n{body}```\n"


def snippets() -> list[Snippet]:
    """Return the insertable blocks, with placeholder texts in the interface language."""
    # Quoted, so no translation of a placeholder can break the YAML around it.
    question, right, wrong = _q(_("Question?")), _q(_("Right answer")), _q(_("Wrong answer"))
    why_right, why_wrong = _q(_("Why it is right")), _q(_("Why it is wrong"))
    explanation = _q(_("Shown after the submission, whatever the answer."))
    return [
        Snippet("single", _("One right answer"), _quiz(
            f"id: new-single\ntype: single\nprompt: {question}\noptions:\n"
            f"  - id: a\n    text: {right}\n    correct: true\n    feedback: {why_right}\n"
            f"  - id: b\n    text: {wrong}\n    feedback: {why_wrong}\n"
            f"explanation: {explanation}\n"
        )),
        Snippet("multiple", _("Several right answers"), _quiz(
            f"id: new-multiple\ntype: multiple\nscoring: partial\nprompt: {question}\noptions:\n"
            f"  - id: a\n    text: {right}\n    correct: true\n"
            f"  - id: b\n    text: {right}\n    correct: true\n"
            f"  - id: c\n    text: {wrong}\n"
            f"explanation: {explanation}\n"
        )),
        Snippet("true_false", _("True or false"), _quiz(
            f"id: new-true-false\ntype: true_false\nprompt: {question}\nanswer: true\n"
            f"feedback:\n  true: {why_right}\n  false: {why_wrong}\n"
            f"explanation: {explanation}\n"
        )),
        Snippet("short_text", _("Short text answer"), _quiz(
            f"id: new-short-text\ntype: short_text\nprompt: {question}\n"
            f"accept: [{right}]\nexplanation: {explanation}\n"
        )),
        Snippet("numeric", _("Number"), _quiz(
            f"id: new-numeric\ntype: numeric\nprompt: {question}\nanswer: 2014\ntolerance: 0\n"
            f"explanation: {explanation}\n"
        )),
        Snippet("settings", _("Quiz settings (in the front matter, between the --- lines)"),
                "quiz:\n  pass_mark: 70\n  max_attempts: 3\n"),
    ]  # fmt: skip
