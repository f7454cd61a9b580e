"""Read typed values out of line-marked YAML mappings, reporting each misfit as a finding.

Every reader takes a Scope (where findings go, which file, which codes apply) so the same checks
serve course.yaml, front matter and quiz blocks with their own codes.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from .findings import Findings, Text, joined
from .yamlmarks import MarkedDict, MarkedList

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}\Z")  # \Z: no trailing newline
MISSING = object()


@dataclass
class Scope:
    """Where findings about one YAML document go, and the codes for its generic problems."""

    findings: Findings
    path: str
    type_code: str  # a value of the wrong type
    unknown_code: str  # an unknown key (a warning)
    label: Text = ""  # prefix naming the object, e.g. "quiz 'acteurs-dgcl': "

    def add(self, code: str, line: int | None, message: Text, hint: Text | None = None) -> None:
        """Record a finding in this scope's file, prefixed with its label."""
        self.findings.add(code, self.path, line, joined(self.label, message), hint)


def is_valid_id(value: object) -> bool:
    """Return True for a string matching the id pattern of the course format."""
    return isinstance(value, str) and bool(ID_PATTERN.match(value))


def describe(value: object, raw: str | None = None) -> Text:
    """Describe a YAML value, naming the YAML 1.1 trap when plain text was read as non-text."""
    if raw is not None and not isinstance(value, str):
        if isinstance(value, bool):
            return _l(
                "'%(raw)s' (YAML reads it as the boolean %(value)s)",
                raw=raw,
                value=str(value).lower(),
            )
        if value is None:
            return _l("'%(raw)s' (YAML reads it as null)", raw=raw) if raw else _l("empty")
        if isinstance(value, int | float):
            if str(value) == raw:
                return _l("'%(raw)s' (YAML reads it as a number)", raw=raw)
            return _l("'%(raw)s' (YAML reads it as the number %(value)s)", raw=raw, value=value)
    if value is None:
        return _l("empty")
    if isinstance(value, dict):
        return _l("a mapping")
    if isinstance(value, list):
        return _l("a list")
    return f"'{value}'" if isinstance(value, str) else f"{value!r}"


def trap_hint(value: object, raw: str | None) -> Text | None:
    """Return a hint to quote a plain value that YAML read as something other than text."""
    if raw and not isinstance(value, str):
        return _l('write it in quotes so YAML keeps it as text: "%(raw)s"', raw=raw)
    return None


def raw_of(container: Any, key: Any) -> str | None:
    """Return what the author typed for a plain scalar, if it was one."""
    return getattr(container, "raw", {}).get(key)


def line_of(container: Any, key: Any) -> int | None:
    """Return the line of a key or item, or of the container itself."""
    if isinstance(container, MarkedDict | MarkedList):
        return container.line_of(key)
    return None


def check_unknown_keys(scope: Scope, mapping: MarkedDict, allowed: Iterable[str]) -> None:
    """Warn about keys outside `allowed`, suggesting the closest known key."""
    allowed = list(allowed)
    for key in mapping:
        if key in allowed:
            continue
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        message = (
            _l("unknown key '%(key)s' (did you mean '%(guess)s'?)", key=key, guess=close[0])
            if close
            else _l("unknown key '%(key)s'", key=key)
        )
        scope.add(scope.unknown_code, mapping.line_of(key), message)


def get_text(
    scope: Scope, mapping: MarkedDict, key: str, *, missing_code: str | None = None
) -> str | None:
    """Return a non-empty text value; report it missing (if required) or not text."""
    value = mapping.get(key, MISSING)
    if value is MISSING or (value is None and not raw_of(mapping, key)):
        if missing_code:
            scope.add(missing_code, mapping.line, _l("'%(key)s' is missing", key=key))
        return None
    if not isinstance(value, str):
        raw = raw_of(mapping, key)
        message = _l("'%(key)s' must be text, not %(value)s", key=key, value=describe(value, raw))
        scope.add(scope.type_code, mapping.line_of(key), message, trap_hint(value, raw))
        return None
    if not value.strip():
        if missing_code:
            scope.add(missing_code, mapping.line_of(key), _l("'%(key)s' is empty", key=key))
        return None
    return value


def get_int(
    scope: Scope, mapping: MarkedDict, key: str, *, minimum: int, code: str | None = None
) -> int | None:
    """Return an integer >= minimum, reporting anything else; None when the key is absent."""
    value = mapping.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        scope.add(
            code or scope.type_code,
            mapping.line_of(key),
            _l(
                "'%(key)s' must be a whole number >= %(minimum)s, not %(value)s",
                key=key,
                minimum=minimum,
                value=describe(value, raw_of(mapping, key)),
            ),
        )
        return None
    return value


def get_bool(
    scope: Scope, mapping: MarkedDict, key: str, default: bool, *, code: str | None = None
) -> bool:
    """Return a boolean value, reporting text such as 'true' in quotes."""
    value = mapping.get(key, default)
    if not isinstance(value, bool):
        scope.add(
            code or scope.type_code,
            mapping.line_of(key),
            _l(
                "'%(key)s' must be true or false, not %(value)s",
                key=key,
                value=describe(value, raw_of(mapping, key)),
            ),
        )
        return default
    return value


def get_number(value: object) -> int | float | None:
    """Return a finite YAML number as written (int or float), else None; booleans are not."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value if math.isfinite(value) else None


def get_text_list(scope: Scope, mapping: MarkedDict, key: str) -> list[str]:
    """Return a list of texts (a single text is accepted as a one-item list)."""
    value = mapping.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        message = _l("'%(key)s' must be a list of texts", key=key)
        scope.add(scope.type_code, mapping.line_of(key), message)
        return []
    texts = []
    for index, item in enumerate(value):
        if isinstance(item, str) and item.strip():
            texts.append(item)
        else:
            raw = raw_of(value, index)
            message = _l(
                "'%(key)s' item %(number)s must be text, not %(value)s",
                key=key,
                number=index + 1,
                value=describe(item, raw),
            )
            scope.add(scope.type_code, line_of(value, index), message, trap_hint(item, raw))
    return texts


def get_id_list(scope: Scope, mapping: MarkedDict, key: str, code: str, what: Text) -> list[str]:
    """Return a list of valid ids, reporting each invalid item with `code`."""
    value = mapping.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        message = _l("'%(key)s' must be a list of ids", key=key)
        scope.add(scope.type_code, mapping.line_of(key), message)
        return []
    ids = []
    for index, item in enumerate(value):
        if is_valid_id(item):
            ids.append(item)
        else:
            raw = raw_of(value, index)
            message = _l("%(what)s %(value)s is not valid", what=what, value=describe(item, raw))
            scope.add(code, line_of(value, index), message, trap_hint(item, raw))
    return ids


def get_id(scope: Scope, mapping: MarkedDict, key: str, code: str, what: Text) -> str | None:
    """Return a valid id, reporting a missing or invalid one with `code`."""
    value = mapping.get(key, MISSING)
    if value is MISSING:
        scope.add(code, mapping.line, _l("%(what)s is missing", what=what))
        return None
    if not is_valid_id(value):
        raw = raw_of(mapping, key)
        message = _l("%(what)s %(value)s is not valid", what=what, value=describe(value, raw))
        scope.add(code, mapping.line_of(key), message, trap_hint(value, raw))
        return None
    return value
