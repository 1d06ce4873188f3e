"""Provider portal and Organization Portal JSON API: accounts, locations, employers."""

from typing import Annotated

from fastapi import Query, Request, Response

from api.deps import CurrentUser, ProcessesDep, SessionDep
from api.domain import (
    case_imports,
    contact_standing,
    employer_location,
    employers,
    helpdesk,
    portal_accounts,
    portal_import,
)
from api.domain.scope import employer_for
from api.forms import validated
from api.params import MAX_ID, Id
from api.routing import Router, file_answer
from models.enrollment import Location
from models.helpdesk_schemas import ImportIn, ImportReport
from models.portal_rules import PAGE_SIZE
from models.portal_schemas import (
    ActiveLocationIn,
    CaseLocationGrant,
    ConfirmIn,
    ContactIn,
    ContactOut,
    EmployerIn,
    EmployerLocationIn,
    EmployerOut,
    EmployerPage,
    EmployerSearch,
    LocationGrant,
    PeoplePage,
    PeopleSearch,
    PortalContactEdit,
    PortalContactIn,
    PortalJoin,
    PortalUserOut,
)
from models.schemas import NewPassword

router = Router(prefix="/api/v1", tags=["portal"])


async def person_out(session, user, manager, at: int | None = None) -> PortalUserOut:
    held = await portal_accounts.relations(session, user.id)
    direct = next((r for r, _ in held if r.direct), None)
    shown = await portal_accounts.profile_location(session, manager, user, at)
    return PortalUserOut.model_validate(user).model_copy(update={
        "status": user.status.value, "invited": portal_accounts.invited(user),
        "profile": shown[0].profile if shown else None,
        "profile_location_id": shown[1].id if shown else None,
        "profile_location_name": shown[1].name if shown else None,
        "direct_location_id": direct.location_id if direct else None,
        "location_ids": [r.location_id for r, _ in held]})


def employer_out(employer, **update) -> EmployerOut:
    """An organization as the API answers it, with whether its details stand confirmed."""
    return EmployerOut.model_validate(employer).model_copy(update={
        "confirmed": employer.confirmed_at is not None, **update})


@router.get("/portal/me", summary="Your portal locations, the active one and your tabs")
async def me(request: Request, _user: CurrentUser) -> dict:
    portal = request.state.portal
    return {"active_location_id": portal.active.location_id if portal.active else None,
            "profile": portal.profile,
            "locations": [{"location_id": h.location_id, "name": h.name, "profile": h.profile,
                           "direct": h.direct} for h in portal.holdings]}


@router.put("/portal/active-location", status_code=204, summary="Switch the active location")
async def switch(request: Request, body: ActiveLocationIn, user: CurrentUser,
                 session: SessionDep) -> Response:
    await portal_accounts.switch(session, user, body.location_id, request.state.portal)
    return Response(status_code=204)


@router.get("/portal/users", response_model=PeoplePage,
            summary="Staff of your locations, by name or by username (not both; 3+ characters)")
async def people(user: CurrentUser, session: SessionDep,
                 name: Annotated[str | None, Query(max_length=80)] = None,
                 username: Annotated[str | None, Query(max_length=80)] = None,
                 page: Annotated[int, Query(ge=1, le=10_000)] = 1) -> PeoplePage:
    search = validated(PeopleSearch, {"name": name, "username": username, "page": page})
    found, total = await portal_accounts.search(session, user, search)
    return PeoplePage(items=[await person_out(session, u, user) for u in found], page=page,
                      total=total)


@router.post("/portal/users", response_model=PortalUserOut, status_code=201,
             summary="Add a portal contact; they are emailed a link to choose a password")
async def add_person(body: PortalContactIn, user: CurrentUser, session: SessionDep,
                     gateway: ProcessesDep) -> PortalUserOut:
    return await person_out(session, await portal_accounts.create(session, gateway, user, body),
                            user)


@router.post("/portal/users/join", response_model=PortalUserOut,
             summary="Add a location you manage to the account of someone who works at "
             "another location of your organization (by their email address): one login for "
             "both")
async def join(body: PortalJoin, user: CurrentUser, session: SessionDep) -> PortalUserOut:
    return await person_out(session, await portal_accounts.join(session, user, body), user,
                            body.location_id)


