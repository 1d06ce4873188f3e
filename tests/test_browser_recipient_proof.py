"""The recipient's proof of vaccination and appointment booking in a real browser (Spanish),
and the Location Manager's reports page: accessible at desktop and phone widths."""

import uuid
from datetime import timedelta

import pytest
from playwright.async_api import expect

from models.base import utcnow
from models.care_rules import local_today
from models.enums import Role
from models.recipient_rules import recipient_path
from tests.support.a11y import PHONE, assert_accessible
from tests.support.care import give, stock, vaccinating_site, walk_in
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_proof_and_booking_pages_in_spanish_and_the_reports(page, system):
    site = await vaccinating_site(system)
    lot = await stock(system, site, "208", f"BP-{uuid.uuid4().hex[:5].upper()}")  # 21 days
    person = await walk_in(site, language="es")
    assert (await give(site, person["id"], lot)).status_code == 201
    slot = await site.manager.post(
        f"/api/v1/locations/{site.location_id}/appointment-slots",
        json={"starts_at": (utcnow() + timedelta(days=22)).isoformat(), "capacity": 3,
              "dose_number": 2})  # dose 1 is given: only the next dose's times are offered
    assert slot.status_code == 201
    link = recipient_path(system.settings.secret_key.get_secret_value(), person["id"])

    await page.goto(f"{link}/proof")
    await expect(page.get_by_role("heading", name="Su comprobante de vacunación")).to_be_visible()
    await expect(page.get_by_role("img", name="Código QR de su SMART Health Card")).to_be_visible()
    await assert_accessible(page)
    await the_language_switch_keeps_the_page_margin(page)
    async with page.expect_download() as download:
        await page.get_by_role("link", name="Descargar el PDF").click()
    assert (await download.value).suggested_filename == "registro-de-vacunacion-es.pdf"

    await page.goto(f"{link}/appointments")
    await assert_accessible(page)
    await page.get_by_role("button", name="Reservar esta hora").click()
    await expect(page.get_by_role("status")).to_contain_text("Su cita está reservada")
    await assert_accessible(page)
    booked_page = page.url

    await log_in(page, site.emails[Role.PROVIDER])
    day = local_today(utcnow() + timedelta(days=22))
    await page.goto(f"/care/{site.location_id}/appointments?day={day}")
    await expect(page.get_by_role("link", name=f"{person['last_name']}, Ana")).to_be_visible()
    await assert_accessible(page)
    await page.context.clear_cookies()

    await page.goto(booked_page)
    await page.get_by_role("button", name="Cancelar esta cita").click()
    # asked first, on a page of its own (the confirmation's words: the catalogue's)
    await expect(page.get_by_role("alert")).to_be_visible()
    await assert_accessible(page)
    await expect(page.get_by_role("link", name="No, mantener mi cita")).to_be_visible()
    await page.get_by_role("button", name="Sí, cancelar mi cita").click()
    await expect(page.get_by_role("status")).to_contain_text("Su cita está cancelada")

    await log_in(page, site.emails[Role.LOCATION_MANAGER])
    await page.goto(f"/care/{site.location_id}/reports")
    await expect(page.get_by_role("heading", name="Doses by product and lot")).to_be_visible()
    await assert_accessible(page)
    await page.goto(f"/care/{site.location_id}?name={person['last_name'][:6]}")
    await expect(page.get_by_role("link", name=f"{person['last_name']}, Ana")).to_be_visible()
    await assert_accessible(page)


async def the_language_switch_keeps_the_page_margin(page) -> None:
    """At a phone's width the header's language link starts where the title does, never at
    the screen's edge."""
    before = page.viewport_size
    await page.set_viewport_size({"width": PHONE, "height": 900})
    link = page.get_by_role("link", name="English")
    title = await page.locator(".usa-logo").bounding_box()
    box = await link.bounding_box()
    assert box["x"] >= 8 and box["x"] == title["x"], (box, title)
    assert box["x"] + box["width"] <= PHONE - 8, box
    await page.set_viewport_size(before)
