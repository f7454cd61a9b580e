"""Finding courses: the catalogue's search and filters over current course versions, the course
a person may open, its modules and the language to show them in."""

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Load, QueryableAttribute, defer, selectinload, undefer
from sqlalchemy.orm.attributes import set_committed_value

from ..content.course_yaml import LEVELS
from ..extensions import db
from ..i18n import pick_content_language
from ..models import Course, CourseVersion, Module, ModuleText, User
from ..permissions import can_view_course, courses_visible_to

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


def visible_versions(user: User | None) -> list[CourseVersion]:
    """Return the current versions of the courses `user` may see, with their modules, by id."""
    courses = db.session.scalars(
        courses_visible_to(user).options(
            selectinload(Course.current_version).selectinload(CourseVersion.modules)
        )
    ).all()
    return sorted((c.current_version for c in courses), key=lambda v: v.course_id)


def find_courses(versions: list[CourseVersion], filters: CatalogFilters) -> list[CourseVersion]:
    """Return the versions (from `visible_versions`) that match `filters`.

    The catalogue holds tens of courses, and Arabic-aware matching is simpler in Python than
    portable across SQLite and PostgreSQL, so the filtering happens here on the visible set.
    """
    return [version for version in versions if _matches(version, filters)]


def filter_values(versions: list[CourseVersion]) -> dict[str, list[str]]:
    """Return the languages and audience tags present in `versions`, for the filters."""
    languages = sorted({lang for v in versions for lang in v.languages})
    audience = sorted({tag for v in versions for tag in v.audience})
    return {"languages": languages, "audience": audience, "levels": list(LEVELS)}


def with_outline(*path: QueryableAttribute, titles: bool = True) -> Load:
    """Loader option for pages that show a course's modules: its current version, the modules
    with their number of questions, and (with `titles`) every module's titles, in three queries
    whatever the number of modules.

    The texts' HTML and Markdown and the questions stay unloaded. `path` leads to the course
    (e.g. `Enrolment.course`); empty when loading courses themselves.
    """
    option: Any = None  # a loader chain: selectinload(...).selectinload(...)
    for relationship in (*path, Course.current_version, CourseVersion.modules):
        option = selectinload(relationship) if option is None else option.selectinload(relationship)
    option = option.options(undefer(Module.question_count), undefer(Module.has_practical_work))
    if not titles:
        return option
    return option.options(
        selectinload(Module.texts).options(
            defer(ModuleText.html), defer(ModuleText.source_markdown), defer(ModuleText.toc)
        )
    )


def load_texts(modules: list[Module]) -> None:
    """Load the texts of a few modules, HTML included, in one query (a module page shows its own
    and the titles of the previous and next ones)."""
    texts = db.session.scalars(
        sa.select(ModuleText)
        .where(ModuleText.module_id.in_([module.id for module in modules]))
        .options(defer(ModuleText.source_markdown))
    ).all()
    for module in modules:
        set_committed_value(module, "texts", [t for t in texts if t.module_id == module.id])


def get_course(course_id: str, *, outline: Load | None = None) -> Course | None:
    """Return the course, loaded with `outline` (see `with_outline`) when given."""
    return db.session.get(Course, course_id, options=[outline] if outline is not None else [])


def visible_course(user: object, course_id: str, *, outline: Load | None = None) -> Course | None:
    """Return the course if `user` (signed in or anonymous) may see it; None otherwise."""
    viewer = user if isinstance(user, User) else None
    course = get_course(course_id, outline=outline)
    if course is None or not can_view_course(viewer, course):
        return None
    return course


def find_module(version: CourseVersion, module_key: str) -> tuple[int, Module] | None:
    """Return the module's position and the module for its key or one of its old keys."""
    for index, module in enumerate(version.modules):
        if module.key == module_key or module_key in module.aliases:
            return index, module
    return None


def content_language(version: CourseVersion, requested: str, interface: str) -> str:
    """Return the language to show: the requested one when the course has it, else the
    interface's, else the course's default."""
    preferred = requested if requested in version.languages else interface
    return pick_content_language(version.languages, version.default_language, preferred)


LEADING_TITLE = re.compile(r"^\s*<h1[^>]*>.*?</h1>\s*", re.DOTALL)


def without_leading_title(html: str) -> str:
    """Drop the module's own <h1>: the page prints the title itself."""
    return LEADING_TITLE.sub("", html, count=1)
