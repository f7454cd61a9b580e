"""A report request read from its query string (any mapping): filters, metric and sort.

The coordinator pages, their exports and the API read a request the same way, through here;
a malformed value raises FilterError(400) and one outside the user's scope FilterError(404).
"""

from collections.abc import Mapping
from dataclasses import dataclass

from flask_sqlalchemy.pagination import Pagination

from ..models import User
from ..permissions import is_national
from .drilldown import METRICS, Sort, parse_sort
from .filters import FilterError, ReportFilters, parse_filters
from .queries import DIMENSIONS
from .tables import Table, drilldown_page


def parse_metric(args: Mapping[str, str]) -> str:
    """Return the requested metric (learners by default); FilterError(404) when unknown."""
    metric = args.get("metric", "learners")
    if metric not in METRICS:
        raise FilterError(404, "metric")
    return metric


def parse_metric_and_sort(args: Mapping[str, str]) -> tuple[str, Sort]:
    metric = parse_metric(args)
    return metric, parse_sort(metric, args.get("sort", ""))


def dimensions_for(user: User) -> tuple[str, ...]:
    """Return the breakdowns `user` may see: regions only for a national view."""
    return DIMENSIONS if is_national(user) else tuple(d for d in DIMENSIONS if d != "region")


@dataclass(frozen=True)
class LearnerList:
    """One page of the learners behind a number, as the request asks for it."""

    filters: ReportFilters
    metric: str
    sort: Sort
    table: Table
    pages: Pagination


def learner_list(user: User, args: Mapping[str, str], language: str, page: int) -> LearnerList:
    """Read a drill-down request and fetch its `page` (for the HTML page and the API)."""
    filters = parse_filters(user, args)
    metric, sort = parse_metric_and_sort(args)
    table, pages = drilldown_page(user, filters, metric, sort, language, page)
    return LearnerList(filters, metric, sort, table, pages)
