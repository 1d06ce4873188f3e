"""Account management's rules from the outside check of portal accounts: who may change who a
person is, invitations that follow a corrected address, deactivation that asks first and can be
undone, the primary coordinator, and searches that reach every match."""

import pytest

from tests.support.inventory import enrolled_sites
from tests.support.portal import also_manages, invite
from tests.support.review import reviewer
from tests.support.web import browser, unique_email


@pytest.fixture(scope="module")
async def sites(system):
    """Two approved locations of one organization, each with its coordinator as manager."""
    return await enrolled_sites(system, ["Rule East", "Rule West"], False, await reviewer(system))


async def own_id(client) -> int:
    return (await client.get("/api/v1/me")).json()["id"]


async def holdings(client) -> dict[int, str]:
    mine = (await client.get("/api/v1/portal/me")).json()
    return {h["location_id"]: h["profile"] for h in mine["locations"]}


async def test_only_a_manager_of_the_direct_location_changes_who_a_person_is(system, sites):
    """A manager of another of the person's locations took over their login (email, then a
    password reset) and with it the manager rights at the person's direct location."""
    east, west = sites.ids
    east_manager, west_manager = sites.staff[east], sites.staff[west]
    await also_manages(system, await own_id(east_manager), west)
    person = await invite(system, east_manager, east, "location_manager", "Wanda")
    granted = await east_manager.post(f"/api/v1/portal/users/{person['id']}/locations",
                                      json={"location_id": west, "profile": "provider"})
    assert granted.status_code == 204, granted.text
    for field, value in (("email", unique_email("evil")), ("username", "wanda.evil"),
                         ("first_name", "Changed"), ("last_name", "Changed"),
                         ("title", "Boss"), ("phone", "919-555-0100")):
        refused = await west_manager.patch(f"/api/v1/portal/users/{person['id']}",
                                           json={field: value})
        assert refused.status_code == 403, (field, refused.text)
        assert "direct location" in refused.json()["errors"][field]
    record = (await east_manager.get(f"/api/v1/portal/users/{person['id']}")).json()
    assert (record["email"], record["first_name"]) == (person["email"], "Wanda")
    # the profile at the west location is the west manager's to change
    mine = await west_manager.patch(f"/api/v1/portal/users/{person['id']}",
                                    json={"profile": "provider_readonly"})
    assert mine.status_code == 200, mine.text
    assert await holdings(person["client"]) == {east: "location_manager",
                                                west: "provider_readonly"}

    page = browser(system)
    await page.login(sites.emails[west])
    shown = await page.get(f"/portal/accounts/{person['id']}")
    assert 'name="email"' not in shown.text and 'name="username"' not in shown.text
    assert 'name="profile"' in shown.text
    answer = await page.submit(f"/portal/accounts/{person['id']}",
                               {"email": unique_email("evil"), "profile": "provider"},
                               action=f"/portal/accounts/{person['id']}/edit")
    assert answer.status_code == 403 and "direct location" in answer.text
