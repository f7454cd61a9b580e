"""The trainers' authoring pages: workspace, editor, publishing, versions, statistics.

`common` holds the blueprint and what the pages share; each page module adds its routes to it.
"""

from . import editor, guide, publishing, workspace  # noqa: F401 - their routes register on bp
from .common import bp

__all__ = ["bp"]
