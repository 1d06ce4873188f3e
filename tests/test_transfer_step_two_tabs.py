"""A site's step pressed in two tabs at the same instant (found by the emails' outside check):
both passed the page's 'done already?' reading, the transfer's process took one and the other
tab read 'Not done: This transfer is shipped, in transit: it cannot be shipped.', as if
something had failed. It now says, as a press from a stale tab does, that the transfer was
already shipped, by whom and when: nothing more to do. One shipment, one email each."""

import asyncio
import html

import pytest

from tests.support.inventory import enrolled_sites, lot_id, product_id, receive, request_transfer
from tests.support.review import reviewer
from tests.support.web import CSRF, browser


@pytest.fixture(scope="module")
async def pair(system):
    state = await reviewer(system)
    return state, await enrolled_sites(system, ["Tabs One", "Tabs Two"], redistribution=False,
                                       state=state)


async def test_ship_pressed_in_two_tabs_at_once_says_it_was_shipped_already(system, pair):
    state, sites = pair
    sender, receiver = sites.ids
    staff = sites.staff[sender]
    await receive(staff, sender, await product_id(system), "TABS-1", 20)
    transfer = (await request_transfer(staff, sender, receiver,
                                       await lot_id(staff, sender, "TABS-1"), 5)).json()
    url = f"/api/v1/transfers/{transfer['id']}"
    assert (await state.post(f"{url}/decision", json={"decision": "approve"})).status_code == 200
    page = browser(system)
    await page.login(sites.emails[sender])
    path = f"/transfers/{transfer['id']}"
    tabs = [CSRF.search((await page.get(path)).text)[1] for _ in range(2)]
    sends = await asyncio.gather(*(page.http.post(f"{path}/ship", data={"csrf_token": token})
                                   for token in tabs))
    await page.http.aclose()
    shown = [html.unescape(s.text) for s in sends]
    assert all("cannot be shipped" not in t for t in shown), [
        t[t.find("usa-alert"):][:500] for t in shown]
    assert any(f"{transfer['number']} was already shipped by " in t and
               "nothing more to do" in t for t in shown), [
        t[t.find("usa-alert"):][:500] for t in shown]
    number = transfer["number"]
    await system.smtp.wait_for(to=sites.emails[receiver], subject=f"{number} was shipped")
    await asyncio.sleep(1.5)
    assert len(system.smtp.find(to=sites.emails[receiver], subject=f"{number} was shipped")) == 1
