"""Account management's rules from the outside check of portal accounts: who may change who a
person is, invitations that follow a corrected address, deactivation that asks first and can be
undone, the primary coordinator, and searches that reach every match."""

import uuid

import pytest

from models.accounts import User
from models.enrollment import UserLocation
from models.enums import Role
from tests.support.inventory import enrolled_sites
from tests.support.portal import INVITATION, PASSWORD, also_manages, invite
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


async def at_both(system, sites, profile: str, west_profile: str, first_name: str) -> dict:
    """A person of the east location (direct) who also works at the west one, added by the
    east manager (who manages both); the west manager holds only the west one."""
    east, west = sites.ids
    await also_manages(system, await own_id(sites.staff[east]), west)
    person = await invite(system, sites.staff[east], east, profile, first_name)
    granted = await sites.staff[east].post(f"/api/v1/portal/users/{person['id']}/locations",
                                           json={"location_id": west, "profile": west_profile})
    assert granted.status_code == 204, granted.text
    return person


async def test_only_a_manager_of_the_direct_location_changes_who_a_person_is(system, sites):
    """A manager of another of the person's locations took over their login (email, then a
    password reset) and with it the manager rights at the person's direct location."""
    east, west = sites.ids
    east_manager, west_manager = sites.staff[east], sites.staff[west]
    person = await at_both(system, sites, "location_manager", "provider", "Wanda")
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


def token_of(mail) -> str:
    return mail.link("/account/invitation/").rsplit("/", 1)[1]


async def test_a_corrected_address_kills_the_old_invitation_and_sends_nothing_until_asked(
        system, sites):
    """The invitation went to a mistyped address; the manager corrected it, and the stranger's
    link still chose the password of a Location Manager account. The correction itself sends
    nothing (SPEC: a changed email gets no automatic email); "Send the invitation again" does."""
    east, _west = sites.ids
    manager = sites.staff[east]
    wrong, right = unique_email("stranger"), unique_email("right")
    created = await manager.post("/api/v1/portal/users", json={
        "first_name": "Tia", "last_name": "Typo", "email": wrong, "location_id": east,
        "profile": "location_manager", "username": f"tia.{wrong[9:15]}"})
    assert created.status_code == 201, created.text
    person = created.json()
    assert person["invited"] is True
    old = token_of(await system.smtp.one(to=wrong, subject=INVITATION))
    corrected = await manager.patch(f"/api/v1/portal/users/{person['id']}",
                                    json={"email": right})
    assert corrected.status_code == 200, corrected.text
    async with system.http() as http:
        page = await http.get(f"/account/invitation/{old}")
        # no newer email comes to this address (found by the outside check: it said "This
        # link was replaced by a newer one. Use the most recent email.")
        assert page.status_code == 410, page.text
        assert "address that is no longer this account" in page.text, page.text
        assert "replaced by a newer one" not in page.text
        taken = await http.post(f"/api/v1/portal/invitations/{old}",
                                json={"password": PASSWORD, "password_confirm": PASSWORD})
        assert taken.status_code == 410, taken.text
    first_right = right
    page = browser(system)
    await page.login(sites.emails[east])
    said = await page.submit(f"/portal/accounts/{person['id']}", {"email": unique_email("right")},
                             action=f"/portal/accounts/{person['id']}/edit")
    assert "no longer works" in said.text and "Send the invitation again" in said.text, said.text
    right = said.text.split("nothing was sent to ")[1].split(":")[0]
    invited = await manager.post(f"/api/v1/portal/users/{person['id']}/invitation")
    assert invited.status_code in (200, 202, 204), invited.text
    new = token_of(await system.smtp.one(to=right, subject=INVITATION))
    assert new != old

    # sent again: the newest link works, the one before it is replaced
    shown = await page.get(f"/portal/accounts/{person['id']}")
    assert "Invited" in shown.text and "Send the invitation again" in shown.text
    listed = await page.get("/portal/accounts?name=Typo")
    assert "Invited" in listed.text
    again = await page.submit(f"/portal/accounts/{person['id']}", {},
                              action=f"/portal/accounts/{person['id']}/invite")
    assert again.status_code == 200 and "invitation is on its way" in again.text, again.text
    mails = await system.smtp.wait_for(to=right, subject=INVITATION, count=2)
    newest = token_of(mails[-1])
    async with system.http() as http:
        assert (await http.get(f"/account/invitation/{new}")).status_code == 410
        stranger = await http.get(f"/account/invitation/{old}")  # replaced since, too
        assert "address that is no longer this account" in stranger.text, stranger.text
        chosen = await http.post(f"/api/v1/portal/invitations/{newest}",
                                 json={"password": PASSWORD, "password_confirm": PASSWORD})
        assert chosen.status_code == 204, chosen.text
    record = (await manager.get(f"/api/v1/portal/users/{person['id']}")).json()
    assert record["invited"] is False
    done = await manager.post(f"/api/v1/portal/users/{person['id']}/invitation")
    assert done.status_code == 409 and "already chose" in done.json()["detail"], done.text
    # by now any email the first correction had sent would have arrived
    assert not [m for m in system.smtp.all() if first_right in m.to], "no automatic email"


