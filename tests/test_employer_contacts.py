"""Employers and their points of contact on the time-skipping server: the validation link is
a 48-hour workflow timer - it works at 47 h 59 min and is expired at 48 h 01 min."""

import asyncio
import uuid
from datetime import timedelta

from models.accounts import User
from models.enums import AccountStatus, Role
from tests.support.accounts import make_user
from tests.support.portal import invite
from tests.support.recipients import location_manager
from tests.support.web import PASSWORD, api_client, unique_email

VALIDATION = "Validate your access to the CVMS Organization Portal"
EMPLOYER = {"name": "Triangle Grocers", "industry": "Grocery and retail", "street": "1 Main St",
            "city": "Raleigh", "state": "north carolina", "zip_code": "27601"}


async def add_contact(state, employer_id: int, first_name: str) -> tuple[dict, str]:
    email = unique_email(first_name.lower())
    created = await state.post(f"/api/v1/employers/{employer_id}/contacts", json={
        "first_name": first_name, "last_name": "Contact", "email": email,
        "phone": "919-555-0100"})
    assert created.status_code == 201, created.text
    return created.json(), email


async def link_of(system, email: str, count: int = 1) -> str:
    mails = await system.smtp.wait_for(to=email, subject=VALIDATION, count=count)
    return mails[-1].link("/org-contact/validate/").rsplit("/", 1)[1]


async def page_status(system, token: str, expected: int) -> str:
    """The page once the timer's activity has run (it runs just after the timer fires)."""
    async with system.http() as http:
        for _ in range(100):
            page = await http.get(f"/org-contact/validate/{token}")
            if page.status_code == expected:
                return page.text
            await asyncio.sleep(0.1)
    raise AssertionError(f"the validation page answered {page.status_code}, not {expected}")


async def test_the_link_lives_48_hours_then_the_contact_asks_for_a_new_one(ts_system):
    system = ts_system
    staff = await make_user(system, Role.REVIEWER)
    state = await api_client(system, staff.email)
    short = await state.get("/api/v1/employers", params={"q": "Tr"})
    assert short.status_code == 422
    created = await state.post("/api/v1/employers", json=EMPLOYER)
    assert created.status_code == 201, created.text
    employer = created.json()
    assert employer["state"] == "North Carolina", "the state is spelled out"
    assert [e["id"] for e in (await state.get("/api/v1/employers",
                                              params={"q": "triangle"})).json()["items"]] == [
        employer["id"]]
    # the two-letter code, as every other address of the API takes it, is kept spelled out
    coded = await state.put(f"/api/v1/employers/{employer['id']}",
                            json={**EMPLOYER, "state": "NC"})
    assert coded.status_code == 200 and coded.json()["state"] == "North Carolina", coded.text
    late, late_email = await add_contact(state, employer["id"], "Late")
    prompt, prompt_email = await add_contact(state, employer["id"], "Prompt")
    late_token, prompt_token = await link_of(system, late_email), await link_of(system,
                                                                                prompt_email)

    await system.env.sleep(timedelta(hours=47, minutes=59))
    assert "Validate your access" in await page_status(system, late_token, 200)
    async with system.http() as http:
        validated = await http.post(f"/api/v1/org-contacts/validate/{prompt_token}",
                                    json={"password": PASSWORD, "password_confirm": PASSWORD})
    assert validated.status_code == 204, validated.text
    welcome = await system.smtp.one(to=prompt_email,
                                    subject="Welcome to the CVMS Organization Portal")
    assert "must first be linked to a vaccinating location" in welcome.text, \
        "no location registered it: the upload is not open to it yet, and the email says so"

    await system.env.sleep(timedelta(minutes=2))
    expired = await page_status(system, late_token, 410)
    assert "expired" in expired and "Ask for a new link" in expired
    async with system.http() as http:
        too_late = await http.post(f"/api/v1/org-contacts/validate/{late_token}",
                                   json={"password": PASSWORD, "password_confirm": PASSWORD})
        assert too_late.status_code == 410
        asked = await http.post(f"/api/v1/org-contacts/validate/{late_token}/new-link")
        assert asked.status_code == 202, asked.text
    await system.smtp.one(to=staff.email, subject="Late Contact asks for a new validation link")
    listed = {c["id"]: c["status"] for c in (await state.get(
        f"/api/v1/employers/{employer['id']}/contacts")).json()}
    assert listed == {late["id"]: "expired", prompt["id"]: "validated"}

    resent = await state.post(f"/api/v1/employers/{employer['id']}/contacts/{late['id']}/resend")
    assert resent.status_code == 200 and resent.json()["status"] == "pending"
    fresh = await link_of(system, late_email, count=2)
    assert fresh != late_token
    async with system.http() as http:
        ok = await http.post(f"/api/v1/org-contacts/validate/{fresh}",
                             json={"password": PASSWORD, "password_confirm": PASSWORD})
        assert ok.status_code == 204, ok.text

    contact = await api_client(system, prompt_email)
    mine = await contact.get("/api/v1/org-portal")
    assert mine.status_code == 200 and mine.json()["name"] == "Triangle Grocers"
    confirmed = await contact.post("/api/v1/org-portal/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["confirmed"] is True
    page = await contact.get("/org-portal")
    assert "Employee bulk upload" in page.text
    assert (await contact.get(f"/api/v1/employers/{employer['id']}")).status_code == 403


async def test_a_new_link_asked_after_the_adding_manager_left_reaches_the_locations_managers(
        ts_system):
    """Found by the outside check: the contact's "Ask for a new link" emailed only the manager
    who had added them, even once that manager's account was deactivated (they left): the
    page said "The manager who added you is emailed now" and nobody who could send it heard.
    The location's active Location Managers are told instead."""
    system = ts_system
    adder = await location_manager(system)
    adder_http = await api_client(system, adder.email)
    other = await invite(system, adder_http, adder.location_id, "location_manager", "Bea")
    employer = (await adder_http.post("/api/v1/employers", json={
        **EMPLOYER, "name": f"Left Behind Grocers {uuid.uuid4().hex[:6]}"})).json()
    _contact, email = await add_contact(adder_http, employer["id"], "Orphan")
    token = await link_of(system, email)
    async with system.sessions() as session:
        gone = await session.get(User, adder.user_id)
        gone.status = AccountStatus.DEACTIVATED
        session.add(gone)
        await session.commit()
    await system.env.sleep(timedelta(hours=48, minutes=1))
    await page_status(system, token, 410)
    async with system.http() as http:
        asked = await http.post(f"/api/v1/org-contacts/validate/{token}/new-link")
        assert asked.status_code == 202, asked.text
    subject = "Orphan Contact asks for a new validation link"
    await system.smtp.one(to=other["email"], subject=subject)
    assert not [m for m in system.smtp.all() if adder.email in m.to and subject in m.subject]
