"""Section B: the coordinator's steps, storage units, practicing providers, signatures, submit."""

from dataclasses import dataclass
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.files import store_photo
from api.domain.signatures import Client, record_signature
from api.services import TemporalGateway
from api.workflow_calls import run_update, send_signal
from core.errors import Conflict, Invalid, NotFound
from models.accounts import User
from models.agreements import DocumentKind
from models.audit import AuditEvent
from models.base import utcnow
from models.contracts import (
    AmendmentRequested,
    ProvidersChanged,
    Resubmit,
    SectionBResult,
    SectionBTouched,
    SubmitSectionB,
)
from models.enrollment import Location, PracticingProvider, SectionB, StorageUnit
from models.enrollment_enums import EDITABLE_STATUSES, LocationStatus
from models.enrollment_schemas import ProviderIn, SignatureIn, StorageUnitIn
from models.section_b import MAX_STORAGE_UNITS
from models.section_b_rules import (
    active_provider_count,
    coordinator_signatures,
    section_b_problems,
    step_valid,
)
from models.section_b_snapshot import section_b_snapshot
from models.signatures import Signature
from workflows import ids
from workflows.location import LocationEnrollmentWorkflow


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def ensure_editable(location: Location) -> None:
    if location.status not in EDITABLE_STATUSES:
        raise Conflict(f"Section B for {location.name} is {location.status.label.lower()} and "
                       "can no longer be changed.")


async def section_of(session: AsyncSession, location: Location) -> SectionB:
    section = await session.get(SectionB, location.id)
    if section is None:
        section = SectionB(location_id=location.id)
        session.add(section)
    return section


async def _changed(session: AsyncSession, temporal: TemporalGateway, location: Location,
                   step: str) -> None:
    """After any change: void the coordinator's signatures (they covered the old data), commit,
    and tell the workflow so the 7-day reminder clock restarts."""
    section = await section_of(session, location)
    section.updated_at = utcnow()
    section.last_step = step
    session.add(section)
    for signature in await coordinator_signatures(session, location.id):
        signature.voided_at, signature.void_reason = utcnow(), "Section B changed after signing"
        session.add(signature)
    await session.commit()
    await touch(temporal, location.id, step)


async def touch(temporal: TemporalGateway, location_id: int, step: str) -> None:
    client = await temporal.client()
    handle = client.get_workflow_handle(ids.location(location_id))
    await send_signal(handle, LocationEnrollmentWorkflow.section_b_touched,
                      SectionBTouched(step=step))


async def save_step(session: AsyncSession, temporal: TemporalGateway, location: Location,
                    key: str, values: dict[str, Any]) -> None:
    """Keep what was typed, valid or not, so nothing is lost; validity is tracked per step."""
    ensure_editable(location)
    section = await section_of(session, location)
    section.steps = {**section.steps, key: values}
    done = set(section.complete_steps) - {key}
    if step_valid(key, values):
        done.add(key)
    section.complete_steps = sorted(done)
    await _changed(session, temporal, location, key)


async def units_of(session: AsyncSession, location: Location) -> list[StorageUnit]:
    result = await session.exec(select(StorageUnit).where(StorageUnit.location_id == location.id)
                                .order_by(StorageUnit.id))
    return list(result.all())


async def add_storage_unit(session: AsyncSession, temporal: TemporalGateway,
                           location: Location, data: StorageUnitIn, inside: Upload | None,
                           outside: Upload | None) -> StorageUnit:
    """During Section B; or, for an enrolled site, as a change that is reviewed on its own."""
    amendment = location.status == LocationStatus.APPROVED
    if not amendment:
        ensure_editable(location)
    units = [u for u in await units_of(session, location) if u.review_status != "rejected"]
    if len(units) >= MAX_STORAGE_UNITS:
        raise Invalid(f"A location can list at most {MAX_STORAGE_UNITS} storage units. Remove "
                      "one before adding another.", field="storage_units")
    _both_photos(inside, outside)
    inside_file = await store_photo(session, inside.data, inside.filename, "inside_photo")
    outside_file = await store_photo(session, outside.data, outside.filename, "outside_photo")
    unit = StorageUnit(location_id=location.id, inside_photo_id=inside_file.id,
                       outside_photo_id=outside_file.id, **data.model_dump())
    if amendment:
        unit.review_status = "pending"
    session.add(unit)
    if amendment:
        await session.commit()
        await _signal(temporal, location.id, LocationEnrollmentWorkflow.storage_unit_added,
                      AmendmentRequested(storage_unit_id=unit.id))
    else:
        await _changed(session, temporal, location, "storage")
    return unit


async def _signal(temporal: TemporalGateway, location_id: int, signal, arg=None) -> None:
    client = await temporal.client()
    await send_signal(client.get_workflow_handle(ids.location(location_id)), signal, arg)


def _both_photos(inside: Upload | None, outside: Upload | None) -> None:
    missing = {name: f"Upload a photo of the {label} of the storage unit."
               for name, label, upload in (("inside_photo", "inside", inside),
                                           ("outside_photo", "outside", outside))
               if upload is None or not upload.data}
    if missing:
        raise Invalid("Each storage unit needs an inside and an outside photo.", errors=missing)


async def _unit(session: AsyncSession, location: Location, unit_id: int) -> StorageUnit:
    unit = await session.get(StorageUnit, unit_id)
    if unit is None or unit.location_id != location.id:
        raise NotFound("That storage unit is not part of this location.")
    return unit


