"""Property: whatever happens (retries, restarts, double clicks), no dose is lost or counted twice.

Random sequences of receipts, extra doses, wastage and transfers along every path (approved
and received, denied, cancelled, left in transit) across four enrolled sites, with repeated
clicks and requests and the worker restarted mid-way. After each sequence: every lot's on-hand
equals the sum of its ledger and is never negative, and received = on hand + in transit +
wasted across the whole system.
"""

import asyncio
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import func, select

from models.inventory import LedgerEntry, Lot, Transfer
from models.inventory_rules import ADDS, LOSSES, EntryKind, TransferStatus
from tests.support.inventory import enrolled_sites, key, product_id
from tests.support.review import reviewer

LOTS = ["PROP-A", "PROP-B"]
PATHS = ["receive", "deny", "cancel", "approve_cancel", "in_transit", "repeat"]


@pytest.fixture(scope="module")
async def sites(system):
    state = await reviewer(system)
    one = await enrolled_sites(system, ["P One", "P Two"], redistribution=True, state=state)
    two = await enrolled_sites(system, ["P Three", "P Four"], redistribution=True, state=state)
    return state, {**one.staff, **two.staff}, await product_id(system, "211")


site = st.integers(0, 3)
lot = st.sampled_from(LOTS)
pair = st.lists(site, min_size=2, max_size=2, unique=True)  # two different sites
move = st.tuples(st.just("move"), pair, lot, st.integers(1, 12), st.sampled_from(PATHS))
operation = st.one_of(
    move, move, move,  # moves are the interesting part: weight them
    st.tuples(st.just("receive"), site, lot, st.integers(1, 40)),
    st.tuples(st.just("extra"), site, lot, st.integers(1, 5)),
    st.tuples(st.just("waste"), site, lot, st.integers(1, 30)),
    st.tuples(st.just("restart")),
)


def expires(lot_number: str) -> str:
    return str(date.today() + timedelta(days=300 + LOTS.index(lot_number)))


class Runner:
    def __init__(self, system, state, staff, product) -> None:
        self.system, self.state, self.product = system, state, product
        self.ids = list(staff)
        self.staff = staff

    def client(self, index: int):
        return self.staff[self.ids[index]]

    async def lot_id(self, index: int, lot_number: str) -> int | None:
        stock = (await self.client(index).get(
            f"/api/v1/locations/{self.ids[index]}/inventory")).json()
        found = [x["id"] for x in stock["usable"] + stock["used_up"] if x["lot_number"] == lot_number]
        return found[0] if found else None

    async def run(self, op: tuple) -> None:
        await getattr(self, op[0])(*op[1:])

    async def receive(self, index: int, lot_number: str, doses: int) -> None:
        body = {"product_id": self.product, "lot_number": lot_number, "doses": doses,
                "expiration_date": expires(lot_number), "request_key": key()}
        url = f"/api/v1/locations/{self.ids[index]}/inventory/receipts"
        twice = await asyncio.gather(self.client(index).post(url, json=body),
                                     self.client(index).post(url, json=body))
        assert {r.status_code for r in twice} == {201}, "a repeated receipt is one receipt"

    async def _adjust(self, index: int, lot_number: str, kind: str, doses: int) -> None:
        found = await self.lot_id(index, lot_number)
        if found is None:
            return
        response = await self.client(index).post(
            f"/api/v1/locations/{self.ids[index]}/inventory/lots/{found}/adjustments",
            json={"kind": kind, "doses": doses, "reason": "property test", "request_key": key()})
        assert response.status_code in (201, 422), response.text

    async def extra(self, index: int, lot_number: str, doses: int) -> None:
        await self._adjust(index, lot_number, "extra_doses", doses)

    async def waste(self, index: int, lot_number: str, doses: int) -> None:
        await self._adjust(index, lot_number, "wastage", doses)

    async def restart(self) -> None:
        await self.system.restart_worker()

    async def move(self, sites: list[int], lot_number: str, doses: int, path: str) -> None:
        source, target = sites
        found = await self.lot_id(source, lot_number)
        if found is None:
            return
        body = {"kind": "redistribution" if source // 2 == target // 2 else "transfer",
                "from_location_id": self.ids[source], "to_location_id": self.ids[target],
                "lot_id": found, "doses": doses, "reason": "property", "request_key": key()}
        sender = self.client(source)
        requests = [sender.post("/api/v1/transfers", json=body)]
        if path == "repeat":
            requests.append(sender.post("/api/v1/transfers", json=body))
        made = await asyncio.gather(*requests)
        if made[0].status_code == 422:
            return
        assert len({r.json()["id"] for r in made}) == 1, "a repeated request is one transfer"
        await self._follow(made[0].json()["id"], source, target, path)

    async def _follow(self, transfer_id: int, source: int, target: int, path: str) -> None:
        url = f"/api/v1/transfers/{transfer_id}"
        if path == "deny":
            await self.state.post(f"{url}/decision", json={"decision": "deny", "reason": "no"})
            return
        if path == "cancel":
            await self.client(source).post(f"{url}/cancel")
            return
        await self.state.post(f"{url}/decision", json={"decision": "approve"})
        if path == "approve_cancel":
            await self.client(source).post(f"{url}/cancel")
            return
        ship = self.client(source).post(f"{url}/ship")
        if path == "in_transit":
            await asyncio.gather(ship, self.system.restart_worker())
            return
        await asyncio.gather(ship, self.client(source).post(f"{url}/ship"))
        await asyncio.gather(self.client(target).post(f"{url}/receive"),
                             self.client(target).post(f"{url}/receive"))


async def check_balance(system) -> None:
    async with system.sessions() as session:
        lots = (await session.exec(select(Lot))).all()
        for item in lots:
            total = (await session.exec(select(func.coalesce(func.sum(LedgerEntry.doses), 0))
                                        .where(LedgerEntry.lot_id == item.id))).one()
            assert item.on_hand >= 0 and item.on_hand == total, item
        by_kind = dict((await session.exec(select(LedgerEntry.kind, func.sum(LedgerEntry.doses))
                                           .group_by(LedgerEntry.kind))).all())
        in_transit = (await session.exec(select(func.coalesce(func.sum(Transfer.doses), 0)).where(
            Transfer.status == TransferStatus.SHIPPED))).one()
    sums = {EntryKind(k): v for k, v in by_kind.items()}
    received = sum(sums.get(k, 0) for k in (EntryKind.RECEIVED, EntryKind.EXTRA_DOSES))
    wasted = -sum(sums.get(k, 0) for k in LOSSES)
    # doses given at the point of care (other tests in the session give some), net of removals
    given = -sum(sums.get(k, 0) for k in (EntryKind.ADMINISTERED,
                                          EntryKind.ADMINISTRATION_REVERSED))
    on_hand = sum(item.on_hand for item in lots)
    assert received == on_hand + in_transit + wasted + given, (
        received, on_hand, in_transit, wasted, given)
    moved_out = -sums.get(EntryKind.TRANSFER_OUT, 0)
    moved_in = sum(sums.get(k, 0) for k in ADDS - {EntryKind.RECEIVED, EntryKind.EXTRA_DOSES})
    assert moved_out == moved_in + in_transit


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations=st.lists(operation, min_size=6, max_size=12))
async def test_the_dose_balance_is_exact_whatever_happens(system, sites, operations):
    state, staff, product = sites
    runner = Runner(system, state, staff, product)
    for index in range(4):  # every site starts each sequence with both lots in stock
        for lot_number in LOTS:
            await runner.receive(index, lot_number, 30)
    for op in operations:
        await runner.run(op)
    await check_balance(system)
