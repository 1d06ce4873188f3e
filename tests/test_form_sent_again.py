"""A form whose security token no longer fits (the browser was closed and reopened, the page
stayed open past the session, the person signed out in another tab) loses nothing: the refusal
is a page in the form's language that holds what was typed, with a fresh token, and sends it
again at one press. Passwords are never written into it."""

import html
import re

from models.enums import Role
from tests.support.accounts import make_user
from tests.support.web import CSRF, browser, unique_email

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def kept(page: str) -> dict[str, str]:
    """The form sent again's fields (not those of the sign-in form a staff page has beside it,
    which carries them under "again.")."""
    return {name: html.unescape(value) for name, value in HIDDEN.findall(page)
            if not name.startswith("again")}


async def test_a_public_form_is_offered_again_in_its_language_with_what_was_typed(system):
    async with system.http() as http:
        http.cookies.set("cvms_lang", "es")
        first = await http.get("/help/ask")
        seed = [h for h in first.headers.get_list("set-cookie") if h.startswith("cvms_csrf=")]
        assert seed and "max-age=" in seed[0].lower(), "the seed outlives a browser's session"
        http.cookies.delete("cvms_csrf")  # as a browser closed and opened again drops it
        typed = {"name": "José Pérez", "email": unique_email("ask"), "phone": "",
                 "question": "¿Dónde me vacuno? <b>\"hoy\"</b>"}
        refused = await http.post("/help/ask",
                                  data={**typed, "csrf_token": CSRF.search(first.text)[1]})
        assert refused.status_code == 403
        assert '<html lang="es"' in refused.text and "Enviar de nuevo" in refused.text
        again = kept(refused.text)
        assert {k: v for k, v in again.items() if k != "csrf_token"} == typed
        sent = await http.post("/help/ask", data=again)
        assert sent.status_code == 303, sent.text


async def test_a_staff_form_after_signing_out_keeps_what_was_typed_but_never_a_password(system):
    user = await make_user(system, Role.ORG_ADMIN)
    person = browser(system)
    await person.login(user.email)
    form = await person.get("/help/cases/new")
    token = CSRF.search(form.text)[1]
    await person.http.post("/logout", data={"csrf_token": token})
    typed = {"category": "other", "subject": "Freezer alarm", "description": "It beeps & <b>"}
    refused = await person.http.post("/help/cases/new", data={**typed, "csrf_token": token})
    assert refused.status_code == 401 and "Send again" in refused.text
    assert "You are signed out" in refused.text and "sign in again" in refused.text
    assert {k: v for k, v in kept(refused.text).items() if k != "csrf_token"} == typed
    # "Send again" still signed out: the same page, nothing lost (it went to the login page
    # and the typing was gone)
    still = await person.http.post("/help/cases/new", data=kept(refused.text))
    assert still.status_code == 401 and kept(still.text).get("subject") == "Freezer alarm"
    await person.login(user.email)  # in another tab
    again = await person.http.post("/help/cases/new", data=kept(still.text))
    assert again.status_code == 403 and "You are signed in" in again.text
    sent = await person.http.post("/help/cases/new", data=kept(again.text))
    assert sent.status_code == 200 and "Freezer alarm" in sent.text, sent.text[:500]
    password = await person.http.post("/account/password", data={
        "current_password": "Old-secret-2026", "new_password": "New-secret-2026!",
        "csrf_token": token})
    assert password.status_code == 403 and "reload the page" in password.text
    assert "secret-2026" not in password.text.lower(), "a password is never written in a page"
