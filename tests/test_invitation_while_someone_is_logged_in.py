"""Found by the outside check: the coordinator's invitation opened in a browser where someone
else is logged in (the Organization Administrator who typed the coordinator's address, trying
the link) showed the registration form as if to anyone, and registering there made the
coordinator's account in the administrator's browser and switched its session. The signing
page says whom the browser is logged in as and asks them to log out first; the invitation now
does the same, and refuses a registration sent from that browser."""

from sqlmodel import select

from models.accounts import User
from tests.support.enrollment import start_enrollment
from tests.support.web import PASSWORD, browser
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
