"""An expired lot's expiration date corrected to a day not passed makes its doses usable again
(given, moved): found by the check of inventory, it was done like any typing correction, with
nothing asked. It is now done only when the person confirms the label (or the manufacturer's
extension) says so, and the ledger entry says the lot had expired, with both dates, the reason
and who; a correction of a lot not expired is as before."""

import uuid
from datetime import timedelta

from models.base import utcnow
from models.care_rules import local_today
from models.enums import Role
from tests.support.care import stock, vaccinating_site
from tests.support.web import browser


async def test_an_expired_lot_made_usable_again_is_confirmed_and_ledgered(system):
    site = await vaccinating_site(system)
    today = local_today(utcnow())
    lot = await stock(system, site, "207", "REVIVE-1", 12, expires=today + timedelta(days=30))
    url = f"/api/v1/locations/{site.location_id}/inventory/lots/{lot}/expiration"

    async def correct(to, **more):
        return await site.manager.put(url, json={
            "expiration_date": str(to), "reason": "The vials' label", **more,
            "request_key": uuid.uuid4().hex})

    earlier = await correct(today - timedelta(days=1))  # not usable any more: nothing asked
    assert earlier.status_code == 200, earlier.text
    asked = await correct(today + timedelta(days=60))
    assert asked.status_code == 422, asked.text
    said = asked.json()["errors"]["confirmed"]
    assert "expired on" in said and "12 doses can be given and moved again" in said, said
    stock_now = (await site.manager.get(f"/api/v1/locations/{site.location_id}/inventory")).json()
    assert lot in [x["id"] for x in stock_now["expired"]], "nothing changed"
    done = await correct(today + timedelta(days=60), confirmed=True)
    assert done.status_code == 200, done.text
    assert "(expired) corrected to" in done.json()["reason"], done.json()
    stock_now = (await site.manager.get(f"/api/v1/locations/{site.location_id}/inventory")).json()
    assert lot in [x["id"] for x in stock_now["usable"]]
    # a lot not expired is corrected as before, with nothing asked
    assert (await correct(today + timedelta(days=90))).status_code == 200

    # the page asks with a box, keeping what was typed, and the tick does it
    assert (await correct(today - timedelta(days=2))).status_code == 200
    person = browser(system)
    await person.login(site.emails[Role.LOCATION_MANAGER])
    page = f"/inventory/{site.location_id}"
    form = {"lot_id": str(lot), "expiration_date": str(today + timedelta(days=45)),
            "reason": "Manufacturer extended lot REVIVE-1", "request_key": uuid.uuid4().hex}
    refused = await person.submit(page, form, action=f"{page}/expiry")
    assert refused.status_code == 422, refused.text
    assert 'id="expiry-confirmed-error"' in refused.text and 'id="expiry-confirmed"' in \
        refused.text
    assert "Manufacturer extended lot REVIVE-1" in refused.text, "what was typed is kept"
    saved = await person.submit(page, {**form, "confirmed": "true"}, action=f"{page}/expiry")
    assert saved.status_code == 200, saved.text
    assert "corrected to" in saved.text and "(expired) corrected to" in saved.text
