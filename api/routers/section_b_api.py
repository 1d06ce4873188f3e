"""Section B JSON API: the coordinator's steps, storage units, providers, signatures, submit."""

from enum import StrEnum
from typing import Annotated

from fastapi import File, Form, Request, Response, UploadFile
from sqlmodel.ext.asyncio.session import AsyncSession

from api.deps import CurrentUser, ProcessesDep, SessionDep
from api.domain import section_b
from api.domain.scope import location_for
from api.domain.section_b import Upload
from api.domain.signatures import client_of
from api.domain.status import location_status
from api.forms import refuse_unknown_fields, validated
from api.params import Id
from api.routing import Router
from core.errors import Invalid
from models.agreements import DocumentKind
from models.enrollment import SectionB
from models.enrollment_enums import StorageUnitType
from models.enrollment_schemas import (
    BulkUploadIn,
    DeactivateIn,
    LocationOut,
    LocationStatusOut,
    ProviderIn,
    ProviderOut,
    SectionBOut,
    SignatureIn,
    SignatureOut,
    StorageUnitIn,
    StorageUnitOut,
)
from models.section_b import FORM_STEPS, STEP_BY_KEY
from models.section_b_rules import (
    SAME_PERSON,
    backup_problems,
    coordinator_signatures,
    problems_of,
)
from models.signatures import Signature

router = Router(prefix="/api/v1", tags=["section B"])
FormStep = StrEnum("FormStep", {step.key: step.key for step in FORM_STEPS})


@router.get("/locations/{location_id}/section-b", response_model=SectionBOut,
            tags=["section B"])
async def get_section_b(location_id: Id, user: CurrentUser, session: SessionDep) -> SectionBOut:
    location = await location_for(session, user, location_id)
    return await section_b_out(session, location)


@router.get("/locations/{location_id}/status", response_model=LocationStatusOut,
            tags=["section B"], summary="Where the location stands, whom it waits on, since when")
async def get_status(location_id: Id, user: CurrentUser,
                     session: SessionDep) -> LocationStatusOut:
    return await location_status(session, await location_for(session, user, location_id))


@router.put("/locations/{location_id}/section-b/bulk-upload", tags=["section B"],
            summary="25+ providers: send them later with the bulk upload template")
async def put_bulk_upload(location_id: Id, body: BulkUploadIn, user: CurrentUser,
                          session: SessionDep, gateway: ProcessesDep) -> dict:
    location = await location_for(session, user, location_id, write=True)
    await section_b.set_bulk_upload(session, gateway, location, body.planned)
    return {"bulk_upload_planned": body.planned}


def _step_bodies() -> dict:
    """Each step's body as the API documents it (the handler reads a plain object and checks
    it with the step's own schema): one schema per step, marked with its step (`x-step`)."""
    options = []
    for step in FORM_STEPS:
        schema = step.schema.model_json_schema(ref_template="#/components/schemas/{model}")
        options.append({**schema, "title": f"SectionBStep{step.schema.__name__}",
                        "description": f"Step {step.number}, {step.title}: PUT .../section-b/"
                                       f"{step.key}", "x-step": step.key})
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": {"oneOf": options}}}}}


STEP_DESCRIPTION = (
    "The body holds the step's fields, checked with that step's schema (steps 2 to 6): "
    + "; ".join(f"`{step.key}`: step {step.number}, {step.title}" for step in FORM_STEPS)
    + ". Availability times are HH:MM (24-hour) or NA, From and To of a slot both or neither "
    "(`mon_am_from`, `mon_am_to` ... `fri_pm_to`; a morning slot from 00:00 to 12:00, an "
    "evening one from 12:00 to 23:59). Steps 7 to 12 have their own operations: storage "
    "units, providers, then the two signatures and the submission.")


@router.put("/locations/{location_id}/section-b/{step}", response_model=SectionBOut,
            tags=["section B"], summary="Save one Section B step (validated)",
            description=STEP_DESCRIPTION, openapi_extra=_step_bodies())
