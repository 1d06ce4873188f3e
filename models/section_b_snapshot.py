"""The data a coordinator's signatures cover: everything Section B says about the location."""

from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.agreements import DOCUMENTS, canonical
from models.enrollment import (
    Location,
    Organization,
    PracticingProvider,
    ResponsibleOfficer,
    SectionB,
    StorageUnit,
    StoredFile,
)
from models.review import SigningRequest, SigningRound


async def location_identity(session: AsyncSession, location: Location) -> dict[str, Any]:
    org = await session.get(Organization, location.organization_id)
    return {"organization": org.legal_name, "location_id": location.id,
            "location": location.name,
            "address": f"{location.street}, {location.city}, {location.state} {location.zip_code}",
            "coordinator": location.coordinator_name,
            "coordinator_email": location.coordinator_email}


async def section_b_snapshot(session: AsyncSession, location: Location) -> dict[str, Any]:
    section = await session.get(SectionB, location.id)
    units = (await session.exec(select(StorageUnit).where(
        StorageUnit.location_id == location.id).order_by(StorageUnit.id))).all()
    providers = (await session.exec(select(PracticingProvider).where(
        PracticingProvider.location_id == location.id, PracticingProvider.active)
        .order_by(PracticingProvider.id))).all()
    hashes = await photo_hashes(session, units)
    return {
        **await location_identity(session, location),
        "steps": section.steps if section else {},
        "bulk_upload_planned": bool(section and section.bulk_upload_planned),
        "storage_units": [_unit(unit, hashes) for unit in units],
        "practicing_providers": [
            {"name": p.full_name, "license_type": p.license_type, "license": p.license_number}
            for p in providers],
    }


def _unit(unit: StorageUnit, hashes: dict[int, str]) -> dict[str, Any]:
    return {"brand": unit.brand, "model": unit.model, "type": unit.unit_type,
            "inside_photo_sha256": hashes[unit.inside_photo_id],
            "outside_photo_sha256": hashes[unit.outside_photo_id]}


async def photo_hashes(session: AsyncSession, units) -> dict[int, str]:
    """The photos' hashes in one query, without loading the photos themselves."""
    ids = [i for unit in units for i in (unit.inside_photo_id, unit.outside_photo_id)]
    if not ids:
        return {}
    rows = await session.exec(select(StoredFile.id, StoredFile.sha256).where(
        StoredFile.id.in_(ids)))
    return dict(rows.all())


async def agreement_data(session: AsyncSession, org: Organization, officer: dict[str, str],
                         location_ids: list[int], addendum: list[str] = ()) -> dict[str, Any]:
    """What a responsible officer signs: the organization, the officer, the locations covered,
    and (for an addendum) what changed since the last signature."""
    locations = [await session.get(Location, lid) for lid in sorted(location_ids)]
    extra = {"addendum": list(addendum)} if addendum else {}
    return {
        **extra,
        "organization": {"legal_name": org.legal_name, "type": org.org_type,
                         "address": f"{org.street}, {org.city}, {org.state} {org.zip_code}",
                         "phone": org.phone, "email": org.email,
                         "redistribution_participant": org.redistribution_participant},
        "officer": officer,
        "locations": [await location_identity(session, loc) for loc in locations],
    }


def officer_dict(officer: ResponsibleOfficer) -> dict[str, str]:
    return {"role": officer.role.value, "name": officer.name, "title": officer.title,
            "email": officer.email}


async def officers(session: AsyncSession, org_id: int) -> list[ResponsibleOfficer]:
    result = await session.exec(select(ResponsibleOfficer).where(
        ResponsibleOfficer.organization_id == org_id).order_by(ResponsibleOfficer.role))
    return list(result.all())


async def request_content(session: AsyncSession, request: SigningRequest,
                          signing_round: SigningRound) -> str:
    """The content this request would carry now (to detect a change since it was made)."""
    org = await session.get(Organization, request.organization_id)
    officer = next(o for o in await officers(session, org.id) if o.role == request.officer_role)
    data = await agreement_data(session, org, officer_dict(officer), signing_round.location_ids,
                                signing_round.addendum)
    return canonical(DOCUMENTS[request.document], data)


def what_changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Why a request's content changed, as its officer reads it (the renewal email says it):
    `before` and `after` are the data of two versions of one request."""
    changes = []
    fields = [f for f in ("name", "title", "email")
              if before.get("officer", {}).get(f) != after.get("officer", {}).get(f)]
    if fields:
        verb = "were" if len(fields) > 1 else "was"
        changes.append(f"your {' and '.join(fields)} in the organization's records {verb} "
                       "corrected")
    earlier = {loc.get("location_id"): loc for loc in before.get("locations", [])}
    for location in after.get("locations", []):
        old = earlier.get(location.get("location_id"))
        if old is None or old == location:
            continue
        if any(old.get(f) != location.get(f) for f in ("coordinator", "coordinator_email")):
            changes.append(f"the vaccine coordinator of {location['location']} was corrected")
        else:
            changes.append(f"the details of {location['location']} changed")
    if before.get("organization") != after.get("organization"):
        changes.append("the organization's details changed")
    return changes
