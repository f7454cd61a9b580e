"""What a course's offline copy holds: its pages in the chosen languages, their images, the
stylesheet and scripts, with their sizes, and which quizzes may be answered without a connection.
"""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, url_for

from ..extensions import db
from ..learning.quizzes import quiz_settings
from ..models import CourseAsset, CourseVersion, Module
from .release import SHELL_FILES, release_version, shell_urls

# A module page is its text plus the page around it (header, navigation, forms); measured on the
# bundled courses (bench/offline_weight.py), rounded up.
PAGE_CHROME_BYTES = 6_000
QUIZ_PAGE_BYTES_PER_QUESTION = 600
ASSET_LINK = re.compile(r'src="/courses/([^/"]+)/assets/([0-9a-f]{64})/[^"]*"')


def is_final_assessment(module: Module) -> bool:
    """Tell whether `module` is the quiz that completes a certifying course (its last module)."""
    version = module.version
    return bool(
        version.certificate_enabled and module.has_quiz and version.modules[-1].key == module.key
    )


def quiz_works_offline(module: Module) -> bool:
    """Tell whether the module's quiz may be answered offline and graded later.

    Timed quizzes, quizzes with an attempt limit or a random draw, and the final assessment of a
    certifying course need the server at the moment they are taken.
    """
    if not module.has_quiz:
        return False
    settings = quiz_settings(module)
    limited = settings["time_limit_minutes"] or settings["max_attempts"] or settings["draw"]
    return not limited and not is_final_assessment(module)


@dataclass(frozen=True)
class BundleFile:
    url: str
    bytes: int
    kind: str  # page | quiz | image | static


def bundle_version(version: CourseVersion, languages: list[str]) -> str:
    """Return what the copy follows: the published course version, the release, the languages."""
    key = f"{version.id}:{release_version()}:{','.join(sorted(languages))}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _asset_sizes(version: CourseVersion) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(CourseAsset.sha256, sa.func.length(CourseAsset.data)).where(
            CourseAsset.version_id == version.id
        )
    )
    return {row[0]: row[1] for row in rows}


def _static_sizes() -> list[BundleFile]:
    folder = Path(current_app.static_folder or "static")
    return [
        BundleFile(url, (folder / name).stat().st_size, "static")
        for name, url in zip(SHELL_FILES, shell_urls(), strict=False)
    ]


def course_files(version: CourseVersion, languages: list[str]) -> list[BundleFile]:
    """List what to fetch for an offline copy of `version` in `languages`, with sizes in bytes."""
    course_id = version.course_id
    sizes = _asset_sizes(version)
    files: list[BundleFile] = []
    images: dict[str, BundleFile] = {}
    for language in languages:
        url = url_for("catalog.course", course_id=course_id, lang=language)
        files.append(BundleFile(url, PAGE_CHROME_BYTES, "page"))
        for module in version.modules:
            text = module.text_for(language)
            page = url_for(
                "learn.module", course_id=course_id, module_key=module.key, lang=language
            )
            files.append(BundleFile(page, len(text.html.encode()) + PAGE_CHROME_BYTES, "page"))
            if quiz_works_offline(module):
                quiz = url_for(
                    "offline.quiz", course_id=course_id, module_key=module.key, lang=language
                )
                size = PAGE_CHROME_BYTES + QUIZ_PAGE_BYTES_PER_QUESTION * len(module.questions)
                files.append(BundleFile(quiz, size, "quiz"))
            for match in ASSET_LINK.finditer(text.html):
                if match.group(1) == course_id and match.group(2) in sizes:
                    src = match.group(0)[5:-1]
                    images[src] = BundleFile(src, sizes[match.group(2)], "image")
    files.extend(images.values())
    files.append(BundleFile(url_for("offline.courses"), PAGE_CHROME_BYTES, "page"))
    files.append(BundleFile(url_for("offline.unavailable"), PAGE_CHROME_BYTES, "page"))
    files.extend(_static_sizes())
    return files
