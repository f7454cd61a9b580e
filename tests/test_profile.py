"""The profile page: staff never change their own scope, learners' moves wait for a coordinator
of the new region, sex / institution type / post category set by the person, by CSV and by
admins, and every change audited."""

import io
import threading

import pytest
import sqlalchemy as sa
from flask import Flask

from depomi_learn.accounts.profile_changes import accept_request
from depomi_learn.accounts.users import AccountError, import_users_csv
from depomi_learn.extensions import db
from depomi_learn.models import (
    AuditEvent,
    ProfileChangeRequest,
    Role,
    User,
)
from depomi_learn.permissions import (
    can_decide_change_request,
    change_requests_visible_to,
    learners_visible_to,
)
from tests.helpers.people import PASSWORD, Auth, csrf_token, get_user, make_user
from tests.helpers.users_csv import GOOD_ROWS, HEADER

LEARNER = "learner@example.ma"
ORIENTAL_LEARNER = "o@example.ma"


def _post_profile(client, **fields):
    data = {
        "name_latin": "Fatima Zahra Alaoui",
        "name_arabic": "فاطمة الزهراء العلوي",
        "preferred_language": "en",
        **fields,
    }
    return client.post("/profile", data={**data, "csrf_token": csrf_token(client, "/profile")})


def _events(app: Flask, action: str) -> list[AuditEvent]:
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).all()
        for event in events:
            db.session.expunge(event)
        return events


def _requests(app: Flask, user_id: int) -> list[tuple[str, str | None]]:
    """(status, region code) of a person's requests, oldest first."""
    with app.app_context():
        rows = db.session.scalars(
            sa.select(ProfileChangeRequest)
            .where(ProfileChangeRequest.user_id == user_id)
            .order_by(ProfileChangeRequest.id)
        ).all()
        return [(r.status, r.region.code if r.region else None) for r in rows]


def _pending_id(app: Flask, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(ProfileChangeRequest.id).where(
                ProfileChangeRequest.user_id == user_id, ProfileChangeRequest.status == "pending"
            )
        )


def _place(app: Flask, user_id: int) -> tuple:
    with app.app_context():
        user = db.session.get(User, user_id)
        return (
            user.region.code if user.region else None,
            user.province.code if user.province else None,
            user.institution.name if user.institution else None,
            user.institution_type,
        )


def _signed_in(app: Flask, email: str) -> Auth:
    """A second browser signed in as `email`."""
    other = Auth(app, app.test_client())
    assert other.login(email).status_code == 302
    return other


# --- The hole: a regional coordinator makes themselves national -----------------------------


@pytest.mark.parametrize(
    "tampered",
    [
        {"region": "", "province": ""},
        {"region": "oriental"},
        {"province": "oujda-angad"},
        {"role": "admin"},
        {"region": "", "province": "", "role": "admin", "active": "1"},
    ],
)
def test_regional_coordinator_cannot_widen_their_scope_from_the_profile(
    app, client, auth, tampered
):
    outsider = make_user(app, email=ORIENTAL_LEARNER, region="oriental")
    me = auth.as_role(Role.COORDINATOR, region="souss-massa")
    response = _post_profile(client, name_latin="Said Souss", **tampered)
    assert response.status_code == 400
    assert "nothing was changed" in response.get_data(as_text=True)
    after = get_user(app, me)
    assert (after.role, after.region_id is not None, after.name_latin) == (
        Role.COORDINATOR,
        True,
        "Fatima Zahra Alaoui",
    )
    assert _place(app, me)[0] == "souss-massa"
    blocked = _events(app, "profile_change_blocked")
    assert len(blocked) == 1
    assert blocked[0].actor_id == me
    assert set(blocked[0].details["fields"]) == set(tampered)
    # Still a regional coordinator: another region's learner stays out of reach by every door.
    assert client.get(f"/coordinate/learners/{outsider}").status_code == 404
    assert client.get(f"/admin/users/{outsider}").status_code == 404
    token = csrf_token(client, "/profile")
    link = client.post(f"/admin/users/{outsider}/reset-link", data={"csrf_token": token})
    assert link.status_code == 404
    off = client.post(f"/admin/users/{outsider}/active", data={"csrf_token": token, "active": "0"})
    assert off.status_code == 404
    assert get_user(app, outsider).active is True
    assert "o@example.ma" not in client.get("/admin/users").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.TRAINER, Role.COORDINATOR, Role.ADMIN])
