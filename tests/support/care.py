"""A vaccinating site for point-of-care tests: an enrolled location (made in the database, as
the enrollment flow is tested elsewhere) with a Location Manager, a Healthcare Provider and a
read-only user, and lots received through the inventory API."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import httpx
from sqlmodel import select

from models.administrations import ATTENDED, Appointment
from models.base import utcnow
from models.care_rules import EASTERN, local_today
from models.enrollment import Location, Organization, UserLocation
from models.enrollment_enums import LocationStatus
from models.enums import Role
from models.inventory import LedgerEntry, Lot, Product
from models.recipient_rules import recipient_path
from tests.support.accounts import make_user
from tests.support.system import System
from tests.support.web import CSRF, api_client, unique_email


@dataclass
class Site:
    location_id: int
    name: str
    emails: dict[Role, str]
    clients: dict[Role, httpx.AsyncClient]

    @property
    def manager(self) -> httpx.AsyncClient:
        return self.clients[Role.LOCATION_MANAGER]

    @property
    def provider(self) -> httpx.AsyncClient:
        return self.clients[Role.PROVIDER]

    @property
    def readonly(self) -> httpx.AsyncClient:
        return self.clients[Role.PROVIDER_READONLY]

    @property
    def care(self) -> str:
        return f"/api/v1/locations/{self.location_id}/care"


async def vaccinating_site(system: System, name: str | None = None) -> Site:
    name = name or f"Care Clinic {uuid.uuid4().hex[:6]}"
    admin = await make_user(system, Role.ORG_ADMIN)
    async with system.sessions() as session:
        org = Organization(legal_name=f"{name} Health", admin_user_id=admin.id)
        session.add(org)
        await session.flush()
        location = Location(organization_id=org.id, name=name, street="1 Main St",
                            city="Raleigh", state="NC", zip_code="27601",
                            coordinator_first_name="C", coordinator_last_name="D",
                            coordinator_email=unique_email("vc"),
                            status=LocationStatus.APPROVED)
        session.add(location)
        await session.commit()
        location_id = location.id
    emails, clients = {}, {}
    for role in (Role.LOCATION_MANAGER, Role.PROVIDER, Role.PROVIDER_READONLY):
        user = await make_user(system, role, first_name="Pat", organization_id=org.id)
        async with system.sessions() as session:
            session.add(UserLocation(user_id=user.id, location_id=location_id, profile=role,
                                     direct=True))
            await session.commit()
        emails[role], clients[role] = user.email, await api_client(system, user.email)
    return Site(location_id, name, emails, clients)


async def product(system: System, cvx: str) -> Product:
    async with system.sessions() as session:
        return (await session.exec(select(Product).where(Product.cvx_code == cvx))).one()


LONG_AGO = timedelta(days=400)  # before the oldest day a dose may be entered for


async def stock(system: System, site: Site, cvx: str, lot: str, doses: int = 10,
                expires: date | None = None, arrived: datetime | None = None) -> int:
    """Receive a lot through the API; its id. Its receipt is then dated `arrived` (by
    default long ago: a dose, a paper form's too, is never dated before its lot arrived)."""
    found = await product(system, cvx)
    response = await site.manager.post(
        f"/api/v1/locations/{site.location_id}/inventory/receipts", json={
            "product_id": found.id, "lot_number": lot, "doses": doses,
            "request_key": uuid.uuid4().hex,
            "expiration_date": str(expires or date.today() + timedelta(days=400))})
    assert response.status_code == 201, response.text
    lot_id = response.json()["lot_id"]
    async with system.sessions() as session:
        receipt = await session.get(LedgerEntry, response.json()["id"])
        receipt.created_at = arrived or utcnow() - LONG_AGO
        session.add(receipt)
        await session.commit()
    return lot_id


async def on_hand(system: System, lot_id: int) -> int:
    async with system.sessions() as session:
        return (await session.get(Lot, lot_id)).on_hand


NO_TO_ALL = {"health_care_worker": "no", "long_term_care": "no", "high_risk_condition": "no",
             "shared_living": "no"}


_OFFERED: dict[tuple[int, int], set[datetime]] = {}  # the minutes offered, by site and dose


def _whole_minute(site: Site, days: float, dose_number: int) -> datetime:
    """`days` from now to the next whole minute (a time is kept to the minute, so never before
    the moment asked for), and a minute later when this test offered that one already (two
    times asked for "3 days from now" are two times)."""
    at = (utcnow() + timedelta(days=days)).replace(second=0, microsecond=0)
    at += timedelta(minutes=1)
    used = _OFFERED.setdefault((site.location_id, dose_number), set())
    while at in used:
        at += timedelta(minutes=1)
    used.add(at)
    return at


async def offer_slot(site: Site, days: float, capacity: int, dose_number: int = 1) -> int:
    """A time `days` from now (to the next whole minute, a new one each time) with `capacity`
    places, offered by the site's Location Manager."""
    made = await site.manager.post(
        f"/api/v1/locations/{site.location_id}/appointment-slots",
        json={"starts_at": _whole_minute(site, days, dose_number).isoformat(),
              "capacity": capacity, "dose_number": dose_number})
    assert made.status_code == 201, made.text
    return made.json()["id"]


def person(tag: str, email: str | None = None, language: str = "en",
           industry: str = "health_care") -> dict:
    """A walk-in's details and answers: by default a health care worker (by industry),
    eligible now (phase 1)."""
    return {"first_name": "Ana", "last_name": f"Walker{tag}", "date_of_birth": "1980-04-02",
            "phone": "919-555-0100", "email": email, "street": "5 Elm St",
            "city": "Durham", "state": "NC", "zip_code": "27701", "industry": industry,
            "language": language, **NO_TO_ALL}


def letters() -> str:
    return "".join(chr(ord("a") + int(d)) for d in str(uuid.uuid4().int % 10**8)).capitalize()


async def walk_in(site: Site, email: str | None = None, language: str = "en",
                  industry: str = "health_care") -> dict:
    response = await site.provider.post(f"{site.care}/walk-ins",
                                        json=person(letters(), email, language, industry))
    assert response.status_code == 201, response.text
    return response.json()


async def booked_then_not_eligible(system: System, site: Site, slot: int, email: str,
                                   booked_so: Callable[[dict], Awaitable[None]] | None = None,
                                   ) -> tuple[dict, str, httpx.Response]:
    """A walk-in who books `slot` on their own page (then `booked_so`, given the person, looks
    at the booking), then changes their answers there so that their phase is not open (no
    longer in health care): the person, their page's address and their status page after."""
    walked = await walk_in(site, email=email)
    base = recipient_path(system.settings.secret_key.get_secret_value(), walked["id"])
    async with system.http() as http:
        http.cookies.set("cvms_lang", "en")
        booking = await http.get(f"{base}/appointments")
        booked = await http.post(f"{base}/appointments", data={
            "slot_id": str(slot), "csrf_token": CSRF.search(booking.text)[1]})
        assert booked.status_code == 303, booked.text
        if booked_so is not None:
            await booked_so(walked)
        form = await http.get(f"{base}/edit")
        details = {**person("x", email), "first_name": "Ana",
                   "last_name": walked.get("last_name") or "", "industry": "other"}
        details = {k: v for k, v in details.items() if v is not None}
        saved = await http.post(base, data={
            **details, "csrf_token": CSRF.search(form.text)[1]})
        assert saved.status_code == 303, saved.text
        return walked, base, await http.get(f"{base}/status")


async def give(site: Site, recipient_id: int, lot_id: int, dose_number: int = 1,
               on: date | None = None, client: httpx.AsyncClient | None = None,
               key: str | None = None, confirmed: bool = False) -> httpx.Response:
    return await (client or site.provider).post(f"{site.care}/administrations", json={
        "recipient_id": recipient_id, "lot_id": lot_id, "dose_number": dose_number,
        "administered_on": str(on or local_today(utcnow())), "site": "LD", "route": "IM",
        "provider_name": "Pat Provider", "request_key": key or uuid.uuid4().hex,
        "confirmed": confirmed})


async def later_today() -> float:
    """Days from now to a moment later today (North Carolina), waiting for tomorrow when
    today ends within minutes."""
    now = utcnow()
    midnight = datetime.combine(local_today(now) + timedelta(days=1), time(0), EASTERN)
    if midnight - now < timedelta(minutes=10):
        await asyncio.sleep((midnight - now).total_seconds() + 1)
        return await later_today()
    return min((midnight - now) / 2, timedelta(hours=2)) / timedelta(days=1)


@dataclass
class Attended:
    """A walk-in booked at a time later today whose dose, given now, closed the booking."""

    person: dict
    api: str  # the person's appointments at the site (the staff's API)
    slot: int
    appointment: int
    dose: httpx.Response


async def attended_today(system: System, site: Site, tag: str) -> Attended:
    lot = await stock(system, site, "208", f"{tag}-{uuid.uuid4().hex[:5].upper()}")
    slot = await offer_slot(site, await later_today(), capacity=1)
    person = await walk_in(site, email=f"{tag.lower()}-{uuid.uuid4().hex[:6]}@example.org")
    api = f"/api/v1/locations/{site.location_id}/recipients/{person['id']}/appointments"
    booked = await site.provider.post(api, json={"slot_id": slot})
    assert booked.status_code == 201, booked.text
    appointment = booked.json()["appointment_id"]
    dose = await give(site, person["id"], lot)
    assert dose.status_code == 201, dose.text
    async with system.sessions() as session:
        assert (await session.get(Appointment, appointment)).status == ATTENDED
    return Attended(person, api, slot, appointment, dose)
