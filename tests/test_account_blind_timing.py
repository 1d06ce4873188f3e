"""Whether an address has an account is told neither by the words nor by the time of the
answers that take any address: registration (portal and help desk, page and API), the
password-reset request, an officer's "email me a new signing link" and a recipient's
"email me my link" and a public question's (whether a vaccination record, or a question, has
the address). Their own work differs by a few milliseconds (a new account written
and its process started; a known address's owner emailed, or nothing past the hourly
allowance), which the answer's Server-Timing would show to anyone who asked: each begins its
answer no sooner than ACCOUNT_ANSWER_FLOOR_MS after it arrived."""

import uuid

import pytest

from api.middleware import ACCOUNT_BLIND
from tests.support.system import start_system
from tests.support.web import PASSWORD, Browserish, unique_email

FLOOR_MS = 250


@pytest.fixture
async def floored(dev_env, database_url, smtp, tmp_path_factory):
    """The system with the production behaviour the rest of the suite turns off for speed."""
    system = await start_system(dev_env, database_url, smtp, f"cvms-floor-{uuid.uuid4().hex[:8]}",
                                tmp_path_factory.mktemp("floor"),
                                account_answer_floor_ms=FLOOR_MS)
    yield system
    await system.stop()
    await system.engine.dispose()


def app_ms(response) -> float:
    return float(response.headers["server-timing"].removeprefix("app;dur="))


async def confirmed_admin(system) -> str:
    email = unique_email("blind-known")
    async with system.http() as http:
        await http.post("/api/v1/registrations", json={
            "first_name": "Kim", "last_name": "Known", "email": email, "password": PASSWORD,
            "password_confirm": PASSWORD})
        mail = await system.smtp.one(to=email, subject="Confirm your email")
        token = mail.link("/register/verify/").rsplit("/", 1)[1]
        confirmed = await http.post("/api/v1/registrations/confirm", json={"token": token})
        assert confirmed.status_code == 200, confirmed.text
    return email


def requests_for(email: str) -> list[tuple[str, str, dict]]:
    """(kind, path, fields) of every account-blind request, for this address."""
    person = {"first_name": "Pat", "last_name": "Probe", "email": email}
    password = {"password": PASSWORD, "password_confirm": PASSWORD}
    return [("api", "/api/v1/registrations", {**person, **password}),
            ("page", "/register", {**person, **password}),
            ("api", "/api/v1/helpdesk/registrations", {**person, "registration_code": "VAC2021"}),
            ("page", "/help/register", {**person, "registration_code": "VAC2021"}),
            ("api", "/api/v1/auth/password-reset", {"email": email}),
            ("page", "/password/forgot", {"email": email}),
            ("api", "/api/v1/signing/request-link", {"email": email}),
            ("page", "/sign/request-link", {"email": email}),
            ("page", "/r/new-link", {"email": email}),
            ("page", "/help/new-link", {"email": email})]


async def test_known_and_unknown_addresses_are_answered_alike_and_no_sooner_than_the_floor(
        floored):
    known = await confirmed_admin(floored)
    assert {("POST", path) for _, path, _ in requests_for(known)} == ACCOUNT_BLIND
    async with floored.http() as http:
        browser = Browserish(http)
        for n, (kind, path, _) in enumerate(requests_for(known)):
            answers = []
            for email in (known, unique_email("blind-new")):
                _, _, fields = requests_for(email)[n]
                response = await (http.post(path, json=fields) if kind == "api"
                                  else browser.submit(path, fields))
                assert response.status_code < 400, (path, response.text)
                assert app_ms(response) >= FLOOR_MS, (path, email, app_ms(response))
                answers.append((response.status_code,
                                response.text.replace(email, "EMAIL").replace(
                                    email.lower(), "EMAIL") if kind == "api" else None))
            assert answers[0] == answers[1], (path, answers)
        # Anything else answers as soon as it is done: the login page, and a login. Their own
        # work may pass the floor on a loaded machine (a login took 255 ms beside a whole test
        # run), never all three times: the floor would hold each of them back.
        pages, logins = [], []
        for _ in range(3):
            pages.append(app_ms(await http.get("/register")))
            login = await http.post("/api/v1/auth/token",
                                    json={"email": known, "password": PASSWORD})
            assert login.status_code == 200, login.text
            logins.append(app_ms(login))
        assert min(pages) < FLOOR_MS and min(logins) < FLOOR_MS, (pages, logins)
