"""Portal accounts and organizations from a fifth outside check in the browser: an invitation
link still working after the person chose a password another way, the primary coordinator's
record offering a deactivation that was then refused, an organization's confirmation that
followed neither what its point of contact saw nor what its manager changed, and a point of
contact whose mistyped name or address nobody could correct."""

import re

import pytest

from tests.support.inventory import enrolled_sites
from tests.support.late import commit_late
from tests.support.portal import INVITATION, invite
from tests.support.recipients import location_manager, manager_api, tag
from tests.support.review import reviewer
from tests.support.web import CSRF, PASSWORD, api_client, browser, unique_email
from tests.test_recipient_contact_upload import VALIDATION, point_of_contact


@pytest.fixture(scope="module")
async def sites(system):
    return await enrolled_sites(system, ["Fifth Check"], False, await reviewer(system))


async def test_an_invitation_link_does_not_replace_a_password_chosen_with_a_reset_link(
        system, sites):
    """Someone invited who used "Forgot your password?" instead of the invitation still had a
    working invitation link: whoever held that email set a new password over theirs, unseen."""
    (site,) = sites.ids
    email = unique_email("both")
    created = await sites.staff[site].post("/api/v1/portal/users", json={
        "first_name": "Bo", "last_name": "Tester", "email": email, "location_id": site,
        "profile": "provider", "username": f"bo.{email[5:11]}"})
    assert created.status_code == 201, created.text
    invitation = (await system.smtp.one(to=email, subject=INVITATION)).link(
        "/account/invitation/")
    path = "/account/invitation/" + invitation.rsplit("/", 1)[1]
    person = browser(system)
    asked = await person.submit("/password/forgot", {"email": email})
    assert "If an account exists" in asked.text
    reset = (await system.smtp.one(to=email, subject="Reset your NC CVMS password")).link(
        "/password/reset/")
    chosen = await person.submit(reset, {"password": PASSWORD, "password_confirm": PASSWORD})
    assert "Your password is changed" in chosen.text

    shown = await person.get(path)
    assert shown.status_code == 410, shown.status_code
    assert "already chosen" in shown.text and 'name="password"' not in shown.text
    other = "Someone-else-2026!"
    async with system.http() as http:
        refused = await http.post(f"/api/v1/portal/invitations/{path.rsplit('/', 1)[1]}",
                                  json={"password": other, "password_confirm": other})
    assert refused.status_code == 410, refused.text
    await browser(system).login(email, PASSWORD)  # theirs still works



async def test_the_primary_coordinators_record_says_why_it_stays_active_instead_of_a_button(
        system, sites):
    """Another Location Manager of the location was offered "Deactivate" on the primary
    coordinator's record, asked "Deactivate ...?", and only after "Yes" told the coordinator
    "stays its Location Manager"."""
    (site,) = sites.ids
    coordinator = (await sites.staff[site].get("/api/v1/me")).json()
    colleague = await invite(system, sites.staff[site], site, "location_manager", "Mia")
    page = browser(system)
    await page.login(colleague["username"])
    record = f"/portal/accounts/{coordinator['id']}"
    shown = await page.get(record)
    assert shown.status_code == 200, shown.status_code
    assert f'action="{record}/deactivate"' not in shown.text, "no button every press refuses"
    assert "so their account stays active" in shown.text
    refused = await page.submit(record, {"confirm": "yes"}, action=f"{record}/deactivate")
    assert refused.status_code == 409 and "so their account stays active" in refused.text
    assert (await sites.staff[site].get("/api/v1/me")).status_code == 200, "still active"
    theirs = browser(system)  # a colleague who is neither still has the button
    await theirs.login(sites.emails[site])
    mine = f"/portal/accounts/{colleague['id']}"
    assert f'action="{mine}/deactivate"' in (await theirs.get(mine)).text


async def test_details_saved_unchanged_keep_the_contacts_confirmation(system):
    """Pressing Save on an organization's record without changing anything took its point of
    contact's confirmation back and asked them to confirm the same details again."""
    manager = await location_manager(system)
    employer, email = await point_of_contact(system, await manager_api(system, manager),
                                             f"Unchanged {tag()}")
    contact = await api_client(system, email)
    assert (await contact.post("/api/v1/org-portal/confirm")).status_code == 200
    page = browser(system)
    await page.login(manager.email)
    saved = await page.submit(f"/portal/organizations/{employer['id']}", {k: employer[k] for k in (
        "name", "industry", "street", "city", "state", "zip_code")})
    assert "Saved." in saved.text
    assert "asks them to confirm these" not in saved.text
    assert (await contact.get("/api/v1/org-portal")).json()["confirmed"] is True