async def test_deactivation_asks_first_can_be_undone_and_a_deactivated_record_is_not_changed(
        system, sites):
    east, west = sites.ids
    manager = sites.staff[east]
    person = await invite(system, manager, east, "provider", "Cal")
    record = f"/portal/accounts/{person['id']}"
    page = browser(system)
    await page.login(sites.emails[east])
    asked = await page.submit(record, {}, action=f"{record}/deactivate")
    assert asked.status_code == 200 and "Yes, deactivate Cal Tester" in asked.text, asked.text
    assert (await holdings(person["client"])), "asking first deactivates nobody"
    done = await page.submit(record, {"confirm": "yes"}, action=f"{record}/deactivate")
    assert "is deactivated and signed out" in done.text
    assert (await person["client"].get("/api/v1/portal/me")).status_code == 401
    assert "Reactivate Cal Tester" in done.text

    for refused in (
            await manager.patch(f"/api/v1/portal/users/{person['id']}", json={"title": "X"}),
            await manager.post(f"/api/v1/portal/users/{person['id']}/locations",
                               json={"location_id": west}),
            await manager.post(f"/api/v1/portal/users/{person['id']}/deactivate")):
        assert refused.status_code == 409, refused.text
        assert "Reactivate" in refused.json()["detail"], refused.text
    again = await manager.post("/api/v1/portal/users", json={
        "first_name": "Cal", "last_name": "Tester", "email": person["email"],
        "location_id": east, "profile": "provider", "username": "cal.again"})
    assert again.status_code == 409, again.text
    assert "deactivated" in again.json()["errors"]["email"]
    assert f"/portal/accounts/{person['id']}" in again.json()["errors"]["email"]
    not_theirs = await sites.staff[west].post(f"/api/v1/portal/users/{person['id']}/reactivate")
    assert not_theirs.status_code == 404, not_theirs.text
    back = await page.submit(record, {}, action=f"{record}/reactivate")
    assert "is active again" in back.text, back.text
    async with system.http() as http:
        login = await http.post("/api/v1/auth/token",
                                json={"email": person["email"], "password": PASSWORD})
    assert login.status_code == 200, login.text
    twice = await manager.post(f"/api/v1/portal/users/{person['id']}/reactivate")
    assert twice.status_code == 409, twice.text


