"""Broken assignment blocks, each with the findings it must give."""

from pathlib import Path

import pytest

from tests.helpers.database import FIXTURES

COURSE = FIXTURES / "practical-course"


FR = "fr/02-profil.md"


AR = "ar/02-profil.md"


LESSON = "fr/01-lecture.md"


BLOCK = (COURSE / FR).read_text("utf-8").split("```assignment\n", 1)[1].split("```\n", 1)[0]


SMALL = "```assignment\nid: autre\ntitle: T\ninstructions: I\nrubric:\n" + (
    "  - id: c\n    title: C\n    levels:\n      - {title: a, points: 0}\n"
    "      - {title: b, points: 1}\n```\n"
)


def replace(file: str, old: str, new: str):
    def mutate(folder: Path) -> None:
        path = folder / file
        text = path.read_text("utf-8")
        assert text.count(old) == 1, f"{old!r} must occur once in {file}"
        path.write_text(text.replace(old, new), "utf-8")

    return mutate


def append(file: str, text: str):
    def mutate(folder: Path) -> None:
        path = folder / file
        path.write_text(path.read_text("utf-8") + text, "utf-8")

    return mutate


def case(mutate, code: str, file: str, line: int | None, *also: str, id: str):
    return pytest.param(mutate, code, file, line, set(also), id=id)


CASES = [
    case(replace(FR, "```\n", ""), "E701", FR, 11, "E714", id="never-closed"),
    case(replace(FR, "max_files: 3\n", "max_files: [3\n"), "E702", FR, 23, "E714", id="yaml"),
    case(replace(FR, "pass_mark: 60", "pass_mark:\t60"), "E703", FR, 23, "E714", id="tab"),
    case(replace(FR, "id: profil-commune", "id: Profil"), "E704", FR, 12, "E716", id="bad-id"),
    case(append(FR, "\n" + SMALL), "E705", FR, 40, id="two-in-a-module"),
    case(
        append(LESSON, "\n```assignment\n" + BLOCK + "```\n"), "E705", FR, 11, "E714", id="same-id"
    ),
    case(
        replace(FR, "title: Profil migratoire et fiche projet\n", ""),
        "E706",
        FR,
        12,
        "E716",
        id="title-missing",
    ),
    case(
        replace(FR, "accept: [text, files]", "accept: [video]"), "E707", FR, 19, "E716", id="accept"
    ),
    case(replace(FR, "docx, xlsx, odt", "exe, xlsx, odt"), "E708", FR, 20, "E716", id="exe"),
    case(replace(FR, "max_size_mb: 2", "max_size_mb: 500"), "E709", FR, 21, "E716", id="size"),
    case(
        replace(
            FR, "      - {title: Correct, points: 2}\n      - {title: Très bien, points: 4}\n", ""
        ),
        "E710",
        FR,
        28,
        "E716",
        id="one-level",
    ),
    case(replace(FR, "points: 6", "points: -6"), "E710", FR, 37, "E716", id="negative-points"),
    case(
        replace(FR, "{title: Correct, points: 3}", "{title: Correct, mais incomplet, points: 3}"),
        "E710",
        FR,
        36,
        "E716",
        id="unquoted-comma-in-title",
    ),
    case(replace(FR, "pass_mark: 60", "pass_mark: 160"), "E711", FR, 23, "E716", id="pass-mark"),
    case(replace(FR, "reviewers: course", "reviewers: all"), "E712", FR, 24, "E716", id="who"),
    case(
        replace(FR, "title: Profil migratoire et fiche projet", "title: yes"),
        "E713",
        FR,
        13,
        "E716",
        id="title-boolean",
    ),
    case(replace(AR, "```assignment", "```text"), "E714", AR, None, id="missing-in-ar"),
    case(replace(AR, "pass_mark: 60", "pass_mark: 50"), "E715", AR, 12, id="differs-in-ar"),
    case(append("ar/01-lecture.md", "\n" + SMALL), "E716", "ar/01-lecture.md", 12, id="only-ar"),
    case(
        replace(FR, "reviewers: course", "reviewer: course"),
        "W701",
        FR,
        24,
        "E716",
        id="unknown-key",
    ),
    case(
        replace(FR, "accept: [text, files]", "accept: text"),
        "W702",
        FR,
        20,
        "E715",
        id="files-on-text-only",
    ),
]
