"""Provider enrollment JSON API: Section A, invitations, Section B. Same rules as the pages."""

from enum import StrEnum
from typing import Annotated

from fastapi import Depends, Request, Response
from sqlmodel.ext.asyncio.session import AsyncSession

from api.deps import CurrentUser, ProcessesDep, SessionDep, SettingsDep, require_roles
from api.domain import invitations, section_a
from api.domain.scope import my_organization, organization_for
from api.params import Id
from api.routing import Router
from api.sessions import bearer_token, client_address
from core.errors import Conflict, Invalid
from models.accounts import User
from models.enrollment_enums import OfficerRole, OrganizationStatus
from models.enrollment_schemas import (
    CoordinatorIn,
    CoordinatorRegistrationIn,
    ExistingAccountIn,
    InvitationOut,
    LocationIn,
    LocationOut,
    OfficerIn,
    OrganizationDetailsIn,
    OrganizationOut,
)
from models.enums import Role
from models.schemas import TokenOut
from models.section_b import FORM_STEPS

router = Router(prefix="/api/v1", tags=["enrollment"])
Admin = Annotated[User, Depends(require_roles(Role.ORG_ADMIN))]
FormStep = StrEnum("FormStep", {step.key: step.key for step in FORM_STEPS})


async def _my_org(session: AsyncSession, user: User, org_id: int, write: bool = True):
    return await organization_for(session, user, org_id, write=write)


@router.post("/organizations", response_model=OrganizationOut, status_code=201,
             summary="Start Section A: create your organization")
async def create_organization(body: OrganizationDetailsIn, user: Admin,
                              session: SessionDep) -> OrganizationOut:
    if await my_organization(session, user):
        raise Conflict("You already administer an organization; update it instead.")
    org = await section_a.save_details(session, user, None, body)
    return await section_a.organization_out(session, org)


@router.get("/organizations/mine", response_model=OrganizationOut,
            summary="Your organization, its locations and their status")
async def mine(user: Admin, session: SessionDep) -> OrganizationOut:
    org = await my_organization(session, user)
    if org is None:
        raise Invalid("You have not started Section A yet.", field="organization")
    return await section_a.organization_out(session, org)


@router.get("/organizations/{org_id}", response_model=OrganizationOut)
async def get_organization(org_id: Id, user: CurrentUser, session: SessionDep) -> OrganizationOut:
    return await section_a.organization_out(session, await _my_org(session, user, org_id, False))


@router.put("/organizations/{org_id}/details", response_model=OrganizationOut,
            summary="Update organization details (after Section A, officers sign again)")
async def put_details(org_id: Id, body: OrganizationDetailsIn, user: Admin,
                      session: SessionDep, gateway: ProcessesDep) -> OrganizationOut:
    org = await section_a.save_details(session, user, await _my_org(session, user, org_id), body,
                                       gateway)
    return await section_a.organization_out(session, org)


@router.post("/organizations/{org_id}/locations", response_model=LocationOut, status_code=201,
             summary="Add a location and its primary vaccine coordinator")
async def post_location(org_id: Id, body: LocationIn, user: Admin, session: SessionDep,
                        gateway: ProcessesDep) -> LocationOut:
    org = await _my_org(session, user, org_id)
    location = await section_a.add_location(session, gateway, org, body, user)
    return LocationOut.model_validate(location)


@router.put("/organizations/{org_id}/locations/{location_id}", response_model=LocationOut)
async def put_location(org_id: Id, location_id: Id, body: LocationIn, user: Admin,
                       session: SessionDep) -> LocationOut:
    org = await _my_org(session, user, org_id)
    return LocationOut.model_validate(
        await section_a.update_location(session, org, location_id, body))


@router.put("/organizations/{org_id}/locations/{location_id}/coordinator",
            response_model=LocationOut,
            summary="After Section A: correct a coordinator who has not registered yet",
            description="A new invitation goes to the corrected address; the one sent before "
                        "stops working.")
async def put_coordinator(org_id: Id, location_id: Id, body: CoordinatorIn, user: Admin,
                          session: SessionDep, gateway: ProcessesDep) -> LocationOut:
    org = await _my_org(session, user, org_id)
    if org.status != OrganizationStatus.SUBMITTED:
        raise Conflict("Section A is still a draft: change the location there.",
                       field="location_id")
    return LocationOut.model_validate(
        await section_a.correct_coordinator(session, gateway, org, location_id, body))


@router.delete("/organizations/{org_id}/locations/{location_id}", status_code=204)
async def delete_location(org_id: Id, location_id: Id, user: Admin,
                          session: SessionDep) -> Response:
    await section_a.remove_location(session, await _my_org(session, user, org_id), location_id)
    return Response(status_code=204)


@router.put("/organizations/{org_id}/officers/{role}", response_model=OrganizationOut,
            summary="Name the CEO or the CMO (after Section A: correct them)",
            description="After Section A, what the officer has still to sign is emailed to the "
                        "corrected address with a fresh link; the links sent before stop "
                        "working. Signatures already made stay.")
async def put_officer(org_id: Id, role: OfficerRole, body: OfficerIn, user: Admin,
                      session: SessionDep, gateway: ProcessesDep) -> OrganizationOut:
    org = await _my_org(session, user, org_id)
    await section_a.set_officer(session, org, role, body, gateway, user)
    return await section_a.organization_out(session, org)


@router.post("/organizations/{org_id}/submit", response_model=OrganizationOut,
             summary="Submit Section A: invites every location's coordinator")
async def submit_section_a(org_id: Id, user: Admin, session: SessionDep,
                           gateway: ProcessesDep) -> OrganizationOut:
    org = await section_a.submit_section_a(session, gateway, await _my_org(session, user, org_id),
                                           user)
    return await section_a.organization_out(session, org)


@router.get("/invitations/{token}", response_model=InvitationOut, tags=["invitations"])
async def get_invitation(token: str, session: SessionDep) -> InvitationOut:
    return await invitations.describe(session, await invitations.usable_invitation(session, token))


@router.post("/invitations/{token}/register", response_model=TokenOut, status_code=201,
             tags=["invitations"], summary="Register as the location's coordinator",
             description="The new coordinator is signed in, as on the invitation page: the "
                         "answer carries a bearer token.")
async def register_coordinator(request: Request, token: str, body: CoordinatorRegistrationIn,
                               session: SessionDep, gateway: ProcessesDep,
                               settings: SettingsDep) -> TokenOut:
    user, _location = await invitations.register(session, gateway, token, body,
                                                  client_address(request))
    return await bearer_token(session, user, request, settings.session_hours)


@router.post("/invitations/{token}/accept", response_model=TokenOut, tags=["invitations"],
             summary="Add the location to your existing account",
             description="Signed in, as on the invitation page: the answer carries a bearer "
                         "token.")
async def accept_invitation(request: Request, token: str, body: ExistingAccountIn,
                            session: SessionDep, gateway: ProcessesDep,
                            settings: SettingsDep) -> TokenOut:
    user, _location = await invitations.accept_with_account(session, gateway, token,
                                                            body.password,
                                                            client_address(request))
    return await bearer_token(session, user, request, settings.session_hours)


@router.post("/invitations/{token}/renew", status_code=202, tags=["invitations"],
             summary="Email a fresh invitation link (the old one stops working)")
async def renew_invitation(token: str, session: SessionDep, gateway: ProcessesDep) -> dict:
    await invitations.request_new_link(session, gateway, token)
    return {"detail": "A new invitation link is on its way to the coordinator's email."}
