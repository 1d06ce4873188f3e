"""A box that came in a transfer, entered as a shipment from the distributor."""

import html
import uuid
from datetime import date, timedelta

from tests.support.inventory import (
    enrolled_sites,
    lot_id,
    on_hand,
    product_id,
    receive,
    request_transfer,
    transfer_status,
)
from tests.support.review import reviewer
from tests.support.web import browser


async def test_a_shipment_of_a_lot_shipped_here_in_a_transfer_asks_first(system):
    """The receiving site's manager, the box in hand, went to Shipments and entered its lot
    as a shipment received: accepted without a word, and when the transfer's receipt was
    confirmed too its doses were counted twice. The page now asks first, naming the transfer
    to confirm instead; a tick says it is another shipment (the API's caller is not asked)."""
    state = await reviewer(system)
    sites = await enrolled_sites(system, ["Transit North", "Transit South"],
                                 redistribution=False, state=state)
    north, south = sites.ids
    sender = sites.staff[north]
    product = await product_id(system)
    expires = date.today() + timedelta(days=120)
    await receive(sender, north, product, "TRANSIT-1", 10, expires)
    transfer = (await request_transfer(sender, north, south,
                                       await lot_id(sender, north, "TRANSIT-1"), 4)).json()
    url = f"/api/v1/transfers/{transfer['id']}"
    assert (await state.post(f"{url}/decision", json={"decision": "approve"})).status_code == 200
    await transfer_status(sender, transfer["id"], "approved")
    assert (await sender.post(f"{url}/ship")).status_code == 200
    await transfer_status(sender, transfer["id"], "shipped")

    person = browser(system)
    await person.login(sites.emails[south])
    page = f"/inventory/{south}"
    typed = {"product_id": str(product), "lot_number": "transit-1", "doses": "4",
             "expiration_date": str(expires), "request_key": uuid.uuid4().hex}
    asked = await person.submit(page, typed, action=f"{page}/receive")
    assert asked.status_code == 422, asked.status_code
    text = html.unescape(asked.text)
    assert (f"Lot TRANSIT-1 is on its way here from Transit North in transfer "
            f"{transfer['number']}") in text, text
    assert 'name="in_transit"' in text  # the box to tick
    assert await on_hand(sites.staff[south], south, "TRANSIT-1") == 0

    again = await person.submit(page, {**typed, "in_transit": "true"}, action=f"{page}/receive")
    assert again.status_code == 200 and "Received 4 doses." in again.text, again.status_code
    assert await on_hand(sites.staff[south], south, "TRANSIT-1") == 4
    await person.http.aclose()
