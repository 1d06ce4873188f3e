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


async def test_a_coordinator_whose_location_is_approved_is_told_what_they_can_do_now(system):
    """Found by the outside check: after approval the coordinator's home page still said "You
    are signed in as Primary Vaccine Coordinator … Complete Section B for your location(s)".
    Before approval it asks for Section B (no "(s)"); once approved it says so and leads to
    what they do now: recipients, appointments, point of care, inventory and reports."""
    import re

    from tests.support.enrollment import complete_location, start_enrollment
    from tests.support.review import decide, sign_until, wait_for_status

    state = await reviewer(system)
    enrollment = await start_enrollment(system, ["Home Clinic"], redistribution=False)
    ((email, clinic),) = enrollment.locations.items()
    coordinator = await complete_location(system, email, clinic)
    home = (await coordinator.get("/")).text
    assert "(s)" not in home and "Complete Section B for your location." in home
    await sign_until(system, enrollment, [clinic])
    assert (await decide(state, clinic, "approve")).status_code == 200
    await wait_for_status(system, clinic, "approved")
    home = (await coordinator.get("/")).text
    text = re.sub(r"<[^>]+>", " ", home)
    assert "(s)" not in home and "Complete Section B" not in home
    assert re.search(r"Home Clinic\s+is approved", text), text
    for link in ("/recipients", f"/care/{clinic}", f"/care/{clinic}/appointments",
                 "/inventory", f"/care/{clinic}/reports"):
        assert f'href="{link}"' in home, link