async def test_an_address_with_an_account_elsewhere_is_refused_with_a_way_forward(system, sites):
    east, west = sites.ids
    elsewhere = await invite(system, sites.staff[east], east, "provider", "Olga")
    refused = await sites.staff[west].post("/api/v1/portal/users", json={
        "first_name": "Olga", "last_name": "Else", "email": elsewhere["email"],
        "location_id": west, "profile": "provider", "username": "olga.else"})
    assert refused.status_code == 409, refused.text
    said = refused.json()["errors"]["email"]  # same organization: the location is offered
    assert "another location of your organization" in said and "/join" in said
    assert "Olga" not in said and str(elsewhere["id"]) not in said
    mine = await invite(system, sites.staff[east], east, "provider", "Mina")
    again = await sites.staff[east].post("/api/v1/portal/users", json={
        "first_name": "Mina", "last_name": "Again", "email": mine["email"],
        "location_id": east, "profile": "provider", "username": "mina.again"})
    assert again.status_code == 409
    assert f"/portal/accounts/{mine['id']}" in again.json()["errors"]["email"]
    page = browser(system)  # the page links the record (it showed its path as text)
    await page.login(sites.emails[east])
    shown = await page.submit("/portal/accounts/new", {
        "first_name": "Mina", "last_name": "Again", "email": mine["email"],
        "location_id": east, "profile": "provider", "username": "mina.again"})
    await page.http.aclose()
    assert shown.status_code == 409
    assert (f'<a class="usa-link" href="/portal/accounts/{mine["id"]}">Open Mina Tester'
            "'s record</a>") in shown.text, shown.text
    assert "Open their record to change it." in shown.text
    assert f"change it: /portal/accounts/{mine['id']}" not in shown.text
    assert 'value="mina.again"' in shown.text, "what was typed is kept"


async def test_the_profile_shown_is_the_one_at_the_location_it_changes(system, sites):
    """The select showed the person's profile at their direct location and saved the one at the
    manager's location; the API answered with the other location's profile."""
    east, west = sites.ids
    west_manager = sites.staff[west]
    person = await at_both(system, sites, "provider", "location_manager", "Zed")
    shown = await west_manager.get(f"/api/v1/portal/users/{person['id']}")
    assert (shown.json()["profile_location_id"], shown.json()["profile"]) == (
        west, "location_manager")
    changed = await west_manager.patch(f"/api/v1/portal/users/{person['id']}",
                                       json={"profile": "provider_readonly"})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["profile_location_id"], changed.json()["profile"]) == (
        west, "provider_readonly")
    assert await holdings(person["client"]) == {east: "provider", west: "provider_readonly"}
    page = browser(system)
    await page.login(sites.emails[west])
    record = await page.get(f"/portal/accounts/{person['id']}")
    assert "Profile at Rule West" in record.text
    selected = record.text.split('name="profile"', 1)[1].split("</select>", 1)[0]
    assert 'value="provider_readonly" selected' in selected, selected


async def test_the_primary_coordinator_is_neither_demoted_nor_deactivated_by_a_manager(
        system, sites):
    east, _west = sites.ids
    coordinator = sites.staff[east]
    deputy = await invite(system, coordinator, east, "location_manager", "Newman")
    coordinator_id = await own_id(coordinator)
    for refused in (
            await deputy["client"].patch(f"/api/v1/portal/users/{coordinator_id}",
                                         json={"profile": "provider_readonly"}),
            await deputy["client"].post(f"/api/v1/portal/users/{coordinator_id}/deactivate")):
        assert refused.status_code == 409, refused.text
        assert "primary vaccine coordinator" in refused.text and "help desk" in refused.text
    assert (await holdings(coordinator))[east] == "location_manager"


