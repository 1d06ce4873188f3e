"""Point of care JSON API: find and register recipients, check in, record, edit and remove
doses at a location. The same rules and scope checks as the pages."""

from datetime import date
from typing import Annotated

from fastapi import Query

from api.deps import CurrentUser, ProcessesDep, SessionDep
from api.domain import administrations, care
from api.domain.recipients import eligibility_now
from api.domain.scope import my_location_ids
from api.params import Id
from api.routing import Router
from models.administration_schemas import (
    AdministrationEdit,
    AdministrationIn,
    AdministrationOut,
    CarePage,
    CareRecipientOut,
    CheckInOut,
    RemovalIn,
    WalkInOut,
)
from models.recipient_schemas import WalkInIn

router = Router(prefix="/api/v1", tags=["point of care"])
BASE = "/locations/{location_id}/care"


@router.get(f"{BASE}/recipients", response_model=CarePage,
            summary="Find recipients by name (partial) and date of birth, a page at a time")
async def find(location_id: Id, user: CurrentUser, session: SessionDep,
               name: Annotated[str, Query(max_length=160)] = "",
               date_of_birth: date | None = None,
               page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> CarePage:
    location = await care.care_site(session, user, location_id)
    found = await care.find(session, location, name, date_of_birth, page)
    return CarePage(items=[CareRecipientOut.model_validate(r) for r in found.items],
                    total=found.total, page=found.page, pages=found.pages)


@router.post(f"{BASE}/walk-ins", response_model=WalkInOut, status_code=201,
             summary="Register a walk-in or a paper registration, with the questionnaire's "
                     "answers (the same person again returns their record)")
async def walk_in(location_id: Id, body: WalkInIn, user: CurrentUser,
                  session: SessionDep, gateway: ProcessesDep) -> WalkInOut:
    location = await care.care_site(session, user, location_id, write=True)
    person, outcome = await care.walk_in(session, user, location, body, await gateway.now())
    emailed = await care.email_link(gateway, session, person, outcome)
    shown = ({"eligibility": eligibility_now(person)[0]}
             if await care.keeps_details(session, location.id, person)
             else {"registered_at": None, "registered_late": None, "eligibility": None})
    return WalkInOut.model_validate(person).model_copy(update={
        **shown, "already_registered": outcome == care.KNOWN, "link_emailed": emailed,
        "notice": care.walk_in_notice(person, outcome)})


@router.post(f"{BASE}/recipients/{{recipient_id}}/check-ins", response_model=CheckInOut,
             status_code=201, summary="Check a recipient in (once a day: pressed again, the "
                                      "day's check-in, with already_checked_in)")
async def check_in(location_id: Id, recipient_id: Id, user: CurrentUser,
                   session: SessionDep, gateway: ProcessesDep) -> CheckInOut:
    location = await care.care_site(session, user, location_id, write=True)
    person = await care.recipient_at(session, location, recipient_id)
    visit = await care.check_in(session, user, location, person, await gateway.now())
    return CheckInOut.model_validate(visit.check_in).model_copy(update={
        "already_checked_in": not visit.new, "notice": visit.notice(person)})


@router.get(f"{BASE}/recipients/{{recipient_id}}/administrations",
            response_model=list[AdministrationOut], summary="A recipient's doses")
async def doses(location_id: Id, recipient_id: Id, user: CurrentUser,
                session: SessionDep) -> list[AdministrationOut]:
    location = await care.care_site(session, user, location_id)
    person = await care.recipient_at(session, location, recipient_id)
    return [AdministrationOut.model_validate(d)
            for d in await administrations.doses_of(session, person.id)]


@router.post(f"{BASE}/administrations", response_model=AdministrationOut, status_code=201,
             summary="Record a dose (debits its lot once; a repeated request_key is one dose)")
async def record(location_id: Id, body: AdministrationIn, user: CurrentUser,
                 session: SessionDep, gateway: ProcessesDep) -> AdministrationOut:
    location = await care.care_site(session, user, location_id, write=True)
    dose = await administrations.record(session, gateway, user, location, body)
    return AdministrationOut.model_validate(dose)


async def _dose(session, user, administration_id: int, write: bool):
    dose = await administrations.administration_for(
        session, await my_location_ids(session, user), administration_id)
    await care.care_site(session, user, dose.location_id, write=write)
    return dose


@router.get("/administrations/{administration_id}", response_model=AdministrationOut)
async def get_dose(administration_id: Id, user: CurrentUser,
                   session: SessionDep) -> AdministrationOut:
    return AdministrationOut.model_validate(await _dose(session, user, administration_id, False))


@router.put("/administrations/{administration_id}", response_model=AdministrationOut,
            summary="Correct a dose's details")
async def edit(administration_id: Id, body: AdministrationEdit, user: CurrentUser,
               session: SessionDep, gateway: ProcessesDep) -> AdministrationOut:
    dose = await _dose(session, user, administration_id, True)
    return AdministrationOut.model_validate(
        await administrations.edit(session, gateway, user, dose, body))


@router.post("/administrations/{administration_id}/removal", response_model=AdministrationOut,
             summary="Remove a dose as entered in error (its dose returns to the lot)")
async def remove(administration_id: Id, body: RemovalIn, user: CurrentUser,
                 session: SessionDep, gateway: ProcessesDep) -> AdministrationOut:
    dose = await _dose(session, user, administration_id, True)
    return AdministrationOut.model_validate(
        await administrations.remove(session, gateway, user, dose, body))
