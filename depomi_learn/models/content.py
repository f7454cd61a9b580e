"""Imported course content. A CourseVersion and everything under it is immutable once created."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class Course(db.Model):
    id: Mapped[str] = mapped_column(sa.String(63), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The version learners get; set by import/publication. use_alter breaks the FK cycle.
    current_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("course_version.id", use_alter=True)
    )
    archived: Mapped[bool] = mapped_column(default=False)

    current_version: Mapped[CourseVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    versions: Mapped[list[CourseVersion]] = relationship(
        back_populates="course",
        foreign_keys="CourseVersion.course_id",
        order_by="CourseVersion.number",
    )


class CourseVersion(db.Model):
    __table_args__ = (sa.UniqueConstraint("course_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[str] = mapped_column(sa.ForeignKey("course.id"), index=True)
    number: Mapped[int]  # 1, 2, 3... per course, in order of import
    label: Mapped[str] = mapped_column(sa.String(40))  # the edition label from course.yaml
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    default_language: Mapped[str] = mapped_column(sa.String(16))
    languages: Mapped[list[str]] = mapped_column(sa.JSON)
    title: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    summary: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    level: Mapped[str] = mapped_column(sa.String(16))
    duration_minutes: Mapped[int]
    audience: Mapped[list[str]] = mapped_column(sa.JSON)
    prerequisites: Mapped[list[str]] = mapped_column(sa.JSON)
    certificate_enabled: Mapped[bool] = mapped_column(default=False)
    validity_months: Mapped[int | None]
    # course.yaml's `completion` rule of a blended course; None: every module, as before.
    completion: Mapped[dict | None] = mapped_column(sa.JSON)
    # The course's ```survey``` questions, asked after each session with the programme's own.
    survey: Mapped[list | None] = mapped_column(sa.JSON)
    source_yaml: Mapped[str] = mapped_column(sa.Text)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    course: Mapped[Course] = relationship(back_populates="versions", foreign_keys=[course_id])
    modules: Mapped[list[Module]] = relationship(
        back_populates="version", order_by="Module.position", cascade="all, delete-orphan"
    )
    assets: Mapped[list[CourseAsset]] = relationship(cascade="all, delete-orphan")

    def text(self, field: str, language: str) -> str:
        """Return a translated metadata field, falling back to the default language."""
        values = getattr(self, field)
        return values.get(language) or values.get(self.default_language) or ""


class Module(db.Model):
    __table_args__ = (sa.UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("course_version.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(63))  # the module id of the course format
    position: Mapped[int]
    duration_minutes: Mapped[int] = mapped_column(default=0)
    aliases: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # pass_mark, max_attempts, time_limit_minutes, draw, shuffle; None for a lesson
    quiz_settings: Mapped[dict | None] = mapped_column(sa.JSON)

    version: Mapped[CourseVersion] = relationship(back_populates="modules")
    texts: Mapped[list[ModuleText]] = relationship(
        back_populates="module", cascade="all, delete-orphan"
    )
    questions: Mapped[list[Question]] = relationship(
        back_populates="module", order_by="Question.position", cascade="all, delete-orphan"
    )

    @property
    def has_quiz(self) -> bool:
        if "question_count" not in sa.inspect(self).unloaded:  # loaded with the outline
            return self.question_count > 0
        return bool(self.questions)

    def text_for(self, language: str) -> ModuleText:
        """Return the text in `language`, else in the course's default language."""
        by_language = {t.language: t for t in self.texts}
        return by_language.get(language) or by_language[self.version.default_language]


class ModuleText(db.Model):
    __table_args__ = (sa.UniqueConstraint("module_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("module.id"), index=True)
    language: Mapped[str] = mapped_column(sa.String(16))
    title: Mapped[str] = mapped_column(sa.String(300))
    objectives: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    source_markdown: Mapped[str] = mapped_column(sa.Text)  # the whole file, front matter included
    html: Mapped[str] = mapped_column(sa.Text)  # sanitised, quiz blocks removed
    toc: Mapped[list[dict]] = mapped_column(sa.JSON, default=list)  # [{level, id, title}]
    translated_from: Mapped[str | None] = mapped_column(sa.String(64))
    stale: Mapped[bool] = mapped_column(default=False)  # translated_from no longer matches

    module: Mapped[Module] = relationship(back_populates="texts")


class Question(db.Model):
    """A quiz question; `answer_key` never leaves the server before an attempt is submitted."""

    __table_args__ = (sa.UniqueConstraint("module_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("module.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(63))
    position: Mapped[int]
    type: Mapped[str] = mapped_column(sa.String(16))
    points: Mapped[float] = mapped_column(default=1.0)
    # Language-independent: correct option ids, scoring, true/false answer, numeric answer...
    answer_key: Mapped[dict] = mapped_column(sa.JSON)
    # Per language: prompt_html, options [{id, html, feedback_html}], explanation_html, hint,
    # accept (short_text), feedback (true_false).
    texts: Mapped[dict[str, dict]] = mapped_column(sa.JSON)

    module: Mapped[Module] = relationship(back_populates="questions")


# How many questions a module has, counted by the query that loads the module when a page asks
# for it (`undefer`), so that listing a course's modules does not load every question.
Module.question_count = column_property(
    sa.select(sa.func.count(Question.id))
    .where(Question.module_id == Module.id)
    .correlate_except(Question)
    .scalar_subquery(),
    deferred=True,
)


class CourseAsset(db.Model):
    """An image of the course's assets/ folder, stored so any app server can serve it."""

    __table_args__ = (sa.UniqueConstraint("version_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("course_version.id"), index=True)
    path: Mapped[str] = mapped_column(sa.String(255))  # relative to assets/
    media_type: Mapped[str] = mapped_column(sa.String(255))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)
