"""The account form in a browser: the province list follows the chosen region with JavaScript,
and lists every province, grouped by region, without it."""

from playwright.sync_api import expect

from tests.helpers.browser import PASSWORD


def _sign_in_as_admin(browser, base: str, **options):
    page = browser.new_context(locale="fr-FR", **options).new_page()
    page.goto(f"{base}/login")
    page.locator("#email").fill("a11y-admin@depomi.ma")
    page.locator("#password").fill(PASSWORD)
    page.locator("form:not(.languages) button[type=submit]").click()
    expect(page).not_to_have_url(f"{base}/login")
    return page


def _offered(page) -> list[str]:
    return page.eval_on_selector_all(
        "#province option[data-region]",
        "options => options.filter(o => !o.disabled && !o.hidden).map(o => o.value)",
    )


def test_the_province_list_follows_the_chosen_region(browser, live_server):
    page = _sign_in_as_admin(browser, live_server)
    page.goto(f"{live_server}/admin/users/new")
    page.select_option("#region", "oriental")
    offered = _offered(page)
    assert "oujda-angad" in offered
    assert "tiznit" not in offered
    page.select_option("#province", "oujda-angad")
    page.select_option("#region", "souss-massa")
    assert page.input_value("#province") == ""
    assert "tiznit" in _offered(page)
    assert "oujda-angad" not in _offered(page)
    page.select_option("#region", "")
    assert {"tiznit", "oujda-angad"} <= set(_offered(page))


def test_without_javascript_every_province_is_offered(browser, live_server):
    page = _sign_in_as_admin(browser, live_server, java_script_enabled=False)
    page.goto(f"{live_server}/admin/users/new")
    page.select_option("#region", "oriental")
    assert {"tiznit", "oujda-angad"} <= set(_offered(page))
    assert page.locator("#province optgroup").count() >= 12
