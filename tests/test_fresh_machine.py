"""A fresh machine: `make test` names the Debian packages it lacks, in one line, and a library's
notice about the system does not fail the suite."""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from tests.helpers.make import make_env

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tools" / "check_system.py"


def _check_system():
    spec = importlib.util.spec_from_file_location("check_system", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _bin_without(tmp_path: Path, *kept: str) -> str:
    """A PATH holding only the named programs of this machine (so pdftotext is not on it)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name in kept:
        found = shutil.which(name)
        if found:
            (folder / name).symlink_to(found)
    return str(folder)


def _warn_from(module_name: str) -> None:
    """Raise a DeprecationWarning attributed to `module_name`, as its own code would."""
    code = compile("warnings.warn('notice', DeprecationWarning)", "<library>", "exec")
    exec(code, {"__name__": module_name, "warnings": warnings})  # noqa: S102


def test_what_is_present_is_not_asked_for():
    check = _check_system()
    needed = [check.Program(sys.executable, "python3"), check.Library("libc.so.6", "libc6")]
    assert check.missing_packages(needed) == []


def test_a_missing_library_is_named_by_its_debian_package():
    check = _check_system()
    needed = [
        check.Library("libpango-1.0.so.0", "libpango-1.0-0"),
        check.Library("libdepomi-not-here-1.0.so.0", "libpangoft2-1.0-0"),
        check.Library("libdepomi-not-here-either.so.0", "libpangoft2-1.0-0"),
    ]
    assert check.missing_packages(needed) == ["libpangoft2-1.0-0"]
    assert check.advice(["libpangoft2-1.0-0"]) == (
        "Missing system packages for the tests; install them with: "
        "sudo apt-get install libpangoft2-1.0-0"
    )


def test_a_missing_font_is_named_by_its_debian_package():
    check = _check_system()
    needed = [check.Font("Depomi Imaginary Naskh", "fonts-noto-core")]
    assert check.missing_packages(needed) == ["fonts-noto-core"]


def test_without_pdftotext_the_check_stops_with_one_line_naming_poppler(tmp_path):
    path = _bin_without(tmp_path, "fc-list")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--no-browser"],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": path},
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].endswith("sudo apt-get install poppler-utils")


def test_make_test_stops_before_pytest_without_the_browser(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    path = _bin_without(tmp_path, "make", "cat", "sha1sum", "cut", "fc-list", "pdftotext")
    result = subprocess.run(
        ["make", "--no-print-directory", "-s", "system-check", f"PYTHON={sys.executable}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=make_env(PATH=path, DEPOMI_CHROMIUM=str(tmp_path / "no-chromium")),
        check=False,
    )
    assert result.returncode != 0
    assert "sudo apt-get install chromium" in result.stderr.splitlines()[0]


def test_make_without_e2e_does_not_ask_for_the_browser(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    result = subprocess.run(
        ["make", "-s", "system-check", f"PYTHON={sys.executable}", "PYTEST_ARGS=-m 'not e2e'"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=make_env(DEPOMI_CHROMIUM=str(tmp_path / "no-chromium")),
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("library", ["weasyprint.text.ffi", "fontTools.subset", "pydyf"])
def test_a_library_notice_about_the_system_does_not_fail_the_suite(library):
    with warnings.catch_warnings(record=True) as seen:
        _warn_from(library)
    assert [str(w.message) for w in seen] == ["notice"]


def test_our_own_warnings_still_fail_the_suite():
    with pytest.raises(DeprecationWarning):
        _warn_from("depomi_learn.certificates.pdf")


def test_readme_and_ci_name_the_same_packages_as_the_check():
    check = _check_system()
    named = {requirement.package for requirement in check.requirements()}
    readme = (ROOT / "README.md").read_text("utf-8")
    install = readme.split("sudo apt-get install", 1)[1].split("```", 1)[0]
    assert named == set(install.replace("\\", " ").split())
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    ci_packages = set(re.findall(r"missing\+=\(([^)]*)\)", ci))
    ci_named = {name for group in ci_packages for name in group.split()}
    assert ci_named - {"postgresql-15", "npm"} <= named
    # the libraries WeasyPrint cannot start without are installed by CI too
    assert {"libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"} <= ci_named
