"""Load and check whole courses and trees of courses; one module's text for the editor."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from pathlib import Path

from flask_babel import lazy_gettext as _l

from .assets import load_assets, visible_files
from .citations import check_cross_course_links
from .completion_rules import check_completion
from .course_yaml import LANGUAGE_CODE, parse_course_yaml
from .findings import Finding, Findings, sort_findings
from .links import check_links
from .module_file import parse_module
from .prerequisites import check_prerequisites
from .source import CourseModule, CourseSource, ModuleSource
from .survey import check_course_survey
from .translations import check_module_translations

# An `id:` line of a front matter, read without YAML when the YAML itself is broken.
DECLARED_ID = re.compile(r"^id:[ \t]*[\"']?([A-Za-z0-9_-]+)", re.MULTILINE)


def load_course(
    folder: Path, *, display: str | None = None
) -> tuple[CourseSource | None, list[Finding]]:
    """Parse and check one course folder; the course is None when course.yaml is unusable."""
    findings = Findings()
    display = display or folder.as_posix()
    course = parse_course_yaml(folder, display, findings)
    if course is None:
        return None, sort_findings(findings)
    # Read once: the bytes hashed are the bytes a version keeps, whatever happens to the folder.
    course.file_data = {
        file.relative_to(folder).as_posix(): file.read_bytes() for file in visible_files(folder)
    }
    course.files = set(course.file_data)
    course.content_hash = hash_files(course.file_data)
    course.assets = load_assets(folder, display, findings)
    by_language, unreadable = _load_language_folders(course, findings)
    _assemble(course, by_language, unreadable, findings)
    for module in course.modules:
        check_module_translations(module, findings)
    _check_question_ids(course, findings)
    check_completion(course, findings)
    check_course_survey(course, findings)
    for sources in by_language.values():
        for source in sources:
            check_links(source, findings, course.files, course.languages)
    return course, sort_findings(findings)


def load_tree(
    root: Path, *, display: str | None = None
) -> tuple[list[CourseSource], list[Finding]]:
    """Load one course folder, or every course folder inside `root`, and check them together."""
    display = display or root.as_posix()
    findings = Findings()
    if _is_course_folder(root):
        folders = [(root, display)]
    else:
        folders = [
            (folder, f"{display}/{folder.name}")
            for folder in sorted(root.iterdir())
            if folder.is_dir() and not folder.name.startswith((".", "_"))
        ]
    if not folders:
        findings.add("W001", display, None, _l("no course folder found here"))
    courses = []
    for folder, shown in folders:
        course, found = load_course(folder, display=shown)
        findings.extend(found)
        if course is not None:
            courses.append(course)
    single = folders[0][0] if len(folders) == 1 and folders[0][0] == root else None
    check_prerequisites(courses, findings, siblings_of=single)
    if single is None:
        check_cross_course_links(courses, findings)
    return courses, sort_findings(findings)


def _is_course_folder(root: Path) -> bool:
    # A course folder that lost its course.yaml still has language folders of Markdown files.
    if (root / "course.yaml").is_file():
        return True
    return any(
        folder.is_dir()
        and LANGUAGE_CODE.match(folder.name)
        and not (folder / "course.yaml").exists()
        and any(folder.glob("*.md"))
        for folder in root.iterdir()
    )


def validate_tree(root: Path, *, display: str | None = None) -> list[Finding]:
    """Return every finding for a course folder or a folder of course folders."""
    return load_tree(root, display=display)[1]


def validate_module_source(
    text: str, path: str, *, course: CourseSource | None = None, language: str | None = None
) -> tuple[ModuleSource | None, list[Finding]]:
    """Check one module's text held in memory; `path` is relative to the course, e.g. ar/x.md.

    With `course`, the text is also checked against it (links, listing, translations) as if it
    replaced the file at `path`.
    """
    findings = Findings()
    shown = f"{course.display}/{path}" if course else path
    language = language or path.split("/", 1)[0]
    module = parse_module(text, path=shown, relpath=path, language=language, findings=findings)
    if module is None or course is None:
        return module, sort_findings(findings)
    check_links(module, findings, course.files | {path}, course.languages)
    listed = next((m for m in course.modules if m.id == module.id), None)
    if listed is None:
        _report_unlisted(course, module, findings)
    else:
        replaced = dataclasses.replace(listed, texts={**listed.texts, language: module})
        check_module_translations(replaced, findings)
        modules = [replaced if m is listed else m for m in course.modules]
        _check_question_ids(dataclasses.replace(course, modules=modules), findings)
    return module, sort_findings(findings)


def content_hash(folder: Path, files: list[Path] | None = None) -> str:
    """Return the SHA-256 over the sorted relative paths and bytes of a course's files."""
    files = files if files is not None else visible_files(folder)
    return hash_files({file.relative_to(folder).as_posix(): file.read_bytes() for file in files})