def test_staff_see_their_scope_read_only_and_change_the_rest(app, client, auth, role):
    me = auth.as_role(role, region="souss-massa")
    page = client.get("/profile").get_data(as_text=True)
    assert 'name="region"' not in page
    assert 'name="province"' not in page
    assert "only an administrator changes them" in page
    response = _post_profile(
        client,
        name_latin="Said Souss",
        institution="Conseil régional Souss-Massa",
        institution_type="regional_council",
        post_category="management",
        sex="male",
    )
    assert response.status_code == 302
    assert _place(app, me) == (
        "souss-massa",
        None,
        "Conseil régional Souss-Massa",
        "regional_council",
    )
    after = get_user(app, me)
    assert (after.role, after.sex, after.post_category) == (role, "male", "management")
    [event] = _events(app, "profile_updated")
    assert event.actor_id == me
    assert event.target == f"user:{me}"
    assert event.details["changes"]["name_latin"] == {
        "before": "Fatima Zahra Alaoui",
        "after": "Said Souss",
    }
    assert event.details["changes"]["institution_type"] == {
        "before": None,
        "after": "regional_council",
    }
    assert "region" not in event.details["changes"]


# --- A learner's own fields, and what they may not post --------------------------------------


@pytest.mark.parametrize(
    "tampered",
    [
        {"role": "coordinator"},
        {"active": "0"},
        {"is_active": "1"},
        {"email": "boss@example.ma"},
        {"session_version": "99"},
        {"erased_at": "2020-01-01"},
        {"region_id": "1"},
        {"totp_secret": "JBSWY3DPEHPK3PXP"},
        {"password_hash": "$argon2id$forged"},
    ],
)
def test_a_learner_cannot_widen_their_scope_by_any_posted_field(app, client, auth, tampered):
    me = make_user(app)
    auth.login()
    before = get_user(app, me)
    response = _post_profile(client, name_latin="Changed", **tampered)
    assert response.status_code == 400
    after = get_user(app, me)
    assert (after.role, after.email, after.active, after.session_version) == (
        Role.LEARNER,
        LEARNER,
        True,
        before.session_version,
    )
    assert (after.name_latin, after.password_hash, after.erased_at) == (
        before.name_latin,
        before.password_hash,
        None,
    )
    assert _events(app, "profile_change_blocked")[0].details["fields"] == list(tampered)


def test_a_learner_sets_sex_and_post_category_at_once_and_it_is_audited(app, client, auth):
    me = make_user(app)
    auth.login()
    page = client.get("/profile").get_data(as_text=True)
    assert "law 09-08" in page
    assert 'aria-describedby="sex-why"' in page
    response = _post_profile(client, region="souss-massa", sex="female", post_category="front_desk")
    assert response.status_code == 302
    after = get_user(app, me)
    assert (after.sex, after.post_category) == ("female", "front_desk")
    [event] = _events(app, "profile_updated")
    assert event.details["changes"] == {
        "sex": {"before": "not_stated", "after": "female"},
        "post_category": {"before": None, "after": "front_desk"},
    }
    assert _requests(app, me) == []  # nothing about the place changed
    # Saving the same values again changes nothing and writes nothing.
    _post_profile(client, region="souss-massa", sex="female", post_category="front_desk")
    assert len(_events(app, "profile_updated")) == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [("sex", "other"), ("institution_type", "ministry"), ("post_category", "boss")],
)
def test_values_outside_the_reference_lists_are_refused(app, client, auth, field, value):
    me = make_user(app)
    auth.login()
    response = _post_profile(client, region="souss-massa", **{field: value})
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)
    after = get_user(app, me)
    assert (after.sex, after.institution_type, after.post_category) == ("not_stated", None, None)


