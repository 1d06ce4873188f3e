"""A person's point-of-care page after dose 1 of a two-dose vaccine says when dose 2 is due,
as their Recipient Portal and the staff booking page do: it said nothing, so staff seeing them
back learnt it only from the booking page or from the save's refusal (found by the outside
check of the recipient's journey)."""

from datetime import timedelta

import pytest
from playwright.async_api import expect

from core.timefmt import day
from models.base import utcnow
from models.care_rules import local_today
from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.care import give, stock, vaccinating_site, walk_in
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_the_care_page_says_when_the_next_dose_is_due(page, system):
    site = await vaccinating_site(system)
    lot_id = await stock(system, site, "207", "MOD-NEXT", doses=5)  # Moderna: 2 doses, 28 days
    someone = await walk_in(site)
    first = local_today(utcnow()) - timedelta(days=3)
    assert (await give(site, someone["id"], lot_id, on=first)).status_code == 201
    await log_in(page, site.emails[Role.PROVIDER])
    await page.goto(f"/care/{site.location_id}/recipients/{someone['id']}")
    await expect(page.locator("#next-dose")).to_have_text(
        f"Dose 2 is due from {day(first + timedelta(days=28))}.")
    await assert_accessible(page)
