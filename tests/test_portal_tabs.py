"""The profile's tabs open the active location's pages where they are built (point of care),
and show what will live there where not (Shipments)."""

from tests.support.inventory import enrolled_sites
from tests.support.review import reviewer


async def test_each_tab_opens_the_active_locations_page(system):
    sites = await enrolled_sites(system, ["Tab Clinic"], redistribution=False,
                                 state=await reviewer(system))
    (clinic,) = sites.ids
    manager = sites.staff[clinic]
    for tab, target in (("recipients", f"/care/{clinic}"),
                        ("appointments", f"/care/{clinic}/appointments"),
                        ("reports", f"/care/{clinic}/reports")):
        opened = await manager.get(f"/portal/tabs/{tab}")
        assert opened.status_code in (302, 303) and opened.headers["location"] == target, tab
        page = await manager.get(target)
        assert page.status_code == 200, (tab, page.text[:200])
    shipments = await manager.get("/portal/tabs/shipments")
    assert shipments.status_code == 200 and "Shipments" in shipments.text
    assert (await manager.get("/portal/tabs/nonsense")).status_code == 404
