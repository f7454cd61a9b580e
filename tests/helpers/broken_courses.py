"""Broken course folders, each with the findings it must give."""

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "courses" / "valid-course"


FR_EVAL = "fr/02-evaluation.md"


AR_EVAL = "ar/02-evaluation.md"


FR_INTRO = "fr/01-intro.md"


AR_INTRO = "ar/01-intro.md"


YAML = "course.yaml"


SVG_WITH_SCRIPT = '<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(1)</script>\n</svg>\n'


EXTRA_QUIZ = "\n```quiz\nid: extra\ntype: true_false\nprompt: Vrai ?\nanswer: true\n```\n"


LONG_ANSWERS = "".join(
    f"\n```quiz\nid: long-{n}\ntype: single\nprompt: Question {n} ?\noptions:\n"
    f"  - id: a\n    text: Une réponse longue, précise et nuancée\n    correct: true\n"
    f"  - id: b\n    text: Non\n```\n"
    for n in (1, 2)
)


ALL_TRUE = "".join(
    f"\n```quiz\nid: vrai-{n}\ntype: true_false\nprompt: Affirmation {n}.\nanswer: true\n```\n"
    for n in (1, 2)
)


SOURCES = "sources:\n  - id: snia\n    cite: Stratégie nationale d'immigration et d'asile\n"


LINE_AFTER_OBJECTIVES = "objectives: [Situer la SNIA dans son contexte]\n"


def with_sources(as_of: str = "") -> str:
    return LINE_AFTER_OBJECTIVES + SOURCES + (f"    as_of: {as_of}\n" if as_of else "")


Mutation = Callable[[Path], None]


def replace(file: str, old: str, new: str) -> Mutation:
    def mutate(folder: Path) -> None:
        path = folder / file
        text = path.read_text("utf-8")
        assert text.count(old) == 1, f"{old!r} must occur once in {file}"
        path.write_text(text.replace(old, new), "utf-8")

    return mutate


def write(file: str, content: str | bytes) -> Mutation:
    def mutate(folder: Path) -> None:
        path = folder / file
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, "utf-8")

    return mutate


def append(file: str, text: str) -> Mutation:
    def mutate(folder: Path) -> None:
        path = folder / file
        path.write_text(path.read_text("utf-8") + text, "utf-8")

    return mutate


def delete(file: str) -> Mutation:
    def mutate(folder: Path) -> None:
        (folder / file).unlink()

    return mutate


def copy(source: str, target: str) -> Mutation:
    def mutate(folder: Path) -> None:
        shutil.copy(folder / source, folder / target)

    return mutate


def latin1(file: str, old: str, new: bytes) -> Mutation:
    def mutate(folder: Path) -> None:
        path = folder / file
        path.write_bytes(path.read_bytes().replace(old.encode(), new))

    return mutate


def both(*mutations: Mutation) -> Mutation:
    def mutate(folder: Path) -> None:
        for one in mutations:
            one(folder)

    return mutate


def survey(*lines: str) -> str:
    return "\n```survey\n" + "\n".join(lines) + "\n```\n"


def case(mutate: Mutation, code: str, file: str, line: int | None, *also: str, id: str):
    return pytest.param(mutate, code, file, line, set(also), id=id)


