"""Creating accounts from the command line and from CSV files."""

import sqlalchemy as sa

from depomi_learn.accounts.users import import_users_csv
from depomi_learn.extensions import db
from depomi_learn.models import Role, User
from tests.helpers.users_csv import GOOD_ROWS, HEADER


def _count_users(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(User.id)))


def test_csv_import_creates_every_row(ctx):
    report = import_users_csv(HEADER + GOOD_ROWS)
    db.session.commit()
    assert report.errors == []
    assert report.created == ["amal@souss.ma", "omar@oriental.ma"]
    assert report.without_password == 1
    amal = db.session.scalar(sa.select(User).where(User.email == "amal@souss.ma"))
    assert (amal.name_arabic, amal.province.code, amal.region.code) == (
        "أمل الإدريسي",
        "tiznit",
        "souss-massa",
    )
    assert amal.institution.name == "Commune de Tiznit"
    omar = db.session.scalar(sa.select(User).where(User.email == "omar@oriental.ma"))
    assert omar.role == Role.COORDINATOR
    assert omar.password_hash.startswith("!")


def test_csv_import_with_one_bad_row_writes_nothing_and_names_line_and_field(app, ctx):
    bad = (
        HEADER
        + GOOD_ROWS
        + (
            "amal@souss.ma,Amal Bis,,learner,,,,,fr,\n"
            "x@y.ma,,,learner,,,,,fr,\n"
            "z@y.ma,Zineb,,chief,,,,,fr,\n"
            "w@y.ma,Wafae,,learner,atlantis,,,,fr,\n"
            "v@y.ma,Viane,,learner,oriental,tiznit,,,fr,\n"
            "u@y.ma,Ussama,,learner,,,,,de,\n"
            "t@y.ma,Taha,,learner,,,,,fr,short\n"
            "not-an-email,Sara,,learner,,,,,fr,\n"
        )
    )
    report = import_users_csv(bad)
    db.session.commit()
    assert [(e.line, e.field) for e in report.errors] == [
        (4, "email"),
        (5, "name_latin"),
        (6, "role"),
        (7, "region"),
        (8, "province"),
        (9, "preferred_language"),
        (10, "password"),
        (11, "email"),
    ]
    assert "duplicate of line 2" in str(report.errors[0])
    assert _count_users(app) == 0


def test_csv_dry_run_reports_and_writes_nothing(app, ctx):
    report = import_users_csv(HEADER + GOOD_ROWS, dry_run=True)
    db.session.commit()
    assert report.errors == []
    assert len(report.created) == 2
    assert _count_users(app) == 0


def test_csv_missing_and_unknown_columns_are_reported(ctx):
    report = import_users_csv("email,nom\nx@y.ma,X\n")
    assert [(e.line, e.field) for e in report.errors] == [(1, "name_latin"), (1, "nom")]


def test_csv_with_bom_and_quoted_multiline_values(ctx):
    text = "\ufeff" + HEADER + '"q@y.ma","Qods, Rachid",,learner,,,"Wilaya\nde Rabat",,fr,\n'
    report = import_users_csv(text)
    assert report.errors == []
    db.session.flush()
    user = db.session.scalar(sa.select(User).where(User.email == "q@y.ma"))
    assert user.name_latin == "Qods, Rachid"
    assert user.institution.name == "Wilaya de Rabat"


def test_cli_import_reports_lines_and_exits_1(app, tmp_path):
    path = tmp_path / "users.csv"
    path.write_text(HEADER + GOOD_ROWS + "bad,,,,,,,,fr,\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["users", "import", str(path)])
    assert result.exit_code == 1
    assert f"{path}:line 4: email:" in result.output
    assert "nothing was imported" in result.output
    assert _count_users(app) == 0


def test_cli_import_dry_run_then_real(app, tmp_path):
    path = tmp_path / "users.csv"
    path.write_text(HEADER + GOOD_ROWS, encoding="utf-8")
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["users", "import", "--dry-run", str(path)])
    assert dry.exit_code == 0
    assert "2 accounts would be created" in dry.output
    assert _count_users(app) == 0
    real = runner.invoke(args=["users", "import", str(path)])
    assert real.exit_code == 0
    assert "2 accounts created" in real.output
    assert _count_users(app) == 2


def test_cli_import_refuses_non_utf8(app, tmp_path):
    path = tmp_path / "users.csv"
    path.write_bytes((HEADER + "é@y.ma,Élodie,,learner,,,,,fr,\n").encode("latin-1"))
    result = app.test_cli_runner().invoke(args=["users", "import", str(path)])
    assert result.exit_code == 1
    assert "not UTF-8" in result.output


def test_cli_create_user_and_refuse_duplicate(app):
    runner = app.test_cli_runner()
    args = [
        "users",
        "create",
        "--email",
        "Admin@Example.ma",
        "--name",
        "Admin",
        "--role",
        "admin",
        "--password",
        "a sufficiently long one",
    ]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code == 1
    assert "email:" in again.output
    with app.app_context():
        assert db.session.scalar(sa.select(User.email)) == "admin@example.ma"


def test_cli_demo_accounts_are_refused_in_production(app):
    app.config["ENV_NAME"] = "production"
    try:
        result = app.test_cli_runner().invoke(args=["users", "demo"])
    finally:
        app.config["ENV_NAME"] = "testing"
    assert result.exit_code == 1
    assert _count_users(app) == 0


def test_cli_demo_accounts_cover_every_role(app):
    result = app.test_cli_runner().invoke(args=["users", "demo"])
    assert result.exit_code == 0
    with app.app_context():
        roles = set(db.session.scalars(sa.select(User.role)))
    assert roles == set(Role)


def test_reference_regions_are_loaded(ctx):
    from depomi_learn.models import Province, Region

    assert db.session.scalar(sa.select(sa.func.count(Region.id))) == 12
    assert db.session.scalar(sa.select(sa.func.count(Province.id))) == 75
    programme = set(db.session.scalars(sa.select(Region.code).where(Region.is_programme)))
    assert programme == {"beni-mellal-khenifra", "souss-massa", "oriental"}
