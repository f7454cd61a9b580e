"""Findings about course files: one problem, where it is, a stable code and how to fix it."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from .codes import CODES, severity_of


@dataclass(frozen=True)
class Finding:
    path: str
    line: int | None
    severity: str  # "error" | "warning"
    code: str
    message: str
    hint: str

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class Findings(list[Finding]):
    """A list of findings with a shorthand to add one by code."""

    def add(
        self, code: str, path: str, line: int | None, message: str, hint: str | None = None
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
    return sorted(findings, key=lambda f: (f.path, f.line or 0, f.code, f.message))


def format_findings_text(findings: Iterable[Finding]) -> str:
    """Format findings one per line with their hint, then an 'N errors, M warnings' summary."""
    findings = list(findings)
    lines = []
    for finding in findings:
        where = f"{finding.path}:{finding.line}" if finding.line else finding.path
        lines.append(f"{where}: {finding.severity} {finding.code}: {finding.message}")
        lines.append(f"    hint: {finding.hint}")
    errors = sum(1 for finding in findings if finding.is_error)
    warnings = len(findings) - errors
    lines.append(f"{_count(errors, 'error')}, {_count(warnings, 'warning')}")
    return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def findings_to_json(findings: Iterable[Finding]) -> str:
    """Return findings and the counts as a JSON document for tools."""
    items = [asdict(finding) for finding in findings]
    errors = sum(1 for item in items if item["severity"] == "error")
    document = {"findings": items, "errors": errors, "warnings": len(items) - errors}
    return json.dumps(document, ensure_ascii=False, indent=2)