def test_password_change_is_audited_without_the_password(app, client, auth):
    make_user(app)
    auth.login()
    client.post(
        "/profile/password",
        data={
            "pw-current_password": PASSWORD,
            "pw-new_password": "a brand new sentence here",
            "csrf_token": csrf_token(client, "/profile"),
        },
    )
    with app.app_context():
        details = [str(d) for d in db.session.scalars(sa.select(AuditEvent.details))]
    assert not any(PASSWORD in d or "brand new" in d for d in details)


# --- Change requests --------------------------------------------------------------------------


@pytest.fixture
def people(app: Flask) -> dict[str, int]:
    return {
        "learner": make_user(app),  # Souss-Massa
        "souss": make_user(app, email="c-souss@example.ma", role=Role.COORDINATOR),
        "oriental": make_user(
            app, email="c-oriental@example.ma", role=Role.COORDINATOR, region="oriental"
        ),
        "national": make_user(
            app, email="c-national@example.ma", role=Role.COORDINATOR, region=None
        ),
        "trainer": make_user(app, email="t@example.ma", role=Role.TRAINER, region="oriental"),
    }


def _ask_for_oriental(client, **extra):
    return _post_profile(
        client,
        region="oriental",
        province="berkane",
        institution="Commune de Berkane",
        institution_type="commune",
        **extra,
    )


def test_a_learner_move_waits_for_the_coordinators_of_the_new_region(app, client, auth, people):
    auth.login()
    response = _ask_for_oriental(client, post_category="technical")
    assert response.status_code == 302
    me = people["learner"]
    assert _place(app, me) == ("souss-massa", None, None, None)
    assert get_user(app, me).post_category == "technical"  # other fields change at once
    assert _requests(app, me) == [("pending", "oriental")]
    page = client.get("/profile").get_data(as_text=True)
    assert "waiting for approval by the coordinators of Oriental" in page
    assert '<option selected value="berkane">' in page  # the form shows what was asked for
    with app.app_context():
        oriental = db.session.get(User, people["oriental"])
        souss = db.session.get(User, people["souss"])
        assert (
            me
            not in db.session.scalars(
                learners_visible_to(oriental).with_only_columns(User.id)
            ).all()
        )
        assert me in db.session.scalars(learners_visible_to(souss).with_only_columns(User.id)).all()
    [event] = _events(app, "profile_change_requested")
    assert event.details["changes"]["region"] == {"before": "souss-massa", "after": "oriental"}
    assert event.details["changes"]["institution_type"] == {"before": None, "after": "commune"}


def test_the_new_region_coordinator_accepts_and_the_move_happens(app, client, auth, people):
    auth.login()
    _ask_for_oriental(client)
    request_id = _pending_id(app, people["learner"])
    coordinator = _signed_in(app, "c-oriental@example.ma")
    dashboard = coordinator.client.get("/coordinate/").get_data(as_text=True)
    assert 'id="change-requests-link"' in dashboard
    assert "(1)" in dashboard
    listing = coordinator.client.get("/coordinate/requests/").get_data(as_text=True)
    assert f'id="request-{request_id}"' in listing
    assert "Commune de Berkane" in listing
    token = csrf_token(coordinator.client, "/coordinate/requests/")
    no_token = coordinator.client.post(f"/coordinate/requests/{request_id}/accept")
    assert no_token.status_code == 400
    response = coordinator.client.post(
        f"/coordinate/requests/{request_id}/accept", data={"csrf_token": token}
    )
    assert response.status_code == 302
    assert _place(app, people["learner"]) == (
        "oriental",
        "berkane",
        "Commune de Berkane",
        "commune",
    )
    assert _requests(app, people["learner"]) == [("accepted", "oriental")]
    [event] = _events(app, "profile_change_accepted")
    assert (event.actor_id, event.target) == (people["oriental"], f"user:{people['learner']}")
    assert event.details["changes"]["province"] == {"before": None, "after": "berkane"}
    # Decided once: a second accept (another tab) changes nothing and audits nothing.
    again = coordinator.client.post(
        f"/coordinate/requests/{request_id}/accept", data={"csrf_token": token}
    )
    assert again.status_code == 302
    assert len(_events(app, "profile_change_accepted")) == 1
    assert "(0)" in coordinator.client.get("/coordinate/").get_data(as_text=True)
    assert "waiting for approval" not in client.get("/profile").get_data(as_text=True)


