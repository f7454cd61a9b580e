"""The content language a learner chose is kept: enrolling, reading, and back from a quiz."""

import re

from tests.helpers.courses import make_course
from tests.helpers.people import csrf_token, make_user
from tests.helpers.quizzes import import_course, submit


def form_data(client) -> dict:
    return {"csrf_token": csrf_token(client, "/courses")}


def test_enrolling_from_the_french_page_opens_the_first_module_in_french(app, client, auth):
    make_course(app)
    make_user(app, language="ar")
    auth.login()
    page = client.get("/courses/demo-course?lang=fr").get_data(as_text=True)
    form = page[page.index('action="/courses/demo-course/enrol"') :]
    lang = re.search(r'name="lang" value="(\w+)"', form[: form.index("</form>")]).group(1)
    response = client.post("/courses/demo-course/enrol", data={**form_data(client), "lang": lang})
    assert response.headers["Location"] == "/courses/demo-course/modules/intro?lang=fr"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<article class="module-text" lang="fr" dir="ltr">' in html


def test_module_page_of_a_bilingual_course_offers_the_other_language(app, client, auth):
    make_course(app)
    make_course(app, "french-only", languages=("fr",))
    make_user(app, language="fr")
    auth.login()
    for course_id in ("demo-course", "french-only"):
        client.post(f"/courses/{course_id}/enrol", data=form_data(client))
    html = client.get("/courses/demo-course/modules/acteurs").get_data(as_text=True)
    nav = html[
        html.index('class="content-languages"') : html.index(
            "</nav>", html.index("content-languages")
        )
    ]
    assert 'href="/courses/demo-course/modules/acteurs?lang=ar"' in nav
    assert re.search(r'lang="fr"[^>]*aria-current="page"', nav)
    single = client.get("/courses/french-only/modules/acteurs").get_data(as_text=True)
    assert "content-languages" not in single


def test_back_to_the_module_from_a_quiz_result_keeps_its_language(app, client, auth):
    import_course(app)
    make_user(app, language="fr")
    auth.login()
    client.post("/courses/quiz-course/enrol", data=form_data(client))
    module = "/courses/quiz-course/modules/evaluation"
    started = client.post(f"{module}/quiz?lang=ar", data=form_data(client))
    attempt_id = int(started.headers["Location"].rsplit("/", 1)[1])
    submit(client, attempt_id, {})
    html = client.get(f"/quiz/attempts/{attempt_id}").get_data(as_text=True)
    assert html.count(f'href="{module}?lang=ar"') == 2  # the breadcrumb and the button
    assert 'href="/courses/quiz-course?lang=ar"' in html
