"""Left alone by an outside check of inventory: a shipment received with a lot number the site
already holds under another product was taken without a word. Lot numbers are the
manufacturer's, so the same number under two products is nearly always the wrong product
chosen, and every dose given from that lot would then be recorded (and proved, and reported)
as the wrong vaccine. The page asks first, naming the product the lot is held as; a tick says
it is right; the API's caller, which owns its request keys, is not asked."""

import html
import re
import uuid
from datetime import timedelta

from sqlmodel import select

from models.base import utcnow
from models.care_rules import local_today
from models.enums import Role
from models.inventory import Lot
from tests.support.care import product, stock, vaccinating_site
from tests.support.web import browser


async def test_a_lot_number_held_as_another_product_is_asked_about_first(system):
    site = await vaccinating_site(system)
    number = f"TWIN-{uuid.uuid4().hex[:6].upper()}"
    await stock(system, site, "207", number)  # Moderna
    pfizer = await product(system, "208")
    manager = browser(system)
    await manager.login(site.emails[Role.LOCATION_MANAGER])
    here = f"/inventory/{site.location_id}"
    typed = {"product_id": str(pfizer.id), "lot_number": number.lower(),
             "expiration_date": str(local_today(utcnow()) + timedelta(days=90)), "doses": "30",
             "request_key": uuid.uuid4().hex}
    asked = await manager.submit(here, typed, action=f"{here}/receive")
    assert asked.status_code == 422
    said = html.unescape(asked.text)
    assert re.search(rf'id="receive-other_product-error"[^>]*>\s*Lot {number} is held here '
                     rf'already as Moderna COVID-19 Vaccine: check the product chosen\.', said), said
    assert 'name="other_product"' in said and f'value="{number.lower()}"' in said
    async with system.sessions() as session:
        held = (await session.exec(select(Lot).where(Lot.lot_number == number))).all()
    assert len(held) == 1 and held[0].product_id != pfizer.id, "nothing received yet"
    # ticked, and then asked about the same shipment recorded moments ago: the tick is kept
    done = await manager.submit(here, {**typed, "other_product": "true"},
                                action=f"{here}/receive")
    assert done.status_code == 200 and "Received 30 doses." in done.text
    again = await manager.submit(here, {**typed, "other_product": "true",
                                        "request_key": uuid.uuid4().hex},
                                 action=f"{here}/receive")
    assert again.status_code == 422 and 'name="confirmed"' in again.text
    assert re.search(r'<input type="hidden" name="other_product" value="true">', again.text)
    async with system.sessions() as session:
        held = (await session.exec(select(Lot).where(Lot.lot_number == number))).all()
    assert sorted(lot.on_hand for lot in held) == [10, 30]
    api = await site.manager.post(
        f"/api/v1/locations/{site.location_id}/inventory/receipts", json={
            "product_id": pfizer.id, "lot_number": number, "doses": 5,
            "request_key": uuid.uuid4().hex, "expiration_date": typed["expiration_date"]})
    assert api.status_code == 201, api.text
