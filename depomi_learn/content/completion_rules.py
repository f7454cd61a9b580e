"""Checks of a blended course as a whole: its completion rule against its modules' quiz roles."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .findings import Findings
from .source import CourseModule, CourseSource


def _with_role(course: CourseSource, role: str) -> list[CourseModule]:
    return [m for m in course.modules if (m.default.quiz_settings or {}).get("role") == role]


def _role_line(module: CourseModule) -> int:
    return module.default.front_lines.get("quiz", module.default.front_matter_line)


def check_completion(course: CourseSource, findings: Findings) -> None:
    """Report a completion rule or pre/post tests that cannot work, at the line to fix."""
    shown = f"{course.display}/course.yaml"
    rule = course.completion or {}
    pre, post = _with_role(course, "pre_test"), _with_role(course, "post_test")
    for role, modules in (("pre_test", pre), ("post_test", post)):
        for extra in modules[1:]:
            message = _l(
                "module '%(id)s' is a second %(role)s; '%(first)s' is one already",
                id=extra.id,
                role=role,
                first=modules[0].id,
            )
            findings.add("E021", extra.default.path, _role_line(extra), message)
    for module in pre:
        if not post:
            message = _l("pre-test '%(id)s' has no post-test to compare with", id=module.id)
            findings.add("E020", module.default.path, _role_line(module), message)
        pool = (module.default.quiz_settings or {}).get("pool")
        if not module.default.questions and not pool:
            message = _l("pre-test '%(id)s' has no questions and no 'pool'", id=module.id)
            findings.add("E020", module.default.path, _role_line(module), message)
    _check_pools(course, findings)
    if rule.get("post_test") and not post:
        message = _l("completion requires a post-test but no module has 'role: post_test'")
        findings.add("E019", shown, course.post_test_line, message)
    if rule.get("attendance_percent") and not course.blended:
        message = _l("an attendance rule needs sessions: add 'blended: true'")
        findings.add("E018", shown, course.attendance_line, message)
    known = {m.id for m in course.modules} | set(course.module_lines)
    for key, line in course.completion_module_lines.items():
        if key not in known:
            message = _l("completion names module '%(id)s', not in 'modules'", id=key)
            findings.add("E017", shown, line, message)
        elif key in {m.id for m in pre}:
            message = _l("'%(id)s' is the pre-test, which never counts for completion", id=key)
            findings.add("E017", shown, line, message)


def _check_pools(course: CourseSource, findings: Findings) -> None:
    """A `pool` names a module of the course that has questions (the post-test's, usually)."""
    with_questions = {m.id: m for m in course.modules if m.default.questions}
    for module in course.modules:
        settings = module.default.quiz_settings or {}
        pool = settings.get("pool")
        if pool is None:
            continue
        if pool not in with_questions or pool == module.id:
            message = _l("pool '%(id)s' is not another module with questions", id=pool)
            findings.add("E020", module.default.path, _role_line(module), message)
        elif settings.get("draw") and settings["draw"] > len(
            with_questions[pool].default.questions
        ):
            message = _l(
                "draw %(draw)s is more than the questions of '%(id)s'",
                draw=settings["draw"],
                id=pool,
            )
            findings.add("E109", module.default.path, _role_line(module), message)
