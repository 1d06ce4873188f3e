"""Recipients in a real browser: a Location Manager's 101-row upload shows its live progress
(and still does after leaving and coming back); a recipient registers in Spanish from the
emailed link through to the eligibility status. Every state passes axe at two widths."""

import pytest
from playwright.async_api import expect

from tests.support.a11y import assert_accessible
from tests.support.recipients import location_manager, manager_api, person, rows, tag, upload
from tests.support.recipients import xlsx as workbook
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def test_a_101_row_upload_shows_live_progress_that_survives_leaving(page, system):
    manager = await location_manager(system)
    await log_in(page, manager.email)
    await page.goto("/recipients")
    await expect(page.get_by_role("heading", name=f"Recipients of {manager.location_name}")
                 ).to_be_visible()
    await assert_accessible(page)
    await page.locator("#file").set_input_files(files=[{
        "name": "staff.xlsx", "mimeType": XLSX, "buffer": workbook(rows(101, tag()))}])
    await page.get_by_role("radio", name="Import the valid rows only").check()
    await page.get_by_role("button", name="Upload").click()
    await expect(page.get_by_role("heading", name="Upload of staff.xlsx")).to_be_visible()
    bar = page.locator("#upload-bar")
    await expect(bar).to_be_visible()
    upload_url = page.url
    await assert_accessible(page)
    await page.goto("/recipients")
    await expect(page.get_by_role("link", name="staff.xlsx")).to_be_visible()
    await page.get_by_role("link", name="staff.xlsx").click()
    assert page.url == upload_url
    await expect(bar).to_have_attribute("value", "100", timeout=90_000)  # live, or as served
    await page.reload()
    await expect(page.get_by_role("heading", name="Imported 101 of 101 rows")).to_be_visible()
    await expect(page.locator('[data-field="invited"]')).to_have_text("101")
    await assert_accessible(page)


async def test_a_recipient_registers_in_spanish_from_the_email_link(page, system):
    manager = await location_manager(system)
    line = person(3, tag(), language="Spanish")
    line[2] = "07/04/1952"
    answer = await upload(await manager_api(system, manager), manager, workbook([line]))
    assert answer.status_code == 201
    mail = await system.smtp.one(to=line[4], subject="Inscríbase para su vacuna")
    await page.goto(mail.link("/r/"))
    await expect(page.get_by_role("heading", name="Inscríbase para vacunarse")).to_be_visible()
    assert await page.locator("html").get_attribute("lang") == "es"
    await expect(page.get_by_label("Nombre legal")).to_have_value(line[0])
    # each group of the form stands apart: a legend sat against the date field above it
    gap = await page.evaluate("""() => {
        const [about, reach] = document.querySelectorAll('form fieldset');
        return reach.getBoundingClientRect().top - about.getBoundingClientRect().bottom; }""")
    assert gap >= 24, gap
    await assert_accessible(page)
    await page.get_by_role("button", name="Inscribirme").click()
    await expect(page.locator("#error-summary")).to_contain_text("Elija sí o no")
    await assert_accessible(page)
    for question in ("health_care_worker", "long_term_care", "high_risk_condition",
                     "shared_living"):
        await page.locator(f"#{question}-no").check()
    await page.get_by_label("Número de teléfono").fill("984-700-0103")
    await page.get_by_role("button", name="Inscribirme").click()
    await expect(page.get_by_role("heading", name="Elegible ahora")).to_be_visible()
    await expect(page.get_by_text("Adultos de 65 años o más (Fase 2)")).to_be_visible()
    await expect(page.get_by_text("4 de julio de 1952")).to_be_visible()
    await assert_accessible(page)
    await page.get_by_role("link", name="English").click()
    await expect(page.get_by_role("heading", name="Eligible now")).to_be_visible()
    await expect(page.get_by_text("July 4, 1952")).to_be_visible()
    await assert_accessible(page)


async def test_a_pdf_chosen_for_upload_is_named_as_not_a_list(page, system):
    manager = await location_manager(system)
    await log_in(page, manager.email)
    await page.goto("/recipients")
    await page.locator("#file").set_input_files(files=[{
        "name": "wrong.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%%EOF\n"}])
    await page.get_by_role("button", name="Upload").click()
    message = page.locator("#file-error")
    await expect(message).to_contain_text("This file is not an Excel (.xlsx) or CSV file")
    await expect(message).not_to_contain_text("Choose a file")
    await assert_accessible(page)


async def test_an_empty_file_chosen_for_upload_is_named_as_empty(page, system):
    manager = await location_manager(system)
    await log_in(page, manager.email)
    await page.goto("/recipients")
    await page.locator("#file").set_input_files(files=[{
        "name": "empty.xlsx", "mimeType": XLSX, "buffer": b""}])
    await page.get_by_role("button", name="Upload").click()
    message = page.locator("#file-error")
    await expect(message).to_contain_text("empty.xlsx is empty (0 bytes)")
    await expect(message).not_to_contain_text("Choose a file")
