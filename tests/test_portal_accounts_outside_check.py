"""Account management from a second outside check, as a Location Manager uses it in the browser:
a field emptied on a person's record, a manager who gives up managing on their own record, the
invitation of a deactivated person, and a refused password on the invitation page."""

import asyncio
import re

import pytest

from tests.support.inventory import enrolled_sites
from tests.support.portal import (
    INVITATION,
    PASSWORD,
    add_as_new,
    also_manages,
    contact_of_two_employers,
    invite,
)
from tests.support.review import reviewer
from tests.support.web import browser, unique_email


@pytest.fixture(scope="module")
async def sites(system):
    return await enrolled_sites(system, ["Check North"], False, await reviewer(system))


async def test_a_field_emptied_on_a_record_is_refused_not_reported_saved(system, sites):
    """Emptying the first name, email or username on a record said "Saved." and kept the old
    values: the person thought they had cleared it."""
    (north,) = sites.ids
    manager = sites.staff[north]
    person = await invite(system, manager, north, "provider", "Ella")
    record = f"/portal/accounts/{person['id']}"
    page = browser(system)
    await page.login(sites.emails[north])
    answer = await page.submit(record, {
        "first_name": "", "last_name": "Tester", "email": "", "username": "",
        "location_id": str(north), "profile": "provider"}, action=f"{record}/edit")
    assert answer.status_code == 422, answer.text[-500:]
    assert "Saved." not in answer.text
    assert answer.text.count("This field is required.") >= 4, "summary and field, twice"
    kept = (await manager.get(f"/api/v1/portal/users/{person['id']}")).json()
    assert (kept["first_name"], kept["email"], kept["username"]) == (
        "Ella", person["email"], person["username"])
    for field in ("first_name", "email", "username"):
        refused = await manager.patch(f"/api/v1/portal/users/{person['id']}", json={field: ""})
        assert refused.status_code == 422, (field, refused.text)
        assert refused.json()["errors"][field].startswith("This field is required")
    # found by the outside check: an emptied name hid every other field's problem (a phone of
    # two digits was said only once the name was typed again)
    both = await manager.patch(f"/api/v1/portal/users/{person['id']}",
                               json={"first_name": "", "phone": "12"})
    assert set(both.json()["errors"]) == {"first_name", "phone"}, both.text
    unchanged = await page.submit(record, {
        "first_name": "Ella", "last_name": "Tester", "email": person["email"],
        "username": person["username"], "title": "Nurse", "location_id": str(north),
        "profile": "provider"}, action=f"{record}/edit")
    assert "Saved." in unchanged.text and "works at Check North as" not in unchanged.text, \
        "a profile that did not change is not said to change"
    changed = await page.submit(record, {"location_id": str(north),
                                         "profile": "provider_readonly",
                                         "first_name": "Ella", "last_name": "Tester",
                                         "email": person["email"],
                                         "username": person["username"]},
                                action=f"{record}/edit")
    assert "works at Check North as Healthcare Provider (read-only) from their next page" \
        in changed.text


async def test_a_manager_who_gives_up_managing_lands_on_their_home_page_told_why(system, sites):
    """A second manager who made themselves a provider on their own record was sent back to the
    record, which answered "You cannot open this page" (403) under a "Saved." notice."""
    (north,) = sites.ids
    second = await invite(system, sites.staff[north], north, "location_manager", "Mia")
    page = browser(system)
    await page.login(second["username"])
    record = f"/portal/accounts/{second['id']}"
    answer = await page.submit(record, {
        "first_name": "Mia", "last_name": "Tester", "email": second["email"],
        "username": second["username"], "location_id": str(north), "profile": "provider"},
        action=f"{record}/edit")
    assert answer.status_code == 200, answer.text[-500:]
    assert str(answer.url).endswith("/portal")
    assert "You are now Healthcare Provider at Check North" in answer.text
    assert "You cannot open this page" not in answer.text


