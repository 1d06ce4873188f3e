"""Section B: the coordinator's steps, storage units, practicing providers, signatures, submit."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.files import NOT_A_PHOTO, PHOTO_TOO_LARGE, clean_filename, store_photo
from api.domain.inventory import hold_sites
from api.domain.signatures import Client, record_signature
from api.processes import Gateway
from api.processes import enrollment as enrollment_process
from core.db import after_commit
from core.errors import Conflict, Invalid, NotFound
from models.accounts import User
from models.agreements import DOCUMENTS, DocumentKind, content_hash
from models.audit import AuditEvent
from models.base import as_utc, utcnow
from models.contracts import SectionBResult
from models.enrollment import Location, PracticingProvider, SectionB, StorageUnit, StoredFile
from models.enrollment_enums import EDITABLE_STATUSES, LocationStatus
from models.enrollment_schemas import ProviderIn, SignatureIn, StorageUnitIn
from models.section_b import MAX_STORAGE_UNITS
from models.section_b_rules import (
    active_provider_count,
    backup_problems,
    coordinator_signatures,
    problems_of,
    section_b_problems,
    step_valid,
    storage_unit_count,
)
from models.section_b_snapshot import photo_hashes, section_b_snapshot
from models.signatures import Signature

# The first save of a new Section B wakes the location's process to show 'in progress' at
# once (a hint: the process reads the saves itself when its reminder is due). Saves that
# follow within a minute do not wake it again (one workflow task per Section B, not per
# step); a later save while the location still shows 'new' (the hint was lost, say in a
# Temporal outage) sends it again.
HINT_AGAIN_AFTER = timedelta(minutes=1)


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def ensure_editable(location: Location) -> None:
    if location.status not in EDITABLE_STATUSES:
        raise Conflict(f"Section B for {location.name} can no longer be changed: the "
                       f"location's status is {location.status.label}.")


async def section_of(session: AsyncSession, location: Location) -> SectionB:
    section = await session.get(SectionB, location.id)
    if section is None:
        section = SectionB(location_id=location.id)
        session.add(section)
    return section


async def _changed(session: AsyncSession, gateway: Gateway, location: Location,
                   step: str) -> None:
    """After any change: void the coordinator's signatures (they covered the old data) and
    count the revision, which the location's reminder timer reads when it is due."""
    section = await section_of(session, location)
    previous, section.updated_at = section.updated_at, await gateway.now()
    section.revision += 1
    section.last_step = step
    session.add(section)
    await session.exec(update(Signature).where(
        Signature.location_id == location.id, Signature.signer_role == "coordinator",
        Signature.voided_at.is_(None)).values(voided_at=utcnow(),
                                              void_reason="Section B changed after signing"))
    await session.flush()
    if location.status == LocationStatus.NEW and (
            section.revision == 1
            or as_utc(section.updated_at) - as_utc(previous) >= HINT_AGAIN_AFTER):
        location_id = location.id
        after_commit(session, lambda: enrollment_process.section_b_started(gateway, location_id))


async def save_step(session: AsyncSession, gateway: Gateway, location: Location,
                    key: str, values: dict[str, Any]) -> SectionB:
    """Keep what was typed, valid or not, so nothing is lost; validity is tracked per step."""
    ensure_editable(location)
    section = await section_of(session, location)
    section.steps = {**section.steps, key: values}
    done = set(section.complete_steps) - {key}
    if step_valid(key, values) and not backup_problems({key: values}, location.coordinator_email):
        done.add(key)
    section.complete_steps = sorted(done)
    await _changed(session, gateway, location, key)
    return section


async def units_of(session: AsyncSession, location: Location) -> list[StorageUnit]:
    result = await session.exec(select(StorageUnit).where(StorageUnit.location_id == location.id)
                                .order_by(StorageUnit.id))
    return list(result.all())


@dataclass
class Photos:
    """A storage unit's two photos, each checked on its own: a good one is kept (stored, its
    id returned) even when the other is refused."""

    stored: dict[str, StoredFile]
    errors: dict[str, str]


# A file chosen that is empty or not a picture is named, as a help-desk attachment is: the
# person sees which file it was, not "upload a photo" as if none had been chosen.
EMPTY_PHOTO = "{name} is empty (0 bytes): choose the photo again once it has its content."
NOT_A_PICTURE = ("{name} is not a picture we can read: upload a JPEG or PNG photo taken of the "
                 "storage unit.")
TOO_LARGE = "{name} is larger than 10 MB: upload a smaller photo of the storage unit."
NAMED = {NOT_A_PHOTO: NOT_A_PICTURE, PHOTO_TOO_LARGE: TOO_LARGE}