async def put_step(location_id: Id, step: FormStep, body: dict, user: CurrentUser,  # type: ignore[valid-type]
                   session: SessionDep, gateway: ProcessesDep) -> SectionBOut:
    location = await location_for(session, user, location_id, write=True)
    data = validated(STEP_BY_KEY[step.value].schema, body)
    refused = backup_problems({step.value: data.model_dump(mode="json")},
                              location.coordinator_email)
    if refused:
        raise Invalid(SAME_PERSON, errors=refused)
    section = await section_b.save_step(session, gateway, location, step.value,
                                        data.model_dump(mode="json"))
    # The save voided the coordinator's signatures (they covered the old answers): none stand.
    return await section_b_out(session, location, section, signatures=[])


STORAGE_UNIT_FIELDS = ("brand", "model", "unit_type", "inside_photo", "outside_photo")


def _upload(file: UploadFile | None, data: bytes) -> Upload | None:
    return Upload(file.filename or "photo", data) if file is not None else None


@router.post("/locations/{location_id}/storage-units", response_model=StorageUnitOut,
             status_code=201, tags=["section B"], summary="Add a storage unit with two photos")
async def post_storage_unit(
        request: Request, location_id: Id, user: CurrentUser, session: SessionDep,
        gateway: ProcessesDep,
        brand: Annotated[str, Form()], model: Annotated[str, Form()],
        unit_type: Annotated[str, Form(json_schema_extra={"enum": list(StorageUnitType)})],
        inside_photo: Annotated[UploadFile | None, File()] = None,
        outside_photo: Annotated[UploadFile | None, File()] = None) -> StorageUnitOut:
    location = await location_for(session, user, location_id, write=True)
    await refuse_unknown_fields(request, STORAGE_UNIT_FIELDS)
    data = _unit_in(brand, model, unit_type)
    photos = await section_b.check_photos(session, {
        "inside_photo": _upload(inside_photo, await inside_photo.read() if inside_photo else b""),
        "outside_photo": _upload(outside_photo,
                                 await outside_photo.read() if outside_photo else b"")}, {},
        by=user.id)
    unit = await section_b.add_storage_unit(session, gateway, location, data, photos)
    return StorageUnitOut.model_validate(unit)


@router.post("/locations/{location_id}/storage-units/{unit_id}/photos",
             response_model=StorageUnitOut, tags=["section B"],
             summary="Replace a storage unit's inside or outside photo (or both)")
async def replace_storage_unit_photos(
        request: Request, location_id: Id, unit_id: Id, user: CurrentUser,
        session: SessionDep, gateway: ProcessesDep,
        inside_photo: Annotated[UploadFile | None, File()] = None,
        outside_photo: Annotated[UploadFile | None, File()] = None) -> StorageUnitOut:
    """Before Section B is submitted: the photos sent replace the unit's, checked as a new
    unit's are; its brand, model, type and the photo not sent stay."""
    location = await location_for(session, user, location_id, write=True)
    await refuse_unknown_fields(request, ("inside_photo", "outside_photo"))
    section_b.ensure_editable(location)  # refused before any photo is checked and stored
    photos = await section_b.check_photos(session, {
        "inside_photo": _upload(inside_photo, await inside_photo.read() if inside_photo else b""),
        "outside_photo": _upload(outside_photo,
                                 await outside_photo.read() if outside_photo else b"")}, {},
        both=False, by=user.id)
    unit = await section_b.replace_storage_photos(session, gateway, location, unit_id, photos)
    return StorageUnitOut.model_validate(unit)


def _unit_in(brand: str, model: str, unit_type: str) -> StorageUnitIn:
    return validated(StorageUnitIn, {"brand": brand, "model": model, "unit_type": unit_type})


@router.delete("/locations/{location_id}/storage-units/{unit_id}", status_code=204,
               tags=["section B"])
