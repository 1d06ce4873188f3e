"""Account management on the dev server: invitations, profiles, several locations, scope,
deactivation and search - through the API, with the emails a person would get."""

import asyncio

import pytest

from models.accounts import User
from models.enums import AccountStatus
from tests.support.inventory import enrolled_sites
from tests.support.portal import INVITATION, also_manages, invite
from tests.support.recipients import location_manager
from tests.support.review import reviewer
from tests.support.web import browser, unique_email


@pytest.fixture(scope="module")
async def sites(system):
    state = await reviewer(system)
    return await enrolled_sites(system, ["Acct North", "Acct South"], redistribution=False,
                                state=state)


async def me(client) -> dict:
    return (await client.get("/api/v1/portal/me")).json()


async def test_approval_makes_the_coordinator_the_first_location_manager(sites):
    north, _south = sites.ids
    mine = await me(sites.staff[north])
    assert mine["profile"] == "location_manager"
    assert [h["location_id"] for h in mine["locations"]] == [north]


async def test_each_profile_may_do_what_it_holds_and_read_only_changes_nothing(system, sites):
    north, _south = sites.ids
    manager = sites.staff[north]
    provider = (await invite(system, manager, north, "provider"))["client"]
    readonly = (await invite(system, manager, north, "provider_readonly"))["client"]
    assert (await me(provider))["profile"] == "provider"
    receipt = {"product_id": 1, "lot_number": "RO-1", "doses": 5, "request_key": "k" * 12,
               "expiration_date": "2099-01-01"}
    for client in (provider, readonly):
        assert (await client.get(f"/api/v1/locations/{north}/inventory")).status_code == 403
        refused = await client.post(f"/api/v1/locations/{north}/inventory/receipts",
                                    json=receipt)
        assert refused.status_code == 403, refused.text
        assert (await client.post("/api/v1/portal/users", json={})).status_code == 403
    assert (await manager.get(f"/api/v1/locations/{north}/inventory")).status_code == 200


async def test_a_changed_profile_holds_at_the_next_request(system, sites):
    north, _south = sites.ids
    manager = sites.staff[north]
    person = await invite(system, manager, north, "provider", "Quinn")
    client = person["client"]
    assert (await client.get(f"/api/v1/locations/{north}/inventory")).status_code == 403
    edited = await manager.patch(f"/api/v1/portal/users/{person['id']}",
                                 json={"profile": "location_manager"})
    assert edited.status_code == 200, edited.text
    assert (await client.get(f"/api/v1/locations/{north}/inventory")).status_code == 200


async def test_two_locations_switch_and_removal_holds_at_the_next_request(system, sites):
    north, south = sites.ids
    manager = sites.staff[north]
    await also_manages(system, (await manager.get("/api/v1/me")).json()["id"], south)
    person = await invite(system, manager, north, "location_manager", "Robin")
    client = person["client"]
    granted = await manager.post(f"/api/v1/portal/users/{person['id']}/locations",
                                 json={"location_id": south})
    assert granted.status_code == 204, granted.text
    assert {h["location_id"] for h in (await me(client))["locations"]} == {north, south}
    switched = await client.put("/api/v1/portal/active-location", json={"location_id": south})
    assert switched.status_code == 204
    assert (await me(client))["active_location_id"] == south
    for site in (north, south):
        assert (await client.get(f"/api/v1/locations/{site}/inventory")).status_code == 200
    removed = await manager.delete(f"/api/v1/portal/users/{person['id']}/locations/{south}")
    assert removed.status_code == 204, removed.text
    assert (await client.get(f"/api/v1/locations/{south}/inventory")).status_code == 404
    assert (await me(client))["active_location_id"] == north


async def test_a_manager_grants_only_their_locations_and_deactivates_only_their_staff(
        system, sites):
    north, south = sites.ids
    north_manager, south_manager = sites.staff[north], sites.staff[south]
    person = await invite(system, south_manager, south, "provider", "Sam")
    refused = await south_manager.post(f"/api/v1/portal/users/{person['id']}/locations",
                                       json={"location_id": north})
    assert refused.status_code == 403 and refused.json()["errors"]["location_id"]
    # Someone whose direct location is north, also working at south:
    shared = await invite(system, north_manager, north, "provider", "Lee")
    await also_manages(system, (await north_manager.get("/api/v1/me")).json()["id"], south)
    assert (await north_manager.post(f"/api/v1/portal/users/{shared['id']}/locations",
                                     json={"location_id": south})).status_code == 204
    not_theirs = await south_manager.post(f"/api/v1/portal/users/{shared['id']}/deactivate")
    assert not_theirs.status_code == 403, not_theirs.text
    assert (await me(shared["client"]))["profile"] == "provider"
    done = await north_manager.post(f"/api/v1/portal/users/{shared['id']}/deactivate")
    assert done.status_code == 204, done.text
    assert (await shared["client"].get("/api/v1/portal/me")).status_code == 401


