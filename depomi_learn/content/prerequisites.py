"""Checks between courses: prerequisites that exist and never loop back."""

from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from .course_yaml import parse_course_yaml
from .findings import Findings
from .source import CourseSource


def check_prerequisites(
    courses: list[CourseSource],
    findings: Findings,
    *,
    siblings_of: Path | None = None,
    others: dict[str, list[str]] | None = None,
) -> None:
    """Report unknown prerequisites and cycles; a lone course is checked against its siblings.

    `others` maps the ids of courses known elsewhere (the database) to their prerequisites.
    """
    graph = {course.id: list(course.prerequisites) for course in courses}
    if siblings_of is not None:
        graph.update(_sibling_graph(siblings_of, set(graph)))
    for course_id, prerequisites in (others or {}).items():
        graph.setdefault(course_id, list(prerequisites))
    for course in courses:
        shown = f"{course.display}/course.yaml"
        for prerequisite in course.prerequisites:
            line = course.prerequisite_lines.get(prerequisite)
            if prerequisite not in graph:
                message = _l("prerequisite '%(id)s' is not a course", id=prerequisite)
                findings.add("E501", shown, line, message)
                continue
            path = _path(graph, prerequisite, course.id)
            if path is not None:
                cycle = " -> ".join([course.id, *path])
                findings.add("E502", shown, line, _l("prerequisite cycle: %(cycle)s", cycle=cycle))


def _sibling_graph(folder: Path, known: set[str]) -> dict[str, list[str]]:
    graph = {}
    parent = folder.resolve().parent
    for sibling in sorted(parent.iterdir()):
        if sibling.name in known or not (sibling / "course.yaml").is_file():
            continue
        course = parse_course_yaml(sibling, sibling.name, Findings())
        graph[sibling.name] = list(course.prerequisites) if course else []
    return graph


def _path(graph: dict[str, list[str]], start: str, goal: str) -> list[str] | None:
    """Return a path start -> ... -> goal following prerequisites, if there is one."""
    stack = [(start, [start])]
    seen = set()
    while stack:
        node, path = stack.pop()
        if node == goal:
            return path
        if node in seen:
            continue
        seen.add(node)
        stack.extend((next_node, [*path, next_node]) for next_node in graph.get(node, []))
    return None