async def test_the_invitation_of_a_deactivated_person_says_so_before_a_password_is_typed(
        system, sites):
    (north,) = sites.ids
    manager = sites.staff[north]
    email = unique_email("gone")
    created = await manager.post("/api/v1/portal/users", json={
        "first_name": "Gus", "last_name": "Tester", "email": email, "location_id": north,
        "profile": "provider", "username": f"gus.{email[5:11]}"})
    assert created.status_code == 201, created.text
    link = (await system.smtp.one(to=email, subject=INVITATION)).link("/account/invitation/")
    path = "/account/invitation/" + link.rsplit("/", 1)[1]
    assert (await manager.post(f"/api/v1/portal/users/{created.json()['id']}/deactivate")
            ).status_code == 204
    async with system.http() as http:
        shown = await http.get(path)
    assert shown.status_code == 410, shown.status_code
    assert "deactivated" in shown.text and 'name="password"' not in shown.text
    page = browser(system)
    await page.login(sites.emails[north])
    record = await page.get(f"/portal/accounts/{created.json()['id']}")
    assert f'action="/portal/accounts/{created.json()["id"]}/edit"' not in record.text, \
        "a deactivated record offers no form that every press would refuse"
    assert "choose a password with the invitation" in record.text, "never chose one"
    assert (await manager.post(f"/api/v1/portal/users/{created.json()['id']}/reactivate")
            ).status_code == 200
    async with system.http() as http:
        again = await http.get(path)
    assert again.status_code == 200 and 'name="password"' in again.text


async def test_a_refused_password_keeps_the_username_and_location_on_the_invitation_page(
        system, sites):
    (north,) = sites.ids
    email = unique_email("weak")
    username = f"wes.{email[5:11]}"
    created = await sites.staff[north].post("/api/v1/portal/users", json={
        "first_name": "Wes", "last_name": "Tester", "email": email, "location_id": north,
        "profile": "provider", "username": username})
    assert created.status_code == 201, created.text
    link = (await system.smtp.one(to=email, subject=INVITATION)).link("/account/invitation/")
    path = "/account/invitation/" + link.rsplit("/", 1)[1]
    refused = await browser(system).submit(path, {"password": "short",
                                                  "password_confirm": "short"})
    assert refused.status_code == 422
    assert username in refused.text and "at Check North" in refused.text, \
        "the intro still names the username and the location"
    assert PASSWORD not in refused.text


async def test_an_optional_field_takes_no_more_than_its_model_keeps(system, sites):
    """The Title input took 200 characters (the longest "title" of any form) and the server
    then refused more than 120: an optional field's limit sits inside `str | None`."""
    (north,) = sites.ids
    page = browser(system)
    await page.login(sites.emails[north])
    form = (await page.get("/portal/accounts/new")).text
    title = form[form.index('id="title"'):].split(">", 1)[0]
    assert 'maxlength="120"' in title, title


async def test_every_person_sees_their_own_account_details_and_who_changes_them(system, sites):
    """There was no page where a signed-in person could see their own name, email address,
    username or profiles: "Your account", linked from their name in the header."""
    (north,) = sites.ids
    person = await invite(system, sites.staff[north], north, "provider_readonly", "Nia")
    page = browser(system)
    home = await page.login(person["username"])
    assert 'href="/account"' in home.text, "the header links the account page"
    mine = await page.get("/account")
    assert mine.status_code == 200
    for shown in (person["email"], person["username"], "Nia Tester", "Check North",
                  "Healthcare Provider (read-only)", "Location Manager of your location"):
        assert shown in mine.text, shown
    coordinator = browser(system)
    await coordinator.login(sites.emails[north])
    theirs = await coordinator.get("/account")
    assert sites.emails[north] in theirs.text and "you log in with your email address" in \
        theirs.text and "through your organization's enrollment" in theirs.text
    async with system.http() as anonymous:
        assert (await anonymous.get("/account")).status_code in (302, 303, 401)


async def test_a_refused_people_search_lists_nobody_and_a_mangled_page_is_the_first(system,
                                                                                    sites):
    """Two letters were refused next to the field, and the table under it still said "0
    people at your locations matching your search ... Nobody found"; ?page=abc was a 422 that
    named no field."""
    (north,) = sites.ids
    page = browser(system)
    await page.login(sites.emails[north])
    short = await page.get("/portal/accounts?name=Ch")
    assert short.status_code == 422 and "Enter at least 3 characters." in short.text
    assert "Nobody found" not in short.text and "matching your search" not in short.text
    mangled = await page.get("/portal/accounts?username=check&page=abc")
    assert mangled.status_code == 200, mangled.text[-300:]
    assert "matching your search" in mangled.text


