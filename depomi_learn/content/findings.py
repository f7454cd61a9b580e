"""Findings about course files: one problem, where it is, a stable code and how to fix it.

Messages and hints are lazy: an English template with named placeholders, translated when shown,
so the editor speaks the interface language and `flask courses validate --lang` chooses its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeAlias

from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel.speaklater import LazyString

from .codes import CODES, severity_of

Text: TypeAlias = str | LazyString  # a text shown to an author: plain, or translated when shown


def joined(*parts: Text) -> LazyString:
    """Join texts when shown, so each part is translated in the language of that moment."""
    return LazyString(lambda: "".join(str(part) for part in parts))


@dataclass(frozen=True)
class Finding:
    path: str
    line: int | None
    severity: str  # "error" | "warning"
    code: str
    message: Text
    hint: Text

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class Findings(list[Finding]):
    """A list of findings with a shorthand to add one by code."""

    def add(
        self, code: str, path: str, line: int | None, message: Text, hint: Text | None = None
    ) -> None:
        """Record a finding; the hint defaults to the code's documented hint."""
        self.append(Finding(path, line, severity_of(code), code, message, hint or CODES[code].hint))

    @property
    def has_errors(self) -> bool:
        return any(finding.is_error for finding in self)


def has_errors(findings: Iterable[Finding]) -> bool:
    """Return True when any finding is an error."""
    return any(finding.is_error for finding in findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Return findings ordered by file, then line, then code."""
    return sorted(findings, key=lambda f: (f.path, f.line or 0, f.code, str(f.message)))


def format_findings_text(findings: Iterable[Finding]) -> str:
    """Format findings one per line with their hint, then an 'N errors, M warnings' summary."""
    findings = list(findings)
    lines = []
    hint_label = _("hint:")
    for finding in findings:
        where = f"{finding.path}:{finding.line}" if finding.line else finding.path
        severity = _("error") if finding.is_error else _("warning")
        lines.append(f"{where}: {severity} {finding.code}: {finding.message}")
        lines.append(f"    {hint_label} {finding.hint}")
    errors = sum(1 for finding in findings if finding.is_error)
    warnings = len(findings) - errors
    lines.append(
        _(
            "%(errors)s, %(warnings)s",
            errors=ngettext("%(num)d error", "%(num)d errors", errors),
            warnings=ngettext("%(num)d warning", "%(num)d warnings", warnings),
        )
    )
    return "\n".join(lines)


def finding_to_dict(finding: Finding) -> dict:
    """Return a finding as plain JSON-ready values, its texts in the language of the moment."""
    return {
        "path": finding.path,
        "line": finding.line,
        "severity": finding.severity,
        "code": finding.code,
        "message": str(finding.message),
        "hint": str(finding.hint),
    }


def findings_to_json(findings: Iterable[Finding]) -> str:
    """Return findings and the counts as a JSON document for tools."""
    items = [finding_to_dict(finding) for finding in findings]
    errors = sum(1 for item in items if item["severity"] == "error")
    document = {"findings": items, "errors": errors, "warnings": len(items) - errors}
    return json.dumps(document, ensure_ascii=False, indent=2)
