"""The profile's tabs open the active location's pages: the point of care's, and for Shipments
the inventory's "Receive a shipment" with the transfers in and out (it was a placeholder page
saying it was being built: a dead end, found by the outside check)."""

from tests.support.inventory import enrolled_sites
from tests.support.review import reviewer


async def test_each_tab_opens_the_active_locations_page(system):
    sites = await enrolled_sites(system, ["Tab Clinic"], redistribution=False,
                                 state=await reviewer(system))
    (clinic,) = sites.ids
    manager = sites.staff[clinic]
    for tab, target in (("recipients", f"/care/{clinic}"),
                        ("appointments", f"/care/{clinic}/appointments"),
                        ("reports", f"/care/{clinic}/reports"),
                        ("shipments", f"/inventory/{clinic}#receive")):
        opened = await manager.get(f"/portal/tabs/{tab}")
        assert opened.status_code in (302, 303) and opened.headers["location"] == target, tab
        page = await manager.get(target.partition("#")[0])
        assert page.status_code == 200, (tab, page.text[:200])
        if tab == "shipments":
            assert 'id="receive"' in page.text and "Transfers in and out" in page.text
    assert (await manager.get("/portal/tabs/nonsense")).status_code == 404