def hash_files(files: dict[str, bytes]) -> str:
    """Return the content hash of course files given as {relative path: bytes}."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda path: path.split("/")):  # the order of sorted Paths
        data, relative = files[path], path.encode()
        digest.update(b"%d:%s:%d:" % (len(relative), relative, len(data)))
        digest.update(data)
    return digest.hexdigest()


def _load_language_folders(
    course: CourseSource, findings: Findings
) -> tuple[dict[str, list[ModuleSource]], dict[str, set[str | None]]]:
    """Return the modules read in each language, and the ids declared by unreadable files."""
    by_language: dict[str, list[ModuleSource]] = {}
    unreadable: dict[str, set[str | None]] = {}
    for folder in sorted(course.folder.iterdir()):
        if not folder.is_dir() or folder.name.startswith(".") or folder.name == "assets":
            continue
        if folder.name not in course.languages:
            message = _l("folder '%(name)s' is not in languages and is ignored", name=folder.name)
            findings.add("W003", f"{course.display}/{folder.name}", None, message)
            continue
        unreadable[folder.name] = set()
        by_language[folder.name] = _load_modules(course, folder, findings, unreadable[folder.name])
    return by_language, unreadable


def _load_modules(
    course: CourseSource, folder: Path, findings: Findings, unreadable: set[str | None]
) -> list[ModuleSource]:
    modules = []
    for file in sorted(folder.iterdir()):
        relpath = f"{folder.name}/{file.name}"
        shown = f"{course.display}/{relpath}"
        if file.name.startswith("."):
            continue
        if not file.is_file() or file.suffix != ".md":
            message = _l("'%(name)s' is not a .md file and is ignored", name=file.name)
            findings.add("W106", shown, None, message)
            continue
        data = file.read_bytes()
        module = parse_module(
            data, path=shown, relpath=relpath, language=folder.name, findings=findings
        )
        if module is not None:
            modules.append(module)
        else:
            unreadable.add(_declared_id(data))
    return modules


def _declared_id(data: bytes) -> str | None:
    """Return the id a file whose front matter cannot be read seems to declare, if any."""
    match = DECLARED_ID.search(data.decode("utf-8", "replace"))
    return match.group(1) if match else None


def _assemble(
    course: CourseSource,
    by_language: dict[str, list[ModuleSource]],
    unreadable: dict[str, set[str | None]],
    findings: Findings,
) -> None:
    files: dict[str, dict[str, ModuleSource]] = {}
    for language, sources in by_language.items():
        files[language] = _index_by_id(sources, findings)
    defaults = files.get(course.default_language, {})
    for position, (module_id, line) in enumerate(course.module_lines.items()):
        if module_id not in defaults:
            if {module_id, None} & unreadable.get(course.default_language, set()):
                continue  # the unreadable file has its own finding; "no file" would mislead
            message = _l(
                "module '%(id)s' has no file in %(language)s/",
                id=module_id,
                language=course.default_language,
            )
            findings.add("E014", f"{course.display}/course.yaml", line, message)
            continue
        texts = {lang: files[lang][module_id] for lang in files if module_id in files[lang]}
        course.modules.append(CourseModule(module_id, position, course.default_language, texts))
        for language in course.languages:
            if language not in texts and not {module_id, None} & unreadable.get(language, set()):
                message = _l(
                    "module '%(id)s' has no %(language)s file; %(default)s is shown",
                    id=module_id,
                    language=language,
                    default=course.default_language,
                )
                findings.add("W301", f"{course.display}/{language}", None, message)
    for sources in by_language.values():
        for source in sources:
            if source.id and source.id not in course.module_lines:
                _report_unlisted(course, source, findings)
    _check_aliases(course, findings)


def _index_by_id(sources: list[ModuleSource], findings: Findings) -> dict[str, ModuleSource]:
    index: dict[str, ModuleSource] = {}
    for source in sources:
        if source.id is None:
            continue
        if source.id in index:
            message = _l(
                "module id '%(id)s' is also declared by %(path)s",
                id=source.id,
                path=index[source.id].relpath,
            )
            findings.add("E107", source.path, source.front_lines.get("id"), message)
            continue
        index[source.id] = source
    return index


def _report_unlisted(course: CourseSource, source: ModuleSource, findings: Findings) -> None:
    line = source.front_lines.get("id")
    if source.language != course.default_language:
        original = next(
            (m.default for m in course.modules if m.default.filename == source.filename), None
        )
        if original is not None:
            message = _l(
                "module id '%(id)s' differs from %(path)s ('%(original)s')",
                id=source.id,
                path=original.relpath,
                original=original.id,
            )
            findings.add("E301", source.path, line, message)
            return
    message = _l("module '%(id)s' is not listed in course.yaml 'modules'", id=source.id)
    findings.add("W101", source.path, line, message)


def _check_aliases(course: CourseSource, findings: Findings) -> None:
    owners: dict[str, str] = {module.id: module.id for module in course.modules}
    for module in course.modules:
        for alias in module.default.aliases:
            owner = owners.setdefault(alias, module.id)
            if owner != module.id:
                line = module.default.front_lines.get("aliases")
                message = _l(
                    "alias '%(alias)s' is already the id or an alias of module '%(owner)s'",
                    alias=alias,
                    owner=owner,
                )
                findings.add("E110", module.default.path, line, message)


def _check_question_ids(course: CourseSource, findings: Findings) -> None:
    for language in course.languages:
        seen: dict[str, ModuleSource] = {}
        for module in course.modules:
            source = module.texts.get(language)
            if source is None:
                continue
            for question in source.questions:
                first = seen.setdefault(question.id, source)
                if first is not source:
                    message = _l(
                        "question id '%(id)s' is also used in %(path)s",
                        id=question.id,
                        path=first.relpath,
                    )
                    findings.add("E205", source.path, question.id_line, message)
    _check_assignment_ids(course, findings)


def _check_assignment_ids(course: CourseSource, findings: Findings) -> None:
    seen: dict[str, ModuleSource] = {}
    for module in course.modules:
        assignment = module.default.assignment
        if assignment is None:
            continue
        first = seen.setdefault(assignment.id, module.default)
        if first is not module.default:
            message = _l(
                "assignment id '%(id)s' is also used in %(path)s",
                id=assignment.id,
                path=first.relpath,
            )
            findings.add("E705", module.default.path, assignment.line, message)
