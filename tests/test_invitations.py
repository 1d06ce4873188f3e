"""Coordinator invitations: expiry explained and renewed, late locations, status for the OA."""

import asyncio
from datetime import timedelta

from sqlmodel import delete, select

from api.domain.throttle import ACCOUNT
from models.accounts import User
from models.base import utcnow
from models.enrollment import Location
from models.enums import Role
from models.links import find_link
from models.throttle import LoginThrottle
from tests.support.enrollment import location_body, register_coordinator, start_enrollment
from tests.support.web import PASSWORD, PASSWORD_HASH, browser, unique_email


async def expire(system, token: str) -> None:
    await expire_link(system, "coordinator_invite", token)


async def expire_link(system, purpose: str, token: str) -> None:
    """Move the link's expiry into the past, as if two weeks had gone by."""
    async with system.sessions() as session:
        link = await find_link(session, purpose, token)
        link.expires_at = utcnow() - timedelta(minutes=1)
        session.add(link)
        await session.commit()


def token_of(mail) -> str:
    return mail.link("/invite/").rsplit("/", 1)[1]


async def test_an_expired_link_explains_itself_and_a_new_one_replaces_it(system):
    enrollment = await start_enrollment(system, ["Late Clinic"])
    (email, _location_id), = enrollment.locations.items()
    old = token_of(await system.smtp.one(to=email, subject="Primary Vaccine Coordinator"))
    await expire(system, old)
    person = browser(system)
    page = await person.get(f"/invite/{old}")
    assert page.status_code == 410 and "has expired" in page.text
    assert "Email me a new link" in page.text
    renewed = await person.submit(f"/invite/{old}", {}, action=f"/invite/{old}/renew")
    assert "A new link is on its way" in renewed.text
    mails = await system.smtp.wait_for(to=email, subject="Primary Vaccine Coordinator", count=2)
    new = token_of(mails[-1])
    assert new != old
    dead = await person.get(f"/invite/{old}")
    assert dead.status_code == 410 and "replaced by a newer one" in dead.text
    async with system.http() as http:
        api_dead = await http.get(f"/api/v1/invitations/{old}")
        assert api_dead.status_code == 410
        registered = await http.post(f"/api/v1/invitations/{new}/register",
                                     json={"password": PASSWORD, "password_confirm": PASSWORD})
        assert registered.status_code == 201
        used = await http.post(f"/api/v1/invitations/{new}/register",
                               json={"password": PASSWORD, "password_confirm": PASSWORD})
        assert used.status_code == 410 and "already used" in used.json()["detail"]
        tampered = await http.get(f"/api/v1/invitations/{new[:-1]}x")
        assert tampered.status_code == 410 and "not valid" in tampered.json()["detail"]


async def test_the_same_registration_sent_again_while_its_account_waits_is_done(system):
    """Found in a whole run under load: a coordinator's registration whose account was written
    but whose joining the location was still under way ("still working") was sent again, as
    the page invites, and answered 409 "You already have an account ... Log in with it below"
    though the person had typed that account's own password. The same form again, with the
    account's password (checked behind the login's back-off), now finishes the joining; another
    password is still told to log in with the account's own."""
    enrollment = await start_enrollment(system, ["Retry Clinic"])
    (email, location_id), = enrollment.locations.items()
    token = token_of(await system.smtp.one(to=email, subject="Primary Vaccine Coordinator"))
    async with system.sessions() as session:  # the first send's account, its joining pending
        session.add(User(email=email.lower(), first_name="Rita", last_name="Retry",
                         role=Role.COORDINATOR, organization_id=enrollment.org_id,
                         password_hash=PASSWORD_HASH))
        await session.commit()
    url = f"/api/v1/invitations/{token}/register"
    async with system.http() as http:
        other = await http.post(url, json={"password": "Another-password-2026",
                                           "password_confirm": "Another-password-2026"})
        assert other.status_code == 409 and "already have an account" in other.json()["detail"]
        again = await http.post(url, json={"password": PASSWORD, "password_confirm": PASSWORD})
        assert again.status_code == 201, again.text
        assert again.json()["user"]["email"] == email.lower()
    async with system.sessions() as session:
        location = await session.get(Location, location_id)
        joined = await session.get(User, location.coordinator_user_id)
    assert joined.email == email.lower() and joined.first_name == "Rita"
    page = await browser(system).get(f"/invite/{token}")
    assert page.status_code == 410 and "already used" in page.text


