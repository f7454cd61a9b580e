"""Reports: the scope rule at every door, and the same numbers on the page, in exports and API."""

import pytest

from depomi_learn.models import Role
from depomi_learn.reports.exports import neutralise
from tests.helpers.people import make_user
from tests.helpers.report_pages import (
    csv_rows,
    number,
    summary_on_page,
    table_on_page,
    total_on_page,
    xlsx_rows,
)
from tests.helpers.reports import ORIENTAL_MARKERS, build_world

METRICS = ("learners", "enrolled", "started", "completed", "certified", "overdue")
TABLES = ("summary", "province", "institution", "job_function", "course", "timeline")
REGIONAL_URLS = [
    "/coordinate/",
    "/coordinate/assignments",
    *(
        f"/coordinate/breakdown/{by}"
        for by in ("province", "institution", "job_function", "course")
    ),
    *(f"/coordinate/learners?metric={m}" for m in METRICS),
    *(f"/coordinate/export/{t}.{f}" for t in TABLES for f in ("csv", "xlsx")),
    *(f"/coordinate/export/learners.{f}?metric={m}" for m in METRICS for f in ("csv", "xlsx")),
    "/coordinate/export/dashboard.xlsx",
    "/api/reports/dashboard",
    *(f"/api/reports/{t}" for t in TABLES),
    *(f"/api/reports/learners?metric={m}" for m in METRICS),
]
NATIONAL_ONLY_URLS = [
    "/coordinate/breakdown/region",
    "/coordinate/export/region.csv",
    "/coordinate/export/region.xlsx",
    "/api/reports/region",
]
FILTERED_URLS = [u for u in REGIONAL_URLS if u != "/coordinate/assignments"]


def _text(response) -> str:
    """Return everything a response shows, XLSX cells included."""
    if response.mimetype.endswith("spreadsheetml.sheet"):
        from tests.helpers.report_pages import xlsx_cells

        return "\n".join(str(c.value) for c in xlsx_cells(response.data) if c.value is not None)
    return response.get_data(as_text=True)


