"""An organization search tells a Location Manager that another location manages an
organization, never which one (the outside check's: the answer carried that location's id).
The location that manages it and state staff see it. One nobody manages yet (state staff made
it) is not said to be another location's."""

from api.domain.state_lists import pin
from models.enrollment import Location
from models.enums import Role
from tests.support.accounts import make_user
from tests.support.recipients import location_manager, manager_api, tag
from tests.support.web import api_client, browser
from tests.test_employers import ADDRESS


async def test_a_manager_searching_finds_another_locations_organization_without_its_location(
        system):
    word = tag()
    a, b = await location_manager(system, f"Alder {word} Clinic"), \
        await location_manager(system, f"Birch {word} Clinic")
    a_api, b_api = await manager_api(system, a), await manager_api(system, b)
    name = f"Copper Works {word}"
    made = await b_api.post("/api/v1/employers", json={"name": name, **ADDRESS})
    assert made.status_code == 201, made.text
    assert made.json()["location_id"] == b.location_id

    found = await a_api.get("/api/v1/employers", params={"q": name})
    assert found.status_code == 200, found.text
    [item] = found.json()["items"]
    assert item["name"] == name and item["city"] == "Durham" and item["managed"] is False
    assert item["location_id"] is None and item["location_name"] is None
    assert f"Birch {word}" not in found.text
    page = browser(system)
    await page.login(a.email)
    listed = (await page.get(f"/portal/organizations?q={name}")).text
    assert name in listed and "Managed by another location" in listed
    assert f"Birch {word}" not in listed and pin(b.location_id) not in listed

    own = (await b_api.get("/api/v1/employers", params={"q": name})).json()["items"]
    assert [(e["managed"], e["location_id"]) for e in own] == [(True, b.location_id)]
    staff = await make_user(system, Role.REVIEWER)
    state = await api_client(system, staff.email)
    seen = (await state.get("/api/v1/employers", params={"q": name})).json()["items"]
    assert [(e["managed"], e["location_id"]) for e in seen] == [(True, b.location_id)]
    async with system.sessions() as session:  # the test's premise: two locations, two names
        assert (await session.get(Location, b.location_id)).name == f"Birch {word} Clinic"


async def test_a_manager_searching_finds_an_organization_no_location_serves_yet(system):
    word = tag()
    manager = await location_manager(system, f"Cedar {word} Clinic")
    state = await api_client(system, (await make_user(system, Role.REVIEWER)).email)
    name = f"Tin Works {word}"
    made = await state.post("/api/v1/employers", json={"name": name, **ADDRESS})
    assert made.status_code == 201 and made.json()["location_id"] is None, made.text
    page = browser(system)
    await page.login(manager.email)
    listed = (await page.get(f"/portal/organizations?q={name}")).text
    assert name in listed and "Managed by another location" not in listed
    assert "No vaccinating location serves it yet" in listed
    assert f'href="/portal/organizations/{made.json()["id"]}"' not in listed
