"""'Register' double-clicked where the first send finished before the second arrived (found by
the emails' outside check, one time in a few): the second found the account the first had just
made and treated it as someone registering the address again, so an administrator got a second
confirmation email whose fresh link killed the first one's ('This link was replaced by a newer
one'), and a help-desk registrant got 'You already have an NC CVMS account' beside their
username and temporary password. The same registration sent again within seconds now sends
nothing more; registering again later (or with other names) still does."""

import asyncio

from tests.support.web import PASSWORD, unique_email

CONFIRM = "Confirm your email"
CREDENTIALS = "username and temporary password"


async def test_an_administrators_registration_sent_again_at_once_sends_one_link(system):
    email = unique_email("again")
    body = {"first_name": "Ada", "last_name": "Again", "email": email, "password": PASSWORD,
            "password_confirm": PASSWORD}
    async with system.http() as http:
        first = await http.post("/api/v1/registrations", json=body)
        again = await http.post("/api/v1/registrations", json=body)
        assert (first.status_code, again.status_code) == (202, 202)
        assert first.json() == again.json()
        link = (await system.smtp.one(to=email, subject=CONFIRM)).link("/register/verify/")
        await asyncio.sleep(1.5)  # a second email would be on its way by now
        assert len(system.smtp.find(to=email)) == 1, [m.subject for m in
                                                      system.smtp.find(to=email)]
        confirmed = await http.post("/api/v1/registrations/confirm",
                                    json={"token": link.rsplit("/", 1)[1]})
    assert confirmed.status_code == 200, "the one link sent works"


async def test_a_help_desk_registration_sent_again_at_once_sends_one_email(system):
    email = unique_email("again")
    body = {"first_name": "Hal", "last_name": "Again", "email": email,
            "registration_code": "VAC2021"}
    async with system.http() as http:
        first = await http.post("/api/v1/helpdesk/registrations", json=body)
        again = await http.post("/api/v1/helpdesk/registrations", json=body)
    assert (first.status_code, again.status_code) == (202, 202)
    await system.smtp.one(to=email, subject=CREDENTIALS)
    await asyncio.sleep(1.5)
    assert [m.subject for m in system.smtp.find(to=email)] == [
        "Your CVMS Help Desk username and temporary password"]


async def test_confirm_my_email_double_clicked_answers_confirmed_both_times(system):
    """'Confirm my email' double-clicked: the second send, arriving while the first confirmed,
    read 'This link cannot be used: This registration is already confirming.' (the page the
    browser shows: the second). Both now answer that the address is confirmed."""
    email = unique_email("confirm")
    async with system.http() as http:
        assert (await http.post("/api/v1/registrations", json={
            "first_name": "Cy", "last_name": "Twice", "email": email, "password": PASSWORD,
            "password_confirm": PASSWORD})).status_code == 202
        token = (await system.smtp.one(to=email, subject=CONFIRM)).link(
            "/register/verify/").rsplit("/", 1)[1]
        sends = await asyncio.gather(*(http.post("/api/v1/registrations/confirm",
                                                 json={"token": token}) for _ in range(2)))
    assert [s.status_code for s in sends] == [200, 200], [s.text for s in sends]
