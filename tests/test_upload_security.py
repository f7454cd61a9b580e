"""Hostile course zips: ids and file names that try to write outside a temporary folder."""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml as pyyaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from depomi_learn.authoring import AuthoringError
from depomi_learn.authoring.folder import check_folder
from depomi_learn.authoring.publishing import upload_new_course
from depomi_learn.extensions import db
from depomi_learn.models import AuditEvent, Course, Role, User
from tests.helpers.authoring import COURSE, QUIZ_COURSE, folder_entries, post, zip_of
from tests.helpers.people import make_user

PROPERTY = settings(
    max_examples=60,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
HOSTILE_IDS = [
    "../../x",
    "../x",
    "..",
    ".",
    "a/../../b",
    "/etc/depomi",
    "\\..\\x",
    "C:\\x",
    "c:x",
    "x\x00y",
    "x\n",
    "~/x",
    "",
]


def snapshot(root: Path) -> set[str]:
    """Return every path under `root`, to compare before and after."""
    return {path.relative_to(root).as_posix() for path in root.rglob("*")}


@pytest.fixture
def sandbox(tmp_path, monkeypatch) -> Path:
    """A sentinel tree: temporary folders and the cwd inside it, so '..' lands in it."""
    (tmp_path / "tmp" / "deep" / "er").mkdir(parents=True)
    (tmp_path / "cwd" / "a" / "b").mkdir(parents=True)
    (tmp_path / "existing").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp" / "deep" / "er"))
    monkeypatch.chdir(tmp_path / "cwd" / "a" / "b")
    return tmp_path


@pytest.fixture
def trainer(app) -> int:
    return make_user(app, email="trainer@example.ma", role=Role.TRAINER, region=None)


def course_zip(course_id: object, *, modules: object = None, extra: dict | None = None) -> bytes:
    entries = folder_entries(QUIZ_COURSE)
    yaml = entries["course.yaml"].decode()
    lines = [line for line in yaml.splitlines() if not line.startswith("id:")]
    text = "\n".join(lines) + "\n"
    text += pyyaml.safe_dump({"id": course_id}, allow_unicode=True)
    if modules is not None:
        text = "\n".join(line for line in text.splitlines() if not line.startswith("modules:"))
        text += "\n" + pyyaml.safe_dump({"modules": modules}, allow_unicode=True)
    entries["course.yaml"] = text.encode()
    entries.update(extra or {})
    return zip_of(entries)


def upload(client, data: bytes):
    return post(
        client,
        "/author/upload",
        {"archive": (io.BytesIO(data), "course.zip")},
        content_type="multipart/form-data",
    )


def refusals(app) -> list[AuditEvent]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AuditEvent).where(AuditEvent.action == "course_upload_refused")
            )
        )


@pytest.mark.parametrize(
    "course_id",
    ["ABS", "../../escaped", "../../../../escaped", "existing", "missing/parent/x"],
)
def test_hostile_course_ids_write_nothing_and_answer_the_same(
    app, client, auth, sandbox, course_id
):
    auth.as_role(Role.TRAINER, region=None)
    if course_id == "ABS":
        course_id = str(sandbox / "absolute")
    elif course_id in ("existing", "missing/parent/x"):
        course_id = str(sandbox / course_id)
    before = snapshot(sandbox)
    response = upload(client, course_zip(course_id))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "course.yaml, id:" in page  # the same finding whether the folder exists or not
    assert snapshot(sandbox) == before
    assert not (Path.cwd() / "escaped").exists()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0
    assert len(refusals(app)) == 1


@pytest.mark.parametrize("module_id", ["../../x", "/abs", "a/b", "x\x00", "A", "x\n"])
def test_hostile_module_ids_are_findings_and_write_nothing(app, client, auth, sandbox, module_id):
    auth.as_role(Role.TRAINER, region=None)
    before = snapshot(sandbox)
    response = upload(client, course_zip(COURSE, modules=[module_id]))
    assert response.status_code == 422
    assert "E012" in response.get_data(as_text=True)
    assert snapshot(sandbox) == before
    assert len(refusals(app)) == 1


