"""Single use is a database guarantee: ten simultaneous uses of one link (or one receipt) give
one success and nine refusals, on SQLite and on Postgres."""

import asyncio

from sqlalchemy import func
from sqlmodel import select

from models.accounts import User
from models.enrollment import Location
from models.inventory import LedgerEntry
from models.inventory_rules import EntryKind
from models.review import SigningRequest
from models.signatures import Signature
from tests.support.enrollment import complete_location, start_enrollment
from tests.support.inventory import (
    enrolled_sites,
    lot_id,
    on_hand,
    product_id,
    receive,
    request_transfer,
    transfer_status,
)
from tests.support.review import SIGNING_SUBJECT, reviewer, signing_tokens
from tests.support.web import PASSWORD

TIMES = 10


async def at_once(make_request) -> list[int]:
    responses = await asyncio.gather(*(make_request() for _ in range(TIMES)))
    return sorted(r.status_code for r in responses)


def one_success(statuses: list[int], success: int) -> None:
    assert statuses.count(success) == 1, statuses
    assert all(400 <= s < 500 for s in statuses if s != success), statuses


async def test_a_signing_link_signs_once(system):
    enrollment = await start_enrollment(system, ["Race Clinic"])
    (email, location_id), = enrollment.locations.items()
    await complete_location(system, email, location_id)
    mail = await system.smtp.one(to=enrollment.ceo_email, subject=SIGNING_SUBJECT)
    token = signing_tokens(mail)[0]
    body = {"signer_role": "ceo", "document": "provider_agreement", "method": "typed",
            "typed_name": "Cee Eeo", "consent": True}
    async with system.http() as http:
        statuses = await at_once(lambda: http.post(f"/api/v1/signing/{token}", json=body))
    one_success(statuses, 201)
    async with system.sessions() as session:
        signed = await session.exec(select(func.count()).select_from(Signature).join(
            SigningRequest, SigningRequest.id == Signature.signing_request_id).where(
            SigningRequest.organization_id == enrollment.org_id,
            Signature.signer_role == "ceo"))
        assert signed.one() == 1


async def test_an_invitation_link_registers_once(system):
    enrollment = await start_enrollment(system, ["Invite Race Clinic"])
    (email, location_id), = enrollment.locations.items()
    mail = await system.smtp.one(to=email, subject="Primary Vaccine Coordinator")
    token = mail.link("/invite/").rsplit("/", 1)[1]
    # ten people at once, each with a password of their own: one account, one coordinator (the
    # same person's form sent again, with the account's password, is theirs: test_invitations)
    passwords = iter(f"{PASSWORD}-{n}" for n in range(TIMES))

    def body() -> dict:
        password = next(passwords)
        return {"password": password, "password_confirm": password}

    async with system.http() as http:
        statuses = await at_once(
            lambda: http.post(f"/api/v1/invitations/{token}/register", json=body()))
        used = await http.post(f"/api/v1/invitations/{token}/register",
                               json={"password": PASSWORD, "password_confirm": PASSWORD})
    one_success(statuses, 201)
    assert used.status_code == 410, used.text
    async with system.sessions() as session:
        location = await session.get(Location, location_id)
        assert location.coordinator_user_id is not None
        accounts = (await session.exec(select(func.count()).select_from(User).where(
            User.email == email.lower()))).one()
    assert accounts == 1


async def test_a_transfer_is_received_once(system):
    state = await reviewer(system)
    sites = await enrolled_sites(system, ["Race Sender", "Race Receiver"], False, state)
    (sender, receiver), product = sites.ids, await product_id(system)
    staff = sites.staff
    assert (await receive(staff[sender], sender, product, "RACE-1", 50)).status_code == 201
    lot = await lot_id(staff[sender], sender, "RACE-1")
    transfer = (await request_transfer(staff[sender], sender, receiver, lot, 20)).json()
    await transfer_status(state, transfer["id"], "requested")
    assert (await state.post(f"/api/v1/transfers/{transfer['id']}/decision",
                             json={"decision": "approve"})).status_code == 200
    assert (await staff[sender].post(f"/api/v1/transfers/{transfer['id']}/ship")).status_code \
        == 200
    statuses = await at_once(
        lambda: staff[receiver].post(f"/api/v1/transfers/{transfer['id']}/receive"))
    one_success(statuses, 200)
    assert await on_hand(staff[receiver], receiver, "RACE-1") == 20
    async with system.sessions() as session:
        credits = await session.exec(select(func.count()).select_from(LedgerEntry).where(
            LedgerEntry.transfer_id == transfer["id"],
            LedgerEntry.kind == EntryKind.TRANSFER_IN))
        assert credits.one() == 1