async def delete_storage_unit(location_id: Id, unit_id: Id, user: CurrentUser,
                              session: SessionDep, gateway: ProcessesDep) -> Response:
    location = await location_for(session, user, location_id, write=True)
    await section_b.remove_storage_unit(session, gateway, location, unit_id)
    return Response(status_code=204)


@router.post("/locations/{location_id}/providers", response_model=ProviderOut, status_code=201,
             tags=["section B"], summary="Add a practicing provider")
async def post_provider(location_id: Id, body: ProviderIn, user: CurrentUser,
                        session: SessionDep, gateway: ProcessesDep) -> ProviderOut:
    location = await location_for(session, user, location_id, write=True)
    return ProviderOut.model_validate(
        await section_b.add_provider(session, gateway, location, body))


@router.put("/locations/{location_id}/providers/{provider_id}", response_model=ProviderOut,
            tags=["section B"], summary="Edit a practicing provider")
async def put_provider(location_id: Id, provider_id: Id, body: ProviderIn, user: CurrentUser,
                       session: SessionDep, gateway: ProcessesDep) -> ProviderOut:
    location = await location_for(session, user, location_id, write=True)
    return ProviderOut.model_validate(
        await section_b.update_provider(session, gateway, location, provider_id, body))


@router.post("/locations/{location_id}/providers/deactivate", tags=["section B"],
             summary="Deactivate one or more practicing providers")
async def deactivate(location_id: Id, body: DeactivateIn, user: CurrentUser,
                     session: SessionDep, gateway: ProcessesDep) -> dict:
    location = await location_for(session, user, location_id, write=True)
    count = await section_b.deactivate_providers(session, gateway, location, body.provider_ids)
    return {"deactivated": count}


@router.post("/locations/{location_id}/section-b/signatures/{document}",
             response_model=SignatureOut, status_code=201, tags=["section B"],
             summary="Sign the provider agreement (step 11) or the attestation (step 12)")
async def post_signature(location_id: Id, document: DocumentKind, body: SignatureIn,
                         request: Request, user: CurrentUser, session: SessionDep) -> SignatureOut:
    location = await location_for(session, user, location_id, write=True)
    signature = await section_b.sign(session, location, user, document, body, client_of(request))
    return SignatureOut.model_validate(signature)


@router.post("/locations/{location_id}/section-b/resubmit", tags=["section B"],
             summary="After a rejection: reopen Section B to correct and resubmit it")
async def resubmit_section_b(location_id: Id, user: CurrentUser, session: SessionDep,
                             gateway: ProcessesDep) -> LocationOut:
    location = await location_for(session, user, location_id, write=True)
    await section_b.resubmit(session, gateway, location, user)
    return LocationOut.model_validate(location)


@router.post("/locations/{location_id}/section-b/submit", tags=["section B"],
             summary="Submit Section B (after both signatures)")
async def submit_section_b(location_id: Id, user: CurrentUser, session: SessionDep,
                           gateway: ProcessesDep) -> dict:
    location = await location_for(session, user, location_id, write=True)
    result = await section_b.submit(session, gateway, location, user)
    return result.model_dump()


async def section_b_out(session: AsyncSession, location, section: SectionB | None = None,
                        signatures: list[Signature] | None = None) -> SectionBOut:
    """Units, providers and signatures read once each (the signatures unless the caller knows
    them); what is missing follows from them."""
    section = section or await section_b.section_of(session, location)
    units = await section_b.units_of(session, location)
    providers = await section_b.providers_of(session, location)
    if signatures is None:
        signatures = await coordinator_signatures(session, location.id)
    return SectionBOut(
        location=LocationOut.model_validate(location), steps=section.steps,
        complete_steps=section.complete_steps, last_step=section.last_step,
        bulk_upload_planned=section.bulk_upload_planned,
        storage_units=[StorageUnitOut.model_validate(u) for u in units],
        providers=[ProviderOut.model_validate(p) for p in providers],
        signatures=[SignatureOut.model_validate(s) for s in signatures],
        problems=problems_of(section, len(units), sum(p.active for p in providers),
                             {s.document for s in signatures}, location.coordinator_email))