async def test_a_person_of_another_location_of_the_organization_gets_the_location_added(
        system, sites):
    """The manager of a second location who added someone already working at the first was
    told to ask the help desk to add the location, which had no way to; and nobody else could
    (the person was not theirs to open). Now the add page offers the location at one press,
    without naming the person; other organizations' people stay unfound."""
    pair = await enrolled_sites(system, ["Join East", "Join West"], False,
                                await reviewer(system))
    east, west = pair.ids
    person = await invite(system, pair.staff[east], east, "provider", "Joy")
    page, typed, offered = await add_as_new(system, pair.emails[west], person, west,
                                            "provider_readonly", "joy.other")
    assert offered.status_code == 409
    assert "another location of your organization" in offered.text
    assert 'name="join" value="yes"' in offered.text
    assert "Joy Tester" not in offered.text and f"/portal/accounts/{person['id']}" not in \
        offered.text, "who they are is not said before the location is added"
    joined = await page.submit("/portal/accounts/new", {**typed, "join": "yes"})
    assert joined.status_code == 200 and str(joined.url).endswith(
        f"/portal/accounts/{person['id']}"), joined.text[-400:]
    assert "Join West is added to Joy Tester" in joined.text
    mine = (await person["client"].get("/api/v1/portal/me")).json()
    assert {(h["location_id"], h["profile"], h["direct"]) for h in mine["locations"]} == {
        (east, "provider", True), (west, "provider_readonly", False)}
    switched = await person["client"].put("/api/v1/portal/active-location",
                                          json={"location_id": west})
    assert switched.status_code == 204
    refused = await pair.staff[west].patch(f"/api/v1/portal/users/{person['id']}",
                                           json={"email": unique_email("take")})
    assert refused.status_code == 403, "who they are stays their direct location's"

    (north,) = sites.ids  # another organization
    stranger = await invite(system, sites.staff[north], north, "provider", "Sol")
    elsewhere = await pair.staff[west].post("/api/v1/portal/users/join", json={
        "email": stranger["email"], "location_id": west})
    assert elsewhere.status_code == 404, elsewhere.text
    told = await pair.staff[west].post("/api/v1/portal/users", json={
        "first_name": "Sol", "last_name": "Else", "email": stranger["email"],
        "location_id": west, "profile": "provider", "username": "sol.else"})
    assert told.status_code == 409 and "help desk" in told.json()["errors"]["email"]
    not_mine = await pair.staff[west].post("/api/v1/portal/users/join", json={
        "email": person["email"], "location_id": north})
    assert not_mine.status_code == 403, "only a location the manager holds"


async def test_a_username_on_the_forgotten_password_page_is_told_to_use_the_address(system):
    """The login takes "Email address or username"; a username typed on "Forgot your
    password?" was answered "Enter an email address like name@example.org"."""
    answer = await browser(system).submit("/password/forgot", {"email": "pat.provider"})
    assert answer.status_code == 400
    assert "not your username" in answer.text
    assert 'value="pat.provider"' in answer.text, "what was typed is kept"


async def test_a_location_added_on_the_record_page_takes_the_profile_chosen_there(system):
    """The record's "Add a location" took only the location, so the person got their direct
    location's profile there, and changing it meant switching the manager's own active
    location first."""
    pair = await enrolled_sites(system, ["Grant East", "Grant West"], False,
                                await reviewer(system))
    east, west = pair.ids
    await also_manages(system, (await pair.staff[east].get("/api/v1/me")).json()["id"], west)
    person = await invite(system, pair.staff[east], east, "location_manager", "Gail")
    page = browser(system)
    await page.login(pair.emails[east])
    record = f"/portal/accounts/{person['id']}"
    shown = await page.get(record)
    assert 'id="grant-profile"' in shown.text
    added = await page.submit(record, {"location_id": str(west),
                                       "profile": "provider_readonly"},
                              action=f"{record}/locations")
    assert added.status_code == 200 and "Grant West is added to Gail Tester" in added.text
    mine = (await person["client"].get("/api/v1/portal/me")).json()
    assert {h["location_id"]: h["profile"] for h in mine["locations"]} == {
        east: "location_manager", west: "provider_readonly"}


async def test_a_replaced_validation_link_does_not_send_a_contact_without_a_password_to_log_in(
        system, sites):
    """A point of contact holding a replaced (or mangled) validation link was offered only
    "Log in", though they had no password yet."""
    (north,) = sites.ids
    manager = sites.staff[north]
    employer = await manager.post("/api/v1/employers", json={
        "name": f"Relink {unique_email()[5:11]}", "industry": "Grocery and retail",
        "street": "1 Main St", "city": "Raleigh", "state": "North Carolina",
        "zip_code": "27601"})
    assert employer.status_code == 201, employer.text
    email = unique_email("poc")
    contact = await manager.post(f"/api/v1/employers/{employer.json()['id']}/contacts",
                                 json={"first_name": "Rey", "last_name": "Contact",
                                       "email": email})
    assert contact.status_code == 201, contact.text
    subject = "Validate your access to the CVMS Organization Portal"
    first = (await system.smtp.one(to=email, subject=subject)).link("/org-contact/validate/")
    resent = await manager.post(f"/api/v1/employers/{employer.json()['id']}/contacts/"
                                f"{contact.json()['id']}/resend")
    assert resent.status_code == 200, resent.text
    await system.smtp.wait_for(to=email, subject=subject, count=2)  # the new link is out
    login_button = 'class="usa-button" href="/login"'
    async with system.http() as http:
        for path in ("/org-contact/validate/" + first.rsplit("/", 1)[1],
                     "/org-contact/validate/not-a-token"):
            for _ in range(100):  # the new round's activity replaces the old link
                page = await http.get(path)
                if page.status_code == 410:
                    break
                await asyncio.sleep(0.1)
            assert page.status_code == 410
            assert login_button not in page.text, path
            assert "ask the Healthcare Location Manager who named you" in page.text


