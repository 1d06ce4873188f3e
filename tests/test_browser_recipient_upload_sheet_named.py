"""A recipient upload's page names the workbook's sheet its list was read from (a cover sheet
first is passed over for the one with the template's header row): "Read from the sheet
“Staff list”." It said nothing, so a Location Manager could not tell which sheet counted."""

import pytest
from playwright.async_api import expect

from tests.support.a11y import assert_accessible
from tests.support.recipients import HEADER, csv_file, location_manager, person, tag
from tests.test_browser_enrollment import log_in
from tests.test_recipient_list_on_another_sheet import NOTES, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _upload(page, name: str, kind: str, data: bytes) -> None:
    await page.goto("/recipients")
    await page.locator("#file").set_input_files(files=[{
        "name": name, "mimeType": kind, "buffer": data}])
    await page.get_by_role("button", name="Upload").click()
    await expect(page.get_by_role("heading", name=f"Upload of {name}")).to_be_visible()


@pytest.mark.browser
async def test_an_uploads_page_names_the_sheet_its_list_was_read_from(page, system):
    manager = await location_manager(system)
    await log_in(page, manager.email)
    t = tag()
    await _upload(page, "staff.xlsx", XLSX, workbook(NOTES, ("Staff list", [
        HEADER, *(person(n, t) for n in range(2))])))
    await expect(page.locator("#upload-sheet")).to_have_text("Read from the sheet “Staff list”.")
    await assert_accessible(page)
    await page.reload()  # kept with the upload, not said once
    await expect(page.locator("#upload-sheet")).to_have_text("Read from the sheet “Staff list”.")
    await _upload(page, "staff.csv", "text/csv", csv_file([person(3, tag())]))
    await expect(page.locator("#upload-sheet")).to_have_count(0)  # a CSV file has no sheets


@pytest.mark.once
def test_the_uploads_sheet_name_column_comes_and_goes_in_place(tmp_path):
    """Migration 0011p adds recipient_upload.sheet_name, and its downgrade drops it, in place
    on SQLite (no batch copy of the table)."""
    import sqlite3

    from alembic import command

    from core.migrate import alembic_config

    path = tmp_path / "sheet.db"
    config = alembic_config(f"sqlite+aiosqlite:///{path}")

    def columns() -> set[str]:
        with sqlite3.connect(path) as db:
            return {row[1] for row in db.execute("PRAGMA table_info(recipient_upload)")}

    command.upgrade(config, "0011p")
    assert "sheet_name" in columns()
    command.downgrade(config, "0011p-1")
    assert "sheet_name" not in columns() and "csv_separator" in columns()
