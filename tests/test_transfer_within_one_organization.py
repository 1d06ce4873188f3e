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
    lot = await lot_id(held.sender, held.source, "ONE-1")
    asked = await request_transfer(held.sender, held.source, held.target, lot, 5)
    assert asked.status_code == 201, asked.text
    page = await state.get(f"/transfers/{asked.json()['id']}")
    assert page.status_code == 200
    assert SAID in page.text and 'id="one-organization"' in page.text, page.text
    assert "may not redistribute" in (await held.sender.get(
        f"/transfers/{asked.json()['id']}")).text
    # an organization that signed it: a transfer between its sites is just that
    signed = await enrolled_sites(system, ["Signed Org North", "Signed Org South"],
                                  redistribution=True, state=state)
    (source, sender), (target, _) = signed.staff.items()
    assert (await receive(sender, source, await product_id(system), "ONE-2", 20)
            ).status_code == 201
    other = await request_transfer(sender, source, target, await lot_id(sender, source, "ONE-2"),
                                   5)
    assert other.status_code == 201, other.text
    page = await state.get(f"/transfers/{other.json()['id']}")
    assert page.status_code == 200 and SAID not in page.text
