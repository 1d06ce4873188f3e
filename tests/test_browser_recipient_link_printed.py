"""Found by the outside check of the recipient side: the sheet staff print for a person without
an email address (their personal link and its QR code) carried the staff page around it: the
portal's "Location: ... · Healthcare Provider" bar and tabs (Home, Recipients, Appointments,
Help), the English heading and the staff's note "Showing this link is written to the audit
log...". The page's stylesheet meant to leave the navigation out of the printout; a Spanish
reader was handed English staff text with their link. Printed, the sheet is now the card alone:
the person's name, the sentence in their language, the link and its QR code."""

import pytest
from playwright.async_api import expect

from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.care import vaccinating_site, walk_in
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser

STAFF_WORDS = ("Location:", "Healthcare Provider", "Healthcare Location Manager", "Recipients",
               "Appointments", "audit log", "Recipient Portal link", "Print", "Back to")


async def printed_text(page) -> str:
    await page.emulate_media(media="print")
    try:
        return await page.evaluate("document.body.innerText")
    finally:
        await page.emulate_media(media="screen")


async def test_the_printed_link_is_the_persons_sheet_alone(page, system):
    site = await vaccinating_site(system)
    person = await walk_in(site, language="es")  # no email: the link goes on paper
    name = f"{person['first_name']} {person['last_name']}"

    await log_in(page, site.emails[Role.PROVIDER])
    await page.goto(f"/care/{site.location_id}/recipients/{person['id']}/link")
    # on screen the staff page is whole: its tabs, heading, note and Print button
    await expect(page.get_by_role("navigation", name="Portal tabs")).to_be_visible()
    await expect(page.get_by_role("button", name="Print")).to_be_visible()
    await assert_accessible(page)
    url = await page.locator(".cvms-link-text a").inner_text()

    for path in (f"/care/{site.location_id}/recipients/{person['id']}/link",
                 f"/recipients/people/{person['id']}/link"):
        if path.startswith("/recipients"):
            await page.context.clear_cookies()
            await log_in(page, site.emails[Role.LOCATION_MANAGER])
        await page.goto(path)
        text = await printed_text(page)
        assert name in text, text
        assert "Su enlace personal" in text and url in text, text
        assert await page.get_by_role("img", name="QR code").is_visible()
        for word in STAFF_WORDS:
            assert word not in text, (path, word, text)
