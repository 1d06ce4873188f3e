"""Enrolled sites for inventory tests, made through the real enrollment flow."""

import asyncio
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import httpx
from sqlmodel import select

from models.base import utcnow
from models.care_rules import local_today
from models.inventory import Product
from tests.support.enrollment import Enrollment, complete_location, start_enrollment
from tests.support.review import decide, sign_until, wait_for_status
from tests.support.system import System

TRANSFER_SUBJECT = "Transfer TR"


@dataclass
class Sites:
    org_id: int
    staff: dict[int, httpx.AsyncClient]  # location id -> a coordinator's API client
    emails: dict[int, str]
    enrollment: Enrollment | None = None  # its administrator and officers

    @property
    def ids(self) -> list[int]:
        return list(self.staff)


async def enrolled_sites(system: System, names: list[str], redistribution: bool,
                         state: httpx.AsyncClient) -> Sites:
    enrollment = await start_enrollment(system, names, redistribution=redistribution)
    staff, emails = {}, {}
    for email, location_id in enrollment.locations.items():
        staff[location_id] = await complete_location(system, email, location_id)
        emails[location_id] = email
    await sign_until(system, enrollment, list(staff))
    for location_id in staff:
        assert (await decide(state, location_id, "approve")).status_code == 200
        await wait_for_status(system, location_id, "approved")
    return Sites(enrollment.org_id, staff, emails, enrollment)


async def product_id(system: System, cvx: str = "207") -> int:
    async with system.sessions() as session:
        return (await session.exec(select(Product).where(Product.cvx_code == cvx))).one().id


def key() -> str:
    return uuid.uuid4().hex


async def receive(client: httpx.AsyncClient, location_id: int, product: int, lot: str,
                  doses: int, expires: date | None = None,
                  received_on: date | None = None) -> httpx.Response:
    """A shipment received (today, or on `received_on`, entered later), expiring in 120 days
    unless `expires` says."""
    day = {"received_on": str(received_on)} if received_on else {}
    return await client.post(f"/api/v1/locations/{location_id}/inventory/receipts", json={
        "product_id": product, "lot_number": lot, "doses": doses, "request_key": key(), **day,
        "expiration_date": str(expires or date.today() + timedelta(days=120))})


async def lot_received(system: System, client: httpx.AsyncClient, location_id: int, lot: str,
                       doses: int, days_ago: int = 0) -> int:
    """The id of a lot received `days_ago` (North Carolina's days; entered later) of product
    207, 120 days to expiry."""
    came = await receive(client, location_id, await product_id(system), lot, doses,
                         received_on=local_today(utcnow()) - timedelta(days=days_ago)
                         if days_ago else None)
    assert came.status_code == 201, came.text
    return await lot_id(client, location_id, lot)


@dataclass
class Holding:
    """Two enrolled sites of one organization (no redistribution), a lot received at the first."""

    sites: Sites
    source: int
    sender: httpx.AsyncClient  # the first site's coordinator, its Location Manager
    target: int

    async def requested(self, lot: str, doses: int) -> dict:
        """A transfer of `doses` of the received lot from the first site to the second,
        requested by its Location Manager: the new transfer as the API answered it."""
        asked = await request_transfer(self.sender, self.source, self.target,
                                       await lot_id(self.sender, self.source, lot), doses)
        assert asked.status_code == 201, asked.text
        return asked.json()


async def two_sites_holding(system: System, names: list[str], lot: str, doses: int,
                            state: httpx.AsyncClient) -> Holding:
    sites = await enrolled_sites(system, names, redistribution=False, state=state)
    (source, sender), (target, _receiver) = sites.staff.items()
    received = await receive(sender, source, await product_id(system), lot, doses)
    assert received.status_code == 201, received.text
    return Holding(sites, source, sender, target)


async def lot_id(client: httpx.AsyncClient, location_id: int, lot: str) -> int:
    stock = (await client.get(f"/api/v1/locations/{location_id}/inventory")).json()
    every = stock["usable"] + stock["used_up"] + stock["expired"]
    return next(x["id"] for x in every if x["lot_number"] == lot)


async def on_hand(client: httpx.AsyncClient, location_id: int, lot: str) -> int:
    stock = (await client.get(f"/api/v1/locations/{location_id}/inventory")).json()
    every = stock["usable"] + stock["used_up"] + stock["expired"]
    found = [x["on_hand"] for x in every if x["lot_number"] == lot]
    return found[0] if found else 0


async def request_transfer(client: httpx.AsyncClient, source: int, target: int, lot: int,
                           doses: int, kind: str = "transfer") -> httpx.Response:
    return await client.post("/api/v1/transfers", json={
        "kind": kind, "from_location_id": source, "to_location_id": target, "lot_id": lot,
        "doses": doses, "reason": "Clinic demand", "request_key": key()})


async def transfer_status(client: httpx.AsyncClient, transfer_id: int, status: str) -> dict:
    for _ in range(100):
        found = (await client.get(f"/api/v1/transfers/{transfer_id}")).json()
        if found["status"] == status:
            return found
        await asyncio.sleep(0.1)
    raise AssertionError(f"transfer {transfer_id} is {found['status']}, expected {status}")
