"""Accounts: creating users, their profiles, and importing them in bulk from CSV."""

import csv
import enum
import io
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from .. import audit
from ..extensions import db
from ..learning.assignments import apply_open_assignments
from ..models import Institution, Province, Region, Role, User
from . import demographics
from .passwords import hash_password, password_problem, unusable_password

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# What an account says about a person: the fields an admin edits and a CSV file carries.
PROFILE_FIELDS = (
    "email",
    "name_latin",
    "name_arabic",
    "role",
    "region",
    "province",
    "institution",
    "job_function",
    "preferred_language",
    "sex",
    "institution_type",
    "post_category",
)
CSV_COLUMNS = (*PROFILE_FIELDS, "password")
REQUIRED_COLUMNS = ("email", "name_latin")


class AccountError(ValueError):
    """A value that cannot be accepted, with the field it belongs to."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


@dataclass
class UserFields:
    email: str
    name_latin: str
    name_arabic: str = ""
    role: Role = Role.LEARNER
    region: Region | None = None
    province: Province | None = None
    institution_name: str = ""
    job_function: str = ""
    preferred_language: str = "fr"
    sex: str = demographics.Sex.NOT_STATED.value
    institution_type: str | None = None
    post_category: str | None = None
    password: str | None = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def institution_named(name: str) -> Institution | None:
    """Return the institution called `name`, creating it when new; None for a blank name."""
    name = " ".join(name.split())
    if not name:
        return None
    existing = db.session.scalar(sa.select(Institution).where(Institution.name == name))
    if existing:
        return existing
    institution = Institution(name=name)
    db.session.add(institution)
    return institution


def check_fields(fields: UserFields, *, new: bool = True) -> None:
    """Raise AccountError for the first invalid field."""
    if not EMAIL_RE.match(fields.email):
        raise AccountError("email", _("is not a valid email address"))
    if new and find_user_by_email(fields.email):
        raise AccountError("email", _("an account with this email already exists"))
    if not fields.name_latin.strip():
        raise AccountError("name_latin", _("is required"))
    if fields.preferred_language not in current_app.config["LANGUAGES"]:
        raise AccountError("preferred_language", _("must be one of fr, ar, en"))
    if fields.province and fields.region and fields.province.region_id != fields.region.id:
        raise AccountError("province", _("is not in the chosen region"))
    for name in demographics.LISTS:
        setattr(fields, name, list_value(name, getattr(fields, name) or ""))
    fields.sex = fields.sex or demographics.Sex.NOT_STATED.value
    if fields.password is not None:
        problem = password_problem(fields.password)
        if problem:
            raise AccountError("password", problem)


def list_value(field_name: str, text: str) -> str | None:
    """Return the code `text` names in a reference list, None for blank; else AccountError."""
    try:
        return demographics.parse(field_name, text)
    except ValueError:
        raise AccountError(
            field_name, _("must be one of %(codes)s", codes=demographics.codes(field_name))
        ) from None


def audit_value(value: object) -> object:
    """Return a profile value as the audit log keeps it: codes and names, never objects."""
    if isinstance(value, Region | Province):
        return value.code
    if isinstance(value, Institution):
        return value.name
    if isinstance(value, enum.Enum):
        return value.value
    return value


def changes_of(user: User, values: dict[str, object]) -> dict[str, dict[str, object]]:
    """Return {field: {"before": old, "after": new}} for each value that differs from `user`'s."""
    return {
        name: {"before": audit_value(getattr(user, name)), "after": audit_value(value)}
        for name, value in values.items()
        if getattr(user, name) != value
    }


def create_user(fields: UserFields) -> User:
    """Validate `fields` and add a new user (flushes, does not commit)."""
    fields.email = normalise_email(fields.email)
    check_fields(fields)
    region = fields.region or (fields.province.region if fields.province else None)
    user = User(
        email=fields.email,
        name_latin=fields.name_latin.strip(),
        name_arabic=fields.name_arabic.strip(),
        role=fields.role,
        region=region,
        province=fields.province,
        institution=institution_named(fields.institution_name),
        job_function=fields.job_function.strip(),
        preferred_language=fields.preferred_language,
        sex=fields.sex,
        institution_type=fields.institution_type,
        post_category=fields.post_category,
        password_hash=hash_password(fields.password) if fields.password else unusable_password(),
    )
    db.session.add(user)
    db.session.flush()
    apply_open_assignments(user)
    return user


@dataclass
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.message}"


@dataclass
class ImportReport:
    errors: list[RowError] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # emails
    without_password: int = 0


def _fields_from_row(row: dict[str, str], regions: dict, provinces: dict) -> UserFields:
    def value(name: str) -> str:
        return (row.get(name) or "").strip()

    role_text = value("role").lower() or Role.LEARNER.value
    if role_text not in {r.value for r in Role}:
        raise AccountError("role", _("must be one of learner, trainer, coordinator, admin"))
    region = regions.get(value("region").lower()) if value("region") else None
    if value("region") and region is None:
        raise AccountError("region", _("unknown region code '%(code)s'", code=value("region")))
    province = provinces.get(value("province").lower()) if value("province") else None
    if value("province") and province is None:
        raise AccountError(
            "province", _("unknown province code '%(code)s'", code=value("province"))
        )
    return UserFields(
        email=normalise_email(value("email")),
        name_latin=value("name_latin"),
        name_arabic=value("name_arabic"),
        role=Role(role_text),
        region=region,
        province=province,
        institution_name=value("institution"),
        job_function=value("job_function"),
        preferred_language=value("preferred_language").lower() or "fr",
        sex=value("sex"),
        institution_type=value("institution_type"),
        post_category=value("post_category"),
        password=value("password") or None,
    )


def import_users_csv(
    text: str,
    *,
    dry_run: bool = False,
    actor: User | None = None,
    source: str = "",
    ip: str = "",
) -> ImportReport:
    """Create the users of a CSV file, all or none: any bad row means nothing is written.
    An import that writes is audited as `users_imported` by `actor` (None: the command line)."""
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    unknown = [h for h in headers if h not in CSV_COLUMNS]
    if missing or unknown:
        for name in missing:
            report.errors.append(RowError(1, name, _("required column is missing")))
        for name in unknown:
            report.errors.append(RowError(1, name, _("unknown column")))
        return report
    reader.fieldnames = headers
    regions = {r.code: r for r in db.session.scalars(sa.select(Region))}
    provinces = {p.code: p for p in db.session.scalars(sa.select(Province))}
    seen: dict[str, int] = {}
    with db.session.begin_nested() as savepoint:
        for row in reader:
            line = reader.line_num
            try:
                fields = _fields_from_row(row, regions, provinces)
                if fields.email in seen:
                    raise AccountError(
                        "email", _("duplicate of line %(line)d", line=seen[fields.email])
                    )
                seen[fields.email] = line
                user = create_user(fields)
            except AccountError as error:
                report.errors.append(RowError(line, error.field, error.message))
                continue
            report.created.append(user.email)
            report.without_password += fields.password is None
        if report.errors or dry_run:
            savepoint.rollback()
    if report.errors or dry_run:
        report.created = [] if report.errors else report.created
    else:
        audit.record("users_imported", actor=actor, target=source, ip=ip, count=len(report.created))
    return report
