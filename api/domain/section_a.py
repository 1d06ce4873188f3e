"""Section A: the Organization Administrator's organization, locations and officers."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy

from api.forms import parse
from api.services import TemporalGateway
from api.workflow_calls import send_signal
from core.errors import Conflict, Invalid, NotFound
from core.timefmt import day
from models.accounts import User
from models.base import utcnow
from models.contracts import EnrollmentInput, LocationAdded, OrganizationChanged
from models.enrollment import Location, Organization, ResponsibleOfficer
from models.enrollment_enums import OfficerRole, OrganizationStatus
from models.enrollment_schemas import (
    LocationIn,
    LocationOut,
    OfficerIn,
    OfficerOut,
    OrganizationDetailsIn,
    OrganizationOut,
)
from workflows import ids
from workflows.enrollment import OrganizationEnrollmentWorkflow

SUBMITTED = ("Section A was already submitted on {}. To change it now, open a "
             "help-desk case.")


def _ensure_draft(org: Organization) -> None:
    if org.status != OrganizationStatus.DRAFT:
        raise Conflict(SUBMITTED.format(day(org.submitted_at)))


async def save_details(session: AsyncSession, user: User, org: Organization | None,
                       data: OrganizationDetailsIn,
                       temporal: TemporalGateway | None = None) -> Organization:
    """Details may be corrected after Section A; officers then sign the corrected version."""
    org = org or Organization(admin_user_id=user.id)
    changed = org.id is not None and any(getattr(org, f) != v
                                         for f, v in data.model_dump().items())
    for field, value in data.model_dump().items():
        setattr(org, field, value)
    session.add(org)
    await session.flush()
    if user.organization_id != org.id:
        user.organization_id = org.id
        session.add(user)
    if changed and org.status == OrganizationStatus.SUBMITTED and temporal is not None:
        await session.commit()
        client = await temporal.client()
        await send_signal(client.get_workflow_handle(ids.enrollment(org.id)),
                          OrganizationEnrollmentWorkflow.organization_changed,
                          OrganizationChanged(reason="Organization details changed"))
    return org


async def locations_of(session: AsyncSession, org: Organization) -> list[Location]:
    result = await session.exec(select(Location).where(Location.organization_id == org.id)
                                .order_by(Location.id))
    return list(result.all())


async def officers_of(session: AsyncSession, org: Organization) -> dict[OfficerRole, ResponsibleOfficer]:
    result = await session.exec(select(ResponsibleOfficer).where(
        ResponsibleOfficer.organization_id == org.id))
    return {officer.role: officer for officer in result.all()}


async def add_location(session: AsyncSession, temporal: TemporalGateway, org: Organization,
                       data: LocationIn) -> Location:
    location = Location(organization_id=org.id, **data.model_dump())
    location.coordinator_email = location.coordinator_email.lower()
    session.add(location)
    await session.flush()
    if org.status == OrganizationStatus.SUBMITTED:
        await session.commit()  # the location's workflow reads this row
        client = await temporal.client()
        handle = client.get_workflow_handle(ids.enrollment(org.id))
        await send_signal(handle, OrganizationEnrollmentWorkflow.location_added,
                          LocationAdded(location_id=location.id))
    return location


async def _draft_location(session: AsyncSession, org: Organization, location_id: int) -> Location:
    _ensure_draft(org)
    location = await session.get(Location, location_id)
    if location is None or location.organization_id != org.id:
        raise NotFound("That location is not part of your organization.")
    return location


async def update_location(session: AsyncSession, org: Organization, location_id: int,
                          data: LocationIn) -> Location:
    location = await _draft_location(session, org, location_id)
    for field, value in data.model_dump().items():
        setattr(location, field, value)
    location.coordinator_email = location.coordinator_email.lower()
    session.add(location)
    return location


async def remove_location(session: AsyncSession, org: Organization, location_id: int) -> None:
    await session.delete(await _draft_location(session, org, location_id))


async def set_officer(session: AsyncSession, org: Organization, role: OfficerRole,
                      data: OfficerIn) -> ResponsibleOfficer:
    return await keep_officer(session, org, role, data.model_dump())


async def keep_officer(session: AsyncSession, org: Organization, role: OfficerRole,
                       fields: dict[str, str]) -> ResponsibleOfficer:
    """Store the officer as typed (a draft may be incomplete; submission checks it)."""
    _ensure_draft(org)
    officer = (await officers_of(session, org)).get(role) or ResponsibleOfficer(
        organization_id=org.id, role=role, name="", title="", email="")
    officer.name = str(fields.get("name") or "").strip()[:160]
    officer.title = str(fields.get("title") or "").strip()[:120]
    officer.email = str(fields.get("email") or "").strip().lower()[:254]
    session.add(officer)
    return officer


async def section_a_problems(session: AsyncSession, org: Organization) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not org.legal_name or org.redistribution_participant is None:
        problems["details"] = "Complete the organization details."
    if not await locations_of(session, org):
        problems["locations"] = "Add at least one location with its vaccine coordinator."
    officers = await officers_of(session, org)
    for role in OfficerRole:
        officer = officers.get(role)
        if officer is None or parse(OfficerIn, officer.model_dump())[1]:
            problems[role.value] = (f"Name your {role.label} ({role.value.upper()}) with a "
                                    "title and a valid email address.")
    return problems


async def submit_section_a(session: AsyncSession, temporal: TemporalGateway,
                           org: Organization) -> Organization:
    """Submit once; a double click reaches the same single enrollment process."""
    already = org.status == OrganizationStatus.SUBMITTED
    if not already:
        problems = await section_a_problems(session, org)
        if problems:
            raise Invalid("Section A is not complete: " + " ".join(problems.values()),
                          errors=problems)
        org.status, org.submitted_at = OrganizationStatus.SUBMITTED, utcnow()
        session.add(org)
        await session.commit()
    location_ids = [location.id for location in await locations_of(session, org)]
    # Started even on a repeat, so a submit whose start failed heals on the next click.
    await _start_enrollment(temporal, org.id, location_ids)
    if already:
        raise Conflict(SUBMITTED.format(day(org.submitted_at)))
    return org


async def _start_enrollment(temporal: TemporalGateway, org_id: int,
                            location_ids: list[int]) -> None:
    client = await temporal.client()
    await client.start_workflow(
        OrganizationEnrollmentWorkflow.run,
        EnrollmentInput(organization_id=org_id, location_ids=location_ids),
        id=ids.enrollment(org_id), task_queue=temporal.task_queue,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING)


async def organization_out(session: AsyncSession, org: Organization) -> OrganizationOut:
    out = OrganizationOut.model_validate(org)
    out.locations = [LocationOut.model_validate(loc) for loc in await locations_of(session, org)]
    out.officers = [OfficerOut(role=o.role, name=o.name, title=o.title, email=o.email)
                    for o in (await officers_of(session, org)).values()]
    return out