def _join(url: str, extra: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{extra}"


@pytest.fixture
def world(app):
    return build_world(app)


@pytest.mark.parametrize("url", REGIONAL_URLS)
def test_regional_coordinator_sees_only_their_region_everywhere(world, auth, client, url):
    auth.login("c@souss.ma")
    response = client.get(url)
    assert response.status_code == 200
    text = _text(response)
    for marker in ORIENTAL_MARKERS:
        assert marker not in text, f"{marker!r} leaks into {url}"


@pytest.mark.parametrize("url", REGIONAL_URLS)
def test_national_coordinator_sees_every_region(world, auth, client, url):
    auth.login("n@depomi.ma")
    response = client.get(url)
    assert response.status_code == 200
    if "learners" in url and ("metric=learners" in url or "metric=enrolled" in url):
        assert "Omar Oriental" in _text(response)


@pytest.mark.parametrize(
    "tampered",
    [
        "region=oriental",
        "province=oujda-angad",
        "institution={oujda_institution}",
        "region=no-such-region",
        "course=no-such-course",
    ],
)
@pytest.mark.parametrize("url", FILTERED_URLS)
def test_tampered_filters_get_404_for_a_regional_coordinator(world, auth, client, url, tampered):
    auth.login("c@souss.ma")
    response = client.get(_join(url, tampered.format(**world)))
    assert response.status_code == 404
    for marker in ORIENTAL_MARKERS:
        assert marker not in _text(response)


@pytest.mark.parametrize(
    "url",
    [
        "/coordinate/",
        "/coordinate/breakdown/province",
        "/coordinate/learners?metric=enrolled",
        "/coordinate/export/summary.csv",
        "/coordinate/export/learners.xlsx?metric=learners",
        "/api/reports/dashboard",
        "/api/reports/course",
        "/api/reports/learners?metric=overdue",
    ],
)
@pytest.mark.parametrize(
    "malformed", ["start=yesterday", "end=2026-02-30", "institution=abc", "month=2026-13"]
)
def test_malformed_filters_get_400(world, auth, client, url, malformed):
    auth.login("c@souss.ma")
    assert client.get(_join(url, malformed)).status_code == 400


@pytest.mark.parametrize("url", NATIONAL_ONLY_URLS)
def test_region_comparison_is_national_only(world, auth, client, url):
    auth.login("c@souss.ma")
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", NATIONAL_ONLY_URLS)
def test_national_coordinator_compares_regions(world, auth, client, url):
    auth.login("n@depomi.ma")
    response = client.get(url)
    assert response.status_code == 200
    assert "Souss-Massa" in _text(response)
    assert "Oriental" in _text(response)


def test_learner_page_of_another_region_is_404(world, auth, client):
    auth.login("c@souss.ma")
    assert client.get(f"/coordinate/learners/{world['s_agadir']}").status_code == 200
    assert client.get(f"/coordinate/learners/{world['o_oujda']}").status_code == 404
    assert client.get("/coordinate/learners/999999").status_code == 404


@pytest.mark.parametrize("email", ["l@souss.ma", "t@souss.ma"])
@pytest.mark.parametrize("url", REGIONAL_URLS + NATIONAL_ONLY_URLS)
def test_learners_and_trainers_get_403(world, auth, client, email, url):
    auth.login(email)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", REGIONAL_URLS + NATIONAL_ONLY_URLS)
def test_anonymous_visitors_are_sent_to_sign_in_or_get_401(world, client, url):
    response = client.get(url)
    if url.startswith("/api/"):
        assert response.status_code == 401
        assert response.get_json()["status"] == 401
    else:
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_admin_sees_every_region(world, app, auth, client):
    make_user(app, email="a@depomi.ma", role=Role.ADMIN, region=None)
    auth.login("a@depomi.ma")
    assert client.get("/api/reports/dashboard").get_json()["summary"]["learners"] == 5


@pytest.mark.parametrize(
    ("email", "expected"),
    [
        ("c@souss.ma", {"learners": 4, "enrolled": 3, "started": 2, "completed": 1}),
        ("c@oriental.ma", {"learners": 1, "enrolled": 2, "started": 1, "completed": 1}),
        ("n@depomi.ma", {"learners": 5, "enrolled": 5, "started": 3, "completed": 2}),
    ],
)
def test_each_coordinator_counts_their_scope(world, auth, client, email, expected):
    auth.login(email)
    summary = client.get("/api/reports/dashboard").get_json()["summary"]
    assert {k: summary[k] for k in expected} == expected


def test_certified_counts_certificates_that_are_not_revoked(world, auth, client):
    auth.login("n@depomi.ma")
    assert client.get("/api/reports/dashboard").get_json()["summary"]["certified"] == 1
    html = client.get("/coordinate/learners?metric=certified").get_data(as_text=True)
    assert "Sara Agadir" in html
    assert "Omar Oriental" not in html


def test_region_a_exports_contain_only_region_a_rows(world, auth, client):
    auth.login("c@souss.ma")
    rows = csv_rows(client.get("/coordinate/export/learners.csv?metric=learners").data)
    emails = sorted(row[2] for row in rows[1:])
    assert emails == ["l@souss.ma", "s1@souss.ma", "s2@souss.ma", "s3@souss.ma"]
    rows = xlsx_rows(client.get("/coordinate/export/learners.xlsx?metric=enrolled").data)
    assert sorted(row[2] for row in rows[1:]) == ["s1@souss.ma", "s1@souss.ma", "s2@souss.ma"]


FILTER_SETS = [
    "",
    "province=agadir-ida-outanane",
    "province=-",
    "course=course-a",
    "job_function=Juriste",
    "start=2026-01-01&end=2026-12-31",
    "start=2027-01-01",
    "region=souss-massa&course=course-b",
]


@pytest.mark.parametrize("filters", FILTER_SETS)
def test_page_csv_xlsx_and_api_show_the_same_numbers(world, auth, client, filters):
    auth.login("n@depomi.ma")
    page = summary_on_page(client.get(f"/coordinate/?{filters}").get_data(as_text=True))
    _header, values = csv_rows(client.get(f"/coordinate/export/summary.csv?{filters}").data)
    sheet = xlsx_rows(client.get(f"/coordinate/export/summary.xlsx?{filters}").data)
    api = client.get(f"/api/reports/dashboard?{filters}").get_json()["summary"]
    keys = list(api)
    assert len(page) == len(values) == len(sheet[1]) == len(keys) == 8
    for index, key in enumerate(page):
        expected = number(page[key])
        assert number(values[index]) == expected, key
        assert number(sheet[1][index]) == expected, key
        assert number(api[key]) == expected, key


@pytest.mark.parametrize("filters", FILTER_SETS)
def test_every_number_opens_on_the_list_of_learners_behind_it(world, auth, client, filters):
    auth.login("n@depomi.ma")
    summary = client.get(f"/api/reports/dashboard?{filters}").get_json()["summary"]
    for metric in METRICS:
        query = f"metric={metric}&{filters}"
        html = client.get(f"/coordinate/learners?{query}").get_data(as_text=True)
        assert total_on_page(html) == summary[metric], metric
        assert (
            len(csv_rows(client.get(f"/coordinate/export/learners.csv?{query}").data)) - 1
            == (summary[metric])
        )
        assert client.get(f"/api/reports/learners?{query}").get_json()["total"] == summary[metric]


@pytest.mark.parametrize("by", ["province", "institution", "job_function", "course", "region"])
def test_breakdown_tables_agree_on_page_csv_xlsx_and_api(world, auth, client, by):
    auth.login("n@depomi.ma")
    page = table_on_page(
        client.get(f"/coordinate/breakdown/{by}").get_data(as_text=True), f"table-{by}"
    )
    exported = csv_rows(client.get(f"/coordinate/export/{by}.csv").data)
    sheet = xlsx_rows(client.get(f"/coordinate/export/{by}.xlsx").data)
    api = client.get(f"/api/reports/{by}").get_json()
    assert len(page) == len(exported) == len(sheet) == len(api["rows"]) + 1
    for page_row, csv_row, sheet_row, api_row in zip(
        page[1:], exported[1:], sheet[1:], api["rows"], strict=True
    ):
        label = page_row[0].removeprefix("★ ")
        assert label == sheet_row[0] == api_row["label"]
        assert neutralise(label) == csv_row[0]
        for index in range(1, 9):
            expected = number(page_row[index])
            assert number(csv_row[index]) == expected
            assert number(sheet_row[index]) == expected
            assert number(api_row[api["columns"][index]["key"]]) == expected


def test_breakdown_counts_add_up_to_the_summary(world, auth, client):
    auth.login("c@souss.ma")
    report = client.get("/api/reports/dashboard").get_json()
    for by in ("province", "institution", "job_function"):
        rows = report["tables"][by]["rows"]
        for metric in METRICS:
            assert sum(r[metric] for r in rows) == report["summary"][metric], (by, metric)


def test_drilldown_sorts_only_by_allowed_columns(world, auth, client):
    auth.login("c@souss.ma")
    by_email = client.get("/api/reports/learners?metric=learners&sort=-email").get_json()
    assert [r["email"] for r in by_email["rows"]] == sorted(
        (r["email"] for r in by_email["rows"]), reverse=True
    )
    tampered = client.get("/api/reports/learners?metric=learners&sort=password_hash").get_json()
    assert tampered["sort"] == "name"
    html = client.get("/coordinate/learners?metric=enrolled&sort=-due_at").get_data(as_text=True)
    assert 'aria-sort="descending"' in html


def test_drilldown_pages(world, app, auth, client):
    from tests.helpers.reports import add_learner

    for number_ in range(60):
        add_learner(app, f"extra{number_:02d}@souss.ma", province="tiznit")
    auth.login("c@souss.ma")
    first = client.get("/api/reports/learners?metric=learners&sort=email").get_json()
    second = client.get("/api/reports/learners?metric=learners&sort=email&page=2").get_json()
    assert first["total"] == 64
    assert len(first["rows"]) == 50
    assert len(second["rows"]) == 14
    assert not {r["email"] for r in first["rows"]} & {r["email"] for r in second["rows"]}
    html = client.get("/coordinate/learners?metric=learners").get_data(as_text=True)
    assert 'rel="next"' in html


def test_timeline_counts_completions_per_month_and_drills_down(world, auth, client):
    auth.login("n@depomi.ma")
    timeline = client.get("/api/reports/timeline").get_json()["rows"]
    assert timeline == [{"month": "2026-03", "completed": 2}]
    html = client.get("/coordinate/learners?metric=completed&month=2026-03").get_data(as_text=True)
    assert total_on_page(html) == 2
    html = client.get("/coordinate/learners?metric=completed&month=2026-04").get_data(as_text=True)
    assert total_on_page(html) == 0


def test_learner_page_shows_courses_progress_attempts_and_certificates(world, auth, client):
    auth.login("c@souss.ma")
    html = client.get(f"/coordinate/learners/{world['s_agadir']}").get_data(as_text=True)
    assert "course-a title" in html
    assert "course-b title" in html
    assert "80.0" in html
    assert "TEST-" in html  # the certificate's code


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
@pytest.mark.parametrize(
    "path",
    [
        "/coordinate/",
        "/coordinate/learners?metric=overdue",
        "/coordinate/breakdown/province",
        "/coordinate/assignments",
        "/coordinate/learners/{s_agadir}",
    ],
)
def test_coordinator_pages_render_in_every_language(world, auth, client, language, path):
    from tests.helpers.people import csrf_token

    auth.login("n@depomi.ma")
    client.post("/language", data={"language": language, "csrf_token": csrf_token(client, "/")})
    html = client.get(path.format(**world)).get_data(as_text=True)
    direction = "rtl" if language == "ar" else "ltr"
    assert f'<html lang="{language}" dir="{direction}">' in html


def test_charts_are_mirrored_in_arabic(world, auth, client):
    from tests.helpers.people import csrf_token

    auth.login("n@depomi.ma")
    french = client.get("/coordinate/").get_data(as_text=True)
    client.post("/language", data={"language": "ar", "csrf_token": csrf_token(client, "/")})
    arabic = client.get("/coordinate/").get_data(as_text=True)
    assert 'role="img"' in french
    assert 'role="img"' in arabic
    assert 'text-anchor="end"' in french.split('id="chart-funnel"')[1].split("</svg>")[0][:400]
    assert 'text-anchor="start"' in arabic.split('id="chart-funnel"')[1].split("</svg>")[0][:400]