@router.get("/portal/users/{user_id}", response_model=PortalUserOut)
async def person(user_id: Id, user: CurrentUser, session: SessionDep) -> PortalUserOut:
    return await person_out(session, await portal_accounts.contact_for(session, user, user_id),
                            user)


@router.patch("/portal/users/{user_id}", response_model=PortalUserOut,
              summary="Edit a contact: the profile holds at their next request")
async def edit_person(user_id: Id, body: PortalContactEdit, user: CurrentUser,
                      session: SessionDep, gateway: ProcessesDep) -> PortalUserOut:
    target = await portal_accounts.contact_for(session, user, user_id)
    return await person_out(session, await portal_accounts.edit(session, user, target, body,
                                                                gateway), user,
                            body.location_id)


@router.post("/portal/users/{user_id}/invitation", response_model=PortalUserOut,
             status_code=202, summary="Send a person who has not chosen a password yet a new "
             "invitation (to their email address); the link sent before stops working")
async def invite_again(user_id: Id, user: CurrentUser, session: SessionDep,
                       gateway: ProcessesDep) -> PortalUserOut:
    return await person_out(session, await portal_accounts.invite_again(
        session, gateway, user, await portal_accounts.contact_for(session, user, user_id)), user)


@router.post("/portal/users/{user_id}/locations", status_code=204,
             summary="Add a location you manage to a contact")
async def grant(user_id: Id, body: LocationGrant, user: CurrentUser,
                session: SessionDep) -> Response:
    target = await portal_accounts.contact_for(session, user, user_id)
    await portal_accounts.grant(session, user, target, body)
    return Response(status_code=204)


@router.delete("/portal/users/{user_id}/locations/{location_id}", status_code=204)
async def ungrant(user_id: Id, location_id: Id, user: CurrentUser,
                  session: SessionDep) -> Response:
    target = await portal_accounts.contact_for(session, user, user_id)
    await portal_accounts.remove(session, user, target, location_id)
    return Response(status_code=204)


@router.post("/portal/users/{user_id}/deactivate", status_code=204,
             summary="Deactivate a contact of your direct location; their sessions end")
async def deactivate(user_id: Id, user: CurrentUser, session: SessionDep) -> Response:
    target = await portal_accounts.contact_for(session, user, user_id)
    await portal_accounts.deactivate(session, user, target)
    return Response(status_code=204)


@router.post("/portal/users/{user_id}/reactivate", response_model=PortalUserOut,
             summary="Reactivate a deactivated contact of your direct location")
async def reactivate(user_id: Id, user: CurrentUser, session: SessionDep) -> PortalUserOut:
    target = await portal_accounts.contact_for(session, user, user_id)
    return await person_out(session, await portal_accounts.reactivate(session, user, target),
                            user)


@router.post("/portal/invitations/{token}", status_code=204,
             summary="Choose a password from the invitation link")
async def accept_invitation(token: str, body: NewPassword, session: SessionDep) -> Response:
    await portal_accounts.set_password(session, token, body)
    return Response(status_code=204)


@router.get("/employers", response_model=EmployerPage,
            summary="Search organizations by name (3+ characters) before creating one, a page "
            "at a time (total says how many match)")
async def search_employers(user: CurrentUser, session: SessionDep,
                           q: Annotated[str, Query(max_length=120)],
                           limit: Annotated[int, Query(ge=1, le=200, description=(
                               "Organizations in this page (1 to 200)"))] = PAGE_SIZE,
                           offset: Annotated[int, Query(ge=0, le=MAX_ID, description=(
                               "Matches to skip, by name: 0, then limit, 2 x limit..."))] = 0,
                           no_location: Annotated[bool, Query(description=(
                               "State staff: only organizations no vaccinating location "
                               "serves yet (location_id null), for them to link"))] = False,
                           ) -> EmployerPage:
    search = validated(EmployerSearch, {"q": q, "no_location": no_location})
    found, total = await employers.search(session, user, search.q, limit, offset,
                                          no_location=search.no_location)
    return EmployerPage(items=[employer_out(e, **employers.as_searched(e, *seen))
                               for e, *seen in found],
                        total=total, limit=limit, offset=offset)


