"""Pathological Markdown is refused quickly, at its line, by the preview, the importer and the
zip upload alike; what is rendered runs under a time limit."""

import io
import shutil
import time

import pytest
import sqlalchemy as sa

from depomi_learn.content.importer import import_tree
from depomi_learn.content.limits import MarkdownRefused, markdown_problem, time_limit
from depomi_learn.content.render import render_markdown
from depomi_learn.extensions import db
from depomi_learn.models import CourseVersion, Role
from tests.helpers.authoring import (
    COURSE,
    QUIZ_COURSE,
    folder_entries,
    import_course,
    make_author,
    module_file,
    post,
    zip_of,
)

LECTURE = "fr/01-lecture.md"
BODY_LINE = 9  # the first line of the body in `module_file`
BOMBS = {  # name: (body, code, line of the finding)
    "brackets-as-reported": ("[" * 50_000 + "]" * 50_000, "E111", None),  # 100 KB and a header
    "brackets": ("[" * 45_000 + "]" * 45_000, "E113", BODY_LINE),
    "open-brackets": ("[ x " * 20_000, "E113", BODY_LINE),
    "list-2000-deep": ("- " * 2000 + "x", "E112", BODY_LINE),
    "indented-list": ("".join("    " * i + "- x\n" for i in range(150)), "E112", BODY_LINE + 12),
    "quotes-2000-deep": (">" * 2000 + " x", "E112", BODY_LINE),
    "emphasis": ("*" * 2000 + "a" + "*" * 2000, "E112", BODY_LINE),
    "unclosed-tags": ("<a " * 30_000, "E113", BODY_LINE),
    "footnotes": ("[^1]" * 400 + "\n\n[^1]: x", "E113", BODY_LINE),
    "too-large": ("word " * 21_000, "E111", None),
}


def bomb_file(body: str) -> str:
    return module_file("lecture", "Lecture", "# Lecture\n\n" + body)


@pytest.fixture
def draft(app, client, auth) -> str:
    trainer = auth.as_role(Role.TRAINER, region=None)
    import_course(app)
    make_author(app, COURSE, trainer)
    assert post(client, f"/author/{COURSE}/draft").status_code == 302
    return COURSE


@pytest.mark.parametrize(("body", "code", "line"), BOMBS.values(), ids=BOMBS.keys())
def test_the_preview_refuses_pathological_markdown_within_a_second(client, draft, body, code, line):
    started = time.monotonic()
    response = post(client, f"/author/{draft}/preview", {"path": LECTURE, "text": bomb_file(body)})
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.get_json()["errors"] >= 1
    html = response.get_json()["html"]
    assert code in html
    if line:
        assert f'data-line="{line}"' in html  # the finding is at the bomb's line
    assert elapsed < 1.0


@pytest.mark.parametrize(("body", "code", "line"), BOMBS.values(), ids=BOMBS.keys())
def test_the_importer_refuses_pathological_markdown_within_a_second(
    ctx, tmp_path, body, code, line
):
    folder = tmp_path / COURSE
    shutil.copytree(QUIZ_COURSE, folder)
    (folder / LECTURE).write_text(bomb_file(body), "utf-8")
    started = time.monotonic()
    results, findings = import_tree(folder)
    elapsed = time.monotonic() - started
    assert results == []
    refused = [f for f in findings if f.code == code]
    assert refused
    assert refused[0].path.endswith(LECTURE)
    assert refused[0].line == line
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseVersion)) == 0
    assert elapsed < 1.0


def test_the_zip_upload_refuses_the_bracket_bomb_within_a_second(client, draft):
    entries = folder_entries(QUIZ_COURSE)
    entries[LECTURE] = bomb_file(BOMBS["brackets"][0]).encode()
    started = time.monotonic()
    response = post(
        client,
        f"/author/{draft}/upload",
        {"archive": (io.BytesIO(zip_of(entries)), "course.zip")},
        content_type="multipart/form-data",
    )
    assert time.monotonic() - started < 1.0
    assert response.status_code == 422
    assert "E113" in response.get_data(as_text=True)


def test_the_renderer_itself_refuses_what_the_checks_refuse():
    with pytest.raises(MarkdownRefused) as refused:
        render_markdown(BOMBS["brackets"][0], language="fr", asset_url=lambda name: name)
    assert refused.value.problem.code == "E113"


def test_rendering_stops_at_its_time_limit():
    text = (QUIZ_COURSE / LECTURE).read_text("utf-8") * 40
    assert markdown_problem(text) is None
    started = time.monotonic()
    with pytest.raises(MarkdownRefused), time_limit(0.001):
        render_markdown(text, language="fr", asset_url=lambda name: name)
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    "text",
    [
        "- a\n    - b\n        - c\n            - d\n",
        "> a\n>> b\n>>> c\n",
        "*" * 60,
        "- - - - - - - - - - - - - - - - - - - - - - - - -",
        "[lien](https://example.ma/a_(b)) et [autre][ref] ![image](../assets/x.png)\n",
        "Un prix < 5 DH et un (aparté [crochet) sans fin\n" * 50,
        "```python\n" + "".join("    " * 8 + "x = a[b[c]]\n" for _ in range(200)) + "```\n",
    ],
)
def test_ordinary_markdown_passes_the_checks(text):
    assert markdown_problem(text) is None
