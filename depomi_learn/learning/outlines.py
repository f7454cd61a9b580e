"""Course outlines and module bodies kept per process.

A CourseVersion and everything under it never changes once imported, so the pages learners hit
most (module, course, catalogue, home) need not rebuild ORM objects for it at every request.
Each request still reads the course row (its current version and whether it is archived), so
a newly published version, an archiving or a permission change is seen at once by every worker;
only what hangs off a version is kept, keyed by the version's id, content hash and import time
(an id alone could be reused by another database or after a deletion).

Templates and the learning rules get plain frozen objects with the attribute names of the
models they stand for (`version.modules`, `module.text_for(language).title`...).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import defer, selectinload, undefer

from ..extensions import db
from ..models import Course, CourseVersion, Module, ModuleText, User
from ..permissions import can_view_course, courses_visible_to
from .catalog import without_leading_title

OUTLINES_KEPT = 256  # versions; a country's catalogue holds tens of courses
BODIES_KEPT = 2048  # module texts in one language, a few kB each

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """A thread-safe least-recently-used mapping of at most `size` entries."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


VersionKey = tuple[int, str, datetime]  # id, content hash, import time


@dataclass(frozen=True)
class TextOutline:
    """A module's text in one language, without its body (see `module_body`)."""

    language: str
    title: str
    objectives: tuple[str, ...]
    stale: bool


@dataclass(frozen=True)
class ModuleOutline:
    id: int
    key: str
    position: int
    duration_minutes: int
    aliases: tuple[str, ...]
    quiz_settings: Mapping[str, Any] | None
    question_count: int
    has_practical_work: bool
    texts: tuple[TextOutline, ...]
    default_language: str
    # Set once the version's outline is built (as `Module.version`, for the rules that look up).
    version: VersionOutline = field(default=None, repr=False, compare=False)  # type: ignore[assignment]

    @property
    def has_quiz(self) -> bool:
        return self.question_count > 0

    def text_for(self, language: str) -> TextOutline:
        """Return the text in `language`, else in the course's default language."""
        by_language = {t.language: t for t in self.texts}
        return by_language.get(language) or by_language[self.default_language]


@dataclass(frozen=True)
class VersionOutline:
    key: VersionKey
    id: int
    course_id: str
    number: int
    label: str
    content_hash: str
    default_language: str
    languages: tuple[str, ...]
    title: Mapping[str, str]
    summary: Mapping[str, str]
    level: str
    duration_minutes: int
    audience: tuple[str, ...]
    prerequisites: tuple[str, ...]
    certificate_enabled: bool
    validity_months: int | None
    completion: Mapping[str, Any] | None
    modules: tuple[ModuleOutline, ...]

    def text(self, field: str, language: str) -> str:
        """Return a translated metadata field, falling back to the default language."""
        values = getattr(self, field)
        return values.get(language) or values.get(self.default_language) or ""


@dataclass(frozen=True)
class CourseHead:
    """What may change about a course, read at every request."""

    id: str
    current_version_id: int | None
    archived: bool


@dataclass(frozen=True)
class ModuleBody:
    html: str  # sanitised, quiz blocks and the leading <h1> removed


def _caches() -> tuple[BoundedCache, BoundedCache]:
    """This application's caches (tests run several applications in one process)."""
    extensions = current_app.extensions
    caches = extensions.get("depomi_outlines")
    if caches is None:
        caches = extensions.setdefault(
            "depomi_outlines", (BoundedCache(OUTLINES_KEPT), BoundedCache(BODIES_KEPT))
        )
    return caches


def _frozen(value: dict | None) -> Mapping | None:
    return None if value is None else MappingProxyType(dict(value))


def _module_outline(module: Module, default_language: str) -> ModuleOutline:
    texts = tuple(
        TextOutline(t.language, t.title, tuple(t.objectives or ()), bool(t.stale))
        for t in sorted(module.texts, key=lambda t: t.language)
    )
    return ModuleOutline(
        id=module.id,
        key=module.key,
        position=module.position,
        duration_minutes=module.duration_minutes,
        aliases=tuple(module.aliases or ()),
        quiz_settings=_frozen(module.quiz_settings),
        question_count=module.question_count or 0,
        has_practical_work=bool(module.has_practical_work),
        texts=texts,
        default_language=default_language,
    )


def _version_outline(version: CourseVersion) -> VersionOutline:
    outline = VersionOutline(
        key=(version.id, version.content_hash, version.imported_at),
        id=version.id,
        course_id=version.course_id,
        number=version.number,
        label=version.label,
        content_hash=version.content_hash,
        default_language=version.default_language,
        languages=tuple(version.languages),
        title=MappingProxyType(dict(version.title)),
        summary=MappingProxyType(dict(version.summary)),
        level=version.level,
        duration_minutes=version.duration_minutes,
        audience=tuple(version.audience),
        prerequisites=tuple(version.prerequisites),
        certificate_enabled=version.certificate_enabled,
        validity_months=version.validity_months,
        completion=_frozen(version.completion),
        modules=tuple(_module_outline(m, version.default_language) for m in version.modules),
    )
    for module in outline.modules:
        object.__setattr__(module, "version", outline)  # frozen, but built here once
    return outline


