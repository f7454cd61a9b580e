"""Which institutions and job functions the learners in a scope have, read from the counters
(the filter form's choices, at a cost that does not grow with the population)."""

import sqlalchemy as sa

from ..extensions import db
from ..models import ReportCounter


def present_values(dimension: str, region_id: int | None) -> list[str]:
    """Return the values of `dimension` that learners of the region (None: all) have, in the
    database's order; the "none" value left out."""
    c = ReportCounter.__table__.c
    query = (
        sa.select(c.value)
        .where(c.dimension == dimension, c.course_id == "", c.due == "", c.value != "")
        .group_by(c.value)
        .having(sa.func.sum(c.learners) > 0)
        .order_by(c.value)
    )
    if region_id is not None:
        query = query.where(c.region_id == region_id)
    return [value[1:] for value in db.session.scalars(query)]