async def check_photos(session: AsyncSession, uploads: dict[str, Upload | None],
                       kept: dict[str, int | None], both: bool = True,
                       by: int | None = None) -> Photos:
    """`uploads`: each file chosen (None when none was), empty ones included. `both`: each
    photo is needed (adding a unit); else only those chosen are checked (replacing one).
    `by`: the account sending them (a photo kept for a refused form is theirs alone)."""
    stored, errors = {}, {}
    for field, label in (("inside_photo", "inside"), ("outside_photo", "outside")):
        upload, kept_id = uploads.get(field), kept.get(field)
        name = clean_filename(upload.filename, "photo") if upload is not None else ""
        try:
            if upload is not None and not upload.data:
                errors[field] = EMPTY_PHOTO.format(name=name)
            elif upload is not None:
                stored[field] = await store_photo(session, upload.data, upload.filename, field,
                                                  uploaded_by=by)
            elif kept_id and (file := await session.get(StoredFile, kept_id)) is not None:
                stored[field] = file
            elif both:
                errors[field] = f"Upload a photo of the {label} of the storage unit."
        except Invalid as error:
            errors.update({key: NAMED[message].format(name=name) if message in NAMED
                           else message for key, message in error.errors.items()})
    return Photos(stored, errors)


async def add_storage_unit(session: AsyncSession, gateway: Gateway,
                           location: Location, data: StorageUnitIn,
                           photos: Photos) -> StorageUnit:
    """During Section B; or, for an enrolled site, as a change that is reviewed on its own."""
    amendment = location.status == LocationStatus.APPROVED
    if not amendment:
        ensure_editable(location)
    await hold_sites(session, location.id)  # two at once take turns: see UnitListed
    units = [u for u in await units_of(session, location) if u.review_status != "rejected"]
    if not photos.errors and (listed := await _sent_again(session, units, data, photos)):
        raise UnitListed(listed)
    if len(units) >= MAX_STORAGE_UNITS:
        raise Invalid(f"A location can list at most {MAX_STORAGE_UNITS} storage units. Remove "
                      "one before adding another.", field="storage_units")
    if photos.errors:
        raise Invalid("Each storage unit needs an inside and an outside photo.",
                      errors=photos.errors)
    unit = StorageUnit(location_id=location.id,
                       inside_photo_id=photos.stored["inside_photo"].id,
                       outside_photo_id=photos.stored["outside_photo"].id, **data.model_dump())
    if amendment:
        unit.review_status = "pending"
    session.add(unit)
    if amendment:
        await session.flush()
        await enrollment_process.add_storage_unit(gateway, session, location.id, unit.id)
    else:
        await _changed(session, gateway, location, "storage")
    return unit


class UnitListed(Conflict):
    """The storage unit sent is listed already, as sent: brand, model, type and both photos
    (Add pressed twice, or again from an old tab; it was listed, and reviewed, twice)."""

    def __init__(self, unit: StorageUnit) -> None:
        super().__init__(f"The storage unit {unit.brand} {unit.model} is already listed, "
                         "with the same photos.")
        self.unit = unit


async def _sent_again(session: AsyncSession, units: list[StorageUnit], data: StorageUnitIn,
                      photos: Photos) -> StorageUnit | None:
    sent = (data.brand.casefold(), data.model.casefold(), data.unit_type)
    alike = [unit for unit in units
             if (unit.brand.casefold(), unit.model.casefold(), unit.unit_type) == sent]
    hashes = await photo_hashes(session, alike)  # not the photos themselves (megabytes)
    photos_sent = (photos.stored["inside_photo"].sha256, photos.stored["outside_photo"].sha256)
    return next((unit for unit in alike if (hashes.get(unit.inside_photo_id),
                                            hashes.get(unit.outside_photo_id)) == photos_sent),
                None)


async def _unit(session: AsyncSession, location: Location, unit_id: int) -> StorageUnit:
    unit = await session.get(StorageUnit, unit_id)
    if unit is None or unit.location_id != location.id:
        raise NotFound("That storage unit is not part of this location.")
    return unit


NO_NEW_PHOTO = ("Choose the new photo: of the inside, of the outside, or both. The storage unit "
                "keeps the photos not chosen.")


