"""Someone who already has a CVMS account at another organization's location: their address
cannot be a new account, and their record is not the manager's to change. The manager is sent to
a User onboarding case (the form filled in), and the help desk's agent adds the manager's
location to that account from the case, as if the manager had; the case tells the manager.
Only on such a case, only a location its requester manages, only an active account."""

import re

import pytest
from playwright.async_api import expect

from models.enums import Role
from tests.support.a11y import assert_accessible
from tests.support.accounts import make_user
from tests.support.helpdesk import agent, desk, open_case, register_requester
from tests.support.inventory import enrolled_sites
from tests.support.portal import add_as_new, invite
from tests.support.review import reviewer
from tests.support.web import api_client, browser, unique_email
from tests.test_browser_enrollment import log_in


@pytest.fixture(scope="module")
async def orgs(system):
    """Two organizations of one location each (each its own enrollment)."""
    checker = await reviewer(system)
    return (await enrolled_sites(system, ["Grant Home"], False, checker),
            await enrolled_sites(system, ["Grant Away"], False, checker))


async def test_the_desk_adds_a_managers_location_to_an_account_elsewhere(system, orgs):
    home, away = orgs
    (home_id,), (away_id,) = home.ids, away.ids
    person = await invite(system, home.staff[home_id], home_id, "provider", "Kai")
    manager, _typed, refused = await add_as_new(system, away.emails[away_id], person, away_id,
                                                "provider", "kai.away", last_name="Tester")
    assert refused.status_code == 409
    assert "open a User onboarding case with the help desk" in refused.text
    link = re.search(r'href="(/help/cases/new\?[^"]+)">Open a User onboarding case', refused.text)
    form = await manager.get(link[1].replace("&amp;", "&"))
    assert '<option value="user_onboarding" selected' in form.text
    assert f'<option value="{away_id}" selected' in form.text
    case = (await open_case(away.staff[away_id], "user_onboarding", "Add Kai to Grant Away",
                            f"Please add {person['email']} as a provider.",
                            location_id=away_id)).json()

    staff, _ = await agent(system, "access")
    desk_page = browser(system)
    desk_user = await staff.get("/api/v1/me")
    await desk_page.login(desk_user.json()["email"])
    page = f"/helpdesk/cases/{case['id']}"
    shown = await desk_page.get(page)
    assert "Add a location to an existing account" in shown.text
    assert f'<option value="{away_id}" selected' in shown.text
    unknown = await desk_page.submit(page, {"email": unique_email("nobody"),
                                            "location_id": str(away_id)},
                                     action=f"{page}/add-location")
    assert unknown.status_code == 404
    assert "No active CVMS account has this email address" in unknown.text
    assert 'id="grant-email"' in unknown.text and "usa-input--error" in unknown.text
    state_staff = await desk_page.submit(page, {"email": desk_user.json()["email"],
                                                "location_id": str(away_id)},
                                         action=f"{page}/add-location")
    assert state_staff.status_code == 409 and "works at no location" in state_staff.text
    not_theirs = await desk_page.submit(page, {"email": person["email"],
                                               "location_id": str(home_id)},
                                        action=f"{page}/add-location")
    assert not_theirs.status_code == 403
    assert "not a Location Manager of that location" in not_theirs.text
    added = await desk_page.submit(page, {"email": person["email"],
                                          "location_id": str(away_id), "profile": ""},
                                   action=f"{page}/add-location")
    assert added.status_code == 200, added.text[-500:]
    assert "Kai Tester can now work at the location" in added.text
    mine = (await person["client"].get("/api/v1/portal/me")).json()
    assert {(h["location_id"], h["profile"], h["direct"]) for h in mine["locations"]} == {
        (home_id, "provider", True), (away_id, "provider", False)}
    switched = await person["client"].put("/api/v1/portal/active-location",
                                          json={"location_id": away_id})
    assert switched.status_code == 204
    told = await system.smtp.one(to=away.emails[away_id], subject=f"Case {case['number']} updated")
    assert "Kai Tester" in told.text and "can now work at Grant Away" in told.text
    again = await staff.post(f"/api/v1/helpdesk/cases/{case['id']}/portal-users/location",
                             json={"email": person["email"], "location_id": away_id})
    assert again.status_code == 409 and "already works at that location" in again.text


