"""Accessibility audits with axe-core in a real browser, by viewport."""

import json
import re
from pathlib import Path

from playwright.sync_api import expect

from tests.helpers.browser import ARTIFACTS, PASSWORD, ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


# axe's best practices (landmarks, heading order...) are recorded too, and held to the same bar.
CHECKED = [*WCAG_AA, "best-practice"]


BLOCKING = ("serious", "critical")


PHONE, DESKTOP = {"width": 360, "height": 780}, {"width": 1280, "height": 900}


LANGUAGE_BUTTON = {"fr": "Français", "ar": "العربية"}


def new_page(browser, **options):
    options = {"viewport": DESKTOP, "locale": "fr-FR", "bypass_csp": True, **options}
    page = browser.new_context(**options).new_page()
    page.set_default_timeout(15_000)
    return page


def sign_in(page, base: str, email: str, language: str | None = None) -> None:
    page.goto(f"{base}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form:not(.languages) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile("/login"))
    if language:
        page.get_by_role("button", name=LANGUAGE_BUTTON[language]).click()
        expect(page.locator("html")).to_have_attribute("lang", language)


class Audit:
    """Run axe on pages, check them at 360 px, take screenshots, and keep the results."""

    def __init__(self, axe_source: str, language: str) -> None:
        self.axe_source, self.language = axe_source, language
        self.results: dict[str, dict] = {}

    def check(self, page, name: str) -> None:
        expect(page.locator("html")).to_have_attribute("lang", self.language)
        page.set_viewport_size(DESKTOP)
        page.add_script_tag(content=self.axe_source)
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations']})",
            CHECKED,
        )
        self.results[name] = {
            "url": page.url,
            "violations": [
                {
                    "id": violation["id"],
                    "impact": violation["impact"],
                    "help": violation["help"],
                    "tags": [tag for tag in violation["tags"] if tag in CHECKED],
                    "nodes": [node["target"] for node in violation["nodes"]][:5],
                }
                for violation in result["violations"]
            ],
        }
        ARTIFACTS.mkdir(exist_ok=True)
        self.screenshot(page, name, DESKTOP)
        page.set_viewport_size(PHONE)
        width = page.evaluate("document.documentElement.scrollWidth")
        self.results[name]["scroll_width_at_360"] = width
        self.screenshot(page, name, PHONE)
        page.set_viewport_size(DESKTOP)

    def screenshot(self, page, name: str, viewport: dict) -> None:
        path = ARTIFACTS / f"{name}-{self.language}-{viewport['width']}.png"
        page.screenshot(path=str(path), full_page=True)

    def save(self) -> Path:
        path = ARTIFACTS / f"axe-{self.language}.json"
        summary = {
            "language": self.language,
            "checked": "WCAG 2.1 AA and best practices (axe-core tags " + ", ".join(CHECKED) + ")",
            "pages": self.results,
        }
        path.write_text(json.dumps(summary, ensure_ascii=False, indent=2), "utf-8")
        return path

    def blocking(self) -> dict[str, list[str]]:
        found = {
            name: [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in result["violations"]]
            for name, result in self.results.items()
        }
        return {
            name: [item for item in items if any(f"({level})" in item for level in BLOCKING)]
            for name, items in found.items()
            if any(f"({level})" in item for item in items for level in BLOCKING)
        }

    def too_wide(self) -> dict[str, int]:
        return {
            name: result["scroll_width_at_360"]
            for name, result in self.results.items()
            if result["scroll_width_at_360"] > PHONE["width"]
        }
