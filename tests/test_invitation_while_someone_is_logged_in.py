"""Found by the outside check: the coordinator's invitation opened in a browser where someone
else is logged in (the Organization Administrator who typed the coordinator's address, trying
the link) showed the registration form as if to anyone, and registering there made the
coordinator's account in the administrator's browser and switched its session. The signing
page says whom the browser is logged in as and asks them to log out first; the invitation now
does the same, and refuses a registration sent from that browser."""

import html

from sqlmodel import select

from api.domain.accounts import user_by_email
from models.accounts import User
from tests.support.enrollment import start_enrollment
from tests.support.portal import VALIDATION, invited
from tests.support.recipients import location_manager
from tests.support.web import PASSWORD, api_client, browser, unique_email
from tests.test_invitations import token_of


async def test_the_invitation_names_whom_the_browser_is_logged_in_as(system):
    enrollment = await start_enrollment(system, ["Maple Clinic"])
    (email, _location_id), = enrollment.locations.items()
    token = token_of(await system.smtp.one(to=email, subject="Primary Vaccine Coordinator"))
    admin = browser(system)
    await admin.login(enrollment.admin_email)

    page = await admin.get(f"/invite/{token}")
    assert page.status_code == 200
    said = " ".join(page.text.split())
    assert f"You are logged in as {enrollment.admin_email}" in said, said[:3000]
    assert 'value="register"' not in page.text, "no registration form for the wrong person"
    assert f'name="next" value="/invite/{token}"' in page.text  # log out, then back here

    sent = await admin.submit(f"/login?next=/invite/{token}", {
        "first_name": "Cody", "last_name": "Coordinator", "password": PASSWORD,
        "password_confirm": PASSWORD, "action": "register"}, action=f"/invite/{token}")
    assert sent.status_code == 403, sent.status_code
    async with system.sessions() as session:
        assert (await session.exec(select(User).where(User.email == email))).first() is None

    stranger = browser(system)  # nobody logged in: the form, as before
    fresh = await stranger.get(f"/invite/{token}")
    assert 'value="register"' in fresh.text and "You are logged in as" not in fresh.text


async def test_a_contacts_validation_and_a_portal_invitation_name_who_is_logged_in(system):
    """The same for a point of contact's 48-hour validation link and a portal account's
    invitation (found by the accounts' outside check): opened where a Location Manager is
    logged in, they showed the set-password form as to anyone, and the manager's session
    stayed. Now the page says who is logged in and offers to log out first (back to the same
    link, still usable); a password sent from that browser is refused and nothing is saved."""
    lm = await location_manager(system)
    api = await api_client(system, lm.email)
    made = await api.post("/api/v1/employers", json={
        "name": f"Logged Grocery {unique_email()[5:13]}", "industry": "Grocery and retail",
        "street": "1 Main St", "city": "Raleigh", "state": "North Carolina",
        "zip_code": "27601"})
    assert made.status_code == 201, made.text
    contact_email = unique_email("poc")
    added = await api.post(f"/api/v1/employers/{made.json()['id']}/contacts", json={
        "first_name": "Vic", "last_name": "Contact", "email": contact_email})
    assert added.status_code == 201, added.text
    staff, invitation = await invited(system, api, lm.location_id, "provider", "Ivo", "Staff")
    staff_email = staff["email"]
    await api.aclose()
    validation = (await system.smtp.one(to=contact_email, subject=VALIDATION)).link(
        "/org-contact/validate/")
    manager = browser(system)
    await manager.login(lm.email)
    for link, email in ((validation, contact_email), (invitation, staff_email)):
        path = "/" + link.split("/", 3)[3]
        page = await manager.get(path)
        assert page.status_code == 200, page.status_code
        said = " ".join(html.unescape(page.text).split())
        assert f"You are logged in as {lm.email}" in said, said[said.find("<main"):][:1500]
        assert email in said
        assert 'name="password_confirm"' not in page.text, "no password form for them here"
        assert f'name="next" value="{path}"' in page.text  # log out, then back here
        sent = await manager.submit("/login", {"password": PASSWORD,
                                               "password_confirm": PASSWORD}, action=path)
        assert sent.status_code == 403, sent.status_code
        assert f"You are logged in as {lm.email}" in " ".join(html.unescape(sent.text).split())
        async with system.sessions() as session:
            person = await user_by_email(session, email)
            assert person is None or not person.password_hash, "no password saved"
        logged_out = await manager.submit(path, {"next": path}, action="/logout")
        assert logged_out.status_code == 200 and str(logged_out.url).endswith(path)
        assert 'name="password_confirm"' in logged_out.text, "the link still works"
        assert "You are logged in as" not in logged_out.text
        await manager.login(lm.email)
