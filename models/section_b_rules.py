"""What Section B still lacks; used by the pages, the API and the workflow's completion step."""

from pydantic import ValidationError
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.agreements import DocumentKind
from models.enrollment import Location, PracticingProvider, SectionB, StorageUnit
from models.section_b import FORM_STEPS, MAX_STORAGE_UNITS, STEP_BY_KEY
from models.signatures import Signature


def step_valid(key: str, data: dict | None) -> bool:
    schema = STEP_BY_KEY[key].schema
    if data is None or schema is None:
        return False
    try:
        schema.model_validate(data)
        return True
    except ValidationError:
        return False


SAME_PERSON = ("The backup coordinator is another person: enter their email address, not the "
               "primary coordinator's.")


def backup_problems(steps: dict, coordinator_email: str | None) -> dict[str, str]:
    """Step 3's rule that needs its location: the backup is another person than the location's
    coordinator (the attestation is signed for both, and the backup is who answers when the
    coordinator cannot)."""
    backup = str((steps.get("coordinators") or {}).get("backup_email") or "").strip()
    if coordinator_email and backup.casefold() == coordinator_email.strip().casefold():
        return {"backup_email": SAME_PERSON}
    return {}


async def count(session: AsyncSession, statement) -> int:
    return (await session.exec(statement)).one()


async def active_provider_count(session: AsyncSession, location_id: int) -> int:
    return await count(session, select(func.count()).select_from(PracticingProvider).where(
        PracticingProvider.location_id == location_id, PracticingProvider.active))


async def storage_unit_count(session: AsyncSession, location_id: int) -> int:
    return await count(session, select(func.count()).select_from(StorageUnit).where(
        StorageUnit.location_id == location_id))


async def coordinator_signatures(session: AsyncSession, location_id: int) -> list[Signature]:
    result = await session.exec(select(Signature).where(
        Signature.location_id == location_id, Signature.signer_role == "coordinator",
        Signature.voided_at.is_(None)))
    return list(result.all())


async def section_b_problems(session: AsyncSession, location_id: int) -> list[str]:
    section = await session.get(SectionB, location_id)
    location = await session.get(Location, location_id)
    signed = {s.document for s in await coordinator_signatures(session, location_id)}
    return problems_of(section, await storage_unit_count(session, location_id),
                       await active_provider_count(session, location_id), signed,
                       location.coordinator_email if location else None)


def problems_of(section: SectionB | None, units: int, active_providers: int,
                signed: set[str], coordinator_email: str | None = None) -> list[str]:
    """What Section B lacks, from what a caller already loaded (the API's Section B answer
    has every unit, provider and signature at hand)."""
    steps = section.steps if section else {}
    problems = [f"Step {step.number}: {step.title} is not complete."
                for step in FORM_STEPS if not step_valid(step.key, steps.get(step.key))]
    if backup_problems(steps, coordinator_email):
        problems.append(f"Step {STEP_BY_KEY['coordinators'].number}: {SAME_PERSON}")
    if not 1 <= units <= MAX_STORAGE_UNITS:
        problems.append("Step 7: add 1 to 5 storage units, each with an inside and an outside "
                        "photo.")
    planned = bool(section and section.bulk_upload_planned)
    if not planned and active_providers == 0:
        problems.append("Step 8: add at least one practicing provider, or choose to send the "
                        "bulk upload template (25 or more providers).")
    if DocumentKind.PROVIDER_AGREEMENT not in signed:
        problems.append("Step 11: review Section B and sign the provider agreement.")
    if DocumentKind.STORAGE_ATTESTATION not in signed:
        problems.append("Step 12: sign the storage and handling attestation.")
    return problems
