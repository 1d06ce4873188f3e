"""'Validate' (a point of contact's emailed link) or 'Save my password' (a portal account's
invitation) pressed twice (a double click: two sends of the same form at once; found by the
emails' outside check). The browser shows the second answer, which was 'This link cannot be
used: This validation link was already used. Sign in instead.' to a person who had just
validated. Both sends of the same password now answer as the first: validated (or saved),
log in; one account, one welcome email."""

import asyncio
import html

from models.enums import Role
from tests.support.accounts import make_user
from tests.support.portal import VALIDATION, invited
from tests.support.recipients import location_manager
from tests.support.web import CSRF, PASSWORD, api_client, unique_email

EMPLOYER = {"industry": "Grocery and retail", "street": "1 Main St", "city": "Raleigh",
            "state": "North Carolina", "zip_code": "27601"}


async def sent_twice(system, path: str) -> list[str]:
    """The form at `path` sent twice at once with the same password: what each answered."""
    async with system.http(follow_redirects=True) as http:
        token = CSRF.search((await http.get(path)).text)[1]
        form = {"csrf_token": token, "password": PASSWORD, "password_confirm": PASSWORD}
        sends = await asyncio.gather(*(http.post(path, data=form) for _ in range(2)))
    return [html.unescape(s.text) for s in sends]


async def test_validate_pressed_twice_answers_validated_both_times(system):
    lm = await location_manager(system)
    api = await api_client(system, lm.email)
    made = await api.post("/api/v1/employers", json={
        **EMPLOYER, "name": f"Twice Grocery {unique_email()[5:13]}"})
    assert made.status_code == 201, made.text
    email = unique_email("twice")
    added = await api.post(f"/api/v1/employers/{made.json()['id']}/contacts", json={
        "first_name": "Vic", "last_name": "Twice", "email": email})
    assert added.status_code == 201, added.text
    await api.aclose()
    link = (await system.smtp.one(to=email, subject=VALIDATION)).link("/org-contact/validate/")
    answers = await sent_twice(system, "/org-contact/validate/" + link.rsplit("/", 1)[1])
    for said in answers:
        assert "Your access is validated" in said and "cannot be used" not in said, \
            said[said.find("<main"):][:600]
    async with system.http(follow_redirects=True) as http:  # no password is checked with it
        path = "/org-contact/validate/" + link.rsplit("/", 1)[1]
        other = await http.post(path, data={
            "csrf_token": CSRF.search((await http.get("/login")).text)[1],
            "password": "Another-password-2026", "password_confirm": "Another-password-2026"})
    said = html.unescape(other.text)
    assert "This link cannot be used" in said and "already validated" in said, said[said.find("<main"):][:600]
    await system.smtp.one(to=email, subject="Welcome to the CVMS Organization Portal")
    await asyncio.sleep(1.5)
    assert len(system.smtp.find(to=email, subject="Welcome")) == 1


async def test_an_invitations_password_saved_twice_answers_saved_both_times(system):
    lm = await location_manager(system)
    api = await api_client(system, lm.email)
    _created, link = await invited(system, api, lm.location_id, "provider", "Ivo", "Twice")
    await api.aclose()
    for said in await sent_twice(system, "/account/invitation/" + link.rsplit("/", 1)[1]):
        assert "Your password is saved" in said and "cannot be used" not in said, \
            said[said.find("<main"):][:600]


async def test_a_reset_link_sent_twice_answers_changed_both_times(system):
    """The same for 'Choose a new password' from a reset link: the second send read 'This
    reset link was already used.'"""
    user = await make_user(system, Role.REVIEWER)
    async with system.http() as http:
        asked = await http.post("/api/v1/auth/password-reset", json={"email": user.email})
        assert asked.status_code == 202, asked.text
    link = (await system.smtp.one(to=user.email, subject="Reset your NC CVMS password")).link(
        "/password/reset/")
    for said in await sent_twice(system, "/password/reset/" + link.rsplit("/", 1)[1]):
        assert "Your password is changed" in said and "cannot be used" not in said, \
            said[said.find("<main"):][:600]
