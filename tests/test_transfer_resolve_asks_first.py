"""The state's resolution of a flagged shipment, on the transfer's page."""

import html

from models.inventory import Transfer
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


async def test_resolving_a_flagged_shipment_on_its_page_asks_first(system):
    """'Resolve: it was received' and 'Resolve: returned to the sender', side by side, each
    moved the doses at one click with no way back: a slip of the mouse put them in the wrong
    site's inventory. The page now asks first, as Cancel does, saying where the doses go;
    only "Yes" resolves it."""
    state = await reviewer(system)
    sites = await enrolled_sites(system, ["Resolve North", "Resolve South"],
                                 redistribution=False, state=state)
    north, south = sites.ids
    sender = sites.staff[north]
    await receive(sender, north, await product_id(system), "FLAG-1", 10)
    transfer = (await request_transfer(sender, north, south,
                                       await lot_id(sender, north, "FLAG-1"), 4)).json()
    url = f"/api/v1/transfers/{transfer['id']}"
    assert (await state.post(f"{url}/decision", json={"decision": "approve"})).status_code == 200
    await transfer_status(sender, transfer["id"], "approved")
    assert (await sender.post(f"{url}/ship")).status_code == 200
    await transfer_status(sender, transfer["id"], "shipped")
    async with system.sessions() as session:  # as the process flags it 5 days on
        late = await session.get(Transfer, transfer["id"])
        late.flagged = True
        session.add(late)
        await session.commit()

    person = browser(system)
    await person.login((await state.get("/api/v1/me")).json()["email"])
    page = f"/transfers/{transfer['id']}"
    asked = await person.submit(page, {"outcome": "returned"}, action=f"{page}/resolve")
    assert asked.status_code == 200, asked.status_code
    text = html.unescape(asked.text)
    assert (f"Resolve transfer {transfer['number']} as returned to the sender? Its 4 doses go "
            f"back into Resolve North's inventory.") in text, text
    assert "Yes, returned to the sender" in text and "No, go back" in text
    assert (await sender.get(url)).json()["status"] == "shipped"  # nothing done yet
    assert await on_hand(sender, north, "FLAG-1") == 6

    done = await person.submit(page, {"outcome": "returned", "confirm": "yes"},
                               action=f"{page}/resolve")
    assert done.status_code == 200, done.status_code
    await transfer_status(sender, transfer["id"], "returned")
    assert await on_hand(sender, north, "FLAG-1") == 10
    await person.http.aclose()
