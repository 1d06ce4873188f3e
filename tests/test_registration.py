"""Self-registration: a workflow with a days-long timer, on both Temporal servers."""

from datetime import timedelta

from sqlmodel import select

from models.accounts import User
from models.enums import AccountStatus
from tests.support.web import PASSWORD, browser, unique_email


def registration(email: str) -> dict:
    return {"first_name": "Olivia", "last_name": "Admin", "email": email,
            "password": PASSWORD, "password_confirm": PASSWORD}


async def account(system, email: str) -> User:
    async with system.sessions() as session:
        return (await session.exec(select(User).where(User.email == email))).one()


async def test_unconfirmed_registration_expires_after_seven_days(ts_system):
    email = unique_email("late")
    async with ts_system.http() as http:
        assert (await http.post("/api/v1/registrations", json=registration(email))).status_code == 201
        mail = await ts_system.smtp.one(to=email, subject="Confirm your email")
        await ts_system.env.sleep(timedelta(days=6, hours=23))
        assert (await account(ts_system, email)).status == AccountStatus.PENDING_VERIFICATION
        await ts_system.env.sleep(timedelta(hours=2))
        expired = await ts_system.smtp.one(to=email, subject="registration expired")
        assert "/register" in expired.text
        assert (await account(ts_system, email)).status == AccountStatus.EXPIRED
        token = mail.link("/register/verify/").rsplit("/", 1)[1]
        late = await http.post("/api/v1/registrations/confirm", json={"token": token})
        assert late.status_code == 410
        assert "expired" in late.json()["detail"]
        again = await http.post("/api/v1/registrations", json=registration(email))
        assert again.status_code == 201, "an expired registration frees the email address"
        mails = await ts_system.smtp.wait_for(to=email, subject="Confirm your email", count=2)
        fresh = mails[-1].link("/register/verify/").rsplit("/", 1)[1]
        assert fresh != token
        assert (await http.post("/api/v1/registrations/confirm",
                                json={"token": fresh})).status_code == 200


async def test_register_confirm_and_log_in_through_the_pages(system):
    email = unique_email("oa")
    person = browser(system)
    page = await person.submit("/register", registration(email))
    assert "Check your email" in page.text
    mail = await system.smtp.one(to=email, subject="Confirm your email")
    assert mail.html and "Confirm my email" in mail.html
    link = mail.link("/register/verify/")
    assert link.startswith(system.base_url)
    landing = await person.get(link)
    assert "Confirm my email" in landing.text
    confirmed = await person.submit(link, {})
    assert "Your email address is confirmed" in confirmed.text
    home = await person.login(email)
    assert "Welcome, Olivia" in home.text
    reused = await person.get(link)
    assert reused.status_code == 410 and "already confirmed" in reused.text


async def test_duplicate_and_invalid_registrations_are_refused_by_field(system):
    email = unique_email("dup")
    async with system.http() as http:
        assert (await http.post("/api/v1/registrations", json=registration(email))).status_code == 201
        twice = await http.post("/api/v1/registrations", json=registration(email))
        assert twice.status_code == 409 and "email" in twice.json()["errors"]
        bad = await http.post("/api/v1/registrations", json={
            **registration(unique_email()), "email": "not-an-email", "password_confirm": "x"})
        assert bad.status_code == 422
        assert set(bad.json()["errors"]) >= {"email", "password_confirm"}
    page = await browser(system).submit("/register", {**registration("nope"), "first_name": ""})
    assert page.status_code == 400
    assert 'value="Admin"' in page.text, "what the person typed is kept"
    assert "This field is required." in page.text
