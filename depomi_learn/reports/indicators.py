"""The programme's results indicators, each defined once: the page, the command and the exports
read their names, definitions, units, formulas and allowed breakdowns from here.

Names and texts are French and Arabic on purpose, not interface strings: they are the wording the
programme reports to its funder, identical whatever language the page is shown in.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

SMALL_GROUP = 5  # a cell about fewer people than this shows "<5"
PERSON_BREAKDOWNS = ("region", "province", "institution_type", "sex", "course", "quarter", "year")
PLACE_BREAKDOWNS = ("region", "province", "course", "quarter", "year")
BREAKDOWN_LABELS = {
    "region": _l("Region"),
    "province": _l("Province or prefecture"),
    "institution_type": _l("Type of institution"),
    "sex": _l("Sex"),
    "course": _l("Course"),
    "quarter": _l("Quarter"),
    "year": _l("Year"),
}


@dataclass(frozen=True)
class Indicator:
    id: str
    name: dict[str, str]  # {"fr": ..., "ar": ...}
    definition: dict[str, str]
    unit: dict[str, str]
    formula: str
    breakdowns: tuple[str, ...]
    kind: str  # count | hours | percent | ratio: how a value is written
    needs_sessions: bool = False

    def text(self, field: str, language: str) -> str:
        """Return a translated field in `language`, French when there is no such language."""
        values = getattr(self, field)
        return values.get(language) or values["fr"]


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        id="people_trained",
        name={"fr": "Personnes formées", "ar": "الأشخاص المكونون"},
        definition={
            "fr": "Personnes uniques ayant achevé au moins une formation en ligne, ou assisté à "
            "au moins 80 % des heures d'une session présentielle. Une personne formée plusieurs "
            "fois compte une fois (une fois par ligne quand la ventilation est par formation ou "
            "par période : les lignes peuvent alors dépasser le total).",
            "ar": "الأشخاص، دون تكرار، الذين أتموا دورة واحدة على الأقل عن بعد، أو حضروا 80 % "
            "على الأقل من ساعات دورة حضورية. يحتسب الشخص الذي تكون عدة مرات مرة واحدة (مرة في "
            "كل سطر عند التوزيع حسب الدورة أو الفترة، فقد يتجاوز مجموع الأسطر المجموع الكلي).",
        },
        unit={"fr": "personnes", "ar": "أشخاص"},
        formula="COUNT(DISTINCT person) over completed enrolments "
        "∪ sessions attended ≥ 80 % of their hours (DEPOMI_RESULTS_ATTENDANCE_PERCENT)",
        breakdowns=PERSON_BREAKDOWNS,
        kind="count",
    ),
    Indicator(
        id="completions",
        name={"fr": "Formations achevées", "ar": "الدورات المنجزة"},
        definition={
            "fr": "Nombre d'inscriptions à une formation achevées dans la période : une personne "
            "qui achève trois formations compte trois fois.",
            "ar": "عدد التسجيلات في دورة التي أنجزت خلال الفترة: الشخص الذي ينجز ثلاث دورات "
            "يحتسب ثلاث مرات.",
        },
        unit={"fr": "formations achevées", "ar": "دورات منجزة"},
        formula="COUNT(enrolment) WHERE completed_at IN period",
        breakdowns=PERSON_BREAKDOWNS,
        kind="count",
    ),
    Indicator(
        id="certificates_valid",
        name={"fr": "Certificats valides", "ar": "الشهادات السارية"},
        definition={
            "fr": "Certificats délivrés dans la période, ni révoqués ni expirés à la date du "
            "rapport.",
            "ar": "الشهادات المسلمة خلال الفترة، غير الملغاة وغير المنتهية الصلاحية في تاريخ "
            "التقرير.",
        },
        unit={"fr": "certificats", "ar": "شهادات"},
        formula="COUNT(certificate) WHERE issued_at IN period AND revoked_at IS NULL "
        "AND (expires_at IS NULL OR expires_at > now)",
        breakdowns=PERSON_BREAKDOWNS,
        kind="count",
    ),
    Indicator(
        id="training_hours",
        name={"fr": "Heures de formation", "ar": "ساعات التكوين"},
        definition={
            "fr": "Somme des durées des modules achevés dans la période (durée du module dans la "
            "version en cours de la formation) et des heures de session présentielle où la "
            "personne était présente.",
            "ar": "مجموع مدد الوحدات المنجزة خلال الفترة (مدة الوحدة في الإصدار الحالي للدورة) "
            "وساعات الدورات الحضورية التي حضرها الشخص.",
        },
        unit={"fr": "heures", "ar": "ساعات"},
        formula="SUM(module.duration_minutes) / 60 over completed modules "
        "+ SUM(day hours) over days marked present",
        breakdowns=PERSON_BREAKDOWNS,
        kind="hours",
    ),
    Indicator(
        id="knowledge_gain",
        name={"fr": "Gain de connaissances moyen", "ar": "متوسط اكتساب المعارف"},
        definition={
            "fr": "Gain normalisé (Hake) calculé sur les moyennes du groupe : (moyenne post-test "
            "− moyenne pré-test) / (100 − moyenne pré-test), pour les personnes ayant passé le "
            "pré-test et le post-test d'une même formation (meilleur résultat de chacun). "
            "Moins de 0,3 : faible ; 0,3 à 0,7 : moyen ; plus de 0,7 : élevé. Ce n'est pas la "
            "moyenne des gains individuels.",
            "ar": "الكسب المعياري (هيك) المحسوب على متوسطات المجموعة: (متوسط الاختبار البعدي − "
            "متوسط الاختبار القبلي) / (100 − متوسط الاختبار القبلي)، للأشخاص الذين اجتازوا "
            "الاختبارين القبلي والبعدي لنفس الدورة (أفضل نتيجة في كل منهما). أقل من 0,3: "
            "ضعيف؛ من 0,3 إلى 0,7: متوسط؛ أكثر من 0,7: مرتفع. وليس متوسط المكاسب الفردية.",
        },
        unit={"fr": "gain normalisé (0 à 1)", "ar": "كسب معياري (من 0 إلى 1)"},
        formula="(AVG(post) - AVG(pre)) / (100 - AVG(pre)) over (person, course) pairs, "
        "best result of each test",
        breakdowns=PERSON_BREAKDOWNS,
        kind="ratio",
        needs_sessions=True,
    ),
    Indicator(
        id="satisfaction",
        name={"fr": "Satisfaction", "ar": "الرضا"},
        definition={
            "fr": "Part des réponses notées 4 ou 5 sur 5 aux questions à échelle (1 à 5) des "
            "évaluations de fin de session, sessions terminées dans la période. Les réponses "
            "sont anonymes : pas de ventilation par sexe ni par type d'institution ; la région "
            "et la province sont celles de la session. Une case compte les personnes qui ont "
            "répondu.",
            "ar": "نسبة الأجوبة الحاصلة على 4 أو 5 من 5 في أسئلة السلم (من 1 إلى 5) ضمن تقييمات "
            "نهاية الدورات الحضورية المنتهية خلال الفترة. الأجوبة مجهولة الهوية: لا توزيع حسب "
            "الجنس ولا حسب نوع المؤسسة؛ الجهة والإقليم هما جهة وإقليم الدورة. تحتسب في كل خانة "
            "الأشخاص الذين أجابوا.",
        },
        unit={"fr": "% des réponses", "ar": "% من الأجوبة"},
        formula="100 * COUNT(Likert answer WHERE rating >= 4) / COUNT(Likert answer)",
        breakdowns=PLACE_BREAKDOWNS,
        kind="percent",
        needs_sessions=True,
    ),
    Indicator(
        id="women_share",
        name={"fr": "Part des femmes", "ar": "نسبة النساء"},
        definition={
            "fr": "Part des femmes parmi les personnes formées (sexe déclaré « femme » ; les "
            "personnes qui ne l'ont pas déclaré comptent au dénominateur).",
            "ar": "نسبة النساء من بين الأشخاص المكونين (الجنس المصرح به « أنثى »؛ الأشخاص الذين "
            "لم يصرحوا به يحتسبون في المقام).",
        },
        unit={"fr": "%", "ar": "%"},
        formula="100 * COUNT(DISTINCT person WHERE sex = 'female') / people_trained",
        breakdowns=tuple(b for b in PERSON_BREAKDOWNS if b != "sex"),
        kind="percent",
    ),
)
BY_ID = {indicator.id: indicator for indicator in INDICATORS}
INDICATOR_IDS = tuple(BY_ID)


def parse_breakdowns(text: str) -> tuple[str, ...]:
    """Return the breakdowns named in a comma-separated list; raise ValueError for others."""
    names = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [name for name in names if name not in PERSON_BREAKDOWNS]
    if unknown or len(names) > 3:
        raise ValueError(", ".join(unknown) or "at most three breakdowns")
    return names


def parse_indicators(text: str) -> tuple[str, ...]:
    """Return the indicator ids named in a comma-separated list (all when blank)."""
    ids = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [i for i in ids if i not in BY_ID]
    if unknown:
        raise ValueError(", ".join(unknown))
    return ids or INDICATOR_IDS