def test_a_refused_move_changes_nothing_and_the_learner_reads_why(app, client, auth, people):
    auth.login()
    _ask_for_oriental(client)
    request_id = _pending_id(app, people["learner"])
    national = _signed_in(app, "c-national@example.ma")
    response = national.client.post(
        f"/coordinate/requests/{request_id}/refuse",
        data={
            "reason": "  Pas de poste à Berkane  ",
            "csrf_token": csrf_token(national.client, "/coordinate/requests/"),
        },
    )
    assert response.status_code == 302
    assert _place(app, people["learner"]) == ("souss-massa", None, None, None)
    assert _requests(app, people["learner"]) == [("refused", "oriental")]
    [event] = _events(app, "profile_change_refused")
    assert (event.actor_id, event.details["reason"]) == (
        people["national"],
        "Pas de poste à Berkane",
    )
    page = client.get("/profile").get_data(as_text=True)
    assert "was refused" in page
    assert "Pas de poste à Berkane" in page


def test_a_coordinator_of_another_region_neither_sees_nor_decides(app, client, auth, people):
    auth.login()
    _ask_for_oriental(client)
    request_id = _pending_id(app, people["learner"])
    souss = _signed_in(app, "c-souss@example.ma")  # the learner's current region, not the new one
    assert f"request-{request_id}" not in souss.client.get("/coordinate/requests/").get_data(
        as_text=True
    )
    assert "(0)" in souss.client.get("/coordinate/").get_data(as_text=True)
    token = csrf_token(souss.client, "/coordinate/requests/")
    for action in ("accept", "refuse"):
        response = souss.client.post(
            f"/coordinate/requests/{request_id}/{action}", data={"csrf_token": token}
        )
        assert response.status_code == 404
    trainer = _signed_in(app, "t@example.ma")
    assert trainer.client.get("/coordinate/requests/").status_code == 403
    learner_try = client.post(
        f"/coordinate/requests/{request_id}/accept",
        data={"csrf_token": csrf_token(client, "/profile")},
    )
    assert learner_try.status_code == 403
    assert _requests(app, people["learner"]) == [("pending", "oriental")]
    assert _place(app, people["learner"])[0] == "souss-massa"


@pytest.mark.parametrize("request_id", ["999999", "1" * 30])
def test_hostile_request_ids_are_404(app, people, request_id):
    coordinator = _signed_in(app, "c-national@example.ma")
    token = csrf_token(coordinator.client, "/coordinate/requests/")
    response = coordinator.client.post(
        f"/coordinate/requests/{request_id}/accept", data={"csrf_token": token}
    )
    assert response.status_code == 404


def test_both_faces_of_the_request_rule_agree(app, client, auth, people):
    auth.login()
    _ask_for_oriental(client)
    with app.app_context():
        requests = db.session.scalars(sa.select(ProfileChangeRequest)).all()
        for key in ("souss", "oriental", "national", "trainer", "learner"):
            user = db.session.get(User, people[key])
            listed = set(db.session.scalars(change_requests_visible_to(user)))
            checked = {r for r in requests if can_decide_change_request(user, r)}
            assert listed == checked, key
            assert bool(listed) == (key in ("oriental", "national")), key


def test_a_new_request_replaces_the_old_one(app, client, auth, people):
    auth.login()
    _ask_for_oriental(client)
    _post_profile(client, region="beni-mellal-khenifra")
    me = people["learner"]
    assert _requests(app, me) == [("withdrawn", "oriental"), ("pending", "beni-mellal-khenifra")]
    oriental = _signed_in(app, "c-oriental@example.ma")
    assert "(0)" in oriental.client.get("/coordinate/").get_data(as_text=True)
    assert len(_events(app, "profile_change_withdrawn")) == 1
    # Asking again for where one already is withdraws the request.
    _post_profile(client, region="souss-massa")
    assert [status for status, _region in _requests(app, me)] == ["withdrawn", "withdrawn"]


