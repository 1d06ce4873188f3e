"""What the outside check of the provider side found in a real browser."""

import uuid

import pytest

from models.base import utcnow
from models.care_rules import local_today
from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.care import stock, vaccinating_site, walk_in
from tests.test_browser_enrollment import log_in

pytestmark = pytest.mark.browser


async def test_long_unbroken_text_in_the_ledger_and_the_doses_does_not_widen_the_page(
        page, system):
    """Found by the outside check: a wastage reason typed as one 500-letter word made the
    inventory page scroll sideways by thousands of pixels at a desktop's width (the ledger's
    "Why"), and a 160-letter administering provider the recipient's page (the doses' "Given
    by"): text people type breaks anywhere in those cells, as a case's subject does."""
    site = await vaccinating_site(system)
    lot = await stock(system, site, "207", f"LW-{uuid.uuid4().hex[:6].upper()}")
    wasted = await site.manager.post(
        f"/api/v1/locations/{site.location_id}/inventory/lots/{lot}/adjustments", json={
            "kind": "wastage", "doses": 1, "reason": "W" * 500, "request_key": uuid.uuid4().hex})
    assert wasted.status_code == 201, wasted.text
    someone = await walk_in(site)
    given = await site.provider.post(f"{site.care}/administrations", json={
        "recipient_id": someone["id"], "lot_id": lot, "dose_number": 1,
        "administered_on": str(local_today(utcnow())), "site": "LD", "route": "IM",
        "provider_name": "P" * 160, "request_key": uuid.uuid4().hex})
    assert given.status_code == 201, given.text
    await log_in(page, site.emails[Role.LOCATION_MANAGER])
    await page.goto(f"/inventory/{site.location_id}")
    await assert_accessible(page)  # nothing scrolls sideways, at a desktop's and a phone's width
    await page.goto(f"/care/{site.location_id}/recipients/{someone['id']}")
    await assert_accessible(page)
