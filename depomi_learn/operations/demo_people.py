"""Synthetic people for the demonstration population: names in both scripts, sex, workplace,
post and job function, in the shares seen in the programme's trainings."""

import random
import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import TypeVar

from ..models import Region

T = TypeVar("T")
FIRST_NAMES = (  # women's and men's names in turn
    ("Fatima", "فاطمة"), ("Mohamed", "محمد"), ("Khadija", "خديجة"), ("Youssef", "يوسف"),
    ("Amina", "أمينة"), ("Hassan", "حسن"), ("Salma", "سلمى"), ("Omar", "عمر"),
    ("Zineb", "زينب"), ("Rachid", "رشيد"), ("Imane", "إيمان"), ("Mustapha", "مصطفى"),
    ("Naima", "نعيمة"), ("Abdelilah", "عبد الإله"), ("Hajar", "هاجر"), ("Said", "سعيد"),
    ("Meryem", "مريم"), ("Karim", "كريم"), ("Souad", "سعاد"), ("Brahim", "إبراهيم"),
    ("Latifa", "لطيفة"), ("Hamid", "حميد"), ("Asmae", "أسماء"), ("Lahcen", "لحسن"),
)  # fmt: skip
LAST_NAMES = (
    ("Alaoui", "العلوي"), ("Bennani", "بناني"), ("El Idrissi", "الإدريسي"), ("Tazi", "التازي"),
    ("Berrada", "برادة"), ("Amrani", "العمراني"), ("Ait Ali", "آيت علي"), ("Ouali", "والي"),
    ("Chraibi", "الشرايبي"), ("Benjelloun", "بنجلون"), ("Fassi", "الفاسي"), ("Lahlou", "لحلو"),
    ("Ziani", "الزياني"), ("Belhaj", "بلحاج"), ("Ouazzani", "الوزاني"), ("Naciri", "الناصري"),
    ("Ait Baha", "آيت باها"), ("Boutaleb", "بوطالب"), ("Kettani", "الكتاني"), ("Hilali", "الهلالي"),
)  # fmt: skip
JOB_FUNCTIONS = (
    "Chargé de mission migration",
    "Administrateur",
    "Assistant social",
    "Juriste",
    "Chef de service",
    "Agent d'accueil",
    "Ingénieur d'État",
    "Technicien",
    "Point focal MRE",
    "Cadre territorial",
)
# Shares seen in the programme's trainings: about 35 % women, a few who do not say.
SEXES = (("female", 35), ("male", 61), ("not_stated", 4))
# The institutions of each province, in `_institutions`' order, with their type and weight:
# most learners work in communes and regional councils.
INSTITUTION_KINDS = (
    ("commune", 45),
    ("provincial_council", 12),
    ("regional_council", 30),
    ("public_body", 8),
)
ELSEWHERE = ("central_ministry", "deconcentrated_service", "civil_society", "other")
POSTS = (
    ("management", 15),
    ("technical", 35),
    ("administrative", 35),
    ("front_desk", 12),
    (None, 3),
)


def _pick(rng: random.Random, weighted: Sequence[tuple[T, int]]) -> T:
    return rng.choices([value for value, _w in weighted], [w for _v, w in weighted])[0]


def _workplace(rng: random.Random, institutions: list[int]) -> dict:
    """An institution of the province and its type, or (rarely) none and a type elsewhere."""
    if rng.random() < 0.05:
        return {"institution_id": None, "institution_type": rng.choice((*ELSEWHERE, None))}
    index = _pick(rng, tuple((i, w) for i, (_kind, w) in enumerate(INSTITUTION_KINDS)))
    return {
        "institution_id": institutions[index],
        "institution_type": INSTITUTION_KINDS[index][0],
    }


def person(rng: random.Random, email: str, region: Region, institutions, now) -> dict:
    """Return the row of one synthetic learner of `region`, working in one of `institutions`."""
    sex = _pick(rng, SEXES)
    names = {"female": FIRST_NAMES[0::2], "male": FIRST_NAMES[1::2]}.get(sex, FIRST_NAMES)
    first, first_ar = rng.choice(names)
    last, last_ar = rng.choice(LAST_NAMES)
    province = rng.choice(region.provinces)
    created = now - timedelta(days=rng.randint(30, 720))
    return {
        **_workplace(rng, institutions[province.id]),
        "sex": sex,
        "post_category": _pick(rng, POSTS),
        "email": email,
        "password_hash": "!" + secrets.token_hex(8),  # nobody can sign in as a demo learner
        "name_latin": f"{first} {last}",
        "name_arabic": f"{first_ar} {last_ar}",
        "role": "learner",
        "region_id": region.id,
        "province_id": province.id,
        "job_function": rng.choice(JOB_FUNCTIONS) if rng.random() > 0.08 else "",
        "preferred_language": rng.choice(("fr", "ar", "ar")),
        "active": True,
        "session_version": 1,
        "created_at": created,
        "updated_at": created,
    }