async def test_search_by_name_or_username_with_three_characters(system, sites):
    north, _south = sites.ids
    manager = sites.staff[north]
    person = await invite(system, manager, north, "provider", "Zephyrine")
    short = await manager.get("/api/v1/portal/users", params={"name": "Ze"})
    assert short.status_code == 422 and "3 characters" in short.json()["errors"]["name"]
    by_name = await manager.get("/api/v1/portal/users", params={"name": "zephyr"})
    assert [p["id"] for p in by_name.json()["items"]] == [person["id"]]
    by_username = await manager.get("/api/v1/portal/users",
                                    params={"username": person["username"]})
    assert [p["id"] for p in by_username.json()["items"]] == [person["id"]]
    both = await manager.get("/api/v1/portal/users",
                             params={"name": "zephyr", "username": person["username"]})
    assert both.status_code == 422 and "not both" in both.json()["errors"]["username"]
    # found by the outside check: the surname first, as lists and forms write it, found nobody
    for typed in ("Tester Zephyrine", "tester, zephyrine", "Tester,Zephyr"):
        surname_first = await manager.get("/api/v1/portal/users", params={"name": typed})
        assert person["id"] in [p["id"] for p in surname_first.json()["items"]], typed
    commas = await manager.get("/api/v1/portal/users", params={"name": ",,,"})
    assert commas.status_code == 422, "no letters: not a search that lists everyone"



async def deactivated_in_database(system, user_id_: int) -> None:
    """Setup only: a location whose other manager has left."""
    async with system.sessions() as session:
        user = await session.get(User, user_id_)
        user.status = AccountStatus.DEACTIVATED
        session.add(user)
        await session.commit()


async def sole_manager_elsewhere(system, user_id_: int) -> int:
    """Setup only: a second location where this person is the only active manager."""
    other = await location_manager(system)
    await also_manages(system, user_id_, other.location_id)
    await deactivated_in_database(system, other.user_id)
    return other.location_id


async def test_a_location_always_keeps_an_active_location_manager(system):
    state = await reviewer(system)
    lone = (await enrolled_sites(system, ["Acct Lone"], redistribution=False, state=state))
    (location,) = lone.ids
    manager = lone.staff[location]
    own_id = (await manager.get("/api/v1/me")).json()["id"]
    demoted = await manager.patch(f"/api/v1/portal/users/{own_id}",
                                  json={"profile": "provider_readonly"})
    assert demoted.status_code == 409, demoted.text
    assert "only Healthcare Location Manager of Acct Lone" in demoted.json()["errors"]["profile"]
    assert "Make someone else a Location Manager" in demoted.json()["errors"]["profile"]
    assert (await me(manager))["profile"] == "location_manager"

    page = browser(system)
    await page.login(lone.emails[location])
    answer = await page.submit(f"/portal/accounts/{own_id}", {
        "first_name": "Kept", "last_name": "Typed", "profile": "provider"},
        action=f"/portal/accounts/{own_id}/edit")
    assert answer.status_code == 409 and "Make someone else a Location Manager" in answer.text
    assert 'value="Kept"' in answer.text, "the page keeps what was typed"
    # a coordinator has no username: the page says how they log in (it said "Username none")
    assert "Username <strong>none" not in answer.text
    assert "Logs in with their email address" in answer.text

    elsewhere = await sole_manager_elsewhere(system, own_id)
    removed = await manager.delete(f"/api/v1/portal/users/{own_id}/locations/{elsewhere}")
    assert removed.status_code == 409 and "only Healthcare Location Manager" in removed.json()[
        "errors"]["location_id"]
    answer = await page.submit(f"/portal/accounts/{own_id}", {"location_id": str(elsewhere)},
                               action=f"/portal/accounts/{own_id}/remove")
    assert answer.status_code == 409 and "Make someone else a Location Manager" in answer.text

    colleague = await invite(system, manager, location, "provider", "Morgan")
    await sole_manager_elsewhere(system, colleague["id"])
    refused = await manager.post(f"/api/v1/portal/users/{colleague['id']}/deactivate")
    assert refused.status_code == 409 and "Morgan Tester is the only" in refused.text
    assert (await me(colleague["client"]))["profile"] == "provider"
    deputy = await invite(system, manager, location, "location_manager", "Dana")
    demoted = await manager.patch(f"/api/v1/portal/users/{deputy['id']}",
                                  json={"profile": "provider"})
    assert demoted.status_code == 200, "a manager who is not the last may change"


async def test_a_contact_sent_twice_at_once_is_added_once_and_the_second_says_where(
        system, sites):
    """Found by the outside check: "Save and send the invitation" pressed twice made the
    account once, but the second answer - the one the browser shows - was a bare error page,
    "This conflicts with a record that already exists (perhaps a repeated click)", with what
    was typed gone. It now waits for the first and says, next to the email address, that the
    person has an account at your locations, with their record."""
    north, _south = sites.ids
    manager = sites.staff[north]
    email = unique_email("twice")
    body = {"first_name": "Twyla", "last_name": "Twice", "email": email, "location_id": north,
            "profile": "provider", "username": f"twyla.{email[6:12]}"}
    answers = await asyncio.gather(*(manager.post("/api/v1/portal/users", json=body)
                                     for _ in range(3)))
    assert sorted(a.status_code for a in answers) == [201, 409, 409], [a.text for a in answers]
    for refused in (a for a in answers if a.status_code == 409):
        assert "already has an account" in refused.json()["errors"]["email"], refused.text
    await system.smtp.one(to=email, subject=INVITATION)
