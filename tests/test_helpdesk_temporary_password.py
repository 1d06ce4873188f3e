"""A help-desk registrant's emailed temporary password expires (found by the outside check: it
worked for ever). Within its 7 days it logs in (to choose a password, as before); past them,
typed right, it is refused saying it expired and how to choose a new one ("Forgot your
password?", which then works); typed wrong, the answer is the usual one, telling nothing."""

import html
import re
from datetime import timedelta

import sqlalchemy
from sqlmodel import select

from models.accounts import User
from models.base import as_utc, utcnow
from tests.support.web import CSRF, PASSWORD, unique_email

TIMES = ("created_at", "temporary_password_expires_at")  # the latter once it exists


async def registered(system) -> tuple[str, str, str]:
    """A requester registered through the API: (email, username, temporary password)."""
    email = unique_email("req")
    async with system.http() as http:
        done = await http.post("/api/v1/helpdesk/registrations", json={
            "first_name": "Tia", "last_name": "Temporary", "email": email,
            "registration_code": "VAC2021"})
        assert done.status_code == 202, done.text
    mail = await system.smtp.one(to=email, subject="username and temporary password")
    assert "works for 7 days" in mail.text and "Forgot your password?" in mail.text, mail.text
    return (email, re.search(r"Username: (\S+)", mail.text)[1],
            re.search(r"Temporary password: (\S+)", mail.text)[1])


async def age(system, email: str, days: int) -> None:
    """Every time stored on the account moved `days` into the past, as if it were that old."""
    async with system.sessions() as session:
        user = (await session.exec(select(User).where(User.email == email))).one()
        columns = [c for c in TIMES if c in User.model_fields]
        for column in columns:
            if (value := getattr(user, column)) is not None:
                setattr(user, column, value - timedelta(days=days))
        session.add(user)
        await session.commit()


async def log_in(system, login: str, password: str):
    async with system.http() as http:
        page = await http.get("/login")
        return await http.post("/login", data={"email": login, "password": password,
                                               "csrf_token": CSRF.search(page.text)[1]})


async def test_the_temporary_password_expires_after_seven_days(system):
    email, username, temporary = await registered(system)
    async with system.sessions() as session:
        user = (await session.exec(select(User).where(User.email == email))).one()
        expires = getattr(user, "temporary_password_expires_at", None)
    assert expires and timedelta(days=7) - timedelta(minutes=5) < as_utc(
        expires) - utcnow() <= timedelta(days=7), expires

    await age(system, email, 6)  # a day left: it still logs in, to choose a password
    within = await log_in(system, username, temporary)
    assert within.status_code == 303 and "/account/password" in within.headers["location"]

    await age(system, email, 2)
    page = await log_in(system, username, temporary)
    assert page.status_code == 400, page.status_code
    shown = html.unescape(page.text)
    assert "This temporary password has expired" in shown, shown[shown.find("<main"):][:1500]
    assert 'id="password-error"' in page.text and "Forgot your password?" in shown
    async with system.http() as http:
        token = await http.post("/api/v1/auth/token",
                                json={"email": username, "password": temporary})
    assert token.status_code in (400, 422) and "has expired" in token.text, token.text
    wrong = await log_in(system, username, "not-the-password-1")
    assert "expired" not in wrong.text, "a wrong password learns nothing of the account"

    # "Forgot your password?" gives the registrant a password of their own
    async with system.http() as http:
        asked = await http.post("/api/v1/auth/password-reset", json={"email": email})
        assert asked.status_code == 202
        link = (await system.smtp.one(to=email, subject="Reset your")).link("/password/reset/")
        form = await http.get(link)
        reset = await http.post(link, data={"password": PASSWORD, "password_confirm": PASSWORD,
                                            "csrf_token": CSRF.search(form.text)[1]})
        assert reset.status_code == 303, reset.text[:400]
    assert (await log_in(system, email, PASSWORD)).status_code == 303


async def test_temporary_passwords_emailed_before_the_upgrade_get_seven_days_from_it(tmp_path):
    """0011t: a registrant still on the temporary password emailed before gets 7 days from the
    upgrade; everyone else's account has no expiry."""
    from alembic import command

    from core.db import sync_url
    from core.migrate import alembic_config

    url = f"sqlite+aiosqlite:///{tmp_path / 'temporary.db'}"
    config = alembic_config(url)
    command.upgrade(config, "0011s")
    engine = sqlalchemy.create_engine(sync_url(url))
    with engine.begin() as connection:
        for email, temporary in (("waiting@example.org", True), ("chose@example.org", False)):
            connection.execute(sqlalchemy.text(
                "INSERT INTO user_account (email, first_name, last_name, role, status,"
                " password_hash, must_change_password, created_at) VALUES (:email, 'A', 'B',"
                " 'requester', 'active', 'x', :temporary, '2026-11-01 00:00:00')"),
                {"email": email, "temporary": temporary})
    command.upgrade(config, "0011t")
    with engine.connect() as connection:
        rows = dict(connection.execute(sqlalchemy.text(
            "SELECT email, temporary_password_expires_at FROM user_account")).all())
    assert rows["chose@example.org"] is None
    left = as_utc(_moment(rows["waiting@example.org"])) - utcnow()
    assert timedelta(days=7) - timedelta(minutes=5) < left <= timedelta(days=7)
    command.downgrade(config, "0011s")
    engine.dispose()


def _moment(value):
    from datetime import datetime
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)
