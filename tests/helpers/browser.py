"""Browser-test helpers: signing in, answering, screenshots."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


ARTIFACTS = ROOT / "test-artifacts"


PASSWORD = "a long e2e password"


def screenshot(page, name: str) -> None:
    """Save a screenshot of a key page as a CI artefact."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def answer(page, *, right: bool) -> None:
    """Answer every question of the evaluation quiz, all right or all wrong."""
    page.locator("#q-q-single-" + ("a" if right else "b")).check()
    for option in ("a", "b", "c"):
        box = page.locator(f"#q-q-multiple-{option}")
        box.set_checked(right and option in ("a", "b"))
    page.locator("#q-q-true-false-" + ("false" if right else "true")).check()
    page.locator("#q-q-short").fill("الاستراتيجية السرية" if right else "لا أعرف")
    page.locator("#q-q-numeric").fill("٣٫٥" if right else "9")


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/login")
    page.locator("#email").fill("amina@souss.ma")
    page.locator("#password").fill(PASSWORD)
    page.locator("form:not(.languages) button[type=submit]").click()
