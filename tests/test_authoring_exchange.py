"""Exchange with git: zip download and upload, `flask courses export`, and exact round trips."""

import io
import stat
import zipfile

import pytest

from depomi_learn.authoring import AuthoringError
from depomi_learn.authoring.zipfiles import ZipLimits, folder_zip, read_zip
from depomi_learn.models import Role
from tests.helpers.authoring import (
    COURSE,
    QUIZ_COURSE,
    draft_files,
    folder_entries,
    import_course,
    make_author,
    post,
    versions,
    zip_of,
)


@pytest.fixture
def course(app, auth) -> str:
    import_course(app)
    make_author(app, COURSE, auth.as_role(Role.TRAINER, region=None))
    return COURSE


def upload(client, data: bytes, url: str = f"/author/{COURSE}/upload"):
    return post(
        client,
        url,
        {"archive": (io.BytesIO(data), "course.zip")},
        content_type="multipart/form-data",
    )


def broken_entries() -> dict[str, bytes]:
    entries = folder_entries(QUIZ_COURSE, f"{COURSE}/")
    name = f"{COURSE}/fr/02-evaluation.md"
    entries[name] = entries[name].replace(b"    correct: true\n", b"", 1)
    return entries


def test_export_then_import_with_the_command_line_changes_nothing(app, tmp_path):
    import_course(app)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["courses", "export", COURSE, str(tmp_path)])
    assert result.exit_code == 0, result.output
    exported = folder_entries(tmp_path / COURSE)
    assert exported == folder_entries(QUIZ_COURSE)  # byte for byte
    result = runner.invoke(args=["courses", "import", str(tmp_path / COURSE)])
    assert result.exit_code == 0, result.output
    assert f"{COURSE}: unchanged" in result.output
    assert len(versions(app)) == 1


def test_export_refuses_to_overwrite_a_folder_unless_forced(app, tmp_path):
    import_course(app)
    runner = app.test_cli_runner()
    (tmp_path / COURSE / "fr").mkdir(parents=True)
    (tmp_path / COURSE / "fr" / "99-old.md").write_text("old")
    (tmp_path / COURSE / ".git").mkdir()
    result = runner.invoke(args=["courses", "export", COURSE, str(tmp_path)])
    assert result.exit_code != 0
    assert "not empty" in result.output
    result = runner.invoke(args=["courses", "export", COURSE, str(tmp_path), "--force"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / COURSE / "fr" / "99-old.md").exists()
    assert (tmp_path / COURSE / ".git").is_dir()  # hidden files are left alone
    result = runner.invoke(args=["courses", "export", "no-such-course", str(tmp_path)])
    assert result.exit_code != 0


def test_zip_download_then_upload_then_publish_changes_nothing(app, client, course):
    response = client.get(f"/author/{course}/export.zip")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{COURSE}-v1.zip"'
    assert read_zip(response.data) == folder_entries(QUIZ_COURSE)
    assert upload(client, response.data).status_code == 302
    assert draft_files(app) == folder_entries(QUIZ_COURSE)
    page = post(client, f"/author/{course}/publish", follow_redirects=True)
    assert "Nothing changed since version 1" in page.get_data(as_text=True)
    assert len(versions(app)) == 1


def test_a_version_published_in_the_browser_exports_to_the_same_hash(app, client, course, tmp_path):
    post(client, f"/author/{course}/draft")
    post(client, f"/author/{course}/modules", {"module_id": "annexe", "title": "Annexe"})
    post(client, f"/author/{course}/publish")
    assert len(versions(app)) == 2
    runner = app.test_cli_runner()
    runner.invoke(args=["courses", "export", COURSE, str(tmp_path)])
    result = runner.invoke(args=["courses", "import", str(tmp_path / COURSE)])
    assert f"{COURSE}: unchanged" in result.output


def test_a_zip_with_a_broken_file_changes_nothing(app, client, course):
    response = upload(client, zip_of(broken_entries()))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "nothing was changed" in page
    assert "E211" in page
    assert draft_files(app) is None
    assert len(versions(app)) == 1
    post(client, f"/author/{course}/draft")
    before = draft_files(app)
    assert upload(client, zip_of(broken_entries())).status_code == 422
    assert draft_files(app) == before


@pytest.mark.parametrize(
    "name",
    ["../evil.md", "quiz-course/../../evil.md", "/etc/passwd", "C:/evil.md", "fr\\..\\..\\x.md"],
)
def test_a_zip_with_a_path_out_of_the_folder_is_refused(app, client, course, name):
    entries = {**folder_entries(QUIZ_COURSE), name: b"pwned"}
    response = upload(client, zip_of(entries))
    assert response.status_code == 422
    assert "Refused entry" in response.get_data(as_text=True)
    assert draft_files(app) is None


def test_a_zip_with_a_link_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("course.yaml", b"schema: 1\n")
        link = zipfile.ZipInfo("fr/01-x.md")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(AuthoringError, match="links are not allowed"):
        read_zip(buffer.getvalue())


def test_a_zip_bomb_is_refused_by_the_bytes_it_unpacks_to():
    bomb = zip_of({"course.yaml": b"schema: 1\n", "assets/zeros.png": b"\0" * 3_000_000})
    assert len(bomb) < 10_000
    with pytest.raises(AuthoringError, match="too large"):
        read_zip(bomb, ZipLimits(max_file_bytes=1_000_000))
    with pytest.raises(AuthoringError, match="more than the size allowed"):
        read_zip(bomb, ZipLimits(max_total_bytes=2_000_000))
    many = zip_of({f"assets/{n}.txt": b"x" for n in range(30)})
    with pytest.raises(AuthoringError, match="more than 20 entries"):
        read_zip(many, ZipLimits(max_entries=20))


def test_a_zip_is_read_with_or_without_its_top_folder_and_hidden_files_are_skipped():
    files = {"course.yaml": b"schema: 1\n", "fr/01-a.md": b"---\n"}
    assert read_zip(folder_zip("c", files)) == files
    assert read_zip(zip_of(files)) == files
    extra = {"c/.git/config": b"x", "__MACOSX/c/._course.yaml": b"x", "c/.DS_Store": b"x"}
    assert read_zip(zip_of({**{f"c/{k}": v for k, v in files.items()}, **extra})) == files
    with pytest.raises(AuthoringError, match="not a zip"):
        read_zip(b"PK\x03\x04 not really")


def test_folder_zips_are_reproducible():
    files = {"course.yaml": b"a", "fr/01-a.md": b"b"}
    assert folder_zip("c", files) == folder_zip("c", dict(reversed(files.items())))


def test_uploading_a_new_course_makes_the_trainer_its_owner(app, client, auth):
    auth.as_role(Role.TRAINER, region=None)
    response = upload(client, zip_of(folder_entries(QUIZ_COURSE, "x/")), url="/author/upload")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == f"/author/{COURSE}/"
    assert draft_files(app) == folder_entries(QUIZ_COURSE)
    assert versions(app) == []  # a draft until published
    assert client.get(f"/author/{COURSE}/").status_code == 200
    response = upload(client, zip_of(folder_entries(QUIZ_COURSE)), url="/author/upload")
    assert response.status_code == 422  # the id is taken now
