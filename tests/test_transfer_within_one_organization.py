"""A plain transfer between two sites of one organization that has not signed the Supplemental
Redistribution Agreement (SPEC §3: a redistribution, same organization, only with it signed). A
transfer stays open between any two enrolled sites (an unplanned move: vaccine at risk of being
wasted must still reach a sister site), but the reviewer who pre-approves it is told the sites
are one organization's and that a planned move between them needs the agreement (found by the
check of transfers: nothing said so, and "transfer" passed for a redistribution unseen)."""

from tests.support.inventory import (
    enrolled_sites,
    lot_id,
    product_id,
    receive,
    request_transfer,
    two_sites_holding,
)
from tests.support.review import reviewer

SAID = "needs that agreement: deny a planned one"


async def test_a_transfer_within_an_organization_that_may_not_redistribute_is_said(system):
    state = await reviewer(system)
    held = await two_sites_holding(system, ["One Org North", "One Org South"], "ONE-1", 20,
                                   state)
    asked = await held.requested("ONE-1", 5)
    page = await state.get(f"/transfers/{asked['id']}")
    assert page.status_code == 200
    assert SAID in page.text and 'id="one-organization"' in page.text, page.text
    assert "may not redistribute" in (await held.sender.get(f"/transfers/{asked['id']}")).text
    # an organization that signed it: a transfer between its sites is just that
    signed = await enrolled_sites(system, ["Signed Org North", "Signed Org South"],
                                  redistribution=True, state=state)
    (source, sender), (target, _) = signed.staff.items()
    assert (await receive(sender, source, await product_id(system), "ONE-2", 20)
            ).status_code == 201
    other = await request_transfer(sender, source, target, await lot_id(sender, source, "ONE-2"),
                                   5)
    assert other.status_code == 201, other.text
    assert other.json()["one_organization_without_agreement"] is False  # it may redistribute
    page = await state.get(f"/transfers/{other.json()['id']}")
    assert page.status_code == 200 and SAID not in page.text


async def test_the_queue_and_the_api_flag_it_before_the_transfer_is_opened(system):
    """The flag was only on the transfer's own page: the reviewer's queue (page and API) and
    the transfer's API representation now carry it too, so it is seen before opening it."""
    state = await reviewer(system)
    held = await two_sites_holding(system, ["Flag Org North", "Flag Org South"], "FLG-1", 20,
                                   state)
    asked = await held.requested("FLG-1", 5)
    number, transfer_id = asked["number"], asked["id"]
    assert asked["one_organization_without_agreement"] is True
    one = await state.get(f"/api/v1/transfers/{transfer_id}")
    assert one.json()["one_organization_without_agreement"] is True, one.json()
    queue = (await state.get("/api/v1/state/transfers?limit=200")).json()
    (item,) = [t for t in queue["awaiting_decision"] if t["id"] == transfer_id]
    assert item["one_organization_without_agreement"] is True
    page = await state.get(f"/state/transfers?q={number}")
    row = page.text.split(f">{number}</a>")[1].split("</tr>")[0]
    assert "One organization, no redistribution agreement" in row, row
