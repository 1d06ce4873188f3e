"""The help centre in Spanish in a real browser, axe-checked: the landing, an article (its
English words marked English) and an address that names no page; the English landing with its
Español link."""

import re

import pytest
from playwright.async_api import expect

from tests.support.a11y import assert_accessible

pytestmark = pytest.mark.browser


async def test_the_help_centre_in_both_languages_is_accessible(page, system):
    await page.goto("/help")
    await assert_accessible(page)
    await page.get_by_role("link", name="Español").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Mesa de ayuda de CVMS")
    assert await page.get_attribute("html", "lang") == "es"
    await assert_accessible(page)
    await page.locator('a[href^="/help/articles/"]').first.click()
    await expect(page.locator('.cvms-mail[lang="en"]')).to_be_visible()
    await assert_accessible(page)
    await page.goto("/help/no-such-page")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Página no encontrada")
    await assert_accessible(page)


async def test_the_file_field_speaks_the_pages_language(page, system):
    """USWDS writes the file field's words itself, in English; on the Spanish question form they
    are Spanish, again after each choice (what a screen reader hears too), the files' names as
    they are; the English form keeps USWDS's own words."""
    field = page.locator(".usa-file-input")
    chosen = page.locator("input#attachments")
    await page.goto("/language/en?next=/help/ask")
    await expect(field.locator(".usa-file-input__instructions")).to_have_text(
        re.compile(r"^(Drag files here or )?[Cc]hoose from folder$"))
    await chosen.set_input_files(files=[_file("a.txt"), _file("b.txt")])
    await expect(field.locator(".usa-file-input__preview-heading")).to_have_text(
        "2 files selected Change files")

    await page.goto("/language/es?next=/help/ask")
    await expect(field.locator(".usa-file-input__instructions")).to_have_text(
        re.compile(r"^(Arrastre los archivos aquí o )?[Ee]lija de una carpeta$"))
    await expect(chosen).to_have_attribute("aria-label", re.compile(r"[Ee]lija de una carpeta$"))
    await expect(field.locator(".usa-sr-only")).to_have_text(  # it was English before a choice
        "No ha seleccionado ningún archivo.")
    await chosen.set_input_files(files=[_file("Change file"), _file("informe.txt")])
    await expect(field.locator(".usa-file-input__preview-heading")).to_have_text(
        "2 archivos seleccionados Cambiar archivos")
    await expect(chosen).to_have_attribute("aria-label", "Cambiar archivos")
    await expect(field.locator(".usa-sr-only")).to_have_text(
        "Ha seleccionado 2 archivos: Change file, informe.txt")  # USWDS says it after 1 s
    await expect(field.locator(".usa-file-input__preview", has_text="Change file")).to_have_count(1)
    await chosen.set_input_files(files=[_file("carta.pdf")])
    await expect(field.locator(".usa-file-input__preview-heading")).to_have_text(
        "Archivo seleccionado Cambiar archivo")
    await expect(field.locator(".usa-sr-only")).to_have_text(
        "Ha seleccionado el archivo: carta.pdf")
    await assert_accessible(page)


def _file(name: str) -> dict:
    return {"name": name, "mimeType": "text/plain", "buffer": b"hello"}
