"""What the security outside check found in emailed links: a password reset link is the
account's address's, of the password it was asked against, and of an active account; a
public question's personal link is its asker's, not given to whoever sends its form's key."""

import uuid

from tests.support.care import vaccinating_site
from tests.support.web import CSRF, PASSWORD, api_client, browser, unique_email

NEW = "A-new-password-77"
RESET = "Reset your NC CVMS password"


async def _reset_link(system, email: str) -> str:
    async with system.http() as http:
        asked = await http.post("/api/v1/auth/password-reset", json={"email": email})
        assert asked.status_code == 202, asked.text
    mail = await system.smtp.one(to=email, subject=RESET)
    return mail.link("/password/reset/").rsplit("/", 1)[1]


async def _use(system, token: str):
    async with system.http() as http:
        return await http.post(f"/api/v1/auth/password-reset/{token}",
                               json={"password": NEW, "password_confirm": NEW})


async def _logs_in(system, login: str, password: str) -> bool:
    async with system.http() as http:
        answer = await http.post("/api/v1/auth/token",
                                 json={"email": login, "password": password})
    return answer.status_code == 200


async def test_a_reset_link_sent_to_an_address_since_corrected_sets_no_password(system):
    """A reset link was emailed to a provider's mistyped address; their Location Manager then
    corrected the address. The link, in the mailbox of whoever holds the old address, still
    chose the account's password (the invitation and signing links die with their address)."""
    site = await vaccinating_site(system)
    old = site.emails["provider"]
    token = await _reset_link(system, old)
    provider = (await site.provider.get("/api/v1/me")).json()["id"]
    corrected = f"fixed-{old}"
    changed = await site.manager.patch(f"/api/v1/portal/users/{provider}",
                                       json={"email": corrected})
    assert changed.status_code == 200, changed.text
    refused = await _use(system, token)
    assert refused.status_code == 410, refused.text
    assert "no longer this account's" in refused.json()["detail"]
    assert await _logs_in(system, corrected, PASSWORD)
    assert not await _logs_in(system, corrected, NEW)
    async with system.http() as http:  # its page says so too, with no form
        page = await http.get(f"/password/reset/{token}")
    assert page.status_code == 410 and "no longer this account" in page.text
    assert 'name="password"' not in page.text
    fresh = await _reset_link(system, corrected)  # the corrected address's own link works
    assert (await _use(system, fresh)).status_code == 204
    assert await _logs_in(system, corrected, NEW)


async def test_a_password_changed_after_a_reset_was_asked_ends_the_reset_link(system):
    """Someone who read a person's mailbox for a while asked for a reset link and kept it; the
    person, warned, changed their password. The kept link still chose a new one within its
    hour, and ended the person's sessions."""
    site = await vaccinating_site(system)
    email = site.emails["provider"]
    token = await _reset_link(system, email)
    person = await api_client(system, email)
    changed = await person.post("/api/v1/account/password", json={
        "current_password": PASSWORD, "password": "Mine-again-2026",
        "password_confirm": "Mine-again-2026"})
    assert changed.status_code == 204, changed.text
    refused = await _use(system, token)
    assert refused.status_code == 410, refused.text
    assert (await person.get("/api/v1/me")).status_code == 200, "the person stays logged in"
    assert await _logs_in(system, email, "Mine-again-2026")


async def test_a_reset_link_asked_before_a_deactivation_sets_no_password(system):
    """A deactivated account is emailed no reset link, so none could set its password; one
    asked just before the deactivation still did, and so chose the password the account has
    when a manager reactivates it."""
    site = await vaccinating_site(system)
    email = site.emails["provider"]
    token = await _reset_link(system, email)
    provider = (await site.provider.get("/api/v1/me")).json()["id"]
    off = await site.manager.post(f"/api/v1/portal/users/{provider}/deactivate")
    assert off.status_code == 204, off.text
    refused = await _use(system, token)
    assert refused.status_code == 410, refused.text
    assert "deactivated" in refused.json()["detail"]
    async with system.http() as http:
        page = await http.get(f"/password/reset/{token}")
    assert page.status_code == 410 and 'name="password"' not in page.text
    on = await site.manager.post(f"/api/v1/portal/users/{provider}/reactivate")
    assert on.status_code == 200, on.text
    assert await _logs_in(system, email, PASSWORD), "the password they had"


def _question(name: str, email: str, text: str, key: str) -> dict:
    return {"name": name, "email": email, "question": text, "request_key": key}


async def test_another_visitors_question_key_opens_nothing_of_their_question(system):
    """A public question's form key named the question it asked, whoever sent it: another
    visitor posting the same key (an API client's weak keys, a form copied from a shared
    computer) was given the first visitor's question and answer (API) or sent to its personal
    link, to read, reply and download its files (page)."""
    shared = f"ask-{uuid.uuid4().hex[:12]}"
    first = _question("Ada Asker", unique_email("ada"), "Where is my second dose? Private.",
                      shared)
    async with system.http() as http:
        asked = await http.post("/api/v1/helpdesk/questions", json=first)
        assert asked.status_code == 201, asked.text
        again = await http.post("/api/v1/helpdesk/questions", json=first)  # sent again
        assert again.status_code == 201 and again.json()["id"] == asked.json()["id"]
        other = await http.post("/api/v1/helpdesk/questions", json=_question(
            "Eve Other", unique_email("eve"), "Anything?", shared))
    assert other.status_code == 409, other.text
    assert "Private" not in other.text and "Ada" not in other.text
    assert "request_key" in other.json()["errors"]
    visitor = browser(system)
    form = await visitor.get("/help/ask")
    token = CSRF.search(form.text)[1]
    page = await visitor.http.post("/help/ask", data={
        **_question("Eve Other", unique_email("eve"), "Anything?", shared),
        "csrf_token": token}, follow_redirects=False)
    assert page.status_code == 409, (page.status_code, page.headers.get("location"))
    assert "/help/c/" not in page.text and "Private" not in page.text
    assert "Anything?" in page.text, "what was typed is kept"
    assert shared not in page.text, "a fresh key: sent again, the question is asked"
    sent = await visitor.http.post("/help/ask", data={
        **_question("Eve Other", unique_email("eve"), "Anything?", shared[:4] + "x" * 12),
        "csrf_token": token}, follow_redirects=False)
    assert sent.status_code == 303 and "/help/c/" in sent.headers["location"]
