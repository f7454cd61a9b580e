"""People and places: users, roles, regions, provinces, institutions."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow


class Role(enum.StrEnum):
    LEARNER = "learner"
    TRAINER = "trainer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class Region(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    number: Mapped[int]
    name_fr: Mapped[str] = mapped_column(sa.String(120))
    name_ar: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str] = mapped_column(sa.String(120))
    is_programme: Mapped[bool] = mapped_column(default=False)

    provinces: Mapped[list[Province]] = relationship(
        back_populates="region", order_by="Province.name_fr"
    )

    def name(self, language: str) -> str:
        return {"ar": self.name_ar, "en": self.name_en}.get(language, self.name_fr)


class Province(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # prefecture | province
    name_fr: Mapped[str] = mapped_column(sa.String(120))
    name_ar: Mapped[str] = mapped_column(sa.String(120))

    region: Mapped[Region] = relationship(back_populates="provinces")

    def name(self, language: str) -> str:
        return self.name_ar if language == "ar" else self.name_fr


class Institution(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    name_latin: Mapped[str] = mapped_column(sa.String(200))
    name_arabic: Mapped[str] = mapped_column(sa.String(200), default="")
    role: Mapped[Role] = mapped_column(
        sa.Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=Role.LEARNER,
    )
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"), index=True)
    province_id: Mapped[int | None] = mapped_column(sa.ForeignKey("province.id"), index=True)
    institution_id: Mapped[int | None] = mapped_column(sa.ForeignKey("institution.id"), index=True)
    job_function: Mapped[str] = mapped_column(sa.String(120), default="")
    preferred_language: Mapped[str] = mapped_column(sa.String(8), default="fr")
    # Codes from depomi_learn/demographics.py, used only in aggregates (law 09-08 in spirit).
    sex: Mapped[str] = mapped_column(
        sa.String(16), default="not_stated", server_default="not_stated"
    )
    institution_type: Mapped[str | None] = mapped_column(sa.String(32))
    post_category: Mapped[str | None] = mapped_column(sa.String(32))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on sign-out and password change so that copied session cookies stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two-factor (TOTP): a secret alone is an enrolment in progress; enabled_at makes it required
    # at sign-in. The last accepted time step is kept so that a code is never accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(255))  # "v1:" + Fernet token
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_counter: Mapped[int | None] = mapped_column(sa.BigInteger)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # pseudonymised on request

    region: Mapped[Region | None] = relationship()
    province: Mapped[Province | None] = relationship()
    institution: Mapped[Institution | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def totp_enabled(self) -> bool:
        return self.totp_enabled_at is not None

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def display_name(self, language: str) -> str:
        if language == "ar" and self.name_arabic:
            return self.name_arabic
        return self.name_latin
