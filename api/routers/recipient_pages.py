"""Recipient pages and API: bulk upload with live progress and the error file (Location
Managers and organizations' points of contact), and a location's recipients, paged and
searchable (Location Managers). Every endpoint checks the scope rules in
api/domain/recipients_scope.py."""

from typing import Annotated, Literal

from fastapi import Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile as FormFile

from api.deps import (
    CurrentUser,
    ProcessesDep,
    SessionDep,
    SettingsDep,
    require_roles,
    rollback_keeping,
)
from api.domain import (
    care,
    helpdesk,
    portal_accounts,
    recipient_case_import,
    recipient_contact,
    recipient_files,
    recipients,
    undelivered,
)
from api.domain.files import clean_filename, disposition
from api.domain.recipient_link import personal_link
from api.domain.recipients_scope import (
    RECIPIENT_ROLES,
    UPLOADER_ROLES,
    contact_employer,
    recipient_location,
    upload_location,
    upload_locations,
)
from api.domain.series import series_of
from api.forms import form_values, parse
from api.pages import redirect, render
from api.params import Id, id_or_none
from api.routing import Router, file_answer
from core.errors import CVMSError, Invalid, NotFound
from models.accounts import User
from models.eligibility import group_label
from models.enrollment import Location
from models.enums import Role
from models.helpdesk_schemas import ImportIn, ImportReport
from models.input import NO_CONTROL
from models.recipient_rules import INDUSTRIES, MAX_ROWS, SMALL_FILE
from models.recipient_schemas import ContactIn

pages = Router(include_in_schema=False)
api = Router(prefix="/api/v1", tags=["recipients"])
Manager = Annotated[User, Depends(require_roles(*RECIPIENT_ROLES))]
Uploader = Annotated[User, Depends(require_roles(*UPLOADER_ROLES))]
Agent = Annotated[User, Depends(require_roles(Role.HELPDESK_AGENT, Role.HELPDESK_LEAD))]
TEMPLATE_NAME = "recipient-bulk-upload.xlsx"


def _download(data: bytes, name: str) -> Response:
    kind = "text/csv" if name.endswith(".csv") else recipient_files.XLSX_TYPE
    return Response(data, media_type=kind, headers={"Content-Disposition": disposition(name)})


@pages.get("/recipients/template.xlsx")
@api.get("/recipients/template.xlsx", summary="The Recipient Bulk Upload template",
         **file_answer(recipient_files.XLSX_TYPE, "The spreadsheet to fill in"))
async def template(_user: Uploader) -> Response:
    return _download(recipient_files.template(), TEMPLATE_NAME)


async def _home(request: Request, session, user: User, location_id: int | None,
                asked: bool = False, **context) -> HTMLResponse:
    """`asked`: the location is the address's, not a form's sent back: one not among the
    person's is refused, never another location shown in its place."""
    locations = await upload_locations(session, user)
    if not locations:
        raise NotFound("You manage no location's recipients yet.")
    current = next((loc for loc in locations if loc.id == location_id), None)
    if current is None and asked and location_id is not None:
        raise NotFound("That location is not one whose recipients you manage: choose one of "
                       "yours on the Recipients page.")
    current = current or locations[0]
    q, status = request.query_params.get("q", ""), request.query_params.get("status", "")
    page = request.query_params.get("page", "1")
    employer = await contact_employer(session, user)
    found = None if employer else await recipients.search(
        session, current.id, q, status, int(page) if page.isdigit() else 1)
    return render(request, "recipients/home.html", {
        "locations": locations, "location": current, "found": found, "q": q, "status": status,
        "eligibility": {r.id: recipients.eligibility_now(r)[0] for r in found.items}
        if found else {},
        "undelivered": await undelivered.invitations(session, found.items) if found else {},
        "employer": employer, "uploads": await recipients.recent_uploads(
            session, current.id, uploaded_by=user.id if employer else None),
        "small": SMALL_FILE, "max_rows": MAX_ROWS, "industries": INDUSTRIES, **context},
        status_code=context.pop("status_code", 200))


@pages.get("/recipients", response_class=HTMLResponse)
async def home(request: Request, user: Uploader, session: SessionDep,
               location_id: Id | None = None,
               _q: Annotated[str, Query(alias="q", pattern=NO_CONTROL)] = "",
               _status: Annotated[Literal["", "registered", "invited", "vaccinated"],
                                  Query(alias="status")] = "",
               _page: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1) -> HTMLResponse:
    """The search's filters are checked here (a 422 naming the one that is not one of its
    choices); `_home` reads them from the query, as a refused upload's page does."""
    return await _home(request, session, user, location_id, asked=True)


NOT_A_LOCATION = ("The form did not say which location the recipients are for. Open the "
                  "Recipients page again and upload from there.")


