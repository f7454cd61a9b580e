"""Every paged list has one pager: previous and next links that keep the list's filters, the
current page marked for screen readers, and nothing when one page holds everything."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from depomi_learn.certificates.issuing import generate_code
from depomi_learn.extensions import db
from depomi_learn.models import AuditEvent, Certificate, CourseVersion, Role
from tests.helpers.courses import make_course
from tests.helpers.people import csrf_token
from tests.helpers.reports import add_learner

EXTRA = 55  # more than one page of 50 on every list

ONE_JOB = {"job_function": "Archivist"}  # learner 07 only
# path, filters kept by the pager, filters that leave one person
LISTS = {
    "accounts": ("/admin/users", {"status": "active"}, {"q": "pager07"}),
    "audit": ("/admin/audit", {"action": "pager_test"}, {"q": "pager07"}),
    "certificates": ("/certificates/manage", {"q": "Pager"}, {"q": "Pager 07"}),
    "learners": ("/coordinate/learners", {"metric": "learners", "sort": "-email"}, ONE_JOB),
}


@pytest.fixture
def admin(app, auth, client):
    make_course(app)
    ids = [
        add_learner(
            app,
            f"pager{n:02d}@example.ma",
            name=f"Pager {n:02d}",
            job_function="Archivist" if n == 7 else "",
        )
        for n in range(EXTRA)
    ]
    with app.app_context():
        version = db.session.scalar(sa.select(CourseVersion))
        for renewal, user_id in enumerate(ids):
            db.session.add(_certificate(version, user_id, renewal))
            db.session.add(AuditEvent(action="pager_test", target=f"user:{user_id}"))
        db.session.commit()
    auth.as_role(Role.ADMIN, region=None)
    return client


def _certificate(version: CourseVersion, user_id: int, renewal: int) -> Certificate:
    return Certificate(
        code=generate_code(),
        user_id=user_id,
        course_id=version.course_id,
        version_id=version.id,
        renewal=renewal,
        holder_name_latin=f"Pager {renewal:02d}",
        holder_name_arabic="",
        course_title=version.title,
        version_label=version.label,
        subject_salt="0" * 32,
        pdf_sha256="0" * 64,
    )


def _filled(args: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in args.items() if value}


def _pager(page_html: str) -> dict[str, object]:
    """Return what the pager offers: its links' query arguments and the current page's text."""
    nav = re.search(r'<nav class="pager" aria-label="([^"]+)">(.*?)</nav>', page_html, re.S)
    if nav is None:
        return {}
    found: dict[str, object] = {"label": nav.group(1)}
    for rel in ("prev", "next"):
        link = re.search(rf'<a rel="{rel}" href="([^"]+)">([^<]+)</a>', nav.group(2))
        if link:
            url = urlsplit(html.unescape(link.group(1)))
            found[rel] = (url.path, {k: v[0] for k, v in parse_qs(url.query).items()})
            found[rel + "_text"] = link.group(2)
    current = re.search(r'<span aria-current="page">([^<]+)</span>', nav.group(2))
    found["current"] = current.group(1) if current else None
    return found


@pytest.mark.parametrize("name", LISTS)
def test_first_page_offers_next_only(admin, name):
    path, args, _one = LISTS[name]
    pager = _pager(admin.get(path, query_string=args).get_data(as_text=True))
    assert pager["label"] == "Pages"
    assert "prev" not in pager
    assert pager["next"][0] == path
    assert _filled(pager["next"][1]) == {**args, "page": "2"}
    assert pager["next_text"] == "Next page"
    assert pager["current"] == "Page 1 of 2"


@pytest.mark.parametrize("name", LISTS)
def test_last_page_offers_previous_only(admin, name):
    path, args, _one = LISTS[name]
    response = admin.get(path, query_string={**args, "page": "2"})
    assert response.status_code == 200
    pager = _pager(response.get_data(as_text=True))
    assert "next" not in pager
    assert pager["prev"][0] == path
    assert _filled(pager["prev"][1]) == {**args, "page": "1"}
    assert pager["prev_text"] == "Previous page"
    assert pager["current"] == "Page 2 of 2"


@pytest.mark.parametrize("name", LISTS)
def test_a_page_past_the_end_leads_back_to_the_last(admin, name):
    path, args, _one = LISTS[name]
    response = admin.get(path, query_string={**args, "page": "40"})
    assert response.status_code == 200
    pager = _pager(response.get_data(as_text=True))
    assert pager["prev"][1]["page"] == "2"
    assert "next" not in pager
    assert pager["current"] is None


@pytest.mark.parametrize("name", LISTS)
def test_one_page_lists_show_no_pager(admin, name):
    path, _args, one = LISTS[name]
    page_html = admin.get(path, query_string=one).get_data(as_text=True)
    assert "pager07" in page_html or "Pager 07" in page_html
    assert _pager(page_html) == {}


def test_the_pager_is_translated_in_arabic(admin):
    token = csrf_token(admin, "/")
    admin.post("/language", data={"language": "ar", "csrf_token": token})
    pager = _pager(admin.get("/admin/users", query_string={"page": "2"}).get_data(as_text=True))
    assert pager["prev_text"] == "الصفحة السابقة"
    assert pager["current"] == "الصفحة 2 من 2"
