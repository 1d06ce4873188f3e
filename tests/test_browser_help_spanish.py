"""The help centre in Spanish in a real browser, axe-checked: the landing, an article (its
English words marked English) and an address that names no page; the English landing with its
Español link."""

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