async def remove_storage_unit(session: AsyncSession, temporal: TemporalGateway,
                              location: Location, unit_id: int) -> None:
    ensure_editable(location)
    await session.delete(await _unit(session, location, unit_id))
    await _changed(session, temporal, location, "storage")


async def providers_of(session: AsyncSession, location: Location) -> list[PracticingProvider]:
    result = await session.exec(select(PracticingProvider).where(
        PracticingProvider.location_id == location.id).order_by(PracticingProvider.id))
    return list(result.all())


async def add_provider(session: AsyncSession, temporal: TemporalGateway, location: Location,
                       data: ProviderIn, source: str = "portal") -> PracticingProvider:
    provider = PracticingProvider(location_id=location.id, source=source, **data.model_dump())
    session.add(provider)
    await providers_changed(session, temporal, location, "providers")
    return provider


async def providers_changed(session: AsyncSession, temporal: TemporalGateway,
                            location: Location, step: str) -> None:
    """Practicing providers may change at any time (a bulk upload often arrives after Section
    B): during Section B it is an ordinary change; afterwards the workflow learns the count."""
    if location.status in EDITABLE_STATUSES:
        await _changed(session, temporal, location, step)
        return
    await session.flush()
    active = await active_provider_count(session, location.id)
    location.providers_pending = active == 0
    session.add(location)
    session.add(AuditEvent(subject_type="location", subject_id=location.id,
                           action="providers:changed", actor="system",
                           detail={"active": active, "step": step}))
    await session.commit()
    await _signal(temporal, location.id, LocationEnrollmentWorkflow.providers_changed,
                  ProvidersChanged(active=active))


async def _provider(session: AsyncSession, location: Location, provider_id: int) -> PracticingProvider:
    provider = await session.get(PracticingProvider, provider_id)
    if provider is None or provider.location_id != location.id:
        raise NotFound("That practicing provider is not listed at this location.",
                       field="provider_ids")
    return provider


async def update_provider(session: AsyncSession, temporal: TemporalGateway, location: Location,
                          provider_id: int, data: ProviderIn) -> PracticingProvider:
    provider = await _provider(session, location, provider_id)
    for field, value in data.model_dump().items():
        setattr(provider, field, value)
    session.add(provider)
    await providers_changed(session, temporal, location, "edit_providers")
    return provider


async def deactivate_providers(session: AsyncSession, temporal: TemporalGateway,
                               location: Location, provider_ids: list[int]) -> int:
    providers = [await _provider(session, location, pid) for pid in provider_ids]
    for provider in providers:
        provider.active, provider.deactivated_at = False, utcnow()
        session.add(provider)
    await providers_changed(session, temporal, location, "deactivate_providers")
    return len(providers)


async def set_bulk_upload(session: AsyncSession, temporal: TemporalGateway, location: Location,
                          planned: bool) -> None:
    ensure_editable(location)
    section = await section_of(session, location)
    section.bulk_upload_planned = planned
    await _changed(session, temporal, location, "providers")


async def _signing_problems(session: AsyncSession, location: Location,
                            kind: DocumentKind) -> list[str]:
    problems = [p for p in await section_b_problems(session, location.id)
                if not p.startswith(("Step 11", "Step 12"))]
    if kind == DocumentKind.STORAGE_ATTESTATION:
        signed = {s.document for s in await coordinator_signatures(session, location.id)}
        if DocumentKind.PROVIDER_AGREEMENT not in signed:
            problems.append("Step 11: sign the provider agreement first.")
    return problems


async def sign(session: AsyncSession, location: Location, user: User, kind: DocumentKind,
               data: SignatureIn, client: Client) -> Signature:
    """The coordinator adopts a drawn or typed signature for the agreement or attestation."""
    ensure_editable(location)
    if kind not in (DocumentKind.PROVIDER_AGREEMENT, DocumentKind.STORAGE_ATTESTATION):
        raise NotFound("Coordinators sign the provider agreement and the attestation only.")
    problems = await _signing_problems(session, location, kind)
    if problems:
        raise Invalid("Complete Section B before signing: " + " ".join(problems),
                      field="signature")
    signature = await record_signature(session, kind=kind, data=data, client=client,
                                       signer_name=user.full_name, signer_email=user.email,
                                       signer_role="coordinator",
                                       organization_id=location.organization_id,
                                       content=await section_b_snapshot(session, location))
    signature.location_id = location.id
    session.add(signature)
    return signature


async def submit(session: AsyncSession, temporal: TemporalGateway, location: Location,
                 user: User) -> SectionBResult:
    problems = await section_b_problems(session, location.id)
    if problems:
        raise Invalid("Section B is not complete: " + " ".join(problems), field="section_b")
    await session.commit()
    client = await temporal.client()
    handle = client.get_workflow_handle(ids.location(location.id))
    return await run_update(handle, LocationEnrollmentWorkflow.submit_section_b,
                            SubmitSectionB(user_id=user.id))


async def resubmit(session: AsyncSession, temporal: TemporalGateway, location: Location,
                   user: User) -> None:
    """After a rejection: reopen Section B (prefilled); its last page sends it back."""
    client = await temporal.client()
    await run_update(client.get_workflow_handle(ids.location(location.id)),
                     LocationEnrollmentWorkflow.resubmit, Resubmit(user_id=user.id))
    await session.refresh(location)
