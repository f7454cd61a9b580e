"""Names of the groups of a results breakdown: codes for machines, labels for people.

Loaded once per report (one query per kind of place or course asked for), whatever the number
of groups.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext

from ..accounts import demographics
from ..extensions import db
from ..i18n import current_language
from ..models import Province, Region
from .filters import MISSING
from .queries import course_titles


@dataclass
class Labels:
    language: str
    places: dict[str, dict[object, tuple[str, str]]] = field(default_factory=dict)

    def name(self, breakdown: str, value: object) -> tuple[str, str]:
        """Return (code, label) of one group of `breakdown`."""
        if value is None or value == "":
            return MISSING, gettext("Not specified")
        if breakdown in self.places:
            return self.places[breakdown].get(value, (str(value), str(value)))
        if breakdown in ("sex", "institution_type"):
            try:
                return str(value), demographics.label(breakdown, str(value))
            except ValueError:
                return str(value), str(value)
        return str(value), str(value)


def load_labels(by: tuple[str, ...], language: str | None = None) -> Labels:
    """Return the names of the places and courses `by` needs, in `language`."""
    language = language or current_language()
    labels = Labels(language)
    if "region" in by:
        labels.places["region"] = {
            r.id: (r.code, r.name(language)) for r in db.session.scalars(sa.select(Region))
        }
    if "province" in by:
        labels.places["province"] = {
            p.id: (p.code, p.name(language)) for p in db.session.scalars(sa.select(Province))
        }
    if "course" in by:
        labels.places["course"] = {
            key: (key, title) for key, title in course_titles(language).items()
        }
    return labels
