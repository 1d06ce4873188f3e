"""Forgot password by emailed link (back-off on failed logins: test_account_security.py)."""

import asyncio
from datetime import timedelta

from models.accounts import User
from models.base import as_utc, utcnow
from models.enums import AccountStatus, Role
from models.links import find_link
from tests.support.accounts import make_user
from tests.support.web import PASSWORD, browser, unique_email

NEW = "A-new-password-77"


async def test_a_forgotten_password_is_reset_from_the_emailed_link(system):
    user = await make_user(system, Role.REVIEWER)
    person = browser(system)
    await person.login(user.email)
    reset_from = browser(system)
    asked = await reset_from.submit("/password/forgot", {"email": user.email})
    assert "If an account exists" in asked.text
    unknown = await reset_from.submit("/password/forgot", {"email": "nobody@example.org"})
    assert "If an account exists" in unknown.text, "no account discovery"
    mail = await system.smtp.one(to=user.email, subject="Reset your NC CVMS password")
    link = mail.link("/password/reset/")
    weak = await reset_from.submit(link, {"password": "short", "password_confirm": "short"})
    assert weak.status_code == 400 and "at least 12 characters" in weak.text
    done = await reset_from.submit(link, {"password": NEW, "password_confirm": NEW})
    assert "Your password is changed" in done.text
    assert "/login" in str((await person.get("/state/audit")).url), "old sessions ended"
    again = await reset_from.get(link)
    assert again.status_code == 410 and "already used" in again.text
    async with system.http() as http:
        old = await http.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD})
        assert old.status_code == 422
        new = await http.post("/api/v1/auth/token", json={"email": user.email, "password": NEW})
        assert new.status_code == 200


async def test_a_forgotten_password_before_confirming_sends_the_confirmation_again(system):
    """Found by the outside check: someone who registered, lost the confirmation email and
    asked "Forgot your password?" was told a link was emailed, and nothing ever came: the
    confirmation link comes again (the older one stops working), so the account can be
    activated, and then its password reset."""
    email = unique_email("waiting")
    confirm = "Confirm your email to finish registering"
    async with system.http() as http:
        registered = await http.post("/api/v1/registrations", json={
            "first_name": "Una", "last_name": "Waiting", "email": email,
            "password": PASSWORD, "password_confirm": PASSWORD})
        assert registered.status_code == 202, registered.text
        first = (await system.smtp.one(to=email, subject=confirm)).link("/register/verify/")
        asked = await http.post("/api/v1/auth/password-reset", json={"email": email})
        assert asked.status_code == 202
        sent = await system.smtp.wait_for(to=email, subject=confirm, count=2)
        fresh = sent[-1].link("/register/verify/")
        assert fresh != first
        old = await http.get("/" + first.split("/", 3)[3])
        assert old.status_code == 410, old.text
        confirmed = await http.post("/api/v1/registrations/confirm",
                                    json={"token": fresh.rsplit("/", 1)[1]})
        assert confirmed.status_code == 200, confirmed.text
        assert not system.smtp.find(to=email, subject="Reset your NC CVMS password")


async def test_the_reset_link_dies_after_an_hour(ts_system):
    user = await make_user(ts_system, Role.REVIEWER)
    async with ts_system.http() as http:
        assert (await http.post("/api/v1/auth/password-reset",
                                json={"email": user.email})).status_code == 202
        mail = await ts_system.smtp.one(to=user.email, subject="Reset your NC CVMS password")
        token = mail.link("/password/reset/").rsplit("/", 1)[1]
        await ts_system.env.sleep(timedelta(hours=1, minutes=5))
        await expired_by_workflow(ts_system, token)
        late = await http.post(f"/api/v1/auth/password-reset/{token}",
                               json={"password": NEW, "password_confirm": NEW})
        assert late.status_code == 410 and "expired" in late.json()["detail"]


async def expired_by_workflow(system, token: str) -> None:
    """Wait (in real time) until the workflow's timer has expired the link in the database."""
    for _ in range(100):
        async with system.sessions() as session:
            link = await find_link(session, "password_reset", token)
            if as_utc(link.expires_at) <= utcnow():
                return
        await asyncio.sleep(0.1)
    raise AssertionError("the reset link was not expired by its workflow")