async def replace_storage_photos(session: AsyncSession, gateway: Gateway, location: Location,
                                 unit_id: int, photos: Photos) -> StorageUnit:
    """A storage unit's wrong photo (inside, outside or both) replaced during Section B, the
    unit's other details kept: checked as the photos of a unit added are."""
    ensure_editable(location)
    unit = await _unit(session, location, unit_id)
    if photos.errors:
        raise Invalid("Check the new photo.", errors=photos.errors)
    if not photos.stored:
        raise Invalid(NO_NEW_PHOTO, errors={"inside_photo": NO_NEW_PHOTO})
    for field, file in photos.stored.items():
        setattr(unit, f"{field}_id", file.id)
    session.add(unit)
    await _changed(session, gateway, location, "storage")
    return unit


async def remove_storage_unit(session: AsyncSession, gateway: Gateway,
                              location: Location, unit_id: int) -> None:
    ensure_editable(location)
    await session.delete(await _unit(session, location, unit_id))
    await _changed(session, gateway, location, "storage")


async def providers_of(session: AsyncSession, location: Location) -> list[PracticingProvider]:
    result = await session.exec(select(PracticingProvider).where(
        PracticingProvider.location_id == location.id).order_by(PracticingProvider.id))
    return list(result.all())


async def add_provider(session: AsyncSession, gateway: Gateway, location: Location,
                       data: ProviderIn, source: str = "portal") -> PracticingProvider:
    """A provider is listed once (refuse_twin)."""
    await refuse_twin(session, location, data.license_type, data.license_number)
    provider = PracticingProvider(location_id=location.id, source=source, **data.model_dump())
    session.add(provider)
    await providers_changed(session, gateway, location, "providers")
    return provider


async def refuse_twin(session: AsyncSession, location: Location, license_type, license_number: str,
                      other_than: int | None = None) -> None:
    """The same license (type and number, ignoring case and hyphens) already active at the
    location is refused on the license number: added, edited into or reactivated as a twin.
    Asked with the location held (hold_sites): two at once (Create pressed twice, two tabs)
    take turns, and the second sees the first's provider (both were listed)."""
    await hold_sites(session, location.id)
    number = license_number.replace("-", "").upper()
    listed = (await session.exec(select(PracticingProvider).where(
        PracticingProvider.location_id == location.id, PracticingProvider.active,
        PracticingProvider.license_type == license_type))).all()
    twin = next((p for p in listed if p.id != other_than
                 and p.license_number.replace("-", "").upper() == number), None)
    if twin is not None:
        kind = getattr(license_type, "value", license_type)
        raise Conflict(f"{twin.full_name} is already listed with license {kind} "
                       f"{twin.license_number}: a provider is listed once.",
                       field="license_number")


async def providers_changed(session: AsyncSession, gateway: Gateway,
                            location: Location, step: str) -> None:
    """Practicing providers may change at any time (a bulk upload often arrives after Section
    B). They are ours alone: the review reads them from the database when a reviewer decides."""
    active = await _count_providers(session, location)
    if location.status in EDITABLE_STATUSES:
        await _changed(session, gateway, location, step)
        return
    session.add(AuditEvent(subject_type="location", subject_id=location.id,
                           action="providers:changed", actor="system",
                           detail={"active": active, "step": step}))


async def _count_providers(session: AsyncSession, location: Location) -> int:
    """Waiting for providers (a bulk upload) is a fact of the providers table, kept with it."""
    await session.flush()
    active = await active_provider_count(session, location.id)
    location.providers_pending = active == 0
    session.add(location)
    return active


async def _provider(session: AsyncSession, location: Location, provider_id: int,
                    field: str | None = None) -> PracticingProvider:
    """The location's provider; `field`: the body's field that named them (none when the
    address did)."""
    provider = await session.get(PracticingProvider, provider_id)
    if provider is None or provider.location_id != location.id:
        raise NotFound("That practicing provider is not listed at this location.",
                       field=field)
    return provider


async def update_provider(session: AsyncSession, gateway: Gateway, location: Location,
                          provider_id: int, data: ProviderIn) -> PracticingProvider:
    provider = await _provider(session, location, provider_id)
    if provider.active:
        await refuse_twin(session, location, data.license_type, data.license_number,
                          other_than=provider.id)
    for field, value in data.model_dump().items():
        setattr(provider, field, value)
    session.add(provider)
    await providers_changed(session, gateway, location, "edit_providers")
    return provider


async def deactivate_providers(session: AsyncSession, gateway: Gateway,
                               location: Location, provider_ids: list[int]) -> int:
    """How many were deactivated now: one deactivated already (Deactivate pressed twice, an
    old tab) keeps the time it was, and nothing is recorded again for it."""
    providers = [await _provider(session, location, pid, "provider_ids")
                 for pid in provider_ids]
    active = [provider for provider in providers if provider.active]
    for provider in active:
        provider.active, provider.deactivated_at = False, utcnow()
        session.add(provider)
    if active:
        await providers_changed(session, gateway, location, "deactivate_providers")
    return len(active)


