"""The stable finding codes: what each means and the default hint that tells how to fix it.

E0xx course.yaml, E1xx module files, E2xx quiz blocks, E3xx translations, E4xx links and assets,
E5xx between courses, E7xx assignment blocks; W-codes are warnings. Codes are never reused for
another meaning.
"""

from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString


class Code(NamedTuple):
    title: LazyString
    hint: LazyString


CODES: dict[str, Code] = {
    # course.yaml
    "E001": Code(_l("course.yaml is missing"), _l("every course folder needs a course.yaml")),
    "E002": Code(
        _l("course.yaml is not valid YAML"), _l("check indentation, colons and quotes here")
    ),
    "E003": Code(
        _l("tab character in course.yaml"),
        _l("replace the tab with spaces: YAML does not accept tabs here"),
    ),
    "E004": Code(_l("invalid course id"), _l("lowercase letters, digits and '-'")),
    "E005": Code(
        _l("course folder name differs from the course id"),
        _l("the folder name is the course id: rename the folder or fix 'id'"),
    ),
    "E006": Code(
        _l("missing or unsupported schema"), _l("write 'schema: 1' at the top of course.yaml")
    ),
    "E007": Code(
        _l("required key missing"), _l("add the key; the guide lists the keys of course.yaml")
    ),
    "E008": Code(_l("value of the wrong type"), _l("see the expected type in the guide")),
    "E009": Code(_l("invalid level"), _l("use beginner, intermediate or advanced")),
    "E010": Code(_l("invalid languages list"), _l("a list of language codes, e.g. [fr, ar, en]")),
    "E011": Code(
        _l("default language not in languages"), _l("add default_language to 'languages'")
    ),
    "E012": Code(_l("invalid module id in 'modules'"), _l("lowercase letters, digits and '-'")),
    "E013": Code(_l("module listed twice"), _l("list each module id once in 'modules'")),
    "E014": Code(
        _l("listed module has no file in the default language"),
        _l("add a file whose front matter has this id, or remove it from 'modules'"),
    ),
    "E015": Code(_l("course.yaml is not UTF-8"), _l("save the file as UTF-8")),
    "E016": Code(
        _l("invalid completion rule"),
        _l("completion: {modules: all, attendance_percent: 80, post_test: true}"),
    ),
    "E017": Code(
        _l("completion names a module that cannot count"),
        _l("list modules of 'modules', never the pre-test; or write modules: all"),
    ),
    "E018": Code(
        _l("attendance rule without sessions"),
        _l("write 'blended: true' in course.yaml, or remove attendance_percent"),
    ),
    "E019": Code(
        _l("post-test required but none"),
        _l("mark a module's quiz 'role: post_test', or remove post_test from completion"),
    ),
    "E020": Code(
        _l("pre-test without post-test"),
        _l("add a module whose quiz has 'role: post_test' (with questions) to measure the gain"),
    ),
    "E021": Code(_l("more than one pre-test or post-test"), _l("a course has one of each at most")),
    "E022": Code(
        _l("invalid show_answers"),
        _l("use after_each_attempt (the default) or after_last_attempt"),
    ),
    # module files
    "E101": Code(_l("module file is not UTF-8"), _l("save the file as UTF-8")),
    "E102": Code(
        _l("front matter missing or never closed"),
        _l("start the file with a '---' line and end the front matter with another '---'"),
    ),
    "E103": Code(
        _l("front matter is not valid YAML"), _l("check indentation, colons and quotes here")
    ),
    "E104": Code(
        _l("tab character in front matter"),
        _l("replace the tab with spaces: YAML does not accept tabs here"),
    ),
    "E105": Code(
        _l("front matter value of the wrong type"), _l("see the front matter keys in the guide")
    ),
    "E106": Code(_l("module id missing or invalid"), _l("lowercase letters, digits and '-'")),
    "E107": Code(
        _l("two files declare the same module id"),
        _l("each file of a language folder needs its own module id"),
    ),
    "E108": Code(_l("module title missing"), _l("add 'title:' to the front matter")),
    "E109": Code(_l("invalid quiz settings"), _l("see the 'quiz:' keys in the guide")),
    "E110": Code(
        _l("invalid module alias"),
        _l("aliases are former ids of this module; never another module's id"),
    ),
    "E111": Code(_l("module file too large"), _l("split the module: 100,000 characters at most")),
    "E112": Code(
        _l("Markdown nested too deeply"),
        _l("at most 12 levels of lists, quotes and indentation, and 32 '*', '_' or '~' in a row"),
    ),
    "E113": Code(
        _l("Markdown too complex to render"),
        _l("close brackets, parentheses and '<'; at most 300 headings and footnote references"),
    ),
    "E114": Code(
        _l("source reference without a source"),
        _l("declare the id under 'sources:' in the front matter (id, cite, as_of)"),
    ),
    "E115": Code(
        _l("invalid source entry"),
        _l("each source: id (lowercase, digits, '-'), cite (text), as_of (YYYY-MM or YYYY-MM-DD)"),
    ),
    # quiz blocks
    "E201": Code(
        _l("quiz fence never closed"), _l("close the block with a line of ``` after the YAML")
    ),
    "E202": Code(
        _l("quiz block is not valid YAML"), _l("check indentation, colons and quotes here")
    ),
    "E203": Code(
        _l("tab character in quiz block"),
        _l("replace the tab with spaces: YAML does not accept tabs here"),
    ),
    "E204": Code(_l("question id missing or invalid"), _l("lowercase letters, digits and '-'")),
    "E205": Code(
        _l("duplicate question id"), _l("question ids are unique within the whole course")
    ),
    "E206": Code(
        _l("question type missing or unknown"),
        _l("type is one of single, multiple, true_false, short_text, numeric"),
    ),
    "E207": Code(_l("question prompt missing"), _l("add 'prompt:' with the question text")),
    "E208": Code(
        _l("text expected"),
        _l('write the text, in quotes when YAML would read a number or yes/no: "2014"'),
    ),
    "E209": Code(
        _l("invalid options list"),
        _l("give 2 to 10 options, each with 'id', 'text' and maybe 'correct'"),
    ),
    "E210": Code(
        _l("option id missing, invalid or duplicate"),
        _l("option ids: lowercase letters, digits and '-'"),
    ),
    "E211": Code(
        _l("single choice needs exactly one correct option"), _l("mark one option correct: true")
    ),
    "E212": Code(
        _l("multiple choice needs a correct option"), _l("mark at least one option correct: true")
    ),
    "E213": Code(_l("invalid scoring"), _l("scoring is all_or_nothing or partial")),
    "E214": Code(
        _l("true_false answer missing or not a boolean"), _l("write answer: true or answer: false")
    ),
    "E215": Code(
        _l("short_text accept list invalid"), _l("accept: a non-empty list of accepted answers")
    ),
    "E216": Code(
        _l("numeric value is not a YAML number"),
        _l("write the number with Latin digits and a decimal point, without quotes: 3.5"),
    ),
    "E217": Code(
        _l("numeric question needs answer or range"),
        _l("give 'answer' (with optional 'tolerance') or 'range: [min, max]', not both"),
    ),
    "E218": Code(_l("invalid numeric range"), _l("range: [min, max] with min <= max")),
    "E219": Code(_l("invalid tolerance"), _l("tolerance is a number >= 0")),
    "E220": Code(_l("invalid points"), _l("points is a number greater than 0")),
    "E221": Code(_l("true or false expected"), _l("write true or false, without quotes")),
    # survey blocks
    "E230": Code(
        _l("invalid survey block"),
        _l("a survey block has id, type, prompt (and options for single); close it with ```"),
    ),
    "E231": Code(_l("unknown survey type"), _l("type is likert (1 to 5), single or text")),
    "E232": Code(
        _l("invalid survey options"),
        _l("a single-choice survey question has 2 to 10 options (id, text)"),
    ),
    "E233": Code(
        _l("duplicate survey question id"), _l("survey ids are unique within the whole course")
    ),
    # translations
    "E301": Code(
        _l("module id differs from the default-language file"),
        _l("a translation keeps the module id of the file it translates"),
    ),
    "E302": Code(
        _l("answer key differs across languages"),
        _l("translate the texts only; option ids and 'correct' must match"),
    ),
    "E303": Code(
        _l("quiz missing in translation"),
        _l("copy the quiz block from the default language and translate it"),
    ),
    "E304": Code(
        _l("quiz in translation not in default language"),
        _l("add the question to the default-language file first, or remove it here"),
    ),
    "E305": Code(
        _l("survey differs across languages"),
        _l("keep the default language's survey ids, types and option ids; translate texts only"),
    ),
    # links and assets
    "E401": Code(
        _l("image file missing"), _l("put the image in assets/ and write ../assets/name.png")
    ),
    "E402": Code(_l("link target missing"), _l("fix the path, relative to this file")),
    "E403": Code(
        _l("absolute file path"),
        _l("write paths relative to the module file, e.g. ../assets/map.png"),
    ),
    "E404": Code(
        _l("path leaves the course folder"), _l("only files inside the course can be used")
    ),
    "E405": Code(
        _l("SVG asset contains script or event handlers"),
        _l("export the SVG again without scripts, event handlers or foreignObject"),
    ),
    "E406": Code(_l("URL scheme not allowed"), _l("use http, https or mailto links")),
    "E407": Code(
        _l("link or image outside assets/"),
        _l("images and files go in assets/; link to module files in a language folder"),
    ),
    "E408": Code(
        _l("link to a missing module of another course"),
        _l("write ../../<course id>/<language>/<file>.md for a module file that exists"),
    ),
    # between courses
    "E501": Code(
        _l("unknown prerequisite"), _l("list ids of courses that exist in the courses folder")
    ),
    "E502": Code(_l("prerequisite cycle"), _l("a course cannot require itself, directly or not")),
    # assignment blocks
    "E701": Code(
        _l("assignment fence never closed"), _l("close the block with a line of ``` after the YAML")
    ),
    "E702": Code(
        _l("assignment block is not valid YAML"), _l("check indentation, colons and quotes")
    ),
    "E703": Code(
        _l("tab character in assignment block"),
        _l("replace the tab with spaces: YAML does not accept tabs here"),
    ),
    "E704": Code(_l("assignment id missing or invalid"), _l("lowercase letters, digits and '-'")),
    "E705": Code(
        _l("assignment repeated"),
        _l("one assignment per module; assignment ids are unique within the course"),
    ),
    "E706": Code(
        _l("assignment title or instructions missing"), _l("add 'title:' and 'instructions:'")
    ),
    "E707": Code(_l("invalid accept"), _l("accept: [text], [files] or [text, files]")),
    "E708": Code(
        _l("invalid file types"), _l("file_types: a list from pdf, docx, xlsx, odt, png, jpg")
    ),
    "E709": Code(
        _l("invalid file limits"), _l("max_size_mb: 1 to 20; max_files: 1 to 10 (whole numbers)")
    ),
    "E710": Code(
        _l("invalid rubric"),
        _l(
            "rubric: criteria with 'id', 'title' and 2 or more levels, "
            "each with 'title' and 'points'"
        ),
    ),
    "E711": Code(
        _l("invalid pass mark"), _l("pass_mark is a percentage of the rubric's points, 1 to 100")
    ),
    "E712": Code(
        _l("invalid reviewers"), _l("reviewers: course (its trainers) or region (the learner's)")
    ),
    "E713": Code(
        _l("text expected"),
        _l('write the text, in quotes when YAML would read a number or yes/no: "2014"'),
    ),
    "E714": Code(
        _l("assignment missing in translation"),
        _l("copy the assignment block from the default language and translate its texts"),
    ),
    "E715": Code(
        _l("assignment differs across languages"),
        _l("translate the texts only; id, settings, criteria ids and points must match"),
    ),
    "E716": Code(
        _l("assignment in translation not in default language"),
        _l("add the assignment to the default-language file first, or remove it here"),
    ),
    # warnings
    "W001": Code(_l("no courses found"), _l("give a course folder or a folder of course folders")),
    "W002": Code(
        _l("title or summary translation missing"),
        _l("add the text in every language of 'languages'"),
    ),
    "W003": Code(
        _l("folder is not a listed language"), _l("add the language to 'languages' or remove it")
    ),
    "W004": Code(
        _l("unknown key in course.yaml"), _l("check the spelling; unknown keys are ignored")
    ),
    "W101": Code(
        _l("module file not listed in course.yaml"),
        _l("add its id to 'modules' or remove the file"),
    ),
    "W102": Code(
        _l("unknown key in front matter"), _l("check the spelling; unknown keys are ignored")
    ),
    "W103": Code(_l("empty module"), _l("write the lesson text or add quiz questions")),
    "W104": Code(_l("quiz settings without questions"), _l("add quiz blocks or remove 'quiz:'")),
    "W105": Code(
        _l("questions without quiz settings"),
        _l("add 'quiz: {pass_mark: 70}' to the front matter to make the settings explicit"),
    ),
    "W106": Code(_l("not a Markdown file"), _l("module files end in .md; other files are ignored")),
    "W107": Code(
        _l("source never cited"), _l("cite it with [^id] after the fact it supports, or remove it")
    ),
    "W201": Code(
        _l("unknown key in quiz block"), _l("check the spelling; unknown keys are ignored")
    ),
    "W202": Code(_l("key not used by this question type"), _l("remove the key or change 'type'")),
    "W207": Code(
        _l("unknown key in survey block"), _l("check the spelling; unknown keys are ignored")
    ),
    "W203": Code(
        _l("correct option is the longest in most single-choice questions"),
        _l("make the distractors as long and as precise as the correct option"),
    ),
    "W204": Code(
        _l("true/false answers lean one way"),
        _l("balance the module: at most two thirds of true/false answers the same way"),
    ),
    "W205": Code(
        _l("'all of the above' or 'none of the above' option"),
        _l("write a real option; use type: multiple when several options are correct"),
    ),
    "W206": Code(_l("option repeated within a question"), _l("each option needs its own text")),
    "W701": Code(
        _l("unknown key in assignment block"), _l("check the spelling; unknown keys are ignored")
    ),
    "W702": Code(
        _l("file settings on a text-only assignment"),
        _l("add files to 'accept' or remove the settings"),
    ),
    "W301": Code(
        _l("module missing in a language"),
        _l("learners see the default language with a notice until the translation exists"),
    ),
    "W302": Code(
        _l("translation may be out of date"),
        _l("revise the translation, then write translated_from with the value shown"),
    ),
    "W303": Code(
        _l("translated_from missing"),
        _l("add translated_from with the value shown so later changes are detected"),
    ),
    "W304": Code(
        _l("quiz settings differ from the default language"),
        _l("quiz settings are shared: the default-language file's settings apply"),
    ),
    "W305": Code(
        _l("translated_from in a default-language file"),
        _l("only translations carry translated_from"),
    ),
    "W401": Code(
        _l("asset type not recognised"),
        _l("use PNG, JPEG, WebP, GIF, SVG, PDF, or CSV, Markdown, DOCX, XLSX, ODT, ODS templates"),
    ),
    "W402": Code(
        _l("image from another site"),
        _l("copy the image into assets/ so pages load without the internet"),
    ),
    "W403": Code(
        _l("large asset"), _l("resize or compress it: learners may be on slow connections")
    ),
}


def severity_of(code: str) -> str:
    """Return 'error' or 'warning' for a code."""
    return "error" if code.startswith("E") else "warning"