@router.post("/employers", response_model=EmployerOut, status_code=201)
async def create_employer(request: Request, body: EmployerIn, user: CurrentUser,
                          session: SessionDep) -> EmployerOut:
    """A Location Manager's new organization belongs to their active location (choose it
    first with `PUT /api/v1/portal/active-location`; the answer's `location_id` is it); state
    staff's belongs to none until they link it."""
    active = request.state.portal.active
    employer = await employers.create(session, user, active.location_id if active else None,
                                      body)
    return employer_out(employer)


@router.get("/employers/{employer_id}", response_model=EmployerOut)
async def get_employer(employer_id: Id, user: CurrentUser, session: SessionDep) -> EmployerOut:
    employer = await employer_for(session, user, employer_id)
    location = await session.get(Location, employer.location_id) if employer.location_id \
        else None
    return employer_out(employer, location_name=location.name if location else None)


@router.put("/employers/{employer_id}", response_model=EmployerOut)
async def edit_employer(employer_id: Id, body: EmployerIn, user: CurrentUser,
                        session: SessionDep) -> EmployerOut:
    employer = await employer_for(session, user, employer_id)
    return employer_out(await employers.update(session, employer, body))


@router.put("/employers/{employer_id}/location", response_model=EmployerOut,
            summary="State staff: link an organization the state created to the enrolled site "
            "that vaccinates its employees (by Provider PIN, id or whole name). That site's "
            "Location Managers then manage it and its points of contact, and its validated "
            "points of contact upload their employees for that site")
async def link_location(employer_id: Id, body: EmployerLocationIn, user: CurrentUser,
                        session: SessionDep) -> EmployerOut:
    employer = await employer_for(session, user, employer_id)
    await employer_location.link(session, user, employer, body.location)
    location = await session.get(Location, employer.location_id)
    return employer_out(employer, location_name=location.name)


@router.get("/employers/{employer_id}/contacts", response_model=list[ContactOut],
            summary="Points of contact and whether each has validated")
async def list_contacts(employer_id: Id, user: CurrentUser,
                        session: SessionDep) -> list[ContactOut]:
    employer = await employer_for(session, user, employer_id)
    found = await employers.contacts(session, employer.id)
    shown = await employers.shown_status(session, found)
    return [ContactOut.model_validate(c).model_copy(update={"status": shown[c.id]})
            for c in found]


@router.post("/employers/{employer_id}/contacts", response_model=ContactOut, status_code=201,
             summary="Add a point of contact; a validation link (48 hours) is emailed")
async def add_contact(employer_id: Id, body: ContactIn, user: CurrentUser, session: SessionDep,
                      gateway: ProcessesDep) -> ContactOut:
    employer = await employer_for(session, user, employer_id)
    return ContactOut.model_validate(
        await employers.add_contact(session, gateway, user, employer, body))


@router.put("/employers/{employer_id}/contacts/{contact_id}", response_model=ContactOut,
            summary="Correct a point of contact: name and phone; the address only before they "
            "validate (a new link goes to it)")
async def correct_contact(employer_id: Id, contact_id: Id, body: ContactIn, user: CurrentUser,
                          session: SessionDep, gateway: ProcessesDep) -> ContactOut:
    employer = await employer_for(session, user, employer_id)
    contact = await employers.contact_at(session, employer, contact_id)
    await employers.correct_contact(session, gateway, user, contact, body)
    shown = await employers.shown_status(session, [contact])
    return ContactOut.model_validate(contact).model_copy(update={"status": shown[contact.id]})


@router.post("/employers/{employer_id}/contacts/{contact_id}/resend", response_model=ContactOut,
             summary="Send a point of contact a new validation link")
async def resend(employer_id: Id, contact_id: Id, user: CurrentUser, session: SessionDep,
                 gateway: ProcessesDep) -> ContactOut:
    employer = await employer_for(session, user, employer_id)
    contact = await employers.contact_at(session, employer, contact_id)
    return ContactOut.model_validate(await employers.resend(session, gateway, user, contact))


async def contact_out(session, contact) -> ContactOut:
    shown = await employers.shown_status(session, [contact])
    return ContactOut.model_validate(contact).model_copy(update={"status": shown[contact.id]})


@router.post("/employers/{employer_id}/contacts/{contact_id}/deactivate",
             response_model=ContactOut,
             summary="Deactivate a point of contact who left the organization: their links "
             "stop working, and their Organization Portal account is signed out and "
             "deactivated, until reactivated")