def test_a_request_for_no_region_is_for_national_staff_only(app, client, auth, people):
    auth.login()
    _post_profile(client, region="")
    assert _requests(app, people["learner"]) == [("pending", None)]
    with app.app_context():
        request = db.session.scalars(sa.select(ProfileChangeRequest)).one()
        assert not can_decide_change_request(db.session.get(User, people["souss"]), request)
        assert can_decide_change_request(db.session.get(User, people["national"]), request)
    page = client.get("/profile").get_data(as_text=True)
    assert "waiting for approval by the national coordinators" in page


def test_erasure_removes_requests_and_the_values_in_the_audit_trail(app, client, auth, people):
    auth.login()
    _ask_for_oriental(client, name_latin="Fatima Secret")
    admin_id = make_user(app, email="admin@example.ma", role=Role.ADMIN, region=None)
    admin = _signed_in(app, "admin@example.ma")
    me = people["learner"]
    response = admin.client.post(
        f"/admin/users/{me}/erase",
        data={
            "erase-confirm_email": LEARNER,
            "csrf_token": csrf_token(admin.client, f"/admin/users/{me}"),
        },
    )
    assert response.status_code == 302
    assert _requests(app, me) == []
    with app.app_context():
        details = [str(d) for d in db.session.scalars(sa.select(AuditEvent.details))]
    assert admin_id
    assert not any("Fatima" in d or "Berkane" in d for d in details)


# --- Set by CSV import and by admins -------------------------------------------------------------

DEMOGRAPHIC_HEADER = HEADER.rstrip("\n") + ",sex,institution_type,post_category\n"


def test_csv_import_sets_the_new_columns(ctx):
    rows = (
        "amal@souss.ma,Amal Idrissi,,learner,souss-massa,tiznit,Commune de Tiznit,Agente,ar,,"
        "female,commune,front_desk\n"
        "omar@oriental.ma,Omar Tazi,,learner,oriental,,,,fr,,,,\n"
    )
    report = import_users_csv(DEMOGRAPHIC_HEADER + rows)
    assert report.errors == []
    amal = db.session.scalar(sa.select(User).where(User.email == "amal@souss.ma"))
    assert (amal.sex, amal.institution_type, amal.post_category) == (
        "female",
        "commune",
        "front_desk",
    )
    omar = db.session.scalar(sa.select(User).where(User.email == "omar@oriental.ma"))
    assert (omar.sex, omar.institution_type, omar.post_category) == ("not_stated", None, None)


