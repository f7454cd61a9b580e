"""A coordinator signs in, switches to Arabic, reads the region's dashboard, drills down to a
province, assigns a course with a due date there, and downloads the list as CSV."""

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.dates import format_date
from playwright.sync_api import expect

from depomi_learn import create_app
from depomi_learn.accounts.users import UserFields, create_user
from depomi_learn.extensions import db
from depomi_learn.models import Province, Region
from tests.helpers.browser import PASSWORD, screenshot

LEARNER = ("hassan@souss.ma", "Hassan Ait Baha", "حسن آيت باها")


@pytest.fixture(scope="module")
def agadir_learner(live_server, tmp_path_factory):
    """Add a learner in Agadir to the live server's database (the shared accounts have none)."""
    # pytest links "e2ecurrent" to the numbered folder: both name the one database.
    (database,) = {p.resolve() for p in tmp_path_factory.getbasetemp().glob("e2e*/e2e.sqlite3")}
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    with app.app_context():
        create_user(
            UserFields(
                email=LEARNER[0],
                name_latin=LEARNER[1],
                name_arabic=LEARNER[2],
                region=db.session.scalar(sa.select(Region).where(Region.code == "souss-massa")),
                province=db.session.scalar(
                    sa.select(Province).where(Province.code == "agadir-ida-outanane")
                ),
                job_function="Chargé de mission migration",
            )
        )
        db.session.commit()
        db.engine.dispose()
    return LEARNER


def test_coordinator_dashboard_drill_down_assign_and_export(page, live_server, agadir_learner):
    page.goto(f"{live_server}/login")
    page.locator("#email").fill("coord@souss.ma")
    page.locator("#password").fill(PASSWORD)
    page.locator("form:not(.languages) button[type=submit]").click()
    page.get_by_role("button", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    page.goto(f"{live_server}/coordinate/")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("main")).to_contain_text("سوس ماسة")
    # Other journeys may add Souss-Massa learners (elsewhere than Agadir) to the shared server.
    expect(page.locator("#summary [data-key=learners] dd")).to_have_text(re.compile(r"^\d+$"))
    expect(page.locator("svg#chart-funnel")).to_be_visible()
    screenshot(page, "coordinator-dashboard-ar")

    page.locator("#table-province a", has_text="أكادير إداوتنان").click()
    expect(page).to_have_url(re.compile(r"province=agadir-ida-outanane"))
    expect(page.locator("#summary [data-key=learners] dd")).to_have_text("1")
    page.locator("#summary [data-key=learners] dd a").click()
    expect(page.locator("#drilldown")).to_contain_text(agadir_learner[1])
    expect(page.locator("#drilldown")).not_to_contain_text("Amina")

    page.goto(f"{live_server}/coordinate/assignments")
    due_day = date.today() + timedelta(days=21)
    due = due_day.isoformat()  # what the date field takes and the CSV gives
    shown = format_date(due_day, "long", locale="ar_MA")  # what the pages show
    page.locator("#course").select_option("snia-foundations")
    page.locator("#due_on").fill(due)
    page.locator("#province").select_option("agadir-ida-outanane")
    page.locator("#assign-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#assignments tbody tr").first).to_contain_text(shown)
    screenshot(page, "coordinator-assignments-ar")

    page.locator("#assignments tbody tr").first.locator("td.count a").first.click()
    expect(page.locator("#drilldown")).to_contain_text(agadir_learner[1])
    expect(page.locator("#drilldown")).to_contain_text(shown)
    with page.expect_download() as download_info:
        page.locator(".exports a", has_text="CSV").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][:3] == [agadir_learner[1], agadir_learner[2], agadir_learner[0]]
    assert due in rows[1]
