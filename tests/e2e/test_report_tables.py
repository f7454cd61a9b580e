"""Report tables wider than the page scroll inside a region that takes keyboard focus, with their
first column kept in view, left to right and right to left; the page itself never scrolls
sideways."""

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import PASSWORD

DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 360, "height": 780}
PAGES = (
    "/coordinate/",
    "/coordinate/breakdown/region",
    "/coordinate/breakdown/province",
    "/coordinate/breakdown/course",
    "/coordinate/learners?metric=learners",
    "/results/?by=region&by=sex",
    "/sessions/report",
)
LANGUAGE_BUTTON = {"fr": "Français", "ar": "العربية"}

MEASURE = """() => [...document.querySelectorAll('.table-wrap')]
  .filter(wrap => wrap.querySelector('table.report tbody tr > :first-child:not([colspan])'))
  .map(wrap => {
    const table = wrap.querySelector('table.report');
    const first = table.querySelector('tbody tr > :first-child:not([colspan])');
    const rtl = getComputedStyle(wrap).direction === 'rtl';
    wrap.scrollLeft = rtl ? -wrap.scrollWidth : wrap.scrollWidth;  // to the far end
    const box = wrap.getBoundingClientRect(), cell = first.getBoundingClientRect();
    return {
      id: table.id,
      overflows: wrap.scrollWidth > wrap.clientWidth + 1,
      focusable: wrap.tabIndex === 0,
      role: wrap.getAttribute('role'),
      named: Boolean(wrap.getAttribute('aria-labelledby') || wrap.getAttribute('aria-label')),
      firstInView: cell.left >= box.left - 1 && cell.right <= box.right + 1,
      geometry: [box.left, box.right, cell.left, cell.right, wrap.scrollLeft],
    };
  })"""


def _coordinator(browser, base: str, language: str, viewport: dict):
    page = browser.new_context(viewport=viewport, locale="fr-FR").new_page()
    page.goto(f"{base}/login")
    page.locator("#email").fill("national@depomi.ma")
    page.locator("#password").fill(PASSWORD)
    page.locator("form:not(.languages) button[type=submit]").click()
    expect(page).not_to_have_url(f"{base}/login")
    page.get_by_role("button", name=LANGUAGE_BUTTON[language]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    return page


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "360"])
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_wide_report_tables_scroll_in_a_focusable_region(browser, live_server, language, viewport):
    page = _coordinator(browser, live_server, language, viewport)
    overflowing = 0
    for path in PAGES:
        page.goto(live_server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], path
        for table in page.evaluate(MEASURE):
            if not table["overflows"]:
                continue
            overflowing += 1
            assert table["focusable"], (path, table)
            assert table["role"] == "region", (path, table)
            assert table["named"], (path, table)
            assert table["firstInView"], (path, table["id"], table["geometry"])
    if viewport is PHONE:
        assert overflowing, "no table was wider than the phone: the test checked nothing"
