"""Course settings: the metadata of course.yaml as the settings form shows it, and back.

Plain values in and out, so the form, the command line or an API can edit the same settings.
"""

from collections.abc import Mapping


def settings_of(meta: dict) -> dict:
    """Return the settings form's values for the metadata `meta`."""
    certificate = meta.get("certificate")
    if not isinstance(certificate, dict):
        certificate = {}
    return {
        "course_id": meta.get("id") or "",
        "label": str(meta.get("version") or ""),
        "languages": ", ".join(str(code) for code in meta.get("languages") or []),
        "default_language": meta.get("default_language") or "",
        "level": meta.get("level") or "beginner",
        "duration_minutes": meta.get("duration_minutes"),
        "audience": ", ".join(str(tag) for tag in meta.get("audience") or []),
        "prerequisites": ", ".join(str(course) for course in meta.get("prerequisites") or []),
        "certificate_enabled": bool(certificate.get("enabled")),
        "validity_months": certificate.get("validity_months"),
    }


def split_list(value: str | None) -> list[str]:
    """Return the comma-separated items of `value`, stripped, each once, in order."""
    return list(dict.fromkeys(item.strip() for item in (value or "").split(",") if item.strip()))


def meta_with_settings(meta: dict, values: Mapping, texts: Mapping[str, str]) -> dict:
    """Return `meta` updated with the settings `values` (as `settings_of` gives them) and the
    per-language texts named `title-<code>` and `summary-<code>` in `texts`."""
    languages = split_list(values["languages"])

    def per_language(field: str) -> dict[str, str]:
        found = {code: texts.get(f"{field}-{code}", "").strip() for code in languages}
        return {code: text[:2000] for code, text in found.items() if text}

    return {
        **meta,
        "schema": meta.get("schema", 1),
        "id": values["course_id"],
        "version": values["label"].strip(),
        "default_language": values["default_language"].strip(),
        "languages": languages,
        "title": per_language("title"),
        "summary": per_language("summary"),
        "level": values["level"],
        "duration_minutes": values["duration_minutes"],
        "audience": split_list(values["audience"]),
        "prerequisites": split_list(values["prerequisites"]),
        "modules": meta.get("modules") or [],
        "certificate": {
            "enabled": bool(values["certificate_enabled"]),
            "validity_months": values["validity_months"],
        },
    }
