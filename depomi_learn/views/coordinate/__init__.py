"""The coordinators' pages; `common` holds their blueprint, each page module adds its routes."""

from . import assignments, reports  # noqa: F401 - their routes register on bp
from .common import bp

__all__ = ["bp"]
