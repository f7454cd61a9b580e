"""The curriculum shipped in courses/: clean, bilingual, and each ending with a final assessment."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from depomi_learn.content import load_tree
from depomi_learn.content.importer import import_tree
from depomi_learn.extensions import db
from depomi_learn.models import CourseAsset

COURSES = Path(__file__).resolve().parent.parent / "courses"


@pytest.fixture(scope="module")
def bundled():
    return load_tree(COURSES)


def test_bundled_courses_validate_with_zero_findings(bundled):
    _courses, findings = bundled
    assert findings == []


def test_the_programme_curriculum_is_there(bundled):
    courses, _ = bundled
    assert len(courses) >= 8
    assert "snia-foundations" in {c.id for c in courses}
    assert {"projet-migration-developpement", "droits-genre-migration"} <= {c.id for c in courses}


def test_one_learning_path_starts_with_the_snia_course(bundled):
    courses, _ = bundled
    for course in courses:
        expected = [] if course.id == "snia-foundations" else ["snia-foundations"]
        assert course.prerequisites == expected, course.id


def test_the_project_course_ships_its_templates_in_french_and_arabic(bundled):
    course = next(c for c in bundled[0] if c.id == "projet-migration-developpement")
    templates = {a.path: a.media_type for a in course.assets if a.path.startswith("templates/")}
    for name in (
        "fiche-projet-{}.md",
        "cadre-logique-{}.csv",
        "cadre-logique-{}.xlsx",
        "fiche-indicateur-{}.csv",
        "convention-type-{}.md",
        "fiche-referencement-{}.md",
        "annuaire-services-{}.csv",
    ):
        for language in ("fr", "ar"):
            path = "templates/" + name.format(language)
            assert path in templates, path
            assert templates[path] != "application/octet-stream", path


def final_assessment(course):
    """The last module that asks questions; a capstone assignment may come after it."""
    return [m for m in course.modules if m.questions][-1]


@pytest.mark.parametrize("course_id", sorted(p.name for p in COURSES.iterdir() if p.is_dir()))
def test_each_course_is_in_french_and_arabic_and_ends_with_a_final_assessment(bundled, course_id):
    course = next(c for c in bundled[0] if c.id == course_id)
    assert {"fr", "ar"} <= set(course.languages)
    for module in course.modules:
        assert {"fr", "ar"} <= set(module.texts), f"{module.id} is not in both languages"
    final = final_assessment(course)
    for after in course.modules[course.modules.index(final) + 1 :]:
        # only practical work (a capstone) may follow the final assessment
        assert not after.questions, after.id
        assert all(after.texts[lang].assignment for lang in ("fr", "ar")), after.id
    settings = final.quiz_settings or {}
    assert len(final.questions) >= 30, "the final assessment draws from a pool of at least 30"
    assert settings.get("draw")
    assert settings["draw"] < len(final.questions)
    assert settings.get("time_limit_minutes")
    assert settings.get("max_attempts")
    assert settings.get("pass_mark") == 70
    assert course.certificate_enabled
    types = {q.type for m in course.modules for q in m.questions}
    assert types == {"single", "multiple", "true_false", "short_text", "numeric"}


def question(bundled, course_id: str, question_id: str):
    course = next(c for c in bundled[0] if c.id == course_id)
    return next(q for m in course.modules for q in m.questions if q.id == question_id)


def test_the_african_union_mandate_dates_from_march_not_the_january_summit(bundled):
    # The statement says the King was designated at the January 2017 summit: that is false.
    mandate = question(bundled, "maroc-paysage-international", "final-mandat-ua")
    assert mandate.answer_key["answer"] is False
    assert "janvier 2017" in mandate.texts["fr"].prompt
    assert "مارس 2017" in mandate.texts["ar"].feedback["true"]


def test_the_interior_directorate_is_asked_by_its_current_name_only(bundled):
    dgct = question(bundled, "donnees-gouvernance", "coordination-dgct")
    for language in ("fr", "ar"):
        accepted = " ".join(dgct.texts[language].accept)
        assert "DGCT" in accepted
        assert "DGCL" not in accepted
        assert "المحلية" not in accepted


def test_beni_mellal_khenifra_has_one_emigration_profile(bundled):
    profile = question(bundled, "marocains-du-monde", "final-profil-bmk")
    assert profile.answer_key["correct"] == ["a"]
    assert "fin des années 1980" in profile.texts["fr"].prompt
    assert profile.texts["fr"].options[0].text == "Béni Mellal-Khénifra"
    for path in COURSES.glob("*/*/*.md"):
        text = path.read_text("utf-8")
        assert "Béni Mellal-Khénifra, région d'émigration ancienne" not in text, path
        assert "وهي جهة هجرة عريقة" not in text, path


def test_no_course_uses_the_former_name_of_the_interior_directorate_outside_its_note():
    for path in COURSES.glob("*/*/*.md"):
        mentions = path.read_text("utf-8").count("DGCL")
        if path.match("donnees-gouvernance/*/05-coordination.md"):
            assert mentions <= 3, path  # the one place that records the former name
        elif path.match("snia-foundations/en/04-role-territorial.md"):
            assert mentions == 1, path  # "formerly DGCL" next to DGCT
        else:
            assert mentions == 0, path


@pytest.mark.parametrize(
    ("course_id", "module_id", "source_id"),
    [
        ("maroc-paysage-international", "union-africaine", "mandat-ua-2017"),
        ("maroc-paysage-international", "fmmd-pacte-mondial", "conference-marrakech"),
        ("acces-droits-services", "sante", "psnsi-2021"),
        ("donnees-gouvernance", "coordination", "gouvernements"),
        ("donnees-gouvernance", "coordination", "decret-interieur-2020"),
        ("donnees-gouvernance", "planification", "decret-pdr"),
        ("marocains-du-monde", "reperes-institutions", "effectifs-mre"),
        ("snia-foundations", "contexte", "communique-2013"),
        ("donnees-gouvernance", "sources", "hcp-enmf-2021"),
        ("donnees-gouvernance", "sources", "onm-2004"),
        ("acces-droits-services", "accueil-premiere-ligne", "baom-souss"),
        ("acces-droits-services", "accueil-premiere-ligne", "cellules-oriental"),
        ("acces-droits-services", "accueil-premiere-ligne", "maisons-mre"),
        ("marocains-du-monde", "services-regionaux", "maisons-mre"),
        ("maroc-paysage-international", "ue-processus-rabat", "sharaka-cloture"),
        ("projet-migration-developpement", "projet-final", "rgph-2014"),
        ("projet-migration-developpement", "projet-final", "rgph-2024"),
    ],
)
def test_changeable_facts_carry_a_dated_source_in_every_language(
    bundled, course_id, module_id, source_id
):
    course = next(c for c in bundled[0] if c.id == course_id)
    module = next(m for m in course.modules if m.id == module_id)
    for language, text in module.texts.items():
        source = next((s for s in text.sources if s.id == source_id), None)
        assert source is not None, f"{language}: no source {source_id}"
        assert source.as_of
        assert f"[^{source_id}]" in text.body


def module_of(bundled, course_id: str, module_id: str):
    course = next(c for c in bundled[0] if c.id == course_id)
    return next(m for m in course.modules if m.id == module_id)


def test_the_project_course_ends_with_a_capstone_reviewed_against_a_rubric(bundled):
    course = next(c for c in bundled[0] if c.id == "projet-migration-developpement")
    capstone = course.modules[-1]
    assert capstone.id == "projet-final"
    assert not capstone.questions
    fr, ar = (capstone.texts[lang].assignment for lang in ("fr", "ar"))
    assert fr is not None
    assert ar is not None
    assert fr.id == ar.id == "profil-migratoire-projet"
    # the key (settings, criteria, points) is the same in both languages
    assert fr.settings == ar.settings
    assert fr.rubric == ar.rubric
    assert fr.settings["pass_mark"] == 60
    assert fr.settings["reviewers"] == "course"
    assert set(fr.settings["accept"]) == {"text", "files"}
    assert {"pdf", "docx", "xlsx"} <= set(fr.settings["file_types"])
    assert len(fr.rubric) >= 5
    assert all(len(criterion["points"]) >= 2 for criterion in fr.rubric)
    assert sum(max(criterion["points"]) for criterion in fr.rubric) == 20
    for assignment, census in ((fr, "RGPH"), (ar, "الإحصاء العام")):
        instructions = assignment.text.instructions
        assert "2014" in instructions
        assert "2024" in instructions
        assert census in instructions
        assert len(assignment.text.rubric) == len(fr.rubric)
        assert all(c.title and len(c.levels) >= 2 for c in assignment.text.rubric)
    # the former "hand it in outside the platform" exercise is gone
    for lang in ("fr", "ar"):
        body = module_of(bundled, course.id, "suivi-evaluation").texts[lang].body
        assert "06-projet-final.md" in body
        assert "hors plateforme" not in body
        assert "خارج المنصة" not in body


@pytest.mark.parametrize(
    ("course_id", "module_id", "assignment_id"),
    [
        ("acces-droits-services", "accueil-premiere-ligne", "repertoire-orientation"),
        ("donnees-gouvernance", "coordination", "carte-acteurs-territoire"),
    ],
)
def test_regional_practical_work_in_other_courses(bundled, course_id, module_id, assignment_id):
    module = module_of(bundled, course_id, module_id)
    fr, ar = (module.texts[lang].assignment for lang in ("fr", "ar"))
    assert fr.id == ar.id == assignment_id
    assert fr.settings == ar.settings
    assert fr.rubric == ar.rubric
    assert fr.settings["pass_mark"]
    assert len(fr.rubric) >= 3
    assert module.questions, "the module keeps its quiz beside the practical work"


def test_the_forced_migration_survey_and_the_national_observatory_are_taught(bundled):
    module = module_of(bundled, "donnees-gouvernance", "sources")
    wanted = {
        "fr": (
            "enquête nationale sur la migration forcée",
            "Observatoire national de la migration",
        ),
        "ar": ("البحث الوطني حول الهجرة القسرية", "المرصد الوطني للهجرة"),
    }
    for lang, (survey, observatory) in wanted.items():
        body = module.texts[lang].body
        assert survey in body
        assert observatory in body
        assert "2-04-751" in body or "2.04.751" in body
        assert "3 000" in body or "3000" in body
    ids = {q.id for q in module.questions}
    assert {"sources-migration-forcee", "sources-onm-interlocuteur"} <= ids
    survey_use = next(q for q in module.questions if q.id == "sources-migration-forcee")
    assert survey_use.answer_key["correct"] == ["b"]  # national results: profiles, not local counts


def test_planning_documents_are_taught_in_one_module_and_linked_elsewhere():
    planning = "donnees-gouvernance/{}/04-planification.md"
    for path in COURSES.glob("*/*/*.md"):
        text = path.read_text("utf-8")
        if path.match(planning.format("*")):
            continue
        assert "| 111-14 |" not in text, path
        assert "| 111.14 |" not in text, path
    for lang in ("fr", "ar", "en"):
        text = (COURSES / "snia-foundations" / lang / "04-role-territorial.md").read_text("utf-8")
        assert "../../donnees-gouvernance/" in text, lang
        assert "04-planification.md" in text, lang


# Pure recall (a year, an acronym, a law number, a name) in each final pool, as classified when
# the pool was written; the test keeps the list honest (every id exists) and the share bounded.
RECALL = {
    "acces-droits-services": {
        "final-programmes-sectoriels",
        "final-circulaire-contenu",
        "final-referencement",
    },
    "donnees-gouvernance": {
        "eval-sigle-pac",
        "eval-charte-commission",
        "eval-article-145",
        "eval-autorisation",
        "eval-principes-0908",
    },
    "maroc-paysage-international": {
        "final-etats-membres",
        "final-volets-partenariat",
        "final-suivi-la-valette",
        "final-copresident-fmmd",
        "final-objectifs-pacte",
        "final-principes-pacte",
        "final-mandat-ua",
        "final-depomi",
    },
    "marocains-du-monde": {
        "final-fondation-annee",
        "final-fondation-mohammedia",
        "final-article-16",
        "final-loi-cri",
        "final-marhaba-coordination",
        "final-apports-loi-cri",
    },
    "retour-reintegration": {
        "final-strategie-mre",
        "final-ccme",
        "final-cri",
        "final-etape-origine",
        "final-durabilite",
    },
    "snia-foundations": {
        "final-genese-chronologie",
        "final-regularises-total",
        "final-asile-programme",
        "final-gouvernance",
        "final-non-refoulement",
        "final-programmes-sectoriels",
        "final-deconcentration",
    },
    "projet-migration-developpement": {"pf-criteres-cad", "pf-reference-avant", "pf-produit-livre"},
    "droits-genre-migration": {"dg-lof-genre", "dg-etapes-bsg", "dg-principes-protection"},
}
PLACES = (
    "Béni Mellal", "Khénifra", "Khouribga", "Fquih Ben Salah", "Azilal", "Tadla", "Souss",
    "Agadir", "Inezgane", "Taroudant", "Tiznit", "Chtouka", "Oriental", "Oujda", "Nador",
    "Berkane", "Taourirt", "Ouled Teïma",
)  # fmt: skip


@pytest.mark.parametrize("course_id", sorted(RECALL))
def test_final_pools_are_mostly_regional_cases_not_recall(bundled, course_id):
    course = next(c for c in bundled[0] if c.id == course_id)
    pool = final_assessment(course).questions
    ids = {q.id for q in pool}
    assert RECALL[course_id] <= ids
    assert len(RECALL[course_id]) * 4 <= len(pool)
    regional = [q for q in pool if any(place in q.texts["fr"].prompt for place in PLACES)]
    assert len(regional) * 2 >= len(pool), f"{len(regional)} regional cases of {len(pool)}"


def test_the_snia_course_is_blended(app):
    """Completion rule, a pre-test drawing from the final assessment's pool, survey questions."""

    from depomi_learn.content.importer import import_tree
    from depomi_learn.extensions import db
    from depomi_learn.models import Course

    with app.app_context():
        import_tree(COURSES / "snia-foundations")
        db.session.commit()
        version = db.session.get(Course, "snia-foundations").current_version
        assert version.completion == {
            "modules": "all",
            "attendance_percent": 80,
            "post_test": True,
        }
        modules = {m.key: m for m in version.modules}
        pre, post = modules["test-initial"], modules["evaluation-finale"]
        assert pre.quiz_settings["role"] == "pre_test"
        assert post.quiz_settings["role"] == "post_test"
        assert [q.key for q in pre.questions] == [q.key for q in post.questions]
        assert len(pre.questions) > pre.quiz_settings["draw"]
        survey = {item["id"]: item for item in version.survey}
        assert survey["snia-capacite-orienter"]["type"] == "likert"
        assert set(survey["snia-plan-action"]["prompt"]) == {"fr", "ar", "en"}
        texts = {t.language: t.html for t in modules["role-territorial"].texts}
        assert "survey" not in texts["fr"]
        assert "snia-plan-action" not in texts["ar"]