async def test_every_matching_organization_can_be_reached_a_page_at_a_time(system, sites):
    """The search stopped at 25 matches without a word: the 60th could not be found."""
    east, _west = sites.ids
    manager = sites.staff[east]
    word = f"Volume{uuid.uuid4().hex[:6]}"
    for n in range(27):
        made = await manager.post("/api/v1/employers", json={
            "name": f"{word} Employer {n:03}", "industry": "Manufacturing",
            "street": "12 Mill Rd", "city": "Durham", "state": "North Carolina",
            "zip_code": "27701"})
        assert made.status_code == 201, made.text
    first = (await manager.get("/api/v1/employers", params={"q": word})).json()
    assert first["total"] == 27 and len(first["items"]) == 20
    rest = (await manager.get("/api/v1/employers",
                              params={"q": word, "limit": 20, "offset": 20})).json()
    assert [e["name"][-3:] for e in rest["items"]] == [f"{n:03}" for n in range(20, 27)]
    page = browser(system)
    await page.login(sites.emails[east])
    shown = await page.get(f"/portal/organizations?q={word}")
    assert "27 organizations" in shown.text and f"{word} Employer 019" in shown.text
    assert f"{word} Employer 020" not in shown.text
    second = await page.get(f"/portal/organizations?q={word}&page=2")
    assert f"{word} Employer 026" in second.text and "Previous" in second.text


async def test_a_search_of_spaces_is_refused_and_accents_do_not_matter(system, sites):
    east, _west = sites.ids
    manager = sites.staff[east]
    for field in ("name", "username"):
        blank = await manager.get("/api/v1/portal/users", params={field: "   "})
        assert blank.status_code == 422, blank.text
        assert "3 characters" in blank.json()["errors"][field]
    page = browser(system)
    await page.login(sites.emails[east])
    assert (await page.get("/portal/accounts?name=%20%20%20")).status_code == 422
    person = await invite(system, manager, east, "provider", "Zoe")
    async with system.sessions() as session:
        user = await session.get(User, person["id"])
        user.first_name, user.last_name = "Zoë", "García"
        session.add(user)
        await session.commit()
    for typed in ("garcia", "GARCÍA", "zoe garc"):
        found = await manager.get("/api/v1/portal/users", params={"name": typed})
        assert person["id"] in [p["id"] for p in found.json()["items"]], (typed, found.text)
    word = uuid.uuid4().hex[:6]
    made = await manager.post("/api/v1/employers", json={
        "name": f"Café Zoë {word}", "industry": "Manufacturing", "street": "1 Main St",
        "city": "Durham", "state": "North Carolina", "zip_code": "27701"})
    assert made.status_code == 201, made.text
    found = await manager.get("/api/v1/employers", params={"q": f"cafe zoe {word}"})
    assert [e["id"] for e in found.json()["items"]] == [made.json()["id"]], found.text


async def test_the_invitation_page_and_the_list_tell_people_apart(system, sites):
    east, _west = sites.ids
    manager = sites.staff[east]
    email = unique_email("li")
    created = await manager.post("/api/v1/portal/users", json={
        "first_name": "Li", "last_name": "Ahmed", "email": email, "location_id": east,
        "profile": "provider_readonly", "username": f"li.{email[3:9]}"})
    assert created.status_code == 201, created.text
    token = token_of(await system.smtp.one(to=email, subject=INVITATION))
    async with system.http() as http:
        page = await http.get(f"/account/invitation/{token}")
    assert created.json()["username"] in page.text and "Rule East" in page.text
    browsing = browser(system)
    await browsing.login(sites.emails[east])
    listed = await browsing.get("/portal/accounts?name=Li%20Ahmed")
    assert "Healthcare Provider (read-only) at Rule East" in listed.text, listed.text


