"""Exports for the state immunization registry (state staff): a recipient's doses as FHIR R4
Immunization resources, and one administration as an HL7 v2.5.1 VXU^V04 message; and the list
a registry pulls them by (a location's doses, given between two days, changed since its last
pull). A dose removed as entered in error is exported too, marked withdrawn (FHIR status
entered-in-error, RXA-21 "D"). Every read of a person's record is written to the audit log;
the list holds no one's details (ids, days, statuses)."""

from typing import Annotated

from fastapi import Depends, Query
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy import func, or_
from sqlmodel import select

from api.deps import SessionDep, SettingsDep, require_roles
from api.domain import interop
from api.domain import proof as records
from api.domain.state_lists import pin
from api.params import Id
from api.routing import Router, file_answer
from core.errors import NotFound
from models.accounts import User
from models.administration_schemas import RegistryDose, RegistryPage, RegistryQuery
from models.administrations import Administration
from models.audit import AuditEvent
from models.base import utcnow
from models.enums import Role
from models.recipients import Recipient

router = Router(prefix="/api/v1/registry", tags=["state registry"])
StateStaff = Annotated[User, Depends(require_roles(Role.REVIEWER))]
FHIR_JSON = "application/fhir+json"


def _audit(session, user: User, kind: str, subject_id: int, what: str) -> None:
    session.add(AuditEvent(subject_type=kind, subject_id=subject_id, action=what,
                           actor=user.audit_name,
                           detail={"user_id": user.id}))


@router.get("/administrations", response_model=RegistryPage,
            summary="Doses a registry pulls: a location's, given between two days, changed "
                    "(given, corrected or removed) since a moment; each with its VXU and FHIR "
                    "addresses, oldest first, a page at a time")
async def administrations(_user: StateStaff, session: SessionDep,
                          ask: Annotated[RegistryQuery, Query()]) -> RegistryPage:
    dose = Administration
    changed = func.coalesce(dose.removed_at, dose.updated_at, dose.created_at)
    wanted = []
    if ask.location_id is not None:
        wanted.append(dose.location_id == ask.location_id)
    if ask.given_from is not None:
        wanted.append(dose.administered_on >= ask.given_from)
    if ask.given_to is not None:
        wanted.append(dose.administered_on <= ask.given_to)
    if ask.changed_since is not None:
        wanted.append(or_(dose.created_at >= ask.changed_since,
                          dose.updated_at >= ask.changed_since,
                          dose.removed_at >= ask.changed_since))
    total = (await session.exec(select(func.count()).select_from(dose).where(*wanted))).one()
    rows = (await session.exec(select(dose, changed).where(*wanted).order_by(dose.id)
                               .limit(ask.limit).offset(ask.offset))).all()
    base = router.prefix
    return RegistryPage(total=total, limit=ask.limit, offset=ask.offset, items=[RegistryDose(
        id=d.id, recipient_id=d.recipient_id, location_id=d.location_id,
        provider_pin=pin(d.location_id), administered_on=d.administered_on,
        dose_number=d.dose_number, status=d.status, changed_at=when,
        vxu=f"{base}/administrations/{d.id}/vxu",
        fhir=f"{base}/recipients/{d.recipient_id}/immunizations") for d, when in rows])


@router.get("/recipients/{recipient_id}/immunizations",
            summary="A recipient's doses as a FHIR R4 Bundle (Patient and Immunizations)",
            **file_answer(FHIR_JSON, "A FHIR R4 Bundle (type collection): the Patient, then an "
                          "Immunization per dose (entered-in-error for one removed)", {
                              "type": "object", "required": ["resourceType", "type", "entry"],
                              "properties": {"resourceType": {"const": "Bundle"},
                                             "type": {"const": "collection"},
                                             "entry": {"type": "array",
                                                       "items": {"type": "object"}}}}))
async def immunizations(recipient_id: Id, user: StateStaff, session: SessionDep,
                        settings: SettingsDep) -> JSONResponse:
    person = await session.get(Recipient, recipient_id)
    if person is None:
        raise NotFound("No recipient has that id.")
    bundle = interop.fhir_immunizations(records.person_of(person),
                                        await records.doses(session, person, removed=True),
                                        base=settings.public_base_url)
    _audit(session, user, "recipient", person.id, "exported_fhir")
    return JSONResponse(bundle.model_dump(mode="json", exclude_none=True), media_type=FHIR_JSON)


@router.get("/administrations/{administration_id}/vxu", response_class=PlainTextResponse,
            summary="One administration as an HL7 v2.5.1 VXU^V04 message (CDC guide)")
async def vxu(administration_id: Id, user: StateStaff, session: SessionDep) -> PlainTextResponse:
    dose = await session.get(Administration, administration_id)
    if dose is None:
        raise NotFound("No administration has that id.")
    person = await session.get(Recipient, dose.recipient_id)
    export, now = await records.dose_of(session, dose), utcnow()
    # MSH-10 is one message's (at most 20 characters): the record, its action and the second
    # it was sent, so a registry never takes an update or a deletion for a repeat of the add.
    control_id = f"{dose.id}{export.action}{int(now.timestamp()):x}"
    message = interop.vxu_message(records.person_of(person), export, control_id=control_id,
                                  sent_at=now)
    _audit(session, user, "administration", dose.id, "exported_vxu")
    return PlainTextResponse(message, media_type="text/plain; charset=utf-8")