def _load_outlines(version_ids: Iterable[int]) -> list[VersionOutline]:
    """Build the outlines of these versions in four queries (versions, modules, titles)."""
    versions = db.session.scalars(
        sa.select(CourseVersion)
        .where(CourseVersion.id.in_(list(version_ids)))
        .options(
            defer(CourseVersion.source_yaml),
            selectinload(CourseVersion.modules).options(
                undefer(Module.question_count),
                undefer(Module.has_practical_work),
                selectinload(Module.texts).options(
                    defer(ModuleText.html), defer(ModuleText.source_markdown), defer(ModuleText.toc)
                ),
            ),
        )
    ).all()
    return [_version_outline(version) for version in versions]


def outlines_for(keys: Iterable[VersionKey]) -> dict[VersionKey, VersionOutline]:
    """Return the outlines of the versions with these keys, loading the missing ones at once."""
    cache, _bodies = _caches()
    found: dict[VersionKey, VersionOutline] = {}
    missing: list[VersionKey] = []
    for key in keys:
        outline = cache.get(key)
        if outline is None:
            missing.append(key)
        else:
            found[key] = outline
    if missing:
        for outline in _load_outlines({key[0] for key in missing}):
            cache.put(outline.key, outline)
            found[outline.key] = outline
    return found


_VERSION_KEY = (CourseVersion.id, CourseVersion.content_hash, CourseVersion.imported_at)


def _key(row: sa.Row) -> VersionKey:
    return (row.version_id, row.content_hash, row.imported_at)


# Built once (putting a statement together costs about as much as running it on SQLite).
_COURSE_ROW = (
    sa.select(
        Course.id,
        Course.current_version_id,
        Course.archived,
        CourseVersion.id.label("version_id"),
        *_VERSION_KEY[1:],
    )
    .join(CourseVersion, CourseVersion.id == Course.current_version_id)
    .where(Course.id == sa.bindparam("course_id"))
)


def course_outline(user: object, course_id: str) -> tuple[CourseHead, VersionOutline] | None:
    """Return the course and its current version's outline if `user` (signed in or anonymous)
    may see it; None otherwise. One query when the outline is kept."""
    row = db.session.execute(_COURSE_ROW, {"course_id": course_id}).first()
    if row is None:
        return None
    head = CourseHead(row.id, row.current_version_id, row.archived)
    if not can_view_course(user if isinstance(user, User) else None, head):
        return None
    key = _key(row)
    outline = outlines_for([key]).get(key)
    return (head, outline) if outline is not None else None


def visible_outlines(user: User | None) -> list[VersionOutline]:
    """Return the current versions of the courses `user` may see, by course id."""
    query = (
        courses_visible_to(user)
        .with_only_columns(CourseVersion.id.label("version_id"), *_VERSION_KEY[1:])
        .select_from(Course)
        .join(CourseVersion, CourseVersion.id == Course.current_version_id)
    )
    keys = [_key(row) for row in db.session.execute(query)]
    outlines = outlines_for(keys)
    return sorted((outlines[k] for k in keys if k in outlines), key=lambda v: v.course_id)


def outlines_by_version_id(rows: Iterable[sa.Row]) -> dict[int, VersionOutline]:
    """Return the outlines for rows carrying version_id, content_hash and imported_at."""
    keys = [_key(row) for row in rows]
    return {key[0]: outline for key, outline in outlines_for(keys).items()}


VERSION_KEY_COLUMNS = (CourseVersion.id.label("version_id"), *_VERSION_KEY[1:])


def module_body(version: VersionOutline, module: ModuleOutline, language: str) -> ModuleBody:
    """Return the module's HTML in `language` (a language its texts have: see `text_for`)."""
    _outlines, cache = _caches()
    key = (version.key, module.key, language)
    body = cache.get(key)
    if body is None:
        html = db.session.scalar(
            sa.select(ModuleText.html).where(
                ModuleText.module_id == module.id, ModuleText.language == language
            )
        )
        # Authors start modules with "# Title"; the page prints the title above the objectives.
        body = ModuleBody(without_leading_title(html or ""))
        cache.put(key, body)
    return body


def kept_counts() -> tuple[int, int]:
    """How many outlines and bodies this process keeps (for tests and diagnostics)."""
    outlines, bodies = _caches()
    return len(outlines), len(bodies)