async def test_a_location_added_after_section_a_invites_its_coordinator(system):
    enrollment = await start_enrollment(system, ["First Clinic"])
    email = unique_email("late")
    added = await enrollment.admin.post(f"/api/v1/organizations/{enrollment.org_id}/locations",
                                        json=location_body("Added Clinic", email))
    assert added.status_code == 201
    invitation = await system.smtp.one(to=email, subject="Primary Vaccine Coordinator")
    assert "Added Clinic" in invitation.subject


async def test_the_administrator_sees_status_whom_each_location_waits_on_and_since(system):
    enrollment = await start_enrollment(system, ["Watched Clinic"])
    (email, location_id), = enrollment.locations.items()
    await system.smtp.one(to=email, subject="Primary Vaccine Coordinator")
    waiting = await _location(enrollment, location_id, lambda loc: loc["waiting_on"])
    assert waiting["status"] == "new" and "register" in waiting["waiting_on"]
    coordinator = await register_coordinator(system, email)
    after = await _location(enrollment, location_id,
                            lambda loc: "complete Section B" in (loc["waiting_on"] or ""))
    assert after["status"] == "new" and after["status_since"]
    page = await browser_as(system, enrollment.admin_email, "/organization")
    assert "Watched Clinic" in page.text and "complete Section B" in page.text
    assert "Next reminder" in page.text
    forbidden = await enrollment.admin.put(
        f"/api/v1/locations/{location_id}/section-b/location", json={})
    assert forbidden.status_code == 403
    # Not a route for coordinators at all (api/access.py): refused whatever the organization.
    assert (await coordinator.get(f"/api/v1/organizations/{enrollment.org_id}")).status_code == 403


async def _location(enrollment, location_id: int, ready) -> dict:
    for _ in range(100):
        mine = (await enrollment.admin.get("/api/v1/organizations/mine")).json()
        location = next(loc for loc in mine["locations"] if loc["id"] == location_id)
        if ready(location):
            return location
        await asyncio.sleep(0.1)
    raise AssertionError(location)


async def browser_as(system, email: str, path: str):
    person = browser(system)
    await person.login(email)
    return await person.get(path)


async def second_location_invited(system, first: str, second: str):
    """A registered coordinator of `first` named for a second location, `second`: the
    enrollment, their email, the second location's id and the token of its invitation."""
    enrollment = await start_enrollment(system, [first])
    (email, _first), = enrollment.locations.items()
    await register_coordinator(system, email)
    added = await enrollment.admin.post(f"/api/v1/organizations/{enrollment.org_id}/locations",
                                        json=location_body(second, email))
    mails = await system.smtp.wait_for(to=email, subject="Primary Vaccine Coordinator", count=2)
    return enrollment, email, added.json()["id"], token_of(mails[-1])


async def test_a_coordinator_of_two_locations_uses_one_account(system):
    _, email, second, token = await second_location_invited(system, "One Clinic",
                                                            "Two Clinic")
    async with system.http() as http:
        details = (await http.get(f"/api/v1/invitations/{token}")).json()
        assert details["has_account"] is True
        wrong = await http.post(f"/api/v1/invitations/{token}/accept", json={"password": "nope"})
        assert wrong.status_code == 422
        accepted = await http.post(f"/api/v1/invitations/{token}/accept",
                                   json={"password": PASSWORD})
        assert accepted.status_code == 200
    # signed in by the acceptance, as on the page
    coordinator = system.http(headers={
        "Authorization": f"Bearer {accepted.json()['access_token']}"})
    assert (await coordinator.get(f"/api/v1/locations/{second}/section-b")).status_code == 200


async def test_an_invitation_to_an_existing_account_does_not_ask_to_register(system):
    """The invitation's page for someone who has an account asked to "Register as the vaccine
    coordinator" ("After registering you go straight to Section B") above its password for
    adding the location (the outside check of a new organization whose administrator named
    themself coordinator of a second location): it says what the form does."""
    enrollment = await start_enrollment(system, ["First Own Clinic"])
    (email, _first), = enrollment.locations.items()
    await register_coordinator(system, email)
    await enrollment.admin.post(f"/api/v1/organizations/{enrollment.org_id}/locations",
                                json=location_body("Second Own Clinic", email))
    mails = await system.smtp.wait_for(to=email, subject="Primary Vaccine Coordinator", count=2)
    page = await browser(system).get(f"/invite/{token_of(mails[-1])}")
    assert "<h1>Add Second Own Clinic to your account</h1>" in page.text
    assert "Register as" not in page.text and "After registering" not in page.text
    assert "Add this location to my account" in page.text


