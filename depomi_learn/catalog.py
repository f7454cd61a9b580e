"""Finding courses: the catalogue's search and filters over current course versions."""

import unicodedata
from dataclasses import dataclass

from sqlalchemy.orm import selectinload

from .extensions import db
from .models import Course, CourseVersion, User
from .permissions import courses_visible_to

LEVELS = ("beginner", "intermediate", "advanced")
_ARABIC_MARKS = {chr(c) for c in range(0x064B, 0x0660)} | {"\u0670", "\u0640"}
_ALEF_FORMS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})


def fold_for_search(text: str) -> str:
    """Fold case, accents, Arabic diacritics and letter variants so searches match loosely."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch) and ch not in _ARABIC_MARKS)
    return " ".join(text.translate(_ALEF_FORMS).split())


@dataclass(frozen=True)
class CatalogFilters:
    query: str = ""
    language: str = ""
    level: str = ""
    audience: str = ""


def _matches(version: CourseVersion, filters: CatalogFilters) -> bool:
    if filters.language and filters.language not in version.languages:
        return False
    if filters.level and version.level != filters.level:
        return False
    if filters.audience and filters.audience not in version.audience:
        return False
    if filters.query:
        haystack = fold_for_search(
            " ".join([version.course_id, *version.title.values(), *version.summary.values()])
        )
        return all(word in haystack for word in fold_for_search(filters.query).split())
    return True


def find_courses(user: User | None, filters: CatalogFilters) -> list[CourseVersion]:
    """Return the current versions of the courses `user` may see that match `filters`.

    The catalogue holds tens of courses, and Arabic-aware matching is simpler in Python than
    portable across SQLite and PostgreSQL, so the filtering happens here on the visible set.
    """
    courses = db.session.scalars(
        courses_visible_to(user).options(
            selectinload(Course.current_version).selectinload(CourseVersion.modules)
        )
    ).all()
    versions = [c.current_version for c in courses if _matches(c.current_version, filters)]
    return sorted(versions, key=lambda v: v.course_id)


def filter_values(user: User | None) -> dict[str, list[str]]:
    """Return the languages and audience tags present in the visible courses, for the filters."""
    courses = db.session.scalars(
        courses_visible_to(user).options(selectinload(Course.current_version))
    ).all()
    languages = sorted({lang for c in courses for lang in c.current_version.languages})
    audience = sorted({tag for c in courses for tag in c.current_version.audience})
    return {"languages": languages, "audience": audience, "levels": list(LEVELS)}


def get_course(course_id: str) -> Course | None:
    return db.session.get(Course, course_id)
