"""Login, CSRF and role checks each refuse clearly."""

import re

from models.enums import Role
from tests.support.accounts import make_user, register_org_admin
from tests.support.web import PASSWORD, api_client, browser


async def test_wrong_password_is_refused_and_the_email_kept(system):
    user = await make_user(system, Role.REVIEWER)
    person = browser(system)
    page = await person.submit("/login", {"email": user.email, "password": "wrong-password-1"})
    assert page.status_code == 400
    assert "The email (or username) or password is not correct." in page.text
    assert f'value="{user.email}"' in page.text
    async with system.http() as http:
        api = await http.post("/api/v1/auth/token",
                              json={"email": user.email, "password": "nope-nope-123"})
    assert api.status_code == 422 and api.json()["errors"] == {
        "password": "The email (or username) or password is not correct."}


async def test_form_without_csrf_token_is_refused(system):
    user = await make_user(system, Role.REVIEWER)
    async with system.http() as http:
        response = await http.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 403
        assert "security token is missing or out of date" in response.text
        forged = await http.post("/login", data={"email": user.email, "password": PASSWORD,
                                                 "csrf_token": "f" * 64})
        assert forged.status_code == 403
    person = browser(system)
    assert (await person.login(user.email)).status_code == 200
    logged_in = await person.http.post("/logout", data={})
    assert logged_in.status_code == 403, "a logged-in session's form needs its token too"


async def test_a_form_type_in_capitals_still_needs_its_token(system):
    """Found by the outside check: the token was asked of a form only when its Content-Type
    was written in lower case, while the form was read whatever the case; a page elsewhere
    may send "Application/x-www-form-urlencoded" (fetch allows it without asking), and the
    login, registration and question forms then took it with no token."""
    user = await make_user(system, Role.REVIEWER)
    async with system.http() as http:
        for kind in ("Application/x-www-form-urlencoded", "APPLICATION/X-WWW-FORM-URLENCODED"):
            response = await http.post("/login", content=(
                f"email={user.email.replace('@', '%40')}&password={PASSWORD}").encode(),
                headers={"content-type": kind})
            assert response.status_code == 403, (kind, response.status_code)
            assert "cvms_session" not in response.headers.get("set-cookie", "")


async def test_page_without_the_needed_role_is_refused(system):
    admin_email = await register_org_admin(system)
    person = browser(system)
    await person.login(admin_email)
    page = await person.get("/state/audit")
    assert page.status_code == 403
    assert "This page is for the Immunization Branch reviewer role" in page.text
    assert "Organization Administrator" in page.text
    reviewer = await make_user(system, Role.REVIEWER)
    staff = browser(system)
    await staff.login(reviewer.email)
    assert (await staff.get("/state/audit")).status_code == 200


async def test_anonymous_pages_redirect_to_login_and_api_answers_401(system):
    async with system.http() as http:
        page = await http.get("/state/audit")
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        api = await http.get("/api/v1/me")
        assert api.status_code == 401 and api.json()["detail"] == "Log in to continue."


async def test_bearer_token_login_me_and_logout(system):
    user = await make_user(system, Role.HELPDESK_AGENT)
    async with await api_client(system, user.email) as api:
        me = await api.get("/api/v1/me")
        assert me.json()["role"] == "helpdesk_agent"
        assert (await api.post("/api/v1/auth/logout")).status_code == 204
        assert (await api.get("/api/v1/me")).status_code == 401


async def test_the_apis_401_says_how_to_authenticate_and_that_a_token_was_refused(system):
    """Found by the outside check: the API's 401 carried no WWW-Authenticate (RFC 6750) and
    said "Log in to continue." to a client that had sent a token, expired or revoked (a logout,
    a password change) or mistyped: it could not tell that from sending none."""
    async with system.http() as http:
        none = await http.get("/api/v1/me")
        stale = await http.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert none.status_code == stale.status_code == 401
    assert none.headers["www-authenticate"] == 'Bearer realm="CVMS"'
    assert stale.headers["www-authenticate"] == 'Bearer realm="CVMS", error="invalid_token"'
    assert "/api/v1/auth/token" in stale.json()["detail"], stale.text
    assert "expired" in stale.json()["detail"] and stale.json()["code"] == "not_authenticated"


async def test_temporary_password_must_be_changed_first(system):
    user = await make_user(system, Role.REQUESTER, must_change_password=True)
    person = browser(system)
    page = await person.login(user.email)
    assert "Choose your own password to continue" in page.text
    sent = await person.get("/state/audit")  # not a bare 403: the change page, then back
    assert sent.status_code == 200 and "Choose your own password to continue" in sent.text
    assert str(sent.url).endswith("/account/password?next=%2Fstate%2Faudit")
    api = await person.get("/api/v1/helpdesk/cases")
    assert api.status_code == 403 and "temporary password" in api.json()["detail"]
    weak = await person.submit("/account/password", {
        "current_password": PASSWORD, "password": "short", "password_confirm": "short"})
    assert weak.status_code == 400 and "at least 12 characters" in weak.text
    done = await person.submit("/account/password", {
        "current_password": PASSWORD, "password": "A-brand-new-pass-9",
        "password_confirm": "A-brand-new-pass-9"})
    assert "Your password has been changed." in done.text
    assert re.search(r"Welcome, Test", done.text)


def test_a_short_password_and_a_mismatched_confirmation_are_named_together():
    """Found by the outside check: "Short1" / "Short2" was refused for its length only; the
    mismatch came at the next try."""
    from api.forms import parse
    from models.schemas import PasswordChangeIn, RegistrationIn

    _data, errors = parse(RegistrationIn, {"first_name": "A", "last_name": "B",
                                           "email": "a@example.org", "password": "Short1",
                                           "password_confirm": "Short2"})
    assert set(errors) == {"password", "password_confirm"}, errors
    assert errors["password_confirm"] == "The two passwords do not match."
    from api.forms import validated
    from core.errors import Invalid
    try:  # the API's answer names both too
        validated(RegistrationIn, {"first_name": "A", "last_name": "B", "email": "a@example.org",
                                   "password": "Short1", "password_confirm": "Short2"})
    except Invalid as refused:
        assert {"password", "password_confirm"} <= set(refused.errors), refused.errors
    else:
        raise AssertionError("a short password was accepted")
    _data, errors = parse(PasswordChangeIn, {"current_password": "x", "password": "Short1",
                                             "password_confirm": "Short1"})
    assert set(errors) == {"password"}, "the same short password twice: its length only"
