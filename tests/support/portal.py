"""Portal contacts for tests, made the way a manager and the invited person would."""

import uuid

import httpx

from api.domain.accounts import user_by_email
from models.enrollment import UserLocation
from models.portal_rules import MANAGER
from tests.support.system import System
from tests.support.web import PASSWORD, api_client, browser, unique_email

INVITATION = "Your CVMS Provider Portal account"


async def invited(system: System, manager: httpx.AsyncClient, location_id: int, profile: str,
                  first_name: str = "Pat", last_name: str = "Tester") -> tuple[dict, str]:
    """The manager adds a contact: the account as the API answered it, and the link of the
    invitation emailed to them."""
    email = unique_email(profile)
    created = await manager.post("/api/v1/portal/users", json={
        "first_name": first_name, "last_name": last_name, "email": email,
        "location_id": location_id, "profile": profile,
        "username": f"{first_name.lower()}.{uuid.uuid4().hex[:6]}"})
    assert created.status_code == 201, created.text
    mail = await system.smtp.one(to=email, subject=INVITATION)
    return created.json(), mail.link("/account/invitation/")


async def invite(system: System, manager: httpx.AsyncClient, location_id: int, profile: str,
                 first_name: str = "Pat") -> dict:
    """The manager adds a contact; the contact sets a password from the email's link."""
    created, link = await invited(system, manager, location_id, profile, first_name)
    username, token = created["username"], link.rsplit("/", 1)[1]
    async with system.http() as http:
        chosen = await http.post(f"/api/v1/portal/invitations/{token}",
                                 json={"password": PASSWORD, "password_confirm": PASSWORD})
    assert chosen.status_code == 204, chosen.text
    return {**created, "client": await api_client(system, username)}


async def also_manages(system: System, user_id: int, location_id: int) -> None:
    """Setup only: make a manager hold a second location (as the state would)."""
    async with system.sessions() as session:
        row = await session.get(UserLocation, (user_id, location_id))
        row = row or UserLocation(user_id=user_id, location_id=location_id)
        row.profile = MANAGER
        session.add(row)
        await session.commit()


async def user_id(system: System, email: str) -> int:
    async with system.sessions() as session:
        return (await user_by_email(session, email)).id


async def add_as_new(system: System, manager_email: str, person: dict, location_id: int,
                     profile: str, username: str, last_name: str = "Other"):
    """The manager types someone who already has an account into "Add a portal contact", in
    the browser: (their page, the form's values, the answer)."""
    page = browser(system)
    await page.login(manager_email)
    typed = {"first_name": person["first_name"], "last_name": last_name,
             "email": person["email"], "location_id": str(location_id), "profile": profile,
             "username": username}
    return page, typed, await page.submit("/portal/accounts/new", typed)


__all__ = ["PASSWORD", "add_as_new", "also_manages", "invite", "user_id"]


VALIDATION = "Validate your access to the CVMS Organization Portal"


async def contact_of_two_employers(system, manager, email: str, first_name: str
                                   ) -> list[tuple[int, int, str]]:
    """Two new employer organizations of `manager`'s, each with the same point of contact:
    (employer id, contact id, validation token) of each, as its email brought the token."""
    made = []
    for n in range(2):
        employer = await manager.post("/api/v1/employers", json={
            "name": f"{first_name} {n} {email[:12]}", "industry": "Grocery and retail",
            "street": "1 Main St", "city": "Raleigh", "state": "North Carolina",
            "zip_code": "27601"})
        assert employer.status_code == 201, employer.text
        added = await manager.post(f"/api/v1/employers/{employer.json()['id']}/contacts",
                                   json={"first_name": first_name, "last_name": "Contact",
                                         "email": email})
        assert added.status_code == 201, added.text
        mails = await system.smtp.wait_for(to=email, subject=VALIDATION, count=n + 1)
        made.append((employer.json()["id"], added.json()["id"],
                     mails[-1].link("/org-contact/validate/").rsplit("/", 1)[1]))
    return made