async def reactivate_provider(session: AsyncSession, gateway: Gateway, location: Location,
                              provider_id: int) -> PracticingProvider:
    """A provider deactivated by mistake (or back at the location) is listed again, the same
    record: unless another active provider now holds the same license."""
    provider = await _provider(session, location, provider_id)
    if not provider.active:
        try:
            await refuse_twin(session, location, provider.license_type,
                              provider.license_number)
        except Conflict as twin:  # said next to the provider's Reactivate button
            raise Conflict(twin.message, field=f"reactivate-{provider.id}") from None
        provider.active, provider.deactivated_at = True, None
        session.add(provider)
        await providers_changed(session, gateway, location, "deactivate_providers")
    return provider


async def set_bulk_upload(session: AsyncSession, gateway: Gateway, location: Location,
                          planned: bool) -> None:
    ensure_editable(location)
    section = await section_of(session, location)
    section.bulk_upload_planned = planned
    await _count_providers(session, location)
    await _changed(session, gateway, location, "providers")


async def _signing_problems(session: AsyncSession, location: Location, kind: DocumentKind,
                            signatures: list[Signature]) -> list[str]:
    signed = {s.document for s in signatures}
    problems = [p for p in problems_of(await session.get(SectionB, location.id),
                                       await storage_unit_count(session, location.id),
                                       await active_provider_count(session, location.id), signed,
                                       location.coordinator_email)
                if not p.startswith(("Step 11", "Step 12"))]
    if kind == DocumentKind.STORAGE_ATTESTATION and DocumentKind.PROVIDER_AGREEMENT not in signed:
        problems.append("Step 11: sign the provider agreement first.")
    return problems


async def sign(session: AsyncSession, location: Location, user: User, kind: DocumentKind,
               data: SignatureIn, client: Client) -> Signature:
    """The coordinator adopts a drawn or typed signature for the agreement or attestation."""
    ensure_editable(location)
    if kind not in (DocumentKind.PROVIDER_AGREEMENT, DocumentKind.STORAGE_ATTESTATION):
        raise NotFound("Coordinators sign the provider agreement and the attestation only.")
    await hold_sites(session, location.id)  # pressed twice at once: the second finds the first
    signatures = await coordinator_signatures(session, location.id)
    problems = await _signing_problems(session, location, kind, signatures)
    if problems:
        raise Invalid("Complete Section B before signing: " + " ".join(problems),
                      field="signature")
    content = await section_b_snapshot(session, location)
    signed = _signed_already(signatures, user, kind, content)
    if signed is not None:  # "Adopt and use" pressed again: the signature it made
        return signed
    signature = await record_signature(session, kind=kind, data=data, client=client,
                                       signer_name=user.full_name, signer_email=user.email,
                                       signer_role="coordinator",
                                       organization_id=location.organization_id,
                                       content=content)
    signature.location_id = location.id
    session.add(signature)
    return signature


def _signed_already(signatures: list[Signature], user: User, kind: DocumentKind,
                    content: dict[str, Any]) -> Signature | None:
    """This coordinator's valid signature of the document over exactly this Section B (any
    change voids the coordinator's signatures: see _changed)."""
    digest = content_hash(DOCUMENTS[kind], content)
    return next((s for s in signatures if s.document == kind and s.signer_email == user.email
                 and s.content_sha256 == digest), None)


async def submit(session: AsyncSession, gateway: Gateway, location: Location,
                 user: User) -> SectionBResult:
    problems = await section_b_problems(session, location.id)
    if problems:  # the rule the process applies too; asked here first to answer at once
        raise Invalid("Section B is not complete: " + " ".join(problems), field="section_b")
    await session.commit()
    result = await enrollment_process.submit_section_b(gateway, location.id, user.id)
    await session.refresh(location)
    return result


async def resubmit(session: AsyncSession, gateway: Gateway, location: Location,
                   user: User) -> None:
    """After a rejection: reopen Section B (prefilled); its last page sends it back. It is
    walked again from step 2: "Continue where you left off" starts there (it opened the step
    last saved before the submission, step 8 for most)."""
    await enrollment_process.resubmit(gateway, location.id, user.id)
    await session.refresh(location)
    section = await section_of(session, location)
    section.last_step = "location"
    session.add(section)
