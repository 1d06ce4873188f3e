"""Self-registration from one client address is limited (REGISTRATIONS_PER_CLIENT_HOUR): each
makes an account and emails the address typed, so a client typing address after address would
otherwise make accounts and send mail without end. Administrators and help-desk requesters
share the count; past it the answer is 429 with Retry-After, the reason next to the email field,
what was typed kept, and nothing stored or sent."""

import asyncio

import httpx
from sqlmodel import select

from api.app import create_app
from models.accounts import User
from tests.support.web import CSRF, PASSWORD, unique_email

SPRAYER = "203.0.113.44"


def admin(email: str) -> dict:
    return {"first_name": "Sam", "last_name": "Sprayer", "email": email, "password": PASSWORD,
            "password_confirm": PASSWORD}


async def test_one_client_registers_a_limited_number_of_accounts_an_hour(system):
    settings = system.settings.model_copy(update={"registrations_per_client_hour": 2})
    app = create_app(settings, engine=system.engine, gateway=system.gateway(settings))
    emails = [unique_email("sprayed") for _ in range(5)]
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=(SPRAYER, 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            first = await http.post("/api/v1/registrations", json=admin(emails[0]))
            second = await http.post("/api/v1/helpdesk/registrations", json={
                "first_name": "Sam", "last_name": "Sprayer", "email": emails[1],
                "registration_code": "VAC2021"})
            assert (first.status_code, second.status_code) == (202, 202), second.text
            refused = await http.post("/api/v1/registrations", json=admin(emails[2]))
            assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
            assert "registered from your network" in refused.json()["errors"]["email"]
            desk = await http.post("/api/v1/helpdesk/registrations", json={
                "first_name": "Sam", "last_name": "Sprayer", "email": emails[3],
                "registration_code": "VAC2021"})
            assert desk.status_code == 429, "one count for both kinds of account"
            form = await http.get("/register")
            page = await http.post("/register", data={**admin(emails[4]),
                                                      "csrf_token": CSRF.search(form.text)[1]})
            assert page.status_code == 429 and "registered from your network" in page.text
            assert int(page.headers["retry-after"]) > 0, "when to try again, as the API says"
            assert emails[4] in page.text and "Sprayer" in page.text, "what was typed is kept"
        other = httpx.ASGITransport(app=app, client=("198.51.100.7", 4000))
        async with httpx.AsyncClient(transport=other, base_url="http://t") as http:
            elsewhere = await http.post("/api/v1/registrations",
                                        json=admin(unique_email("elsewhere")))
            assert elsewhere.status_code == 202, "another address has its own count"
    await system.smtp.wait_for(to=emails[1], subject="username and temporary password")
    await asyncio.sleep(1)  # time for any email a refused registration might have caused
    assert not [m for m in system.smtp.all() if set(m.to) & set(emails[2:])]
    async with system.sessions() as session:
        stored = (await session.exec(select(User.email).where(User.email.in_(emails)))).all()
    assert sorted(stored) == sorted(emails[:2])


async def test_a_registration_sent_twice_counts_once(system):
    """Found by an earlier check: the same registration sent again at once (a double click,
    a retry) is answered alike and sends nothing more, yet it counted twice toward the
    client's hourly allowance. Now the repeat is given back: it was the same registration."""
    settings = system.settings.model_copy(update={"registrations_per_client_hour": 2})
    app = create_app(settings, engine=system.engine, gateway=system.gateway(settings))
    first, second, third = (unique_email("twice") for _ in range(3))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.45", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            for _ in range(2):  # one person's administrator registration, sent twice
                sent = await http.post("/api/v1/registrations", json=admin(first))
                assert sent.status_code == 202, sent.text
            for _ in range(2):  # and a help-desk one
                desk = await http.post("/api/v1/helpdesk/registrations", json={
                    "first_name": "Sam", "last_name": "Sprayer", "email": second,
                    "registration_code": "VAC2021"})
                assert desk.status_code == 202, desk.text
            refused = await http.post("/api/v1/registrations", json=admin(third))
            assert refused.status_code == 429, "two registrations made, two counted"
    await system.smtp.one(to=first, subject="Confirm your email")
    await system.smtp.one(to=second, subject="username and temporary password")
