"""Password rules: length, the shipped list of common passwords, any Unicode, identical failures."""

import unicodedata

import pytest

from depomi_learn.accounts.passwords import (
    common_passwords,
    hash_password,
    password_problem,
    verify_password,
)
from depomi_learn.extensions import db
from depomi_learn.models import User
from tests.helpers.people import PASSWORD, make_user


@pytest.mark.parametrize(
    "password",
    [
        "short",
        "elevenchars",
        "password1234",
        "Password1234",
        "qwertyuiop123",
        "sunshine123456",
        "azerty123456!",
        "depomi2026!!",
        "aaaaaaaaaaaaaaaa",
        " leading space is refused",
    ],
)
def test_weak_passwords_are_refused(ctx, password):
    assert password_problem(password) is not None


@pytest.mark.parametrize(
    "password",
    [
        PASSWORD,
        "كلمة سر طويلة جدا",  # Arabic
        "mot de passe très sûr",  # accents
        "ⵜⴰⵎⴰⵣⵉⵖⵜ ⵜⴰⵎⴰⵣⵉⵖⵜ",  # Tifinagh
        "🔐 une phrase avec emoji",
    ],
)
def test_long_passwords_in_any_script_are_accepted(ctx, password):
    assert password_problem(password) is None


def test_the_common_list_is_shipped_and_large(ctx):
    listed = common_passwords()
    assert len(listed) > 5000
    assert {"123456", "password", "azerty", "qwerty123456"} <= listed


def test_the_same_unicode_password_typed_two_ways_verifies(ctx):
    composed = "mot de passe été marocain"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    stored = hash_password(composed)
    assert verify_password(stored, decomposed)
    lam_alef_ligature = "\ufefb كلمة سر طويلة"  # an Arabic presentation form
    assert verify_password(hash_password(lam_alef_ligature), "\u0644\u0627 كلمة سر طويلة")


def test_hashes_made_before_normalisation_still_verify(ctx):
    from argon2 import PasswordHasher

    legacy = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("e\u0301te\u0301 long")
    assert verify_password(legacy, "e\u0301te\u0301 long")


def test_unknown_user_wrong_password_and_inactive_account_answer_identically(app, client, auth):
    make_user(app)
    inactive = make_user(app, email="inactive@example.ma")
    with app.app_context():
        db.session.get(User, inactive).active = False
        db.session.commit()
    answers = [
        auth.login(password="not the password at all"),
        auth.login(email="nobody@example.ma"),
        auth.login(email="inactive@example.ma"),
    ]
    strip = lambda html: html.split('name="csrf_token"')[0]  # noqa: E731 - tokens differ
    bodies = {strip(a.get_data(as_text=True)) for a in answers}
    assert len(bodies) == 1
    assert {a.status_code for a in answers} == {200}
    header_names = {tuple(sorted(k for k, _v in a.headers if k != "Set-Cookie")) for a in answers}
    assert len(header_names) == 1