CASES = [
    # course.yaml
    case(delete(YAML), "E001", YAML, None, id="course-yaml-missing"),
    case(append(YAML, "level: advanced\n"), "E002", YAML, 20, id="duplicate-key"),
    case(write(YAML, "- just\n- a list\n"), "E002", YAML, 1, "E014", id="yaml-not-mapping"),
    case(replace(YAML, "title:\n  fr", "title:\n\tfr"), "E003", YAML, 7, "E014", id="tab"),
    case(replace(YAML, "id: valid-course", "id: SNIA"), "E004", YAML, 2, id="bad-course-id"),
    case(replace(YAML, "id: valid-course", "id: no"), "E004", YAML, 2, id="course-id-boolean"),
    case(
        replace(YAML, "prerequisites: []", "prerequisites: [Bad_Id]"),
        "E004",
        YAML,
        15,
        id="bad-prerequisite-id",
    ),
    case(replace(YAML, "id: valid-course", "id: other"), "E005", YAML, 2, id="folder-mismatch"),
    case(replace(YAML, "schema: 1", "schema: 2"), "E006", YAML, 1, id="schema-2"),
    case(replace(YAML, "schema: 1\n", ""), "E006", YAML, 1, id="schema-missing"),
    case(replace(YAML, "level: beginner\n", ""), "E007", YAML, 1, id="level-missing"),
    case(replace(YAML, "  fr: Cours de test\n", ""), "E007", YAML, 6, id="title-default-missing"),
    case(replace(YAML, '"2026.1"', "2026.10"), "E008", YAML, 3, id="version-read-as-number"),
    case(replace(YAML, "duration_minutes: 25", "duration_minutes: 2h"), "E008", YAML, 13, id="dur"),
    case(replace(YAML, "enabled: true", "enabled: maybe"), "E008", YAML, 18, id="certificate"),
    case(replace(YAML, "level: beginner", "level: expert"), "E009", YAML, 12, id="level"),
    case(
        replace(YAML, "prerequisites: []", "prerequisites: []\nshow_answers: never"),
        "E022",
        YAML,
        16,
        id="show-answers",
    ),
    case(replace(YAML, "[fr, ar]", "[fr, ar, no]"), "E010", YAML, 5, id="language-no-boolean"),
    case(replace(YAML, "[fr, ar]", "[fr, ar, ar]"), "E010", YAML, 5, id="language-twice"),
    case(
        replace(YAML, "default_language: fr", "default_language: en"),
        "E011",
        YAML,
        4,
        "E007",
        "E014",
        id="default-not-listed",
    ),
    case(replace(YAML, "evaluation]", "evaluation, Bad]"), "E012", YAML, 16, id="module-id"),
    case(replace(YAML, "evaluation]", "evaluation, intro]"), "E013", YAML, 16, id="listed-twice"),
    case(replace(YAML, "evaluation]", "evaluation, x]"), "E014", YAML, 16, id="module-no-file"),
    case(latin1(YAML, "Cours de test", b"Cours d\xe9mo"), "E015", YAML, 7, id="yaml-latin1"),
    # completion rules of blended courses
    case(
        append(YAML, "blended: true\ncompletion: {modules: all, attendance_percent: 120}\n"),
        "E016",
        YAML,
        21,
        id="attendance-over-100",
    ),
    case(append(YAML, "completion: yes\n"), "E016", YAML, 20, id="completion-not-mapping"),
    case(
        append(YAML, "completion:\n  modules: [intro, missing]\n"),
        "E017",
        YAML,
        21,
        id="completion-unknown-module",
    ),
    case(
        append(YAML, "completion:\n  attendance_percent: 80\n"),
        "E018",
        YAML,
        21,
        id="attendance-without-sessions",
    ),
    case(append(YAML, "completion:\n  post_test: true\n"), "E019", YAML, 21, id="no-post-test"),
    case(
        replace(FR_EVAL, "  shuffle: true\n", "  shuffle: true\n  role: pre_test\n"),
        "E020",
        FR_EVAL,
        5,
        id="pre-test-without-post-test",
    ),
    case(
        both(
            replace(FR_EVAL, "  shuffle: true\n", "  shuffle: true\n  role: post_test\n"),
            replace(FR_INTRO, "minutes: 10\n", "minutes: 10\nquiz: {role: post_test}\n"),
        ),
        "E021",
        FR_EVAL,
        5,
        id="two-post-tests",
    ),
    # module files and front matter
    case(latin1(FR_INTRO, "adoptée", b"adopt\xe9e"), "E101", FR_INTRO, 10, "E014", id="latin1"),
    case(replace(FR_INTRO, "---\nid: intro", "id: intro"), "E102", FR_INTRO, 1, "E014", id="no-fm"),
    case(replace(FR_INTRO, "---\n\n#", "\n#"), "E102", FR_INTRO, 1, "E014", id="fm-unclosed"),
    case(
        replace(FR_INTRO, "duration_minutes: 10\n", "duration_minutes: 10\nid: intro\n"),
        "E103",
        FR_INTRO,
        5,
        "E014",
        id="fm-duplicate-key",
    ),
    case(
        replace(FR_INTRO, "title: Introduction", 'title: "Introduction'),
        "E103",
        FR_INTRO,
        3,
        id="fm-quote-never-closed-at-its-line-without-follow-on",
    ),
    case(replace(FR_INTRO, "minutes: 10", "minutes:\t10"), "E104", FR_INTRO, 4, "E014", id="tab"),
    case(replace(FR_INTRO, "minutes: 10", "minutes: dix"), "E105", FR_INTRO, 4, id="duration"),
    case(replace(FR_INTRO, "[Situer la SNIA", "[yes, Situer"), "E105", FR_INTRO, 5, id="objective"),
    case(
        replace(AR_INTRO, "translated_from: ", "translated_from: x"),
        "E105",
        AR_INTRO,
        6,
        id="translated-from-not-hash",
    ),
    case(replace(FR_INTRO, "id: intro", "id: Intro"), "E106", FR_INTRO, 2, "E014", id="module-id"),
    case(replace(FR_INTRO, "id: intro", "id: no"), "E106", FR_INTRO, 2, "E014", id="module-no"),
    case(copy(FR_INTRO, "fr/03-copie.md"), "E107", "fr/03-copie.md", 2, id="module-id-twice"),
    case(replace(FR_INTRO, "title: Introduction à la SNIA\n", ""), "E108", FR_INTRO, 2, id="title"),
    case(replace(FR_EVAL, "pass_mark: 70", "pass_mark: 170"), "E109", FR_EVAL, 6, id="pass-mark"),
    case(replace(FR_EVAL, "max_attempts: 3", "max_attempts: 0"), "E109", FR_EVAL, 7, id="attempts"),
    case(replace(FR_EVAL, "draw: 5", "draw: 9"), "E109", FR_EVAL, 8, id="draw-too-many"),
    case(replace(FR_EVAL, "shuffle: true", "shuffle: oui"), "E109", FR_EVAL, 9, id="shuffle"),
    case(
        replace(FR_EVAL, "pass_mark: 70\n", "pass_mark: 70\n  time_limit_minutes: 0\n"),
        "E109",
        FR_EVAL,
        7,
        id="time-limit",
    ),
    case(
        replace(FR_INTRO, "minutes: 10\n", "minutes: 10\naliases: [evaluation]\n"),
        "E110",
        FR_INTRO,
        5,
        id="alias-of-other-module",
    ),
    case(
        replace(FR_INTRO, "minutes: 10\n", "minutes: 10\naliases: [Old_Id]\n"),
        "E110",
        FR_INTRO,
        5,
        id="alias-invalid",
    ),
    case(append(FR_INTRO, "a" * 100_001), "E111", FR_INTRO, None, id="module-too-large"),
    case(
        append(FR_INTRO, "\n" + "".join("    " * i + "- x\n" for i in range(30))),
        "E112",
        FR_INTRO,
        34,
        id="list-too-deep",
    ),
    case(append(FR_INTRO, "\n" + "*" * 40 + "a" + "*" * 40), "E112", FR_INTRO, 22, id="emphasis"),
    case(append(FR_INTRO, "\n" + "[" * 2000 + "]" * 2000), "E113", FR_INTRO, 22, id="brackets"),
    # quiz blocks
    case(replace(FR_EVAL, "2015.\n```\n", "2015.\n"), "E201", FR_EVAL, 72, id="fence-never-closed"),
    case(
        replace(FR_EVAL, "accept: [SNIA]", "accept: [SNIA]\naccept: [X]"),
        "E202",
        FR_EVAL,
        62,
        id="quiz-duplicate-key",
    ),
    case(replace(FR_EVAL, "accept: [SNIA", "accept: [SNIA, [x"), "E202", FR_EVAL, 61, id="syntax"),
    case(replace(FR_EVAL, "accept: [SNIA]", "accept:\t[SNIA]"), "E203", FR_EVAL, 61, id="quiz-tab"),
    case(
        replace(FR_EVAL, "id: eval-short", "id: Eval_Short"),
        "E204",
        FR_EVAL,
        58,
        "E304",
        id="question-id",
    ),
    case(
        replace(FR_EVAL, "id: eval-short", "id: no"), "E204", FR_EVAL, 58, "E304", id="question-no"
    ),
    case(
        replace(FR_EVAL, "id: eval-short", "id: eval-single"),
        "E205",
        FR_EVAL,
        58,
        "E304",
        id="question-id-twice-in-module",
    ),
    case(
        append(FR_INTRO, EXTRA_QUIZ.replace("extra", "eval-single")),
        "E205",
        FR_EVAL,
        17,
        "E303",
        id="question-id-twice-in-course",
    ),
    case(replace(FR_EVAL, "type: short_text", "type: essay"), "E206", FR_EVAL, 59, id="type"),
    case(replace(FR_EVAL, "type: short_text\n", ""), "E206", FR_EVAL, 58, id="type-missing"),
    case(
        replace(FR_EVAL, "prompt: Quel est le sigle de la stratégie ?\n", ""),
        "E207",
        FR_EVAL,
        58,
        id="prompt-missing",
    ),
    case(replace(FR_EVAL, 'text: "2011"', "text: no"), "E208", FR_EVAL, 26, id="option-text-no"),
    case(
        replace(FR_EVAL, "prompt: Quel est le sigle de la stratégie ?", "prompt: 42"),
        "E208",
        FR_EVAL,
        60,
        id="prompt-number",
    ),
    case(
        replace(
            FR_EVAL,
            "  - id: b\n    text: \"2011\"\n    feedback: Non, c'est l'année de la Constitution.\n",
            "",
        ),
        "E209",
        FR_EVAL,
        20,
        id="one-option",
    ),
    case(
        replace(FR_EVAL, '  - id: b\n    text: "2011"', '  - id: B\n    text: "2011"'),
        "E210",
        FR_EVAL,
        25,
        id="option-id",
    ),
    case(
        replace(FR_EVAL, '  - id: b\n    text: "2011"', '  - id: a\n    text: "2011"'),
        "E210",
        FR_EVAL,
        25,
        id="option-id-twice",
    ),
    case(
        replace(FR_EVAL, '  - id: b\n    text: "2011"', '  - id: yes\n    text: "2011"'),
        "E210",
        FR_EVAL,
        25,
        id="option-id-yes",
    ),
    case(
        replace(FR_EVAL, '    text: "2011"\n', '    text: "2011"\n    correct: true\n'),
        "E211",
        FR_EVAL,
        20,
        id="single-two-correct",
    ),
    case(
        replace(FR_EVAL, 'text: "2014"\n    correct: true\n', 'text: "2014"\n'),
        "E211",
        FR_EVAL,
        20,
        id="single-none-correct",
    ),
    case(
        lambda folder: (
            replace(FR_EVAL, "La région\n    correct: true", "La région")(folder),
            replace(FR_EVAL, "La commune\n    correct: true", "La commune")(folder),
        ),
        "E212",
        FR_EVAL,
        36,
        id="multiple-none-correct",
    ),
    case(replace(FR_EVAL, "scoring: partial", "scoring: most"), "E213", FR_EVAL, 35, id="scoring"),
    case(replace(FR_EVAL, "answer: true", 'answer: "true"'), "E214", FR_EVAL, 51, id="tf-text"),
    case(replace(FR_EVAL, "answer: true\n", ""), "E214", FR_EVAL, 48, id="tf-missing"),
    case(replace(FR_EVAL, "accept: [SNIA]", "accept: []"), "E215", FR_EVAL, 61, id="accept-empty"),
    case(replace(FR_EVAL, "accept: [SNIA]", "accept: [yes]"), "E215", FR_EVAL, 61, id="accept-yes"),
    case(replace(FR_EVAL, "answer: 11", "answer: ١١"), "E216", FR_EVAL, 68, id="arabic-digits"),
    case(replace(FR_EVAL, "answer: 11", "answer: 11,5"), "E216", FR_EVAL, 68, id="decimal-comma"),
    case(replace(FR_EVAL, "answer: 11", 'answer: "11"'), "E216", FR_EVAL, 68, id="quoted-number"),
    case(replace(FR_EVAL, "answer: 11\n", ""), "E217", FR_EVAL, 65, id="numeric-no-answer"),
    case(
        replace(FR_EVAL, "answer: 11\n", "answer: 11\nrange: [1, 2]\n"),
        "E217",
        FR_EVAL,
        65,
        id="numeric-answer-and-range",
    ),
    case(replace(FR_EVAL, "range: [12, 12]", "range: [13, 12]"), "E218", FR_EVAL, 76, id="range"),
    case(replace(FR_EVAL, "range: [12, 12]", "range: [12]"), "E218", FR_EVAL, 76, id="range-one"),
    case(replace(FR_EVAL, "tolerance: 0", "tolerance: -1"), "E219", FR_EVAL, 69, id="tolerance"),
    case(replace(FR_EVAL, "points: 2", "points: 0"), "E220", FR_EVAL, 77, id="points-zero"),
    case(replace(FR_EVAL, "points: 2", "points: two"), "E220", FR_EVAL, 77, id="points-text"),
    case(
        replace(FR_EVAL, "accept: [SNIA]", 'accept: [SNIA]\ncase_sensitive: "no"'),
        "E221",
        FR_EVAL,
        62,
        id="case-sensitive-text",
    ),
    # translations
    case(replace(AR_INTRO, "id: intro", "id: intro-ar"), "E301", AR_INTRO, 2, id="module-id-ar"),
    case(
        lambda folder: (
            replace(AR_EVAL, 'text: "2014"\n    correct: true\n', 'text: "2014"\n')(folder),
            replace(AR_EVAL, '    text: "2011"\n', '    text: "2011"\n    correct: true\n')(folder),
        ),
        "E302",
        AR_EVAL,
        27,
        id="answer-key-differs",
    ),
    case(replace(AR_EVAL, "answer: 11", "answer: 12"), "E302", AR_EVAL, 69, id="numeric-differs"),
    case(
        replace(
            AR_EVAL,
            "type: numeric\nprompt: كم عدد البرامج",
            "type: short_text\naccept: [x]\nprompt: كم عدد البرامج",
        ),
        "E302",
        AR_EVAL,
        67,
        id="type-differs",
    ),
    case(
        replace(AR_EVAL, "```quiz\nid: eval-short\n", "```text\nid: eval-short\n"),
        "E303",
        AR_EVAL,
        None,
        id="quiz-missing-in-translation",
    ),
    case(append(AR_EVAL, EXTRA_QUIZ), "E304", AR_EVAL, 82, id="extra-quiz-in-translation"),
    # links and assets
    case(replace(FR_INTRO, "assets/map.png", "assets/carte.png"), "E401", FR_INTRO, 12, id="img"),
    case(replace(FR_INTRO, "(02-evaluation.md)", "(03-x.md)"), "E402", FR_INTRO, 20, id="link"),
    case(
        replace(FR_INTRO, "(../assets/map.png)", "(/home/amina/map.png)"),
        "E403",
        FR_INTRO,
        12,
        id="absolute-unix",
    ),
    case(
        replace(FR_INTRO, "(../assets/map.png)", "(C:\\Users\\amina\\map.png)"),
        "E403",
        FR_INTRO,
        12,
        id="absolute-windows",
    ),
    case(replace(FR_INTRO, "(../assets/map.png)", "(../../x.png)"), "E404", FR_INTRO, 12, id="out"),
    case(write("assets/evil.svg", SVG_WITH_SCRIPT), "E405", "assets/evil.svg", 2, id="svg-script"),
    case(
        replace(FR_INTRO, "(02-evaluation.md)", "(javascript:alert(1))"),
        "E406",
        FR_INTRO,
        20,
        id="javascript-link",
    ),
    case(replace(FR_INTRO, "(02-evaluation.md)", "(../course.yaml)"), "E407", FR_INTRO, 20, id="f"),
    # between courses
    case(replace(YAML, "prerequisites: []", "prerequisites: [nope]"), "E501", YAML, 15, id="prq"),
    case(
        replace(YAML, "prerequisites: []", "prerequisites: [valid-course]"),
        "E502",
        YAML,
        15,
        id="requires-itself",
    ),
    # survey blocks
    case(
        append(FR_INTRO, survey("id: s1", "type: likert")),
        "E230",
        FR_INTRO,
        23,
        id="survey-no-prompt",
    ),
    case(
        append(FR_INTRO, survey("id: s1", "type: stars", "prompt: Note ?")),
        "E231",
        FR_INTRO,
        24,
        id="unknown-scale",
    ),
    case(
        append(
            FR_INTRO, survey("id: s1", "type: single", "prompt: Q ?", "options: [{id: a, text: A}]")
        ),
        "E232",
        FR_INTRO,
        26,
        id="survey-one-option",
    ),
    case(
        append(
            FR_INTRO,
            survey("id: s1", "type: text", "prompt: A ?")
            + survey("id: s1", "type: text", "prompt: B ?"),
        ),
        "E233",
        FR_INTRO,
        28,
        "E305",
        id="survey-duplicate",
    ),
    case(
        append(FR_INTRO, survey("id: s1", "type: text", "prompt: Quoi ?")),
        "E305",
        AR_INTRO,
        None,
        id="survey-missing-in-translation",
    ),
    case(
        both(
            append(FR_INTRO, survey("id: s1", "type: text", "prompt: Quoi ?", "scale: 7")),
            append(AR_INTRO, survey("id: s1", "type: text", "prompt: ماذا؟")),
        ),
        "W207",
        FR_INTRO,
        26,
        id="survey-unknown-key",
    ),
    # warnings
    case(replace(YAML, "  ar: درس تجريبي\n", ""), "W002", YAML, 6, id="title-ar-missing"),
    case(write("de/01-intro.md", "---\nid: intro\n---\n"), "W003", "de", None, id="language"),
    case(replace(YAML, "level:", "titel: x\nlevel:"), "W004", YAML, 12, id="unknown-course-key"),
    case(
        write("fr/09-annexe.md", "---\nid: annexe\ntitle: Annexe\n---\n\nTexte.\n"),
        "W101",
        "fr/09-annexe.md",
        2,
        id="file-not-listed",
    ),
    case(replace(FR_INTRO, "minutes: 10", "minute: 10"), "W102", FR_INTRO, 4, id="fm-unknown"),
    case(
        write(FR_INTRO, "---\nid: intro\ntitle: Introduction\n---\n\n"),
        "W103",
        FR_INTRO,
        2,
        id="empty-module",
    ),
    case(
        replace(FR_INTRO, "minutes: 10\n", "minutes: 10\nquiz: {pass_mark: 50}\n"),
        "W104",
        FR_INTRO,
        5,
        id="quiz-without-questions",
    ),
    case(
        replace(
            FR_EVAL, "quiz:\n  pass_mark: 70\n  max_attempts: 3\n  draw: 5\n  shuffle: true\n", ""
        ),
        "W105",
        FR_EVAL,
        2,
        id="questions-without-quiz",
    ),
    case(write("fr/notes.txt", "notes"), "W106", "fr/notes.txt", None, id="not-markdown"),
    case(
        replace(FR_INTRO, "adoptée en 2014.", "adoptée en 2014[^snia]."),
        "E114",
        FR_INTRO,
        10,
        id="reference-without-source",
    ),
    case(
        replace(
            FR_INTRO,
            LINE_AFTER_OBJECTIVES,
            with_sources("2014-13"),
        ),
        "E115",
        FR_INTRO,
        9,
        id="source-date-not-a-date",
    ),
    case(
        replace(FR_INTRO, LINE_AFTER_OBJECTIVES, with_sources()),
        "E115",
        FR_INTRO,
        7,
        id="source-without-as-of",
    ),
    case(
        replace(
            FR_INTRO,
            LINE_AFTER_OBJECTIVES,
            with_sources("2099-01"),
        ),
        "E115",
        FR_INTRO,
        9,
        id="source-checked-in-the-future",
    ),
    case(
        replace(
            FR_INTRO,
            LINE_AFTER_OBJECTIVES,
            with_sources("2026-11"),
        ),
        "W107",
        FR_INTRO,
        7,
        id="source-never-cited",
    ),
    case(
        replace(FR_EVAL, "prompt: Quel est", "promt: Quel est"),
        "W201",
        FR_EVAL,
        60,
        "E207",
        id="quiz-unknown-key",
    ),
    case(
        replace(FR_EVAL, "accept: [SNIA]", "accept: [SNIA]\nscoring: partial"),
        "W202",
        FR_EVAL,
        62,
        id="key-not-for-type",
    ),
    case(
        both(append(FR_EVAL, LONG_ANSWERS), append(AR_EVAL, LONG_ANSWERS)),
        "W203",
        FR_EVAL,
        81,
        id="correct-option-longest",
    ),
    case(
        both(append(FR_EVAL, ALL_TRUE), append(AR_EVAL, ALL_TRUE)),
        "W204",
        FR_EVAL,
        47,
        id="true-false-all-true",
    ),
    case(
        replace(FR_EVAL, 'text: "2011"', "text: Aucune de ces réponses"),
        "W205",
        FR_EVAL,
        16,
        id="none-of-the-above-fr",
    ),
    case(
        replace(AR_EVAL, 'text: "2011"', "text: لا شيء مما سبق"),
        "W205",
        AR_EVAL,
        17,
        id="none-of-the-above-ar",
    ),
    case(replace(FR_EVAL, 'text: "2011"', 'text: "2014 "'), "W206", FR_EVAL, 16, id="repeated"),
    case(delete(AR_INTRO), "W301", "ar", None, id="module-missing-in-ar"),
    case(append(FR_INTRO, "\nUne phrase de plus.\n"), "W302", AR_INTRO, 6, id="stale"),
    case(
        replace(AR_INTRO, "translated_from:", "translated:"),
        "W303",
        AR_INTRO,
        2,
        "W102",
        id="translated-from-missing",
    ),
    case(replace(AR_EVAL, "pass_mark: 70", "pass_mark: 80"), "W304", AR_EVAL, 5, id="settings"),
    case(
        replace(FR_INTRO, "minutes: 10\n", "minutes: 10\ntranslated_from: abcdef123456\n"),
        "W305",
        FR_INTRO,
        5,
        id="translated-from-in-default",
    ),
    case(
        append(FR_INTRO, "\nVoir [l'autre cours](../../autre-cours/fr/01-intro.md).\n"),
        "E408",
        FR_INTRO,
        22,
        id="link-to-missing-course",
    ),
    case(write("assets/notes.docx", b"PK\x03\x04"), "W401", "assets/notes.docx", None, id="docx"),
    case(
        replace(FR_INTRO, "(../assets/map.png)", "(https://example.org/map.png)"),
        "W402",
        FR_INTRO,
        12,
        id="external-image",
    ),
    case(
        write("assets/big.png", b"\x89PNG\r\n\x1a\n" + bytes(1_100_000)),
        "W403",
        "assets/big.png",
        None,
        id="large-asset",
    ),
]


def copy_course(tmp_path: Path) -> Path:
    folder = tmp_path / "courses" / "valid-course"
    shutil.copytree(FIXTURE, folder)
    return folder
