"""Portal accounts and organizations from a third outside check in the browser: a person whose
active location was taken away, a people search past its last page, and a point of contact
named by a second organization."""

import html
import re

import pytest

from models.enums import Role
from tests.support.accounts import make_user
from tests.support.inventory import enrolled_sites
from tests.support.portal import PASSWORD, contact_of_two_employers, invite
from tests.support.recipients import tag
from tests.support.review import reviewer
from tests.support.web import browser, unique_email


@pytest.fixture(scope="module")
async def pair(system):
    return await enrolled_sites(system, ["Moved East", "Moved West"], False,
                                await reviewer(system))


async def working_at_both(system, pair, name: str) -> dict:
    """A Healthcare Provider of the first location who also works at the second."""
    east, west = pair.ids
    person = await invite(system, pair.staff[east], east, "provider", name)
    joined = await pair.staff[west].post("/api/v1/portal/users/join", json={
        "email": person["email"], "location_id": west})
    assert joined.status_code in (200, 201, 204), joined.text
    return person


async def test_a_person_removed_from_their_active_location_is_told_once_where_they_work_now(
        system, pair):
    """Removed by a manager from the location they were working at, a person landed back at
    their direct location on their next page with no word why."""
    east, west = pair.ids
    person = await working_at_both(system, pair, "Rem")
    page = browser(system)
    await page.login(person["username"])
    switched = await page.submit("/portal", {"location_id": str(west)},
                                 action="/portal/active-location")
    assert "You are now working at Moved West" in switched.text
    removed = await pair.staff[west].delete(
        f"/api/v1/portal/users/{person['id']}/locations/{west}")
    assert removed.status_code == 204, removed.text
    told = await page.get("/portal")
    assert told.status_code == 200
    assert "You no longer work at Moved West; you are now working at Moved East." in told.text
    again = await page.get("/portal")
    assert "You no longer work at" not in again.text, "told once"
    back = await page.submit("/portal", {"location_id": str(west)},
                             action="/portal/active-location")
    assert back.status_code == 404, "the location is not theirs to switch to"
    joined = await pair.staff[west].post("/api/v1/portal/users/join", json={
        "email": person["email"], "location_id": west})
    assert joined.status_code in (200, 201, 204), joined.text
    await page.submit("/portal", {"location_id": str(west)}, action="/portal/active-location")
    await pair.staff[west].delete(f"/api/v1/portal/users/{person['id']}/locations/{west}")
    home = await page.get("/")  # a page that sends them on carries the word there
    assert str(home.url).endswith("/portal")
    assert "You no longer work at Moved West; you are now working at Moved East." in home.text
    mine = (await person["client"].get("/api/v1/portal/me")).json()
    assert mine["active_location_id"] == east


async def test_told_on_the_removed_location_s_own_page_the_move_is_not_said_again(
        system, pair):
    """Reloading the page of the location they were removed from (its point of care), a person
    was told on its "not found" page that they now work at their direct location, and told
    again on every page after: the move was undone with that page's refusal."""
    east, west = pair.ids
    person = await working_at_both(system, pair, "Reload")
    page = browser(system)
    await page.login(person["username"])
    await page.submit("/portal", {"location_id": str(west)}, action="/portal/active-location")
    assert (await page.get(f"/care/{west}")).status_code == 200
    removed = await pair.staff[west].delete(
        f"/api/v1/portal/users/{person['id']}/locations/{west}")
    assert removed.status_code == 204, removed.text
    reloaded = await page.get(f"/care/{west}")
    assert reloaded.status_code == 404
    assert "You no longer work at Moved West; you are now working at Moved East." in \
        reloaded.text
    after = await page.get("/portal")
    assert "You no longer work at" not in after.text, "told once"
    assert "Moved East" in after.text


async def test_the_record_says_why_its_direct_manager_cannot_deactivate_them(system, pair):
    """A manager of a person's direct location opened the record of someone who also works at
    another location: no Deactivate, and no word why (the API says it; the page said nothing)."""
    east, west = pair.ids
    person = await working_at_both(system, pair, "Twoplace")
    page = browser(system)
    await page.login(pair.emails[east])
    record = (await page.get(f"/portal/accounts/{person['id']}")).text
    assert "<h2>Deactivate</h2>" in record
    assert ("also works at Moved West, which you do not manage: deactivating them would end "
            "their work there too") in record
    assert f'action="/portal/accounts/{person["id"]}/deactivate"' not in record
    refused = await pair.staff[east].post(f"/api/v1/portal/users/{person['id']}/deactivate")
    assert refused.status_code == 403 and "deactivating them would end" in refused.text