async def deactivate_contact(employer_id: Id, contact_id: Id, user: CurrentUser,
                             session: SessionDep) -> ContactOut:
    employer = await employer_for(session, user, employer_id)
    contact = await employers.contact_at(session, employer, contact_id)
    await contact_standing.deactivate(session, user, employer, contact)
    return await contact_out(session, contact)


@router.post("/employers/{employer_id}/contacts/{contact_id}/reactivate",
             response_model=ContactOut,
             summary="Reactivate a point of contact: a validated one logs in with the password "
             "they had; one who had not validated is emailed a new validation link")
async def reactivate_contact(employer_id: Id, contact_id: Id, user: CurrentUser,
                             session: SessionDep, gateway: ProcessesDep) -> ContactOut:
    employer = await employer_for(session, user, employer_id)
    contact = await employers.contact_at(session, employer, contact_id)
    await contact_standing.reactivate(session, gateway, user, employer, contact)
    return await contact_out(session, contact)


@router.post("/org-contacts/validate/{token}", status_code=204,
             summary="Validate a point of contact's access and choose a password")
async def validate_contact(token: str, body: NewPassword, session: SessionDep,
                           gateway: ProcessesDep) -> Response:
    await employers.validate(session, gateway, token, body)
    return Response(status_code=204)


@router.post("/org-contacts/validate/{token}/new-link", status_code=202,
             summary="From an expired link: ask the manager for a new one")
async def ask_new_link(token: str, session: SessionDep, gateway: ProcessesDep) -> dict:
    await employers.ask_new_link(session, gateway, token)
    return {"asked": True}


@router.get("/org-portal", response_model=EmployerOut, summary="Your organization's details")
async def my_employer(user: CurrentUser, session: SessionDep) -> EmployerOut:
    employer, _contact = await employers.own_employer(session, user)
    return employer_out(employer, details_key=employers.details_key(employer))


@router.post("/org-portal/confirm", response_model=EmployerOut,
             summary="Confirm your organization's details (with `seen`, only the details read)")
async def confirm(user: CurrentUser, session: SessionDep,
                  body: ConfirmIn | None = None) -> EmployerOut:
    employer, _contact = await employers.own_employer(session, user)
    employers.confirm(session, user, employer, seen=body.seen if body else None)
    return employer_out(employer, details_key=employers.details_key(employer))



@router.get("/portal/templates/portal-users.xlsx",
            summary="The HCP user onboarding template (many users at once, via the help desk)",
            **file_answer(case_imports.XLSX_TYPE, "The spreadsheet to fill in"))
async def users_template() -> Response:
    return Response(portal_import.template(), media_type=case_imports.XLSX_TYPE,
                    headers={"Content-Disposition":
                             'attachment; filename="hcp-user-onboarding.xlsx"'})


@router.post("/helpdesk/cases/{case_id}/portal-users/check", response_model=ImportReport,
             tags=["help desk"], summary="Check a user onboarding file: errors by row and column")
async def check_users(case_id: Id, body: ImportIn, user: CurrentUser,
                      session: SessionDep) -> ImportReport:
    case = await helpdesk.case_for(session, user, case_id)
    return await portal_import.preview(session, case, body.attachment_id, body.location_id)


@router.post("/helpdesk/cases/{case_id}/portal-users", response_model=ImportReport,
             status_code=201, tags=["help desk"],
             summary="Import a user onboarding file; each person is emailed an invitation")
async def import_users(case_id: Id, body: ImportIn, user: CurrentUser, session: SessionDep,
                       gateway: ProcessesDep) -> ImportReport:
    case = await helpdesk.case_for(session, user, case_id)
    return await portal_import.run_import(session, gateway, case, user, body.attachment_id,
                                          body.location_id, body.valid_rows_only)


@router.post("/helpdesk/cases/{case_id}/portal-users/location", response_model=PortalUserOut,
             tags=["help desk"],
             summary="On a User onboarding case: add the requesting manager's location to the "
                     "account of someone who has one already (e.g. at another organization)")
async def add_location(case_id: Id, body: CaseLocationGrant, user: CurrentUser,
                       session: SessionDep, gateway: ProcessesDep) -> PortalUserOut:
    case = await helpdesk.case_for(session, user, case_id)
    person, manager = await portal_import.add_location(session, gateway, case, user, body)
    return await person_out(session, person, manager, body.location_id)  # as the manager sees
