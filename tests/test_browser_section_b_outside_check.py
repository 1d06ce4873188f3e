"""Section B in Chromium, as the outside check found it: a PDF chosen as a storage unit's photo
was dropped by USWDS's file input (it matched no `accept="image/*"`) before the form was sent,
so the page asked for a photo as if none had been chosen; a typed signature took markup; the
empty typed name's error linked to the "Type my name" radio."""

import re

import pytest
from playwright.async_api import expect

from models.enrollment import Location
from tests.support.a11y import assert_accessible
from tests.support.enrollment import fill_section_b
from tests.support.web import api_client
from tests.test_browser_nothing_lost import type_unit

pytestmark = pytest.mark.browser


async def test_photos_and_a_typed_signature_are_named_in_the_browser(page, system):
    location_id = await type_unit(page, system, "Chromium Photo Clinic", b"")  # x.jpg below
    await page.get_by_label("Inside photo").set_input_files(
        {"name": "inside.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"})
    await page.get_by_label("Outside photo").set_input_files(
        {"name": "x.jpg", "mimeType": "image/jpeg", "buffer": b""})
    await page.get_by_role("button", name="Add storage unit").click()
    await expect(page.locator("#inside_photo-error")).to_contain_text(
        "inside.pdf is not a picture we can read")
    await expect(page.locator("#outside_photo-error")).to_contain_text(
        "x.jpg is empty (0 bytes)")
    for name in ("inside_photo", "outside_photo"):
        await expect(page.locator(f"#{name}")).to_have_attribute("aria-invalid", "true")
        await expect(page.locator(f"#{name}")).to_have_accessible_description(
            re.compile(r"inside\.pdf|x\.jpg"))
    await assert_accessible(page)

    async with system.sessions() as session:
        email = (await session.get(Location, location_id)).coordinator_email
    await fill_section_b(await api_client(system, email), location_id)
    await page.goto(f"/locations/{location_id}/section-b/agreement")
    name = page.get_by_label("Full name, as your signature")
    await name.fill("")
    await page.get_by_label("I agree to sign electronically").check()
    await page.get_by_role("button", name="Adopt and use", exact=True).click()
    summary = page.locator("#error-summary")
    await expect(summary.get_by_role("link").first).to_contain_text(
        "Full name, as your signature: Type your full name to sign.")
    await summary.get_by_role("link").first.click()
    await expect(name).to_be_focused()
    await expect(name).to_have_attribute("aria-invalid", "true")
    await expect(name).to_have_accessible_description("Type your full name to sign.")
    await assert_accessible(page)
    await name.fill("<script>alert(1)</script>")
    await page.get_by_label("I agree to sign electronically").check()
    await page.get_by_role("button", name="Adopt and use", exact=True).click()
    await expect(page.locator("#typed_name-error")).to_contain_text(
        "Write the name with letters only")
    await expect(name).to_have_value("<script>alert(1)</script>")