async def test_a_signed_in_coordinator_adds_a_second_location_without_the_password(system):
    """Found by an earlier check: a coordinator logged in who followed the invitation for a
    second location was asked their password again. Their own session is their proof: the page
    offers to add the location, and that takes them to its Section B, still signed in. Someone
    else's session is refused (test_invitation_while_someone_is_logged_in)."""
    enrollment, email, second, token = await second_location_invited(
        system, "Signed First Clinic", "Signed Second Clinic")
    person = browser(system)
    await person.login(email)
    page = await person.get(f"/invite/{token}")
    assert page.status_code == 200 and 'value="signed_in"' in page.text, page.text[:3000]
    assert 'name="password"' not in page.text, "no password asked of the one signed in"
    joined = await person.submit(f"/invite/{token}", {"action": "signed_in"})
    assert joined.status_code == 200, joined.text[:400]
    assert str(joined.url).endswith(f"/locations/{second}/section-b/location"), joined.url
    assert "You are the vaccine coordinator for Signed Second Clinic" in joined.text
    used = await person.get(f"/invite/{token}")
    assert used.status_code == 410, "the link is used"
    # a session of someone else sends nothing through the signed-in form
    third = await enrollment.admin.post(f"/api/v1/organizations/{enrollment.org_id}/locations",
                                        json=location_body("Signed Third Clinic", email))
    mails = await system.smtp.wait_for(to=email, subject="Primary Vaccine Coordinator", count=3)
    admin = browser(system)
    await admin.login(enrollment.admin_email)
    refused = await admin.submit(f"/invite/{token_of(mails[-1])}", {"action": "signed_in"})
    assert refused.status_code == 403, refused.status_code
    async with system.sessions() as session:
        assert (await session.get(Location, third.json()["id"])).coordinator_user_id is None


async def test_guessing_an_accounts_password_from_an_invitation_meets_the_back_off(system):
    """Someone holding a forwarded invitation for an address that has an account cannot try
    its password there more often than at the login: the same counts, the same wait."""
    enrollment = await start_enrollment(system, ["Guess Clinic"])
    (email, _first), = enrollment.locations.items()
    await register_coordinator(system, email)
    added = await enrollment.admin.post(f"/api/v1/organizations/{enrollment.org_id}/locations",
                                        json=location_body("Guess Two Clinic", email))
    assert added.status_code == 201, added.text
    mails = await system.smtp.wait_for(to=email, subject="Primary Vaccine Coordinator", count=2)
    token = token_of(mails[-1])
    url = f"/api/v1/invitations/{token}/accept"
    try:
        async with system.http() as http:
            for _ in range(ACCOUNT.free + 1):
                wrong = await http.post(url, json={"password": "nope-guess-1"})
                assert wrong.status_code == 422, wrong.text
            waiting = await http.post(url, json={"password": PASSWORD})
            assert waiting.status_code == 429 and waiting.headers["retry-after"], waiting.text
            login = await http.post("/api/v1/auth/token",
                                    json={"email": email, "password": PASSWORD})
            assert login.status_code == 429, "one count for the account, wherever it is tried"
            page = await browser(system).submit(f"/invite/{token}", {
                "action": "existing", "password": PASSWORD})
            assert page.status_code == 429 and "Wait" in page.text
            assert int(page.headers["retry-after"]) >= 1
    finally:  # every test logs in from 127.0.0.1: leave no count behind
        async with system.sessions() as session:
            await session.exec(delete(LoginThrottle))
            await session.commit()


async def test_the_coordinator_corrects_the_name_the_administrator_typed(system):
    """The invitation page offers the name as typed; the coordinator's correction is their
    account's name, and a refused password keeps the corrected name on the page."""
    enrollment = await start_enrollment(system, ["Named Clinic"])
    (email, _location_id), = enrollment.locations.items()
    token = token_of(await system.smtp.one(to=email, subject="Primary Vaccine Coordinator"))
    person = browser(system)
    page = await person.get(f"/invite/{token}")
    assert 'id="first_name" name="first_name" type="text"\n    value="Named"' in page.text
    typed = {"first_name": "Nadia", "last_name": "Nakamura-Ruiz", "action": "register"}
    weak = await person.submit(f"/invite/{token}", {**typed, "password": "short",
                                                    "password_confirm": "short"})
    assert weak.status_code == 400 and 'value="Nakamura-Ruiz"' in weak.text
    done = await person.submit(f"/invite/{token}", {**typed, "password": PASSWORD,
                                                    "password_confirm": PASSWORD})
    assert done.status_code == 200, done.text[:300]
    async with system.sessions() as session:
        user = (await session.exec(select(User).where(User.email == email))).one()
    assert (user.first_name, user.last_name) == ("Nadia", "Nakamura-Ruiz")