async def test_the_accounts_list_pages_carry_the_search_encoded_with_previous_and_next(system,
                                                                                       sites):
    """The list's page links joined the search unencoded ("name=Pagey José&page=2") and
    listed every page number with no Previous or Next."""
    east = sites.ids[0]
    tag = "".join(chr(ord("a") + int(c, 16)) for c in uuid.uuid4().hex[:5])  # letters
    for n in range(45):
        made = await sites.staff[east].post("/api/v1/portal/users", json={
            "first_name": f"Pagey José {tag}", "last_name": f"Number {chr(65 + n // 26)}{chr(97 + n % 26)}",
            "email": unique_email(f"pagey{n}"), "location_id": east, "profile": "provider",
            "username": f"pagey.{tag}.{n}"})
        assert made.status_code == 201, made.text
    page = browser(system)
    await page.login(sites.emails[east])
    first = (await page.get(f"/portal/accounts?name=Pagey+Jos%C3%A9+{tag}")).text
    assert "45 people" in first
    assert f'href="/portal/accounts?name=Pagey+Jos%C3%A9+{tag}&amp;page=2"' in first
    assert "Next" in first and "Previous" not in first
    third = (await page.get(f"/portal/accounts?name=Pagey+Jos%C3%A9+{tag}&page=3")).text
    assert "Previous" in third and ">Next<" not in third
    await page.http.aclose()


async def test_people_added_by_hand_are_named_with_letters(system, sites):
    """Section A and B's people refused markup and emoji in their names; a portal contact, an
    employer's point of contact and a self-registered administrator took them."""
    east = sites.ids[0]
    manager = sites.staff[east]
    for name in ("<b>Ana</b>", "Ana 💉", "Ana2"):
        refused = await manager.post("/api/v1/portal/users", json={
            "first_name": name, "last_name": "Tester", "email": unique_email("named"),
            "location_id": east, "profile": "provider", "username": f"named.{uuid.uuid4().hex[:6]}"})
        assert refused.status_code == 422 and "letters only" in refused.json()["errors"][
            "first_name"], refused.text
    kept = await manager.post("/api/v1/portal/users", json={
        "first_name": "Zoë-Anne", "last_name": "O'Brien St. Clair", "email": unique_email("named"),
        "location_id": east, "profile": "provider", "username": f"named.{uuid.uuid4().hex[:6]}"})
    assert kept.status_code == 201, kept.text
    async with system.http() as http:
        registered = await http.post("/api/v1/registrations", json={
            "first_name": "Ada", "last_name": "<i>Admin</i>", "email": unique_email("reg"),
            "password": PASSWORD, "password_confirm": PASSWORD})
    assert registered.status_code == 422 and "last_name" in registered.json()["errors"]


async def test_a_manager_cannot_take_over_someone_who_holds_more_than_they_do(system, sites):
    """After the first fix a manager of the person's direct location could still change the
    email of the primary coordinator (who also managed the other location), reset the password
    through it and hold both locations; or of a person who also works where the manager does
    not. Who such a person is changes through someone who holds all of it."""
    east, west = sites.ids
    person = await at_both(system, sites, "provider", "location_manager", "Bram")
    mona = await invite(system, sites.staff[east], east, "location_manager", "Mona")
    wes = await invite(system, sites.staff[west], west, "location_manager", "Wes")
    for manager, target, said in (
            (mona, await own_id(sites.staff[east]), "also works at Rule West"),
            (mona, person["id"], "also works at Rule West"),
            (wes, await own_id(sites.staff[west]), "primary vaccine coordinator of Rule West")):
        taken = await manager["client"].patch(f"/api/v1/portal/users/{target}",
                                              json={"email": unique_email("evil")})
        assert taken.status_code == 403, taken.text
        assert said in taken.json()["errors"]["email"]
    # nor deactivated by them (it ended the person's work at the other location too), nor
    # their address rewritten in other letters' case (it was stored as sent)
    ended = await mona["client"].post(f"/api/v1/portal/users/{person['id']}/deactivate")
    assert ended.status_code == 403 and "also works at Rule West" in ended.text, ended.text
    # nor reactivated by them once a manager of both deactivated them (it gave the other
    # location back)
    assert (await sites.staff[east].post(f"/api/v1/portal/users/{person['id']}/deactivate")
            ).status_code == 204
    back = await mona["client"].post(f"/api/v1/portal/users/{person['id']}/reactivate")
    assert back.status_code == 403 and "also works at Rule West" in back.text, back.text
    assert (await sites.staff[east].post(f"/api/v1/portal/users/{person['id']}/reactivate")
            ).status_code == 200
    cut = await mona["client"].delete(f"/api/v1/portal/users/{person['id']}/locations/{west}")
    assert cut.status_code == 403 and "remove only locations you manage" in cut.text, cut.text
    coordinator = await own_id(sites.staff[east])
    before = (await sites.staff[east].get(f"/api/v1/portal/users/{coordinator}")).json()
    cased = await mona["client"].patch(f"/api/v1/portal/users/{coordinator}",
                                       json={"email": before["email"].upper()})
    assert cased.status_code == 200, cased.text
    after = (await sites.staff[east].get(f"/api/v1/portal/users/{coordinator}")).json()
    assert after["email"] == before["email"]
    # and the page says so before anyone types: no identity fields, no Deactivate
    page = browser(system)
    await page.login(mona["email"])
    record = (await page.get(f"/portal/accounts/{person['id']}")).text
    assert "also works at Rule West" in record and 'name="email"' not in record
    assert "Deactivate Bram" not in record
    await page.http.aclose()
    # a person of the manager's locations only is theirs to correct, as before
    plain = await invite(system, sites.staff[east], east, "provider", "Pia")
    fixed = await mona["client"].patch(f"/api/v1/portal/users/{plain['id']}",
                                       json={"last_name": "Corrected"})
    assert fixed.status_code == 200, fixed.text
    # and the east manager, who holds both of Bram's locations, corrects Bram
    assert (await sites.staff[east].patch(f"/api/v1/portal/users/{person['id']}",
                                          json={"last_name": "Fixed"})).status_code == 200