async def test_a_deactivated_accounts_owner_is_told_why_no_link_comes(system):
    """Found by the accounts' outside check: someone whose account a Location Manager
    deactivated asked "Forgot your password?" or registered for the help desk with the address
    and was told an email was sent; nothing ever came. Its owner (never the one who typed it:
    the answer is the same for every address) is now told the account is deactivated and who
    can reactivate it, with no link that could set a password."""
    user = await make_user(system, Role.PROVIDER, first_name="Dee",
                           status=AccountStatus.DEACTIVATED)
    subject = "Your NC CVMS account is deactivated"
    async with system.http() as http:
        asked = await http.post("/api/v1/auth/password-reset", json={"email": user.email})
        assert asked.status_code == 202, asked.text
        mail = await system.smtp.one(to=user.email, subject=subject)
        text = " ".join(mail.text.split())
        assert "asked to reset the password of this email address" in text, text
        assert "ask the Location Manager of your location to reactivate your account" in text
        assert "/password/reset/" not in mail.text and "/password/reset/" not in mail.html
        registered = await http.post("/api/v1/helpdesk/registrations", json={
            "first_name": "Dee", "last_name": "Again", "email": user.email,
            "registration_code": "VAC2021"})
        assert registered.status_code == 202, registered.text
        sent = await system.smtp.wait_for(to=user.email, subject=subject, count=2)
        assert "tried to register with this email address" in " ".join(sent[-1].text.split())
        assert "no new account was made" in " ".join(sent[-1].text.split())
    assert not system.smtp.find(to=user.email, subject="Reset your NC CVMS password")
    async with system.sessions() as session:
        stored = await session.get(User, user.id)
        assert stored.status == AccountStatus.DEACTIVATED and stored.role == Role.PROVIDER


async def test_a_reset_asked_twice_with_one_key_sends_one_link(system):
    """Found by an outside check: "Email me a link" double-clicked sent two reset emails, the
    second link replacing the first as it arrived. The form's one-time key makes a repeat (a
    double click, Back and send again, an API client's retry) the same request; another key is
    another request, as before. (The repeat is counted once against the hourly allowance:
    test_a_reset_asked_twice_at_once_is_one_ask.)"""
    subject = "Reset your NC CVMS password"
    page = browser(system)
    form = await page.get("/password/forgot")
    assert 'name="request_key"' in form.text
    clicked, retried = [await make_user(system, Role.REVIEWER) for _ in range(2)]
    answers = await asyncio.gather(*(page.submit("/password/forgot", {
        "email": clicked.email, "request_key": "double-click-0001"}) for _ in range(2)))
    assert all("If an account exists" in answer.text for answer in answers)
    async with system.http() as http:
        for _ in range(2):
            sent = await http.post("/api/v1/auth/password-reset",
                                   json={"email": retried.email, "request_key": "api-retry-0001"})
            assert sent.status_code == 202, sent.text
        for user in (clicked, retried):
            await system.smtp.wait_for(to=user.email, subject=subject, count=1)
            later = await http.post("/api/v1/auth/password-reset",
                                    json={"email": user.email, "request_key": "another-key-02"})
            assert later.status_code == 202
    for user in (clicked, retried):
        await system.smtp.wait_for(to=user.email, subject=subject, count=2)
    await asyncio.sleep(1)
    for user in (clicked, retried):
        assert len(system.smtp.find(to=user.email, subject=subject)) == 2, user.email


async def test_a_reset_asked_twice_at_once_is_one_ask(system):
    """Found by an earlier check: without the form's key (an API client, a page kept from
    before the key) two asks a moment apart started two processes: two emails, the first link
    dead as it arrived; and a repeat with the key counted twice toward the three an hour. Now
    an ask again within seconds (or with the same key) is that ask: one email, counted once."""
    subject = "Reset your NC CVMS password"
    keyless, keyed = [await make_user(system, Role.REVIEWER) for _ in range(2)]
    async with system.http() as http:
        answers = await asyncio.gather(*(http.post("/api/v1/auth/password-reset",
                                                   json={"email": keyless.email})
                                         for _ in range(2)))
        assert [a.status_code for a in answers] == [202, 202]
        again = await http.post("/api/v1/auth/password-reset", json={"email": keyless.email})
        assert again.status_code == 202
        mail = await system.smtp.one(to=keyless.email, subject=subject)
        await asyncio.sleep(1)
        assert len(system.smtp.find(to=keyless.email, subject=subject)) == 1
        # the one link works: no later send of the same ask replaced it
        link = mail.link("/password/reset/")
        assert (await http.get("/" + link.split("/", 3)[3])).status_code == 200
    page = browser(system)
    await page.get("/password/forgot")  # (its CSRF cookie, before the two sends)
    clicks = await asyncio.gather(*(page.submit("/password/forgot", {
        "email": keyed.email, "request_key": "double-click-0003"}) for _ in range(2)))
    assert all("If an account exists" in c.text for c in clicks)
    async with system.http() as http:
        for number in (1, 2):  # the allowance's two others (the double click counted once)
            asked = await http.post("/api/v1/auth/password-reset", json={
                "email": keyed.email, "request_key": f"another-ask-{number:04d}"})
            assert asked.status_code == 202
    await system.smtp.wait_for(to=keyed.email, subject=subject, count=3)
