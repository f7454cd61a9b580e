"""Check the system libraries, fonts and programs the test suite needs, before it runs.

`make test` calls this first, so a fresh machine stops with one line naming the Debian packages
to install instead of dozens of failures. Standard library only: it runs before the virtualenv
and never imports depomi_learn. Keep the package names in step with .ci/run and the README.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Library:
    """A shared library WeasyPrint opens with dlopen, under the name it asks for."""

    soname: str
    package: str

    def present(self) -> bool:
        try:
            ctypes.CDLL(self.soname)
        except OSError:
            return False
        return True


@dataclass(frozen=True)
class Program:
    """A program looked up on PATH (or at a fixed path when it has a slash)."""

    name: str
    package: str

    def present(self) -> bool:
        if "/" in self.name:
            return os.access(self.name, os.X_OK)
        return shutil.which(self.name) is not None


@dataclass(frozen=True)
class Font:
    """A font family that fontconfig must know (the certificates print Arabic names with it)."""

    family: str
    package: str

    def present(self) -> bool:
        fc_list = shutil.which("fc-list")
        if fc_list is None:
            return False
        listed = subprocess.run(  # noqa: S603 - fixed arguments
            [fc_list, ":", "family"], capture_output=True, text=True, check=False
        ).stdout
        return self.family.casefold() in listed.casefold()


Requirement = Library | Program | Font


def requirements(*, browser: bool = True) -> list[Requirement]:
    """Return what the suite needs; the browser only when the end-to-end tests run."""
    needed: list[Requirement] = [
        Library("libpango-1.0.so.0", "libpango-1.0-0"),
        Library("libpangoft2-1.0.so.0", "libpangoft2-1.0-0"),
        Library("libharfbuzz.so.0", "libharfbuzz0b"),
        Library("libharfbuzz-subset.so.0", "libharfbuzz-subset0"),
        Program("fc-list", "fontconfig"),
        Font("Noto Naskh Arabic", "fonts-noto-core"),
        Program("pdftotext", "poppler-utils"),
    ]
    if browser:
        # The same path tests/e2e/conftest.py drives.
        needed.append(Program(os.environ.get("DEPOMI_CHROMIUM", "/usr/bin/chromium"), "chromium"))
    return needed


def missing_packages(needed: list[Requirement]) -> list[str]:
    """Return the Debian packages providing what is missing, each once, in order."""
    packages: list[str] = []
    for requirement in needed:
        if requirement.package not in packages and not requirement.present():
            packages.append(requirement.package)
    return packages


def advice(packages: list[str]) -> str:
    """Return the one line that tells a newcomer what to install."""
    return (
        "Missing system packages for the tests; install them with: "
        f"sudo apt-get install {' '.join(packages)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-browser", action="store_true", help="the browser tests will not run")
    options = parser.parse_args(argv)
    packages = missing_packages(requirements(browser=not options.no_browser))
    if packages:
        print(advice(packages), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