async def test_a_help_desk_requester_becomes_the_managers_staff(system, orgs):
    """Someone who once registered for the help desk (a requester's account, at no location)
    is made a portal contact from the manager's case: the account becomes staff of the
    manager's location with the profile asked for, keeping its login, password and cases, and
    the person is emailed. The state's and the desk's accounts are still refused."""
    _home, away = orgs
    (away_id,) = away.ids
    requester, email = await register_requester(system)
    earlier = (await open_case(requester, "other", "A question before my new job")).json()
    _page, _typed, refused = await add_as_new(system, away.emails[away_id],
                                              {"first_name": "Rae", "email": email}, away_id,
                                              "provider_readonly", f"rae.{earlier['id']}")
    assert refused.status_code == 409
    assert "open a User onboarding case with the help desk" in refused.text
    case = (await open_case(away.staff[away_id], "user_onboarding", "Add Rae to Grant Away",
                            f"Please add {email} as a read-only provider.",
                            location_id=away_id)).json()
    staff, _ = await agent(system, "access")
    grant = f"/api/v1/helpdesk/cases/{case['id']}/portal-users/location"
    state = await make_user(system, Role.REVIEWER, first_name="Rita")
    lead = await make_user(system, Role.HELPDESK_LEAD, team="access")
    for account in (state, lead):
        kept = await staff.post(grant, json={"email": account.email, "location_id": away_id})
        assert kept.status_code == 409 and "works at no location" in kept.text, kept.text
    done = await staff.post(grant, json={"email": email, "location_id": away_id,
                                         "profile": "provider_readonly"})
    assert done.status_code == 200, done.text
    assert done.json()["profile"] == "provider_readonly"
    told = await system.smtp.one(to=away.emails[away_id], subject=f"Case {case['number']} updated")
    assert "Rae Requester" in told.text and "can now work at Grant Away" in told.text
    mail = await system.smtp.one(to=email, subject="You now have access to Grant Away")
    assert "Healthcare Provider (read-only)" in mail.text and mail.link("/login")

    again = await api_client(system, email)  # the password they chose as a requester
    mine = (await again.get("/api/v1/portal/me")).json()
    assert {(h["location_id"], h["profile"], h["direct"]) for h in mine["locations"]} == {
        (away_id, "provider_readonly", True)}
    cases = (await again.get("/api/v1/helpdesk/cases")).json()
    assert earlier["id"] in {c["id"] for c in cases["items"]}, cases
    later = await open_case(again, "other", "Now as staff", location_id=away_id)
    assert later.status_code == 201, later.text
    listed = (await away.staff[away_id].get("/api/v1/portal/users",
                                            params={"name": "Requester"})).json()
    assert email in {p["email"] for p in listed["items"]}, listed


async def test_only_a_user_onboarding_case_by_its_holder_adds_a_location(system, orgs):
    home, away = orgs
    (home_id,), (away_id,) = home.ids, away.ids
    person = await invite(system, home.staff[home_id], home_id, "provider", "Lu")
    other = (await open_case(away.staff[away_id], "other", "Something else",
                             location_id=away_id)).json()
    (_ada, general), _ben, _lead = await desk(system, team="general")
    refused = await general.post(f"/api/v1/helpdesk/cases/{other['id']}/portal-users/location",
                             json={"email": person["email"], "location_id": away_id})
    assert refused.status_code == 409 and "User onboarding case" in refused.text
    onboarding = (await open_case(away.staff[away_id], "user_onboarding", "Add Lu",
                                  location_id=away_id)).json()
    access_ada, _ = await agent(system, "access")
    access_ben, _ = await agent(system, "access")
    taken = await access_ada.post(f"/api/v1/helpdesk/cases/{onboarding['id']}/assign", json={})
    assert taken.status_code == 200, taken.text
    over = await access_ben.post(f"/api/v1/helpdesk/cases/{onboarding['id']}/portal-users/location",
                                 json={"email": person["email"], "location_id": away_id})
    assert over.status_code == 409 and "holds this case" in over.text
    manager = away.staff[away_id]
    itself = await manager.post(f"/api/v1/helpdesk/cases/{onboarding['id']}/portal-users/location",
                                json={"email": person["email"], "location_id": away_id})
    assert itself.status_code == 403, "the requester is not the desk"
    done = await access_ada.post(f"/api/v1/helpdesk/cases/{onboarding['id']}/portal-users/location",
                                 json={"email": person["email"], "location_id": away_id,
                                       "profile": "provider_readonly"})
    assert done.status_code == 200, done.text
    assert done.json()["profile"] == "provider_readonly" and done.json()["id"] == person["id"]


@pytest.mark.browser
@pytest.mark.once  # layout and accessibility: the SQLite pass only
async def test_the_agent_adds_the_location_in_the_browser(page, system, orgs):
    home, away = orgs
    (home_id,), (away_id,) = home.ids, away.ids
    person = await invite(system, home.staff[home_id], home_id, "provider", "Mo")
    case = (await open_case(away.staff[away_id], "user_onboarding", "Add Mo",
                            location_id=away_id)).json()
    staff = await make_user(system, Role.HELPDESK_AGENT, team="access")
    await log_in(page, staff.email)
    await page.goto(f"/helpdesk/cases/{case['id']}")
    form = page.locator("form[action$='/add-location']")
    await form.get_by_label("Email address of their CVMS account").fill("nobody@example.org")
    await form.get_by_role("button", name="Add the location").click()
    await expect(page.locator("#grant-email-error")).to_contain_text("No active CVMS account")
    await expect(page.get_by_label("Email address of their CVMS account")).to_have_value(
        "nobody@example.org")
    await assert_accessible(page)
    await page.get_by_label("Email address of their CVMS account").fill(person["email"])
    await page.get_by_label("Profile at that location").select_option(
        label="Healthcare Provider (read-only)")
    await form.get_by_role("button", name="Add the location").click()
    await expect(page.get_by_text("Mo Tester can now work at the location")).to_be_visible()
    await expect(page.get_by_text("can now work at Grant Away as")).to_be_visible()