@pages.post("/recipients/uploads", response_class=HTMLResponse)
async def upload_page(request: Request, user: CurrentUser, session: SessionDep,
                      gateway: ProcessesDep) -> Response:
    """The role is the one held at the form's location (`form_location` in api/access.py): a
    manager who switched to another location in another tab since uploads where the form
    said, and works there again, told so."""
    form = await request.form()
    location_id = id_or_none(form.get("location_id"))  # the form's choice, sent back as it was
    file = form.get("file")
    choice = form.get("valid_rows_only") == "true"
    try:
        # the form's location (hidden, or the list's choice) checked before the file: one
        # that is no id, or not one of the uploader's, is said of the location, not the file
        if location_id is None:
            raise Invalid(NOT_A_LOCATION, field="location_id")
        try:
            await upload_location(session, user, location_id)
        except NotFound as error:
            raise NotFound(error.message, field="location_id") from None
        if not isinstance(file, FormFile) or not file.filename:
            raise CVMSError("Choose a file to upload.", field="file")
        done = await recipients.upload(session, gateway, user, location_id,
                                       file.filename, await file.read(), choice)
        moved = await portal_accounts.acting_at(session, user, location_id,
                                                request.state.portal)
        return redirect(f"/recipients/uploads/{done.id}", notice=moved.strip() or None)
    except CVMSError as error:
        await rollback_keeping(session, user)
        help_url = recipient_files.help_case_url(location_id) \
            if getattr(error, "help_url", None) else None  # about this location's list
        return await _home(request, session, user, location_id, errors=error.problems("file"),
                           values={"valid_rows_only": "true" if choice else "false"},
                           help_url=help_url, status_code=error.status_code)


@pages.get("/recipients/uploads/{upload_id}", response_class=HTMLResponse)
async def upload_result(request: Request, upload_id: Id, user: Uploader,
                        session: SessionDep) -> HTMLResponse:
    found = await recipients.upload_for(session, user, upload_id)
    location = await session.get(Location, found.location_id)
    return render(request, "recipients/upload.html", {
        "upload": found, "location": location, "progress": recipients.progress(found),
        "errors_shown": found.errors[:200],
        "repeats": await recipients.repeated_rows(session, found),
        "imported": await recipients.valid_rows_import(session, user, found)})


@pages.post("/recipients/uploads/{upload_id}/valid-rows", response_class=HTMLResponse)
async def import_valid_rows(request: Request, upload_id: Id, user: CurrentUser,
                            session: SessionDep, gateway: ProcessesDep) -> Response:
    """The button names the upload's location (`form_location`), as the upload form does."""
    again = await recipients.valid_rows_only(session, gateway, user, upload_id)
    moved = await portal_accounts.acting_at(session, user, again.location_id,
                                            request.state.portal)
    return redirect(f"/recipients/uploads/{again.id}", notice=moved.strip() or None)


@pages.get("/recipients/uploads/{upload_id}/errors", response_class=HTMLResponse)
@api.get("/recipient-uploads/{upload_id}/errors", include_in_schema=False)
async def error_file(upload_id: Id, user: Uploader, session: SessionDep) -> Response:
    found = await recipients.upload_for(session, user, upload_id, with_rows=True)
    stem = clean_filename(found.filename).rsplit(".", 1)[0]
    return _download(recipient_files.error_file(found.file_kind, found.rows, found.errors,
                                                found.csv_separator),
                     f"{stem}-errors.{found.file_kind}")


@api.get("/recipient-uploads/{upload_id}", summary="An upload's progress")
async def upload_progress(upload_id: Id, user: Uploader, session: SessionDep) -> dict:
    return recipients.progress(await recipients.upload_for(session, user, upload_id))


@api.post("/locations/{location_id}/recipient-uploads", status_code=201,
          summary="Upload recipients (xlsx or csv)")
async def upload_api(location_id: Id, user: Uploader, session: SessionDep,
                     gateway: ProcessesDep, file: Annotated[UploadFile, File()],
                     valid_rows_only: Annotated[bool, Form()] = False) -> dict:
    done = await recipients.upload(session, gateway, user, location_id, file.filename or "",
                                   await file.read(), valid_rows_only)
    return {**recipients.progress(done), "row_errors": done.errors,
            "repeated_rows": [{"row": row, "repeats": first} for row, first
                              in await recipients.repeated_rows(session, done)]}


