"""A Spanish-speaking recipient whose form's token no longer fits (the browser closed and
opened again) is offered their form again in Spanish, the language their own pages were in
(their record's: they never touched the switch). The page was in English, the browser's
language, for someone reading every other page in Spanish (found by the outside check of
the recipient's journey)."""

import pytest
from playwright.async_api import expect

from tests.support.recipients import location_manager, manager_api, person, tag, upload
from tests.support.recipients import xlsx as workbook

pytestmark = pytest.mark.browser


async def invited_in_spanish(system, n: int) -> tuple[list[str], str]:
    """Someone uploaded with Spanish as their language: their row and their invitation's link."""
    manager = await location_manager(system)
    line = person(n, tag(), language="Spanish")
    answer = await upload(await manager_api(system, manager), manager, workbook([line]))
    assert answer.status_code == 201, answer.text
    mail = await system.smtp.one(to=line[4], subject="Inscríbase para su vacuna")
    return line, mail.link("/r/")


async def test_a_form_sent_again_speaks_the_recipients_language(page, system):
    _line, link = await invited_in_spanish(system, 4)
    await page.goto(link)
    await expect(page.get_by_role("heading", name="Inscríbase para vacunarse")).to_be_visible()
    await page.get_by_label("Empleador").fill("Tienda Azul")
    await page.context.clear_cookies()  # the browser closed and opened again
    await page.get_by_role("button", name="Inscribirme").click()
    await expect(page.get_by_role("heading", name="Enviar el formulario de nuevo")
                 ).to_be_visible()
    assert await page.locator("html").get_attribute("lang") == "es"
    await page.get_by_role("button", name="Enviar de nuevo").click()
    # what was typed came along: the form answers with its questions, in Spanish
    await expect(page.get_by_label("Empleador")).to_have_value("Tienda Azul")
    await expect(page.locator("#error-summary")).to_contain_text("Elija sí o no")


async def test_the_language_switch_keeps_what_was_typed(page, system):
    """Found by the outside check: the English/Español switch is a link, so on a refused form
    it brought the page back in the other language with everything typed gone. What was typed
    comes along (text, choices, the answers' radios), in this tab only and once: a reload
    afterwards shows the page as the server has it."""
    line, link = await invited_in_spanish(system, 5)
    await page.goto(link)
    await page.get_by_label("Empleador").fill("Tienda Azul")
    await page.get_by_label("Teléfono").fill("555-12")
    await page.locator('input[name="health_care_worker"][value="yes"]').check(force=True)
    await page.get_by_role("button", name="Inscribirme").click()
    await expect(page.locator("#error-summary")).to_contain_text("10 dígitos")
    await page.get_by_role("link", name="English").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Register")
    assert await page.locator("html").get_attribute("lang") == "en"
    await expect(page.get_by_label("Employer")).to_have_value("Tienda Azul")
    await expect(page.get_by_label("Phone")).to_have_value("555-12")
    await expect(page.locator('input[name="health_care_worker"][value="yes"]')).to_be_checked()
    await expect(page.get_by_label("Legal first name")).to_have_value(line[0])
    await page.reload()
    await expect(page.get_by_label("Employer")).not_to_have_value("Tienda Azul")
