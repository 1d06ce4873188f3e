"""Officers signing from their emails, and reviewers deciding, through the real API."""

import asyncio
import contextlib
import time
from dataclasses import dataclass

import httpx

from models.enrollment import Location
from models.enums import Role
from tests.support.accounts import make_user
from tests.support.enrollment import Enrollment, complete_location, start_enrollment
from tests.support.system import System
from tests.support.web import Browserish, api_client, browser

SIGNING_SUBJECT = "please sign the COVID-19 Vaccination Program agreement"
STATUS_LOOK = 0.05  # seconds between two reads of a location's status while waiting for one


def signing_tokens(mail) -> list[str]:
    return [url.rsplit("/", 1)[1] for url in mail.links() if "/sign/" in url]


@dataclass
class SigningRound:
    enrollment: Enrollment
    coordinator: str  # the location's coordinator's email
    location_id: int
    ceo_tokens: list[str]  # the agreement's link (and, with redistribution, the other's)


async def signing_round(system: System, location_name: str, **options) -> SigningRound:
    """An organization whose one location's Section B is submitted (`options`: those of
    `start_enrollment`), and the links its CEO was emailed to sign."""
    enrollment = await start_enrollment(system, [location_name], **options)
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    mail = await system.smtp.one(to=enrollment.ceo_email, subject=SIGNING_SUBJECT)
    return SigningRound(enrollment, email, location_id, signing_tokens(mail))


async def ceo_signing_token(system: System, location_name: str) -> str:
    """An organization whose one location's Section B is submitted: its CEO's signing link."""
    return (await signing_round(system, location_name)).ceo_tokens[0]


async def sign_token(system: System, token: str, role: str, document: str | None = None,
                     name: str = "Officer Signer") -> httpx.Response:
    async with system.http() as http:
        if document is None:
            shown = await http.get(f"/api/v1/signing/{token}")
            if shown.status_code != 200:
                return shown
            document = shown.json()["document"]
        return await http.post(f"/api/v1/signing/{token}", json={
            "signer_role": role, "document": document, "method": "typed",
            "typed_name": name, "consent": True})


async def location_status(system: System, location_id: int) -> str:
    async with system.sessions() as session:
        return (await session.get(Location, location_id)).status


async def sign_until(system: System, enrollment: Enrollment, location_ids: list[int],
                     status: str = "pending_review", timeout: float = 60) -> None:
    """Both officers sign every request they are emailed until the locations reach `status`."""
    used: set[str] = set()
    deadline = time.monotonic() + timeout
    with system.smtp.arrivals() as arrived:  # a new message wakes it, or a look every 50 ms
        while time.monotonic() < deadline:
            arrived.clear()
            for role, email in (("ceo", enrollment.ceo_email), ("cmo", enrollment.cmo_email)):
                for mail in system.smtp.find(to=email, subject=SIGNING_SUBJECT):
                    for token in signing_tokens(mail):
                        if token not in used:
                            used.add(token)
                            await sign_token(system, token, role)
            states = [await location_status(system, lid) for lid in location_ids]
            if all(s == status for s in states):
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(arrived.wait(), STATUS_LOOK)
    raise AssertionError(f"locations {location_ids} are {states}, expected {status}")


async def reviewer(system: System) -> httpx.AsyncClient:
    user = await make_user(system, Role.REVIEWER, first_name="Rita")
    return await api_client(system, user.email)


async def reviewing(system: System, name: str, **completed) -> tuple[int, str, Browserish]:
    """A location whose Section B is done (`completed`: complete_location's options) and both
    officers signed, now in review, with its coordinator's email; and a reviewer's browser,
    logged in."""
    enrollment = await start_enrollment(system, [name])
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id, **completed)
    await sign_until(system, enrollment, [location_id])
    person = browser(system)
    await person.login((await make_user(system, Role.REVIEWER, first_name="Rita")).email)
    return location_id, email, person


async def decide(client: httpx.AsyncClient, location_id: int, decision: str,
                 reason: str | None = None) -> httpx.Response:
    return await client.post(f"/api/v1/review/locations/{location_id}/decision",
                             json={"decision": decision, "reason": reason})


async def wait_for_status(system: System, location_id: int, status: str,
                          timeout: float = 20) -> None:
    for _ in range(int(timeout / STATUS_LOOK)):
        if await location_status(system, location_id) == status:
            return
        await asyncio.sleep(STATUS_LOOK)
    raise AssertionError(f"location {location_id} is {await location_status(system, location_id)}"
                         f", expected {status}")


@dataclass
class EnrolledSite:
    enrollment: Enrollment
    location_id: int
    email: str  # its coordinator's
    coordinator: httpx.AsyncClient  # its coordinator, signed in
    staff: httpx.AsyncClient  # the reviewer who approved it


async def enrolled_site(system: System, name: str) -> EnrolledSite:
    """One location enrolled the whole way: Section A, its coordinator's Section B, both
    officers' signatures and a reviewer's approval."""
    enrollment = await start_enrollment(system, [name])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id)
    await sign_until(system, enrollment, [location_id])
    staff = await reviewer(system)
    assert (await decide(staff, location_id, "approve")).status_code == 200
    await wait_for_status(system, location_id, "approved")
    return EnrolledSite(enrollment, location_id, email, coordinator, staff)
