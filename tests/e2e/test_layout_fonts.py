"""Layouts that do not depend on the fonts installed: with a wide font or a narrow one, no page
scrolls sideways on a 360 px phone (a flex item holding an input must be allowed to shrink)."""

import pytest

from tests.helpers.browser import PASSWORD

PHONE = {"width": 360, "height": 780}
# Fonts of other machines: a wide monospace one and a condensed one (both in fonts-dejavu-core).
FONTS = ("DejaVu Sans Mono", "DejaVu Sans Condensed")
PUBLIC_PAGES = ("/verify", "/login")
STAFF_PAGES = (
    "/coordinate/",
    "/coordinate/learners",
    "/results/?by=sex",
    "/admin/users",
    "/admin/users/new",
    "/admin/audit",
)


def _with_font(page, font: str) -> None:
    page.add_style_tag(content=f'* {{ font-family: "{font}" !important; }}')


def _too_wide(page, base: str, paths: tuple[str, ...], font: str) -> dict[str, int]:
    widths = {}
    for path in paths:
        page.goto(base + path)
        _with_font(page, font)
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    return {path: width for path, width in widths.items() if width > PHONE["width"]}


@pytest.mark.parametrize("font", FONTS)
@pytest.mark.parametrize("language", ["fr-FR", "ar-MA"])
def test_public_forms_fit_a_phone_whatever_the_font(browser, live_server, font, language):
    page = browser.new_context(viewport=PHONE, locale=language, bypass_csp=True).new_page()
    assert _too_wide(page, live_server, PUBLIC_PAGES, font) == {}


@pytest.mark.parametrize("font", FONTS)
def test_staff_forms_fit_a_phone_whatever_the_font(browser, live_server, font):
    page = browser.new_context(viewport=PHONE, locale="fr-FR", bypass_csp=True).new_page()
    page.goto(f"{live_server}/login")
    page.locator("#email").fill("a11y-admin@depomi.ma")
    page.locator("#password").fill(PASSWORD)
    page.locator("form:not(.languages) button[type=submit]").click()
    page.wait_for_load_state()
    assert _too_wide(page, live_server, STAFF_PAGES, font) == {}