def test_invented_cases_are_marked_fictional_in_both_languages():
    """A lesson's invented case opens with "Cas fictif" and its translation with "حالة افتراضية"."""
    for fr_path in COURSES.glob("*/fr/*.md"):
        ar_path = fr_path.parent.parent / "ar" / fr_path.name
        fr_lines = [line.lstrip() for line in fr_path.read_text("utf-8").splitlines()]
        ar_lines = [line.lstrip() for line in ar_path.read_text("utf-8").splitlines()]
        assert not any(line.startswith("*Situation illustrative") for line in fr_lines), fr_path
        fr_cases = sum(line.startswith("*Cas fictif") for line in fr_lines)
        ar_cases = sum(line.startswith(("*حالة افتراضية", "*حالات افتراضية")) for line in ar_lines)
        assert fr_cases == ar_cases, fr_path


def test_every_bundled_course_imports_into_the_database(app):
    # On PostgreSQL a value longer than its column refuses the whole import (SQLite stores it):
    # an XLSX template's media type once did.
    with app.app_context():
        results, findings = import_tree(COURSES)
        assert [f for f in findings if f.is_error] == []
        db.session.commit()
        stored = db.session.scalars(sa.select(CourseAsset.media_type)).all()
        assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in stored
        assert {r.course_id for r in results} == {c.name for c in COURSES.iterdir() if c.is_dir()}