def test_csv_import_names_the_line_and_field_of_a_bad_value(app, tmp_path):
    bad = DEMOGRAPHIC_HEADER + (
        "a@x.ma,A,,learner,,,,,fr,,F,,\n"
        "b@x.ma,B,,learner,,,,,fr,,,ministere,\n"
        "c@x.ma,C,,learner,,,,,fr,,,,chef\n"
    )
    path = tmp_path / "users.csv"
    path.write_text(bad, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["users", "import", str(path)])
    assert result.exit_code == 1
    assert f"{path}:line 2: sex: must be one of female, male, not_stated" in result.output
    assert f"{path}:line 3: institution_type: must be one of central_ministry" in result.output
    assert (
        f"{path}:line 4: post_category: must be one of management, technical, "
        "administrative, front_desk" in result.output
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_the_old_csv_columns_still_import(ctx):
    assert import_users_csv(HEADER + GOOD_ROWS).errors == []


def test_admin_sets_the_new_fields_in_the_user_form(app, client, auth):
    learner = make_user(app)
    admin = auth.as_role(Role.ADMIN, region=None)
    form = client.get(f"/admin/users/{learner}").get_data(as_text=True)
    assert 'name="institution_type"' in form
    assert 'name="sex"' in form
    response = client.post(
        f"/admin/users/{learner}",
        data={
            "email": LEARNER,
            "name_latin": "Fatima Zahra Alaoui",
            "name_arabic": "",
            "role": "learner",
            "region": "oriental",
            "province": "",
            "institution": "",
            "job_function": "",
            "preferred_language": "fr",
            "sex": "female",
            "institution_type": "public_body",
            "post_category": "administrative",
            "csrf_token": csrf_token(client, f"/admin/users/{learner}"),
        },
    )
    assert response.status_code == 302
    after = get_user(app, learner)
    assert (after.sex, after.institution_type, after.post_category) == (
        "female",
        "public_body",
        "administrative",
    )
    assert _place(app, learner)[0] == "oriental"  # an admin moves people directly
    [event] = _events(app, "user_updated")
    assert event.actor_id == admin
    assert event.details["changes"]["sex"] == {"before": "not_stated", "after": "female"}
    assert event.details["changes"]["region"] == {"before": "souss-massa", "after": "oriental"}
    bad = client.post(
        f"/admin/users/{learner}",
        data={
            "email": LEARNER,
            "name_latin": "X",
            "role": "learner",
            "region": "oriental",
            "preferred_language": "fr",
            "sex": "unknown",
            "csrf_token": csrf_token(client, f"/admin/users/{learner}"),
        },
    )
    assert bad.status_code == 200
    assert get_user(app, learner).name_latin == "Fatima Zahra Alaoui"


def test_admin_import_page_takes_the_new_columns_and_lists_bad_values(app, client, auth):
    auth.as_role(Role.ADMIN, region=None)
    page = client.get("/admin/import").get_data(as_text=True)
    assert "front_desk" in page

    def upload(text: str):
        return client.post(
            "/admin/import",
            data={
                "file": (io.BytesIO(text.encode()), "users.csv"),
                "action": "import",
                "csrf_token": csrf_token(client, "/admin/import"),
            },
            content_type="multipart/form-data",
        )

    bad = upload(DEMOGRAPHIC_HEADER + "a@x.ma,A,,learner,,,,,fr,,female,town_hall,\n")
    assert bad.status_code == 422
    assert "must be one of central_ministry" in bad.get_data(as_text=True)
    good = upload(DEMOGRAPHIC_HEADER + "a@x.ma,A,,learner,,,,,fr,,male,commune,technical\n")
    assert good.status_code == 200
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "a@x.ma"))
        assert (user.sex, user.institution_type, user.post_category) == (
            "male",
            "commune",
            "technical",
        )


@pytest.mark.parametrize("field", ["name_latin", "name_arabic", "institution", "job_function"])
def test_a_nul_byte_in_a_profile_field_is_400_and_changes_nothing(app, client, auth, field):
    me = make_user(app)
    auth.login()
    response = _post_profile(client, region="souss-massa", **{field: "Ali\x00Baba"})
    assert response.status_code == 400
    after = get_user(app, me)
    assert (after.name_latin, after.name_arabic, after.job_function, after.institution_id) == (
        "Fatima Zahra Alaoui",
        "فاطمة الزهراء العلوي",
        "",
        None,
    )


@pytest.mark.slow
def test_two_coordinators_accepting_at_once_apply_the_move_once(app, client, auth, people):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("parallel transactions need PostgreSQL (the in-memory SQLite is shared)")
    auth.login()
    _ask_for_oriental(client)
    request_id = _pending_id(app, people["learner"])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(actor_key: str) -> None:
        with app.app_context():
            actor = db.session.get(User, people[actor_key])
            change = db.session.get(ProfileChangeRequest, request_id)
            barrier.wait()
            try:
                accept_request(actor, change)
            except AccountError as error:
                db.session.rollback()
                outcomes.append(error.message)
            else:
                db.session.commit()
                outcomes.append("accepted")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=decide, args=(key,)) for key in ("oriental", "national")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["This request was already decided.", "accepted"]
    assert len(_events(app, "profile_change_accepted")) == 1
    assert _requests(app, people["learner"]) == [("accepted", "oriental")]


def test_the_data_download_holds_the_new_fields_and_the_requests(app, client, auth, people):
    auth.login()
    _ask_for_oriental(client, sex="female", post_category="technical")
    response = client.post("/account/data", data={"csrf_token": csrf_token(client, "/profile")})
    data = response.get_json(force=True)
    assert (data["account"]["sex"], data["account"]["post_category"]) == ("female", "technical")
    [request] = data["records"]["profile_change_request"]
    assert (request["status"], request["institution_name"]) == ("pending", "Commune de Berkane")
