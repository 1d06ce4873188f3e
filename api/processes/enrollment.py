"""Enrollment processes: the organization's (Section A, locations added later, corrections)
and each location's (invitation, Section B, review, resubmission, amendments)."""

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from api.processes.gateway import Gateway
from models.contracts import (
    AcceptInvitation,
    AddLocation,
    AddStorageUnit,
    CorrectDetails,
    Decision,
    DecisionResult,
    DetailsCorrected,
    EnrollmentInput,
    LocationAttached,
    LocationDetail,
    RenewInvitation,
    Resubmit,
    SectionAResult,
    SectionBResult,
    SubmitSectionB,
)
from models.contracts import SubmitSectionA as SubmitSectionACommand
from workflows import ids
from workflows.enrollment import OrganizationEnrollmentWorkflow as Organization
from workflows.location import LocationEnrollmentWorkflow as Location
from workflows.releases import RELEASE


async def submit_section_a(gateway: Gateway, organization_id: int,
                           user_id: int) -> SectionAResult:
    """Start the organization's enrollment (once) and submit Section A to it."""
    start = (Organization.run, EnrollmentInput(organization_id=organization_id, release=RELEASE))
    return await gateway.update(ids.enrollment(organization_id), Organization.submit_section_a,
                                SubmitSectionACommand(user_id=user_id), start=start)


async def add_location(gateway: Gateway, session: AsyncSession, organization_id: int,
                       location_id: int, user_id: int) -> LocationAttached:
    return await gateway.update(ids.enrollment(organization_id), Organization.add_location,
                                AddLocation(location_id=location_id, user_id=user_id),
                                session=session)


async def correct_details(gateway: Gateway, organization_id: int, user_id: int,
                          details: dict[str, Any]) -> DetailsCorrected:
    return await gateway.update(ids.enrollment(organization_id), Organization.correct_details,
                                CorrectDetails(user_id=user_id, details=details))


async def accept_invitation(gateway: Gateway, session: AsyncSession, location_id: int,
                            link_id: int, user_id: int) -> str:
    """The coordinator's account (new ones are in `session`) joins the location."""
    return await gateway.update(ids.location(location_id), Location.accept_invitation,
                                AcceptInvitation(link_id=link_id, user_id=user_id),
                                session=session)


async def renew_invitation(gateway: Gateway, location_id: int) -> str:
    return await gateway.update(ids.location(location_id), Location.renew_invitation,
                                RenewInvitation())


async def section_b_started(gateway: Gateway, location_id: int) -> None:
    """A hint (the first save of a new Section B); the workflow reads the truth itself."""
    await gateway.signal(ids.location(location_id), Location.section_b_started)


async def submit_section_b(gateway: Gateway, location_id: int, user_id: int) -> SectionBResult:
    return await gateway.update(ids.location(location_id), Location.submit_section_b,
                                SubmitSectionB(user_id=user_id))


async def resubmit(gateway: Gateway, location_id: int, user_id: int) -> str:
    return await gateway.update(ids.location(location_id), Location.resubmit,
                                Resubmit(user_id=user_id))


async def decide(gateway: Gateway, location_id: int, reviewer_id: int, reviewer_role: str,
                 approve: bool, reason: str | None,
                 change_seen: int | None = None,
                 decisions_seen: int | None = None) -> DecisionResult:
    return await gateway.update(ids.location(location_id), Location.decide, Decision(
        reviewer_id=reviewer_id, reviewer_role=reviewer_role, approve=approve, reason=reason,
        change_seen=change_seen, decisions_seen=decisions_seen))


async def add_storage_unit(gateway: Gateway, session: AsyncSession, location_id: int,
                           storage_unit_id: int) -> str:
    """An enrolled site's new storage unit (in `session`) goes to review on its own."""
    return await gateway.update(ids.location(location_id), Location.add_storage_unit,
                                AddStorageUnit(storage_unit_id=storage_unit_id), session=session)


async def location_detail(gateway: Gateway, location_id: int) -> LocationDetail | None:
    return await gateway.query(ids.location(location_id), Location.detail)
