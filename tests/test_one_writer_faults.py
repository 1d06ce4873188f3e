"""Each fact the API and a workflow used to both write, with the worker stopped at the moment
of the person's action: the person is told 'not done' (503) and nothing is stored; once the
worker is back a retry does it exactly once, and the database and the workflow agree."""

import asyncio
from contextlib import asynccontextmanager

from sqlalchemy import func
from sqlmodel import select

from models.enrollment import Location, Organization, StorageUnit
from models.helpdesk import CaseMessage
from models.review import SigningRound
from models.signatures import Signature
from tests.support.enrollment import (
    ORG_DETAILS,
    add_storage_unit,
    complete_location,
    location_body,
    photo,
    start_enrollment,
)
from tests.support.helpdesk import agent, register_requester
from tests.support.review import decide, reviewer, sign_until, wait_for_status
from tests.support.web import NOT_DONE, api_client, unique_email, until_done


@asynccontextmanager
async def worker_stopped(system):
    await system.stop_worker()
    try:
        yield
    finally:
        await system.start_worker()
        await asyncio.sleep(1.5)  # the late action reaches its workflow and is refused


def not_done(response) -> None:
    assert response.status_code == 503, response.text
    assert NOT_DONE in response.json()["detail"]


async def rows(system, statement) -> int:
    async with system.sessions() as session:
        return (await session.exec(statement)).one()


async def signed_enrollment(system, names: list[str]):
    enrollment = await start_enrollment(system, names)
    for email, location_id in enrollment.locations.items():
        await complete_location(system, email, location_id)
    await sign_until(system, enrollment, list(enrollment.locations.values()))
    return enrollment


async def test_a_location_added_after_section_a(outage):
    _temporal, system = outage
    enrollment = await start_enrollment(system, ["First Fault Clinic"])
    email = unique_email("added")
    url = f"/api/v1/organizations/{enrollment.org_id}/locations"
    async with worker_stopped(system):
        not_done(await enrollment.admin.post(url, json=location_body("Added Fault", email)))
    assert await rows(system, select(func.count()).select_from(Location).where(
        Location.coordinator_email == email)) == 0, "no location without its process"
    assert (await until_done(lambda: enrollment.admin.post(
        url, json=location_body("Added Fault", email)))).status_code == 201
    await system.smtp.one(to=email, subject="Primary Vaccine Coordinator")
    assert await rows(system, select(func.count()).select_from(Location).where(
        Location.coordinator_email == email)) == 1


async def test_corrected_details_void_the_officers_signatures_once(outage):
    _temporal, system = outage
    enrollment = await signed_enrollment(system, ["Correction Clinic"])
    url = f"/api/v1/organizations/{enrollment.org_id}/details"
    corrected = {**ORG_DETAILS, "phone": "9195559999"}
    async with worker_stopped(system):
        not_done(await enrollment.admin.put(url, json=corrected))
    async with system.sessions() as session:
        assert (await session.get(Organization, enrollment.org_id)).phone == "919-555-0000"
        valid = await session.exec(select(func.count()).select_from(Signature).where(
            Signature.organization_id == enrollment.org_id, Signature.signer_role == "ceo",
            Signature.voided_at.is_(None)))
        assert valid.one() == 1, "the signatures still stand: nothing was corrected"
    assert (await until_done(lambda: enrollment.admin.put(url, json=corrected))).status_code == 200
    (location_id,) = enrollment.locations.values()
    await wait_for_status(system, location_id, "awaiting_signatures")
    async with system.sessions() as session:
        assert (await session.get(Organization, enrollment.org_id)).phone == "919-555-9999"

    async def addenda() -> list:
        async with system.sessions() as session:
            return [r.addendum for r in (await session.exec(select(SigningRound).where(
                SigningRound.organization_id == enrollment.org_id))).all()]

    for _ in range(100):
        if len(await addenda()) == 2:
            break
        await asyncio.sleep(0.1)
    assert await addenda() == [[], ["Organization details changed: phone"]]


async def test_an_enrolled_sites_new_storage_unit(outage):
    _temporal, system = outage
    enrollment = await signed_enrollment(system, ["Amendment Clinic"])
    (email, location_id), = enrollment.locations.items()
    state = await reviewer(system)
    assert (await decide(state, location_id, "approve")).status_code == 200
    await wait_for_status(system, location_id, "approved")
    coordinator = await api_client(system, email)
    async with worker_stopped(system):
        not_done(await add_storage_unit(coordinator, location_id, photo(), photo("white"),
                                        brand="FaultFridge"))
    assert await rows(system, select(func.count()).select_from(StorageUnit).where(
        StorageUnit.brand == "FaultFridge", StorageUnit.location_id == location_id)) == 0
    added = await until_done(lambda: add_storage_unit(coordinator, location_id, photo(),
                                                 photo("white"), brand="FaultFridge"))
    assert added.status_code == 201, added.text
    for _ in range(100):  # the location's workflow opens the amendment a moment later
        queue = (await state.get("/api/v1/review/queue?limit=200")).json()["items"]
        kinds = [i["kind"] for i in queue if i["location_id"] == location_id]
        if kinds:
            break
        await asyncio.sleep(0.1)
    assert kinds == ["change to an enrolled site"]


async def test_a_reply_on_a_case(outage):
    _temporal, system = outage
    requester, email = await register_requester(system)
    case = (await requester.post("/api/v1/helpdesk/cases", data={
        "category": "other", "subject": "Fault reply", "description": "Help"})).json()
    staff, _agent_id = await agent(system, "general")
    url = f"/api/v1/helpdesk/cases/{case['id']}/messages"
    async with worker_stopped(system):
        not_done(await staff.post(url, data={"body": "We are on it."}))
    assert await rows(system, select(func.count()).select_from(CaseMessage).where(
        CaseMessage.case_id == case["id"])) == 0, "not kept, not even unpublished"
    assert (await until_done(lambda: staff.post(url, data={"body": "We are on it."}))
            ).status_code == 201
    await system.smtp.one(to=email, subject="updated")
    shown = (await requester.get(f"/api/v1/helpdesk/cases/{case['id']}")).json()
    assert [m["body"] for m in shown["messages"]] == ["We are on it."]


async def test_providers_added_while_the_worker_is_down_count_for_approval(outage):
    _temporal, system = outage
    enrollment = await start_enrollment(system, ["Bulk Fault Clinic"])
    (email, location_id), = enrollment.locations.items()
    coordinator = await complete_location(system, email, location_id, providers=0)
    await sign_until(system, enrollment, [location_id])
    state = await reviewer(system)
    refused = await decide(state, location_id, "approve")
    assert refused.status_code == 422 and "practicing provider" in refused.json()["detail"]
    async with worker_stopped(system):  # providers are the API's alone: no workflow needed
        added = await coordinator.post(f"/api/v1/locations/{location_id}/providers", json={
            "first_name": "Late", "middle_initial": "", "last_name": "Provider",
            "license_type": "MD", "license_number": "MD-LATE-1"})
        assert added.status_code == 201, added.text
    assert (await until_done(lambda: decide(state, location_id, "approve"))).status_code == 200
