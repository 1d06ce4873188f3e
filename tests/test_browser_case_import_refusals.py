"""An agent importing a bulk-upload case's file from the case page, refused (found by the
outside check of the help desk from the agent's side): the page keeps what the agent chose and
says what is wrong where they can act on it."""

from io import BytesIO

import pytest
from PIL import Image
from playwright.async_api import expect

from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.accounts import make_user
from tests.support.enrollment import register_coordinator, start_enrollment
from tests.support.helpdesk import good_rows, open_case, provider_workbook
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _picture() -> bytes:
    out = BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "PNG")
    return out.getvalue()


async def _case_page_of_a_bad_file(page, system, clinic: str):
    """A coordinator's bulk-upload case with a workbook (one bad row) and a screenshot, open
    on an agent's page."""
    enrollment = await start_enrollment(system, [clinic])
    (email, location_id), = enrollment.locations.items()
    coordinator = await register_coordinator(system, email)
    rows = good_rows(3)
    rows[1] = ("Also", None, "Bad", "Nurse", "LIC-10")  # row 5: not a license type
    case = (await open_case(coordinator, "provider_bulk_upload", f"Providers for {clinic}",
                            location_id=location_id, files=[
                                ("providers.xlsx", provider_workbook(rows, clinic), XLSX),
                                ("screenshot.png", _picture(), "image/png")])).json()
    staff = await make_user(system, Role.HELPDESK_AGENT, team="bulk_uploads")
    await log_in(page, staff.email)
    await page.goto(f"/helpdesk/cases/{case['id']}")
    return page.locator("form[action$='/check-import']")


async def test_import_only_the_valid_rows_stays_ticked_after_a_refusal(page, system):
    """The checkbox was drawn unticked on every refused page: an agent who chose to skip the
    bad rows and mistyped the location pressed Import again and had everything refused."""
    form = await _case_page_of_a_bad_file(page, system, "Ticked Box Clinic")
    await form.get_by_label("File").select_option(label="providers.xlsx")
    await form.get_by_label("Location").fill("No such clinic anywhere")
    await form.get_by_label("Import only the valid rows").check()
    await form.get_by_role("button", name="Import", exact=True).click()
    await expect(page.locator("#location_id-error")).to_be_visible()
    form = page.locator("form[action$='/check-import']")
    await expect(form.get_by_label("Import only the valid rows")).to_be_checked()
    await expect(form.get_by_label("Location")).to_have_value("No such clinic anywhere")
    await assert_accessible(page)


async def test_a_file_refused_for_its_rows_lists_them_by_row_on_the_page(page, system):
    """Import (all rows) refused a file with a bad row saying only "Nothing was imported: 1
    problem in the file. Fix it": which row, and what, took another press of "Check the
    file"."""
    form = await _case_page_of_a_bad_file(page, system, "Listed Rows Clinic")
    await form.get_by_label("File").select_option(label="providers.xlsx")
    await form.get_by_role("button", name="Import", exact=True).click()
    await expect(page.locator("#attachment_id-error")).to_contain_text("Nothing was imported")
    table = page.get_by_role("table", name="Problems by row and column")
    await expect(table).to_contain_text("“Nurse” is not a license type")
    await expect(table.get_by_role("row").nth(1)).to_contain_text("5")
    await expect(page.get_by_text("2 valid rows, 1 problem.")).to_be_visible()
    await assert_accessible(page)


async def test_a_picture_chosen_to_import_is_called_a_picture(page, system):
    """The case's screenshot chosen in File was "not an Excel workbook (.xlsx), or it is
    truncated: its zip structure is incomplete": words about a damaged download, not about
    the wrong file chosen."""
    form = await _case_page_of_a_bad_file(page, system, "Picture Chosen Clinic")
    await form.get_by_label("File").select_option(label="screenshot.png")
    await form.get_by_role("button", name="Check the file").click()
    said = page.locator("#attachment_id-error")
    await expect(said).to_contain_text("screenshot.png is a picture, not an Excel workbook "
                                       "(.xlsx): choose providers.xlsx")
    await expect(said).not_to_contain_text("zip")
    await expect(page.locator("form[action$='/check-import']").get_by_label("File")).to_have_value(
        await page.locator("#attachment_id option", has_text="screenshot.png").get_attribute(
            "value"))
    await assert_accessible(page)
