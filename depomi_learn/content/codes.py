"""The stable finding codes: what each means and the default hint that tells how to fix it.

E0xx course.yaml, E1xx module files, E2xx quiz blocks, E3xx translations, E4xx links and assets,
E5xx between courses, E7xx assignment blocks; W-codes are warnings. Codes are never reused for
another meaning.
"""

from typing import NamedTuple


class Code(NamedTuple):
    title: str
    hint: str


CODES: dict[str, Code] = {
    # course.yaml
    "E001": Code("course.yaml is missing", "every course folder needs a course.yaml"),
    "E002": Code("course.yaml is not valid YAML", "check indentation, colons and quotes here"),
    "E003": Code(
        "tab character in course.yaml",
        "replace the tab with spaces: YAML does not accept tabs here",
    ),
    "E004": Code("invalid course id", "lowercase letters, digits and '-'"),
    "E005": Code(
        "course folder name differs from the course id",
        "the folder name is the course id: rename the folder or fix 'id'",
    ),
    "E006": Code("missing or unsupported schema", "write 'schema: 1' at the top of course.yaml"),
    "E007": Code("required key missing", "add the key; see docs course-format.md"),
    "E008": Code("value of the wrong type", "see the expected type in course-format.md"),
    "E009": Code("invalid level", "use beginner, intermediate or advanced"),
    "E010": Code("invalid languages list", "a list of language codes, e.g. [fr, ar, en]"),
    "E011": Code("default language not in languages", "add default_language to 'languages'"),
    "E012": Code("invalid module id in 'modules'", "lowercase letters, digits and '-'"),
    "E013": Code("module listed twice", "list each module id once in 'modules'"),
    "E014": Code(
        "listed module has no file in the default language",
        "add a file whose front matter has this id, or remove it from 'modules'",
    ),
    "E015": Code("course.yaml is not UTF-8", "save the file as UTF-8"),
    "E016": Code(
        "invalid completion rule",
        "completion: {modules: all, attendance_percent: 80, post_test: true}",
    ),
    "E017": Code(
        "completion names a module that cannot count",
        "list modules of 'modules', never the pre-test; or write modules: all",
    ),
    "E018": Code(
        "attendance rule without sessions",
        "write 'blended: true' in course.yaml, or remove attendance_percent",
    ),
    "E019": Code(
        "post-test required but none",
        "mark a module's quiz 'role: post_test', or remove post_test from completion",
    ),
    "E020": Code(
        "pre-test without post-test",
        "add a module whose quiz has 'role: post_test' (with questions) to measure the gain",
    ),
    "E021": Code("more than one pre-test or post-test", "a course has one of each at most"),
    "E022": Code(
        "invalid show_answers",
        "use after_each_attempt (the default) or after_last_attempt",
    ),
    # module files
    "E101": Code("module file is not UTF-8", "save the file as UTF-8"),
    "E102": Code(
        "front matter missing or never closed",
        "start the file with a '---' line and end the front matter with another '---'",
    ),
    "E103": Code("front matter is not valid YAML", "check indentation, colons and quotes here"),
    "E104": Code(
        "tab character in front matter",
        "replace the tab with spaces: YAML does not accept tabs here",
    ),
    "E105": Code("front matter value of the wrong type", "see course-format.md"),
    "E106": Code("module id missing or invalid", "lowercase letters, digits and '-'"),
    "E107": Code(
        "two files declare the same module id",
        "each file of a language folder needs its own module id",
    ),
    "E108": Code("module title missing", "add 'title:' to the front matter"),
    "E109": Code("invalid quiz settings", "see the 'quiz:' keys in course-format.md"),
    "E110": Code(
        "invalid module alias", "aliases are former ids of this module; never another module's id"
    ),
    "E111": Code("module file too large", "split the module: 100,000 characters at most"),
    "E112": Code(
        "Markdown nested too deeply",
        "at most 12 levels of lists, quotes and indentation, and 32 '*', '_' or '~' in a row",
    ),
    "E113": Code(
        "Markdown too complex to render",
        "close brackets, parentheses and '<'; at most 300 headings and footnote references",
    ),
    "E114": Code(
        "source reference without a source",
        "declare the id under 'sources:' in the front matter (id, cite, as_of)",
    ),
    "E115": Code(
        "invalid source entry",
        "each source: id (lowercase, digits, '-'), cite (text), as_of (YYYY-MM or YYYY-MM-DD)",
    ),
    # quiz blocks
    "E201": Code("quiz fence never closed", "close the block with a line of ``` after the YAML"),
    "E202": Code("quiz block is not valid YAML", "check indentation, colons and quotes here"),
    "E203": Code(
        "tab character in quiz block", "replace the tab with spaces: YAML does not accept tabs here"
    ),
    "E204": Code("question id missing or invalid", "lowercase letters, digits and '-'"),
    "E205": Code("duplicate question id", "question ids are unique within the whole course"),
    "E206": Code(
        "question type missing or unknown",
        "type is one of single, multiple, true_false, short_text, numeric",
    ),
    "E207": Code("question prompt missing", "add 'prompt:' with the question text"),
    "E208": Code(
        "text expected", 'write the text, in quotes when YAML would read a number or yes/no: "2014"'
    ),
    "E209": Code(
        "invalid options list", "give 2 to 10 options, each with 'id', 'text' and maybe 'correct'"
    ),
    "E210": Code(
        "option id missing, invalid or duplicate", "option ids: lowercase letters, digits and '-'"
    ),
    "E211": Code("single choice needs exactly one correct option", "mark one option correct: true"),
    "E212": Code(
        "multiple choice needs a correct option", "mark at least one option correct: true"
    ),
    "E213": Code("invalid scoring", "scoring is all_or_nothing or partial"),
    "E214": Code(
        "true_false answer missing or not a boolean", "write answer: true or answer: false"
    ),
    "E215": Code("short_text accept list invalid", "accept: a non-empty list of accepted answers"),
    "E216": Code(
        "numeric value is not a YAML number",
        "write the number with Latin digits and a decimal point, without quotes: 3.5",
    ),
    "E217": Code(
        "numeric question needs answer or range",
        "give 'answer' (with optional 'tolerance') or 'range: [min, max]', not both",
    ),
    "E218": Code("invalid numeric range", "range: [min, max] with min <= max"),
    "E219": Code("invalid tolerance", "tolerance is a number >= 0"),
    "E220": Code("invalid points", "points is a number greater than 0"),
    "E221": Code("true or false expected", "write true or false, without quotes"),
    # survey blocks
    "E230": Code(
        "invalid survey block",
        "a survey block has id, type, prompt (and options for single); close it with ```",
    ),
    "E231": Code("unknown survey type", "type is likert (1 to 5), single or text"),
    "E232": Code(
        "invalid survey options", "a single-choice survey question has 2 to 10 options (id, text)"
    ),
    "E233": Code("duplicate survey question id", "survey ids are unique within the whole course"),
    # translations
    "E301": Code(
        "module id differs from the default-language file",
        "a translation keeps the module id of the file it translates",
    ),
    "E302": Code(
        "answer key differs across languages",
        "translate the texts only; option ids and 'correct' must match",
    ),
    "E303": Code(
        "quiz missing in translation",
        "copy the quiz block from the default language and translate it",
    ),
    "E304": Code(
        "quiz in translation not in default language",
        "add the question to the default-language file first, or remove it here",
    ),
    "E305": Code(
        "survey differs across languages",
        "keep the default language's survey ids, types and option ids; translate texts only",
    ),
    # links and assets
    "E401": Code("image file missing", "put the image in assets/ and write ../assets/name.png"),
    "E402": Code("link target missing", "fix the path, relative to this file"),
    "E403": Code(
        "absolute file path", "write paths relative to the module file, e.g. ../assets/map.png"
    ),
    "E404": Code("path leaves the course folder", "only files inside the course can be used"),
    "E405": Code(
        "SVG asset contains script or event handlers",
        "export the SVG again without scripts, event handlers or foreignObject",
    ),
    "E406": Code("URL scheme not allowed", "use http, https or mailto links"),
    "E407": Code(
        "link or image outside assets/",
        "images and files go in assets/; link to module files in a language folder",
    ),
    "E408": Code(
        "link to a missing module of another course",
        "write ../../<course id>/<language>/<file>.md for a module file that exists",
    ),
    # between courses
    "E501": Code("unknown prerequisite", "list ids of courses that exist in the courses folder"),
    "E502": Code("prerequisite cycle", "a course cannot require itself, directly or not"),
    # assignment blocks
    "E701": Code(
        "assignment fence never closed", "close the block with a line of ``` after the YAML"
    ),
    "E702": Code("assignment block is not valid YAML", "check indentation, colons and quotes"),
    "E703": Code(
        "tab character in assignment block",
        "replace the tab with spaces: YAML does not accept tabs here",
    ),
    "E704": Code("assignment id missing or invalid", "lowercase letters, digits and '-'"),
    "E705": Code(
        "assignment repeated",
        "one assignment per module; assignment ids are unique within the course",
    ),
    "E706": Code("assignment title or instructions missing", "add 'title:' and 'instructions:'"),
    "E707": Code("invalid accept", "accept: [text], [files] or [text, files]"),
    "E708": Code("invalid file types", "file_types: a list from pdf, docx, xlsx, odt, png, jpg"),
    "E709": Code("invalid file limits", "max_size_mb: 1 to 20; max_files: 1 to 10 (whole numbers)"),
    "E710": Code(
        "invalid rubric",
        "rubric: criteria with 'id', 'title' and 2 or more levels, each with 'title' and 'points'",
    ),
    "E711": Code("invalid pass mark", "pass_mark is a percentage of the rubric's points, 1 to 100"),
    "E712": Code("invalid reviewers", "reviewers: course (its trainers) or region (the learner's)"),
    "E713": Code(
        "text expected", 'write the text, in quotes when YAML would read a number or yes/no: "2014"'
    ),
    "E714": Code(
        "assignment missing in translation",
        "copy the assignment block from the default language and translate its texts",
    ),
    "E715": Code(
        "assignment differs across languages",
        "translate the texts only; id, settings, criteria ids and points must match",
    ),
    "E716": Code(
        "assignment in translation not in default language",
        "add the assignment to the default-language file first, or remove it here",
    ),
    # warnings
    "W001": Code("no courses found", "give a course folder or a folder of course folders"),
    "W002": Code(
        "title or summary translation missing", "add the text in every language of 'languages'"
    ),
    "W003": Code("folder is not a listed language", "add the language to 'languages' or remove it"),
    "W004": Code("unknown key in course.yaml", "check the spelling; unknown keys are ignored"),
    "W101": Code(
        "module file not listed in course.yaml", "add its id to 'modules' or remove the file"
    ),
    "W102": Code("unknown key in front matter", "check the spelling; unknown keys are ignored"),
    "W103": Code("empty module", "write the lesson text or add quiz questions"),
    "W104": Code("quiz settings without questions", "add quiz blocks or remove 'quiz:'"),
    "W105": Code(
        "questions without quiz settings",
        "add 'quiz: {pass_mark: 70}' to the front matter to make the settings explicit",
    ),
    "W106": Code("not a Markdown file", "module files end in .md; other files are ignored"),
    "W107": Code(
        "source never cited", "cite it with [^id] after the fact it supports, or remove it"
    ),
    "W201": Code("unknown key in quiz block", "check the spelling; unknown keys are ignored"),
    "W202": Code("key not used by this question type", "remove the key or change 'type'"),
    "W207": Code("unknown key in survey block", "check the spelling; unknown keys are ignored"),
    "W203": Code(
        "correct option is the longest in most single-choice questions",
        "make the distractors as long and as precise as the correct option",
    ),
    "W204": Code(
        "true/false answers lean one way",
        "balance the module: at most two thirds of true/false answers the same way",
    ),
    "W205": Code(
        "'all of the above' or 'none of the above' option",
        "write a real option; use type: multiple when several options are correct",
    ),
    "W206": Code("option repeated within a question", "each option needs its own text"),
    "W701": Code("unknown key in assignment block", "check the spelling; unknown keys are ignored"),
    "W702": Code(
        "file settings on a text-only assignment", "add files to 'accept' or remove the settings"
    ),
    "W301": Code(
        "module missing in a language",
        "learners see the default language with a notice until the translation exists",
    ),
    "W302": Code(
        "translation may be out of date",
        "revise the translation, then write translated_from with the value shown",
    ),
    "W303": Code(
        "translated_from missing",
        "add translated_from with the value shown so later changes are detected",
    ),
    "W304": Code(
        "quiz settings differ from the default language",
        "quiz settings are shared: the default-language file's settings apply",
    ),
    "W305": Code(
        "translated_from in a default-language file", "only translations carry translated_from"
    ),
    "W401": Code(
        "asset type not recognised",
        "use PNG, JPEG, WebP, GIF, SVG, PDF, or CSV, Markdown, DOCX, XLSX, ODT, ODS templates",
    ),
    "W402": Code(
        "image from another site", "copy the image into assets/ so pages load without the internet"
    ),
    "W403": Code("large asset", "resize or compress it: learners may be on slow connections"),
}


def severity_of(code: str) -> str:
    """Return 'error' or 'warning' for a code."""
    return "error" if code.startswith("E") else "warning"