async def test_a_contact_with_the_longest_address_is_invited(system, sites):
    """An invitation's link is bound to the address it was sent to, in a column of 200
    characters, while an address may have 254: on Postgres such a contact could not be added."""
    east = sites.ids[0]
    local = "l" + uuid.uuid4().hex + "o" * 31  # 64, the longest local part
    address = f"{local}@{'b' * 63}.{'c' * 63}.{'d' * 49}.org"
    assert len(address) == 246
    made = await sites.staff[east].post("/api/v1/portal/users", json={
        "first_name": "Lona", "last_name": "Address", "email": address, "location_id": east,
        "profile": "provider", "username": f"lona.{uuid.uuid4().hex[:6]}"})
    assert made.status_code == 201, made.text
    token = token_of(await system.smtp.one(to=address, subject=INVITATION))
    async with system.http() as http:
        chosen = await http.post(f"/api/v1/portal/invitations/{token}",
                                 json={"password": PASSWORD, "password_confirm": PASSWORD})
    assert chosen.status_code == 204, chosen.text


async def test_a_deactivated_record_offers_no_location_to_remove(system, sites):
    """Found by the outside check: the record of a deactivated person who also works at
    another of the manager's locations still offered "Remove <location>", and pressing it said
    "... is deactivated. Reactivate it first" (the page says a deactivated account cannot be
    changed)."""
    east, west = sites.ids
    manager = sites.staff[east]
    await also_manages(system, await own_id(manager), west)
    person = await invite(system, manager, east, "provider", "Remy")
    added = await manager.post(f"/api/v1/portal/users/{person['id']}/locations",
                               json={"location_id": west})
    assert added.status_code == 204, added.text
    record = f"/portal/accounts/{person['id']}"
    page = browser(system)
    await page.login(sites.emails[east])
    assert "Remove Rule West" in (await page.get(record)).text
    done = await page.submit(record, {"confirm": "yes"}, action=f"{record}/deactivate")
    assert "is deactivated and signed out" in done.text, done.text
    assert "Rule West" in done.text, "the location is still listed"
    assert "Remove Rule West" not in done.text and f"{record}/remove" not in done.text


