"""The reference lists a profile chooses from: sex, type of institution, category of post.

Defined once, with their translated labels, for the profile page, the admin form, CSV import
and the reports. The database stores the codes; anything else is refused where it comes in.
"""

import enum

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l


class Sex(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    NOT_STATED = "not_stated"


class InstitutionType(enum.StrEnum):
    CENTRAL_MINISTRY = "central_ministry"
    DECONCENTRATED_SERVICE = "deconcentrated_service"
    REGIONAL_COUNCIL = "regional_council"
    PROVINCIAL_COUNCIL = "provincial_council"
    COMMUNE = "commune"
    PUBLIC_BODY = "public_body"
    CIVIL_SOCIETY = "civil_society"
    OTHER = "other"


class PostCategory(enum.StrEnum):
    MANAGEMENT = "management"
    TECHNICAL = "technical"
    ADMINISTRATIVE = "administrative"
    FRONT_DESK = "front_desk"


LABELS: dict[enum.StrEnum, LazyString] = {
    Sex.FEMALE: _l("Female"),
    Sex.MALE: _l("Male"),
    Sex.NOT_STATED: _l("Not stated"),
    InstitutionType.CENTRAL_MINISTRY: _l("Central ministry"),
    InstitutionType.DECONCENTRATED_SERVICE: _l("Deconcentrated service"),
    InstitutionType.REGIONAL_COUNCIL: _l("Regional council"),
    InstitutionType.PROVINCIAL_COUNCIL: _l("Provincial or prefectural council"),
    InstitutionType.COMMUNE: _l("Commune"),
    InstitutionType.PUBLIC_BODY: _l("Public body"),
    InstitutionType.CIVIL_SOCIETY: _l("Civil society"),
    InstitutionType.OTHER: _l("Other"),
    PostCategory.MANAGEMENT: _l("Management"),
    PostCategory.TECHNICAL: _l("Technical"),
    PostCategory.ADMINISTRATIVE: _l("Administrative"),
    PostCategory.FRONT_DESK: _l("Front desk"),
}
# The profile field each list belongs to, as named on forms, in CSV files and on the model.
LISTS: dict[str, type[enum.StrEnum]] = {
    "sex": Sex,
    "institution_type": InstitutionType,
    "post_category": PostCategory,
}


def label(field_name: str, code: str | None) -> str:
    """Return the translated label of `code` in the list of `field_name` ("" when unset)."""
    if not code:
        return ""
    return str(LABELS[LISTS[field_name](code)])


def choices(field_name: str, blank: str | None = "—") -> list[tuple[str, str]]:
    """Return (code, label) pairs for a select, led by an empty choice unless `blank` is None."""
    items = [(member.value, str(LABELS[member])) for member in LISTS[field_name]]
    return items if blank is None else [("", blank), *items]


def parse(field_name: str, text: str) -> str | None:
    """Return the code `text` names in the list of `field_name`; None for blank.

    Raises ValueError for anything else.
    """
    text = text.strip().lower()
    if not text:
        return None
    return LISTS[field_name](text).value


def codes(field_name: str) -> str:
    """Return the codes of a list, comma-separated, for error messages and documentation."""
    return ", ".join(member.value for member in LISTS[field_name])
