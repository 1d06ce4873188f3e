"""Portal accounts and organizations from a fifth outside check in the browser: an invitation
link still working after the person chose a password another way."""

import pytest

from tests.support.inventory import enrolled_sites
from tests.support.portal import INVITATION
from tests.support.review import reviewer
from tests.support.web import PASSWORD, browser, unique_email


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