async def test_a_manager_acting_elsewhere_is_told_to_switch_not_that_they_lack_the_role(
        system, sites):
    """Found by the outside check: a Location Manager whose active location was one where they
    are a Healthcare Provider opened Account Management and read "This page is for the
    Healthcare Location Manager role. You are signed in as Healthcare Provider." - as if they
    were not a manager anywhere. The refusal now names the location where they are one."""
    east, west = sites.ids
    manager = await invite(system, sites.staff[east], east, "location_manager", "Sam")
    async with system.sessions() as session:
        session.add(UserLocation(user_id=manager["id"], location_id=west, profile=Role.PROVIDER))
        await session.commit()
    http = manager["client"]
    assert (await http.get("/api/v1/portal/users", params={"name": "Tester"})).status_code == 200
    switched = await http.put("/api/v1/portal/active-location", json={"location_id": west})
    assert switched.status_code == 204, switched.text
    refused = await http.get("/api/v1/portal/users", params={"name": "Tester"})
    assert refused.status_code == 403, refused.text
    said = refused.json()["detail"]
    assert "Rule West" in said and "switch" in said.lower() and "Rule East" in said, said
    page = browser(system)
    await page.login(manager["email"])
    shown = await page.get("/portal/accounts")
    assert shown.status_code == 403 and "Rule East" in shown.text, shown.text


async def test_a_deactivated_portal_contact_is_told_who_can_reactivate_them(system, sites):
    """Found by the outside check: a portal contact deactivated by their Location Manager who
    tried to log in read "This account is not active. Contact the help desk." - the help desk
    has no way to reactivate it; a Location Manager of their location does (as the invitation
    link already says)."""
    east, _west = sites.ids
    person = await invite(system, sites.staff[east], east, "provider", "Deb")
    gone = await sites.staff[east].post(f"/api/v1/portal/users/{person['id']}/deactivate")
    assert gone.status_code == 204, gone.text
    async with system.http() as http:
        refused = await http.post("/api/v1/auth/token",
                                  json={"email": person["email"], "password": PASSWORD})
    said = refused.json()["detail"]
    assert refused.status_code in (400, 422) and "Location Manager" in said, refused.text
    assert "help desk" not in said.lower()


async def test_a_location_removed_is_named_with_when_it_takes_effect(system, sites):
    """Found by the outside check: removing a person's location said only "Location removed.",
    not which one, on a record that may list several. The notice names the person and the
    location, and when it takes effect (their next page)."""
    east, west = sites.ids
    manager = sites.staff[east]
    await also_manages(system, await own_id(manager), west)
    person = await invite(system, manager, east, "provider", "Rory")
    assert (await manager.post(f"/api/v1/portal/users/{person['id']}/locations",
                               json={"location_id": west})).status_code == 204
    record = f"/portal/accounts/{person['id']}"
    page = browser(system)
    await page.login(sites.emails[east])
    done = await page.submit(record, {"location_id": str(west)}, action=f"{record}/remove")
    assert done.status_code == 200, done.text
    assert "Rory Tester no longer works at Rule West: from their next page." in done.text
    assert "Remove Rule West" not in done.text


async def test_an_active_persons_changed_address_is_said_to_be_not_emailed(system, sites):
    """Found by the accounts' outside check: a manager changed an active person's email
    address and the page said only "Saved.", though nothing was emailed to either address
    (SPEC: a changed email gets no automatic email). It now says so, naming both."""
    east, _west = sites.ids
    person = await invite(system, sites.staff[east], east, "provider")
    before = person["email"]
    after = unique_email("moved")
    page = browser(system)
    await page.login(sites.emails[east])
    said = await page.submit(f"/portal/accounts/{person['id']}", {"email": after},
                             action=f"/portal/accounts/{person['id']}/edit")
    assert said.status_code == 200, said.status_code
    text = " ".join(said.text.split())
    assert f"nothing was emailed to {after} or to {before}" in text, \
        text[text.find("<main"):][:1200]
    assert not system.smtp.find(to=after)