async def test_a_contact_does_not_confirm_details_changed_after_their_page_showed_them(system):
    """The point of contact's "Confirm these details" confirmed whatever the details were when
    it arrived: a manager's change made while the page was open was confirmed unseen."""
    manager = await location_manager(system)
    manager_http = await manager_api(system, manager)
    employer, email = await point_of_contact(system, manager_http, f"Moving {tag()}")
    contact = browser(system)
    await contact.login(email)
    shown = await contact.get("/org-portal")
    token = CSRF.search(shown.text)[1]
    seen = re.search(r'name="seen" value="([^"]+)"', shown.text)
    changed = await manager_http.put(f"/api/v1/employers/{employer['id']}", json={
        **{k: employer[k] for k in ("name", "industry", "city", "state", "zip_code")},
        "street": "9 Elsewhere Rd"})
    assert changed.status_code == 200, changed.text
    refused = await contact.http.post("/org-portal/confirm", data={
        "csrf_token": token, "seen": seen[1] if seen else ""})
    assert refused.status_code == 409, refused.status_code
    assert "changed since you opened this page" in refused.text
    assert "9 Elsewhere Rd" in refused.text, "the page shows the details as they are now"
    mine = await api_client(system, email)
    assert (await mine.get("/api/v1/org-portal")).json()["confirmed"] is False
    again = re.search(r'name="seen" value="([^"]+)"', refused.text)[1]
    done = await contact.submit("/org-portal", {"seen": again}, action="/org-portal/confirm")
    assert "details are confirmed" in done.text
    assert (await mine.get("/api/v1/org-portal")).json()["confirmed"] is True
    read = (await mine.get("/api/v1/org-portal")).json()  # the API holds to what was read too
    assert (await manager_http.put(f"/api/v1/employers/{employer['id']}", json={
        **{k: read[k] for k in ("name", "industry", "city", "state", "zip_code")},
        "street": "10 Elsewhere Rd"})).status_code == 200
    stale = await mine.post("/api/v1/org-portal/confirm", json={"seen": read["details_key"]})
    assert stale.status_code == 409, stale.text
    fresh = (await mine.get("/api/v1/org-portal")).json()
    assert fresh["confirmed"] is False and fresh["details_key"] != read["details_key"]
    assert (await mine.post("/api/v1/org-portal/confirm", json={
        "seen": fresh["details_key"]})).json()["confirmed"] is True


async def _mistyped_contact(manager_http, name: str, first: str, last: str) -> tuple:
    """A manager's new organization and its point of contact added at a mistyped address:
    (the organization, the answer adding the contact, the typo, the right address)."""
    employer = (await manager_http.post("/api/v1/employers", json={
        "name": f"{name} {tag()}", "industry": "Grocery and retail", "street": "1 Main St",
        "city": "Raleigh", "state": "North Carolina", "zip_code": "27601"})).json()
    right = unique_email(name.lower())
    typo = right.replace("@example.org", "@exmaple.org")
    added = await manager_http.post(f"/api/v1/employers/{employer['id']}/contacts", json={
        "first_name": first, "last_name": last, "email": typo})
    assert added.status_code == 201, added.text
    return employer, added, typo, right


async def test_a_manager_corrects_a_point_of_contacts_name_and_a_mistyped_address(system):
    """A point of contact added with a typo could not be corrected by anyone: the mistyped
    address waited for its validation forever, and a validated contact's account page sent
    them to the manager, who had no way to change their name."""
    manager = await location_manager(system)
    manager_http = await manager_api(system, manager)
    employer, added, typo, right = await _mistyped_contact(manager_http, "Typos", "Olag",
                                                           "Contact")
    old = (await system.smtp.one(to=typo, subject=VALIDATION)).link("/org-contact/validate/")
    page = browser(system)
    await page.login(manager.email)
    record = f"/portal/organizations/{employer['id']}"
    correct = f"{record}/contacts/{added.json()['id']}"
    assert f'href="{correct}"' in (await page.get(record)).text
    fixed = await page.submit(correct, {"first_name": "Olga", "last_name": "Contact",
                                        "email": right, "phone": ""})
    assert fixed.status_code == 200, fixed.text[-300:]
    assert f"emailed a new validation link at {right}" in fixed.text
    assert "Olga Contact" in fixed.text and typo not in fixed.text
    new = (await system.smtp.one(to=right, subject=VALIDATION)).link("/org-contact/validate/")
    async with system.http() as http:
        assert (await http.get("/" + old.split("/", 3)[3])).status_code == 410
        assert (await http.post("/api/v1/org-contacts/validate/" + new.rsplit("/", 1)[1], json={
            "password": PASSWORD, "password_confirm": PASSWORD})).status_code == 204

    contact = browser(system)
    await contact.login(right)
    shown = await page.get(correct)
    assert "readonly" in shown.text, "a validated contact's address is their login"
    renamed = await page.submit(correct, {"first_name": "Olga", "last_name": "Contacta",
                                          "email": right, "phone": "919-555-0123"})
    assert "Saved." in renamed.text
    mine = await contact.get("/account")
    assert "Olga Contacta" in mine.text and "919-555-0123" in mine.text
    assert "open a case at the CVMS Help Desk" in mine.text, "who changes their address"
    moved = await page.submit(correct, {"first_name": "Olga", "last_name": "Contacta",
                                        "email": unique_email("elsewhere"), "phone": ""})
    assert moved.status_code == 409 and "is how they log in" in moved.text
    assert 'id="email-error"' in moved.text or "usa-input--error" in moved.text
    await api_client(system, right)  # still logs in with the same address


async def test_a_corrected_address_committed_after_its_process_looks_gets_the_new_link(
        system, monkeypatch):
    """The new link's process starts just before the correction commits: reading the contact
    first, it sent the new link to the mistyped address again and none to the right one (seen
    once in a whole run). It now waits for the round it was started for."""
    from api.processes import portal as process

    manager_http = await manager_api(system, await location_manager(system))
    employer, added, typo, right = await _mistyped_contact(manager_http, "Late", "Lena", "Late")
    await system.smtp.one(to=typo, subject=VALIDATION)
    commit_late(monkeypatch, process, "send_validation", 1.5)
    corrected = await manager_http.put(
        f"/api/v1/employers/{employer['id']}/contacts/{added.json()['id']}",
        json={"first_name": "Lena", "last_name": "Late", "email": right})
    assert corrected.status_code == 200, corrected.text
    await system.smtp.one(to=right, subject=VALIDATION)
    assert len(system.smtp.find(typo, VALIDATION)) == 1, "the new link went to the old address"
