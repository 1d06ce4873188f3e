"""What an outside check of a transfer's page found when it moves a single dose."""

import html

import pytest

from tests.support.inventory import enrolled_sites, lot_id, product_id, receive, request_transfer
from tests.support.review import reviewer
from tests.support.web import browser


@pytest.fixture(scope="module")
async def world(system):
    state = await reviewer(system)
    sites = await enrolled_sites(system, ["Single North", "Single South"],
                                 redistribution=False, state=state)
    return state, sites


async def test_cancelling_a_one_dose_transfer_asks_about_one_dose(system, world):
    """Cancel on a transfer of one dose asked "Cancel transfer TR... of 1 doses to ...?"."""
    _state, sites = world
    north, south = sites.ids
    sender = sites.staff[north]
    await receive(sender, north, await product_id(system), "ONE-1", 5)
    transfer = (await request_transfer(sender, north, south,
                                       await lot_id(sender, north, "ONE-1"), 1)).json()
    person = browser(system)
    await person.login(sites.emails[north])
    page = f"/transfers/{transfer['id']}"
    asked = await person.submit(page, {}, action=f"{page}/cancel")
    assert asked.status_code == 200, asked.status_code
    text = html.unescape(asked.text)
    assert f"Cancel transfer {transfer['number']} of 1 dose to Single South?" in text, text
    await person.http.aclose()