def raw_zip(name: str, *, link: bool = False) -> bytes:
    """A valid course plus one entry named exactly `name` (possibly a link)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in folder_entries(QUIZ_COURSE).items():
            archive.writestr(path, data)
        info = _member(name)
        if link:
            info.external_attr = 0o120777 << 16
        archive.writestr(info, b"target")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name",
    ["../../evil", "/etc/evil", "a/../../x", "C:/evil", "a\\..\\..\\", "ok\x00.md", "a//b"],
)
def test_hostile_member_names_are_refused(app, client, auth, sandbox, name):
    auth.as_role(Role.TRAINER, region=None)
    before = snapshot(sandbox)
    response = upload(client, raw_zip(name))
    assert response.status_code == 422
    assert "Refused entry" in response.get_data(as_text=True)
    assert snapshot(sandbox) == before
    assert len(refusals(app)) == 1


def test_links_in_the_zip_are_refused(app, client, auth, sandbox):
    auth.as_role(Role.TRAINER, region=None)
    response = upload(client, raw_zip("fr/link.md", link=True))
    assert response.status_code == 422
    assert "links are not allowed" in response.get_data(as_text=True)


@pytest.mark.parametrize("course_id", HOSTILE_IDS)
def test_check_folder_refuses_a_hostile_id_before_any_write(sandbox, ctx, course_id):
    before = snapshot(sandbox)
    with pytest.raises(AuthoringError):
        check_folder(course_id, {"course.yaml": b"id: x\n"})
    assert snapshot(sandbox) == before


def _hostile_text() -> st.SearchStrategy[str]:
    pieces = st.sampled_from(["..", "/", "\\", "\x00", "C:", "~", ".", "a", "-", "x1", "\n", " "])
    return st.one_of(
        st.text(st.characters(exclude_categories=["Cs"]), max_size=40),
        st.lists(pieces, max_size=8).map("".join),
        st.sampled_from(HOSTILE_IDS),
    )


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("m")
    info.filename = name  # bypass zipfile's own cleaning: the reader must cope
    info.orig_filename = name
    return info


@pytest.mark.filterwarnings("ignore:Duplicate name")  # a hostile zip may repeat names
@PROPERTY
@given(
    course_id=_hostile_text(),
    module_ids=st.lists(_hostile_text(), max_size=3),
    members=st.lists(_hostile_text(), max_size=4),
)
def test_no_upload_writes_outside_its_temporary_folder(
    ctx, trainer, sandbox, course_id, module_ids, members
):
    before = snapshot(sandbox)
    entries = folder_entries(QUIZ_COURSE)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, data in entries.items():
            archive.writestr(path, data)
        for index, name in enumerate(members):
            if name:
                with contextlib.suppress(ValueError, UnicodeEncodeError):
                    archive.writestr(_member(name), f"{index}".encode())
    body = zipfile.ZipFile(io.BytesIO(course_zip(course_id, modules=module_ids or None)))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("zz/course.yaml", body.read("course.yaml"))
    user = db.session.get(User, trainer)
    try:
        upload_new_course(buffer.getvalue(), user)
        upload_new_course(course_zip(course_id, modules=module_ids or None), user)
    except AuthoringError:
        pass
    finally:
        db.session.rollback()
    assert snapshot(sandbox) == before
    assert not os.listdir(tempfile.gettempdir())


@pytest.mark.parametrize("course_id", ["../escaped", "/srv/escaped", "x/../../y"])
def test_the_export_command_refuses_an_id_that_is_not_one(app, sandbox, course_id):
    before = snapshot(sandbox)
    result = app.test_cli_runner().invoke(args=["courses", "export", course_id, "out"])
    assert result.exit_code != 0
    assert "not a course id" in result.output
    assert snapshot(sandbox) == before


def test_the_export_command_refuses_a_huge_version(app, sandbox):
    result = app.test_cli_runner().invoke(
        args=["courses", "export", COURSE, "out", "--version", "9" * 25]
    )
    assert result.exit_code == 2