@api.get("/locations/{location_id}/recipients", summary="A location's recipients")
async def list_api(location_id: Id, user: Manager, session: SessionDep,
                   q: Annotated[str, Query(pattern=NO_CONTROL)] = "",
                   status: Literal["", "registered", "invited", "vaccinated"] = "",
                   page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> dict:
    await recipient_location(session, user, location_id)
    found = await recipients.search(session, location_id, q[:80], status, page)
    refused = await undelivered.invitations(session, found.items)
    return {"total": found.total, "page": found.page, "pages": found.pages, "items": [
        {"id": r.id, "first_name": r.first_name, "last_name": r.last_name,
         "registered": r.registered_at is not None, "invited": r.invited_at is not None,
         # the mail server refused the invitation at the address on file: correct it
         "invitation_undelivered": r.id in refused,
         "eligibility": recipients.eligibility_now(r)[0],
         "doses": found.vaccination[r.id].doses,
         "series_complete": found.vaccination[r.id].complete} for r in found.items]}


@pages.get("/recipients/people/{recipient_id}", response_class=HTMLResponse)
async def person(request: Request, recipient_id: Id, user: Manager,
                 session: SessionDep) -> HTMLResponse:
    found = await recipients.recipient_for(session, user, recipient_id)
    status, group = recipients.eligibility_now(found)
    return render(request, "recipients/person.html", {"person": found, "status": status,
                                                      "details": await recipients.sees_details(
                                                          session, user, found),
                                                      "group": group_label(group),
                                                      "undelivered": (await undelivered.invitations(
                                                          session, [found])).get(found.id),
                                                      "industries": INDUSTRIES,
                                                      "series": await series_of(session, found)})


@pages.get("/recipients/people/{recipient_id}/link", response_class=HTMLResponse)
async def link_page(request: Request, recipient_id: Id, user: Manager, session: SessionDep,
                    settings: SettingsDep) -> HTMLResponse:
    """The person's Recipient Portal link to print or show, for their location's managers."""
    found = await _details_for(session, user, recipient_id)
    shown = personal_link(session, settings, user, found)
    await session.commit()
    return render(request, "recipients/link.html", {
        "person": found, "link": shown, "back": f"/recipients/people/{found.id}"})


async def _details_for(session, user: User, recipient_id: int):
    """The recipient, for a manager at a location that keeps their details (else refused)."""
    found = await recipients.recipient_for(session, user, recipient_id)
    if not await recipients.sees_details(session, user, found):
        raise care.other_organization(found)
    return found


def _contact_page(request: Request, person, values: dict, errors: dict,
                  status_code: int = 200) -> HTMLResponse:
    return render(request, "recipients/contact.html", {
        "person": person, "values": values, "errors": errors,
        "back": f"/recipients/people/{person.id}"}, status_code=status_code)


@pages.get("/recipients/people/{recipient_id}/contact", response_class=HTMLResponse)
async def contact_page(request: Request, recipient_id: Id, user: Manager,
                       session: SessionDep) -> HTMLResponse:
    """Correct the person's email address (a mistyped upload) or phone."""
    found = await _details_for(session, user, recipient_id)
    await session.commit()  # the viewing, audited
    return _contact_page(request, found, {"email": found.email or "", "phone": found.phone}, {})


@pages.post("/recipients/people/{recipient_id}/contact", response_class=HTMLResponse)
async def correct_contact(request: Request, recipient_id: Id, user: Manager,
                          session: SessionDep, gateway: ProcessesDep) -> Response:
    values = await form_values(request)
    found = await _details_for(session, user, recipient_id)
    data, errors = parse(ContactIn, values)
    if errors:
        await session.commit()  # the viewing, audited
        return _contact_page(request, found, values, errors, 400)
    try:
        done = await recipient_contact.correct_contact(session, gateway, user, found, data)
        await session.commit()
    except CVMSError as error:
        await rollback_keeping(session, user)
        return _contact_page(request, await _details_for(session, user, recipient_id),
                             values, error.problems("email"), error.status_code)
    return redirect(f"/recipients/people/{recipient_id}", notice=done)


@api.post("/helpdesk/cases/{case_id}/recipients/check", response_model=ImportReport,
          tags=["help desk"], summary="Check a recipient list attached to a case")
async def check_case_file(case_id: Id, body: ImportIn, user: Agent,
                          session: SessionDep) -> ImportReport:
    case = await helpdesk.case_for(session, user, case_id)
    return await recipient_case_import.preview(session, case, body.attachment_id,
                                               body.location_id)


@api.post("/helpdesk/cases/{case_id}/recipients", response_model=ImportReport, status_code=201,
          tags=["help desk"], summary="Import a case's recipient list, in parts of 5,000 rows")
async def import_case_file(case_id: Id, body: ImportIn, user: Agent, session: SessionDep,
                           gateway: ProcessesDep, settings: SettingsDep) -> ImportReport:
    case = await helpdesk.case_for(session, user, case_id)
    return await recipient_case_import.run_import(session, gateway, case, user,
                                                  body.attachment_id, body.location_id,
                                                  body.valid_rows_only, link=settings.link)
