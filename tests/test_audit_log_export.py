"""The audit log filtered by days (Casablanca) and downloaded as CSV: administrators only, the
same events as the page, the download itself audited (so it is a POST with the page's filters)."""

import csv
import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from depomi_learn import audit
from depomi_learn.extensions import db
from depomi_learn.models import AuditEvent, Role
from tests.helpers.people import csrf_token

# Casablanca is UTC+1: 23:30 UTC on 3 December is already 4 December there.
EVENTS = (
    ("user_created", "user:901", datetime(2026, 12, 1, 9, 0, tzinfo=UTC)),
    ("user_updated", "user:902", datetime(2026, 12, 3, 23, 30, tzinfo=UTC)),
    ("user_erased", "user:903", datetime(2026, 12, 6, 9, 0, tzinfo=UTC)),
)


@pytest.fixture
def events(app):
    with app.app_context():
        for action, target, at in EVENTS:
            audit.record(action, actor=None, target=target, ip="10.0.0.7", note="x;y")
            db.session.flush()
            event = db.session.scalar(sa.select(AuditEvent).order_by(AuditEvent.id.desc()))
            event.at = at
        db.session.commit()


def _targets(html: str) -> list[str]:
    return [target for _action, target, _at in EVENTS if f">{target}<" in html]


def _download(client, **fields):
    token = csrf_token(client, "/admin/audit")
    return client.post("/admin/audit.csv", data={**fields, "csrf_token": token})


def _csv(response, delimiter=",") -> list[list[str]]:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_the_page_filters_by_days_in_casablanca(app, auth, events):
    auth.as_role(Role.ADMIN, region=None)
    page = auth.client.get("/admin/audit", query_string={"from": "2026-12-04", "to": "2026-12-05"})
    assert _targets(page.get_data(as_text=True)) == ["user:902"]
    page = auth.client.get("/admin/audit", query_string={"to": "2026-12-03"})
    assert _targets(page.get_data(as_text=True)) == ["user:901"]
    page = auth.client.get("/admin/audit", query_string={"from": "2026-12-02"})
    assert _targets(page.get_data(as_text=True)) == ["user:902", "user:903"]


def test_the_csv_holds_the_filtered_events_with_both_separators(app, auth, events):
    auth.as_role(Role.ADMIN, region=None)
    query = {"from": "2026-12-04", "to": "2026-12-06", "action": "user_updated"}
    rows = _csv(_download(auth.client, **query))
    assert rows[0] == ["When", "Who", "What", "Whom or what", "From", "Details"]
    assert rows[1:] == [
        ["2026-12-04T00:30:00+01:00", "", "Account edited", "user:902", "10.0.0.7", "note=x;y"]
    ]
    semicolon = _csv(_download(auth.client, **query, sep="semicolon"), ";")
    assert semicolon == rows


def test_the_csv_names_accounts_by_email_and_the_download_is_audited(app, auth, events):
    admin_id = auth.as_role(Role.ADMIN, region=None)
    rows = _csv(_download(auth.client, action="sign_in"))
    assert [row[1] for row in rows[1:]] == ["admin-national@example.ma"]
    assert [row[3] for row in rows[1:]] == ["admin-national@example.ma"]
    with app.app_context():
        exported = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "audit_log_exported")
        )
        assert exported.actor_id == admin_id
        assert exported.details == {"filter_action": "sign_in"}


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.COORDINATOR])
def test_only_administrators_see_or_download_the_audit_log(app, auth, events, role):
    auth.as_role(role, region="souss-massa")
    page = auth.client.get("/admin/audit")
    token = csrf_token(auth.client, "/profile")
    download = auth.client.post("/admin/audit.csv", data={"csrf_token": token})
    for response in (page, download):
        assert response.status_code == 403
        assert "10.0.0.7" not in response.get_data(as_text=True)
    with app.app_context():
        recorded = sa.select(AuditEvent).where(AuditEvent.action == "audit_log_exported")
        assert db.session.scalar(recorded) is None


def test_signed_out_visitors_are_sent_to_sign_in(client, events):
    response = client.post("/admin/audit.csv", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_download_needs_the_csrf_token(app, auth, events):
    auth.as_role(Role.ADMIN, region=None)
    assert auth.client.post("/admin/audit.csv", data={}).status_code == 400
    assert auth.client.get("/admin/audit.csv").status_code == 405


@pytest.mark.parametrize("day", ["2026-13-01", "yesterday", "20261201", "2026-12-01T10:00"])
def test_a_malformed_day_is_refused(app, auth, day):
    auth.as_role(Role.ADMIN, region=None)
    page = auth.client.get("/admin/audit", query_string={"from": day})
    download = _download(auth.client, **{"from": day})
    for response in (page, download):
        assert response.status_code == 400
        assert "YYYY-MM-DD" in response.get_data(as_text=True)


def test_the_page_offers_the_export_with_its_filters(app, auth, events):
    auth.as_role(Role.ADMIN, region=None)
    html = auth.client.get("/admin/audit", query_string={"from": "2026-12-02"}).get_data(
        as_text=True
    )
    assert 'action="/admin/audit.csv"' in html
    assert '<input type="hidden" name="from" value="2026-12-02">' in html
    assert 'type="date" id="from" name="from" value="2026-12-02"' in html