async def test_a_page_opened_after_the_session_ended_elsewhere_says_why_on_the_login_page(
        system, sites):
    """A browser whose session ended because the password was changed in another one landed
    on the login page with no word why."""
    (north,) = sites.ids
    person = await invite(system, sites.staff[north], north, "provider", "Ike")
    here, there = browser(system), browser(system)
    await here.login(person["username"])
    await there.login(person["username"])
    changed = await there.submit("/account/password", {
        "current_password": PASSWORD, "password": "Another-pass-2026!",
        "password_confirm": "Another-pass-2026!"})
    assert changed.status_code == 200 and "Your password has been changed" in changed.text
    ended = await here.get("/portal")
    assert str(ended.url).split("?")[0].endswith("/login")
    assert "Your session has ended" in ended.text
    again = await here.get("/portal")  # told once: the stale cookie is gone
    assert "Your session has ended" not in again.text
    fresh = browser(system)
    assert "Your session has ended" not in (await fresh.get("/portal")).text


async def test_a_validation_link_for_an_address_with_an_account_says_so_before_a_password(
        system, sites):
    """Named the point of contact of a second organization, a validated contact opened its
    link, typed a password twice, and only then was told the address already had an
    account."""
    (north,) = sites.ids
    manager = sites.staff[north]
    email = unique_email("twice")
    tokens = [token for _e, _c, token in
              await contact_of_two_employers(system, manager, email, "Tia")]
    async with system.http() as http:
        done = await http.post(f"/api/v1/org-contacts/validate/{tokens[0]}",
                               json={"password": PASSWORD, "password_confirm": PASSWORD})
        assert done.status_code == 204, done.text
        second = await http.get(f"/org-contact/validate/{tokens[1]}")
    assert second.status_code == 409
    assert "already exists" in second.text and 'name="password"' not in second.text


async def test_a_record_saved_from_an_older_tab_does_not_undo_a_newer_save(system, sites):
    """Found by the outside check (two tabs): a person's record open in two tabs; the title
    saved in one, then the phone saved from the other (still showing no title) - "Saved.", and
    the title was quietly emptied again. The older tab's form is now refused, saying the record
    changed, keeping what was typed; saved again, it holds."""
    (north,) = sites.ids
    manager = sites.staff[north]
    person = await invite(system, manager, north, "provider", "Tabby")
    record = f"/portal/accounts/{person['id']}"
    page = browser(system)
    await page.login(sites.emails[north])
    seen = re.search(r'name="seen" value="([0-9a-f]+)"', (await page.get(record)).text)
    assert seen, "the form carries the record it showed"
    form = {"first_name": "Tabby", "last_name": "Tester", "email": person["email"],
            "username": person["username"], "location_id": str(north), "profile": "provider"}
    first = await page.submit(record, {**form, "title": "Nurse", "seen": seen[1]},
                              action=f"{record}/edit")
    assert "Saved." in first.text, first.text[-600:]
    older = await page.submit(record, {**form, "phone": "919-555-0142", "seen": seen[1]},
                              action=f"{record}/edit")
    assert older.status_code == 409 and "changed since you opened this page" in older.text
    assert "title Nurse" in older.text, "the record as it is now"
    assert 'value="919-555-0142"' in older.text, "what was typed is kept"
    kept = (await manager.get(f"/api/v1/portal/users/{person['id']}")).json()
    assert (kept["title"], kept["phone"]) == ("Nurse", None)
    again = re.search(r'name="seen" value="([0-9a-f]+)"', older.text)[1]
    saved = await page.submit(record, {**form, "title": "Nurse", "phone": "919-555-0142",
                                       "seen": again}, action=f"{record}/edit")
    assert "Saved." in saved.text
    kept = (await manager.get(f"/api/v1/portal/users/{person['id']}")).json()
    assert (kept["title"], kept["phone"]) == ("Nurse", "919-555-0142")
