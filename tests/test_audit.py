"""Audit records come from the domain operations, each naming an action from one list."""

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from depomi_learn import audit
from depomi_learn.extensions import db
from depomi_learn.models import AuditEvent

HEADER = (
    "email,name_latin,name_arabic,role,region,province,institution,job_function,"
    "preferred_language,password\n"
)
ROW = "csv@example.ma,Salma CSV,سلمى,learner,souss-massa,,,,fr,\n"


def _events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def test_an_action_outside_the_list_is_refused(ctx):
    with pytest.raises(ValueError, match="unknown audit action"):
        audit.record("made_up", actor=None)


def test_flask_users_create_is_audited(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "cli@example.ma", "--name", "Cli Person"],
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output
    (event,) = _events(app, "user_created")
    assert event.actor_id is None
    assert event.details == {"role": "learner"}


def test_an_import_is_audited_once(app, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(HEADER + ROW, "utf-8")
    result = app.test_cli_runner().invoke(args=["users", "import", str(path)])
    assert result.exit_code == 0, result.output
    (event,) = _events(app, "users_imported")
    assert (event.target, event.details) == ("people.csv", {"count": 1})


def test_every_action_named_in_the_code_is_listed():
    """A new action must join audit.ACTIONS, or recording it would fail in front of a user."""
    named = set()
    for path in (Path(audit.__file__).parent).rglob("*.py"):
        text = path.read_text("utf-8")
        named |= set(re.findall(r"\b(?:record|audit)\(\s*\"([a-z_.]+)\"", text))
        named |= set(re.findall(r"\n\s*(?:record|audit)\(\n\s*\"([a-z_.]+)\"", text))
    assert named  # the search finds the calls
    assert sorted(named - set(audit.ACTIONS)) == []