async def test_the_onboarding_case_a_refused_address_leads_to_keeps_that_address(
        system, pair):
    """Adding someone whose address is an account the manager may not see, the form sends them
    to open a User onboarding case "naming this address": the case's form came with its
    category, subject and location, and without the address just typed, to be typed again."""
    east, _west = pair.ids
    page = browser(system)
    await page.login(pair.emails[east])
    long_address = f"{tag().lower():z<60}@{'x' * 63}.{'y' * 63}.example.org"  # kept whole
    for email in (None, long_address):
        elsewhere = await make_user(system, Role.PROVIDER, email=email)
        refused = await page.submit("/portal/accounts/new", {
            "first_name": "Elsa", "last_name": "Where", "email": elsewhere.email.upper(),
            "location_id": str(east), "profile": "provider", "username": f"elsa.{tag()}"})
        assert refused.status_code == 409
        link = html.unescape(re.search(r'href="(/help/cases/new\?[^"]+)"', refused.text)[1])
        case_form = (await page.get(link)).text
        box = case_form[case_form.find('name="description"'):]
        box = box[:box.find("</textarea>")]
        assert elsewhere.email.lower() in html.unescape(box).lower(), box


async def test_a_people_search_past_its_last_page_shows_the_last_page(system, pair):
    """?page=999 said "1 person at your locations" above "Nobody found"."""
    east, _west = pair.ids
    await invite(system, pair.staff[east], east, "provider", "Pagey")
    page = browser(system)
    await page.login(pair.emails[east])
    first = await page.get("/portal/accounts?name=Pagey")
    far = await page.get("/portal/accounts?name=Pagey&page=999")
    assert far.status_code == 200, far.text[-300:]
    assert "1 person at your locations matching your search" in far.text
    assert "Nobody found" not in far.text and "Pagey Tester" in far.text
    assert far.text.count("Pagey Tester") == first.text.count("Pagey Tester")
    for number in ("99999", "0", "٣"):  # past any listing, none, not ASCII: said nowhere
        odd = await page.get(f"/portal/accounts?name=Pagey&page={number}")
        assert odd.status_code == 200, (number, odd.text[-300:])
        assert "Pagey Tester" in odd.text and "No larger than" not in odd.text


async def test_a_contact_whose_address_has_an_account_is_not_shown_waiting_forever(system, pair):
    """The same address named point of contact of two organizations: once it validated for
    the first, its link for the second said the account exists, and the second's manager
    still read "Waiting for validation", with a "Re-send link" that sent the same dead end."""
    east, _west = pair.ids
    manager = pair.staff[east]
    email = unique_email("both")
    made = await contact_of_two_employers(system, manager, email, "Bo")
    (first, _c, token), (second, contact, _t) = made
    page = browser(system)
    await page.login(pair.emails[east])
    before = await page.get(f"/portal/organizations/{second}")
    assert "Waiting for validation" in before.text, "not yet: the address has no account"
    async with system.http() as http:
        done = await http.post(f"/api/v1/org-contacts/validate/{token}",
                               json={"password": PASSWORD, "password_confirm": PASSWORD})
    assert done.status_code == 204, done.text
    record = await page.get(f"/portal/organizations/{second}")
    assert record.status_code == 200
    assert "Waiting for validation" not in record.text
    assert "Cannot validate: this address already has a CVMS account" in record.text
    assert "Add a point of contact with another email address" in record.text
    assert f"/contacts/{contact}/resend" not in record.text, "no link that cannot work"
    listed = (await manager.get(f"/api/v1/employers/{second}/contacts")).json()
    assert [c["status"] for c in listed] == ["account_exists"]
    assert [c["status"] for c in (await manager.get(
        f"/api/v1/employers/{first}/contacts")).json()] == ["validated"]
    resent = await manager.post(f"/api/v1/employers/{second}/contacts/{contact}/resend")
    assert resent.status_code == 409 and "another email address" in resent.text, resent.text


async def test_an_organization_search_past_its_last_page_shows_the_last_page(system, pair):
    """As the people search: ?page=999 said "1 organization matching" above "No organization
    has this name yet"."""
    east, _west = pair.ids
    name = f"Farpage {unique_email()[5:11]}"
    made = await pair.staff[east].post("/api/v1/employers", json={
        "name": name, "industry": "Grocery and retail", "street": "1 Main St",
        "city": "Raleigh", "state": "North Carolina", "zip_code": "27601"})
    assert made.status_code == 201, made.text
    page = browser(system)
    await page.login(pair.emails[east])
    far = await page.get(f"/portal/organizations?q={name}&page=999")
    assert far.status_code == 200, far.text[-300:]
    assert "1 organization matching" in far.text and name in far.text.split("<tbody>")[1]
    assert "No organization has this name yet" not in far.text
