"""Section A pages for the Organization Administrator: details, locations, officers, review."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import ProcessesDep, SessionDep, require_roles
from api.domain import section_a, undelivered
from api.domain.scope import my_organization
from api.domain.status import next_reminders, officers_waiting, redistribution_standing
from api.forms import form_values, parse
from api.pages import redirect, render
from api.params import as_id, form_id
from api.routing import Router
from core.errors import Conflict, CVMSError, NotFound
from models.accounts import User
from models.enrollment import ResponsibleOfficer
from models.enrollment_enums import ORGANIZATION_TYPES, US_STATES, OfficerRole, OrganizationStatus
from models.enrollment_rules import one_inbox_for_two
from models.enrollment_schemas import CoordinatorIn, LocationIn, OfficerIn, OrganizationDetailsIn
from models.enums import Role

router = Router(prefix="/organization", include_in_schema=False)
Admin = Annotated[User, Depends(require_roles(Role.ORG_ADMIN))]
STEPS = ["details", "locations", "officers", "review"]
CHOICES = {"org_types": ORGANIZATION_TYPES, "states": [(s, s) for s in US_STATES],
           "officer_roles": list(OfficerRole)}


def _step_url(step: str) -> str:
    return f"/organization/section-a/{step}"


async def _page(request: Request, session, org, step: str, **context) -> HTMLResponse:
    context.setdefault("values", {})
    # the step indicator says which steps are done, not every step before this one
    problems = await section_a.section_a_problems(session, org) if org else {"details": ""}
    unfinished = {"officers" if key in ("ceo", "cmo") else key for key in problems}
    return render(request, f"organization/{step}.html", {
        "org": org, "step": step, "steps": STEPS, **CHOICES,
        "done_numbers": {n for n, key in enumerate(STEPS[:-1], 1) if key not in unfinished},
        "locations": await section_a.locations_of(session, org) if org else [],
        "officers": await section_a.officers_of(session, org) if org else {},
        "max_locations": section_a.MAX_LOCATIONS,
        **context}, status_code=context.pop("status_code", 200))


@router.get("", response_class=HTMLResponse)
async def dashboard(request: Request, user: Admin, session: SessionDep) -> HTMLResponse:
    """Every location's status from the projection its workflow writes: two queries for any
    number of locations, none to a workflow."""
    return await _dashboard(request, session, await my_organization(session, user))


async def _dashboard(request: Request, session, org, **context) -> HTMLResponse:
    locations = await section_a.locations_of(session, org) if org else []
    officers = await section_a.officers_of(session, org) if org else {}
    bounced, bounced_officers = await undelivered.of_organization(session, locations,
                                                                  officers.values())
    return render(request, "organization/dashboard.html", {
        "bounced": bounced, "bounced_officers": bounced_officers,
        "org": org, "locations": locations, "reminders": await next_reminders(session, locations),
        "officers_waiting": await officers_waiting(session, locations),
        "registered": await section_a.registered_names(session, locations),
        "officers": officers,
        "redistribution": await redistribution_standing(session, org),
        **CHOICES, **context}, status_code=context.pop("status_code", 200),
        refused=context.pop("refused", None))


@router.get("/section-a/{step}", response_class=HTMLResponse)
async def step_page(request: Request, step: str, user: Admin, session: SessionDep) -> Response:
    org = await my_organization(session, user)
    if step not in STEPS or (org is None and step != "details"):
        return redirect(_step_url("details"))
    if org and org.status != OrganizationStatus.DRAFT:
        return redirect("/organization")
    values = org.model_dump() if org and step == "details" else {}
    if step == "officers" and org:
        officers = await section_a.officers_of(session, org)
        values = {f"{role.value}_{f}": getattr(o, f) for role, o in officers.items()
                  for f in ("name", "title", "email")}
    edit = request.query_params.get("edit")
    if step == "locations" and org and edit:  # "Edit" next to a location: the form holds it
        try:
            location = await section_a.draft_location(session, org, as_id(edit, "edit"))
        except section_a.LocationRemoved as gone:  # an old tab's Edit
            return redirect(_step_url("locations"), notice=gone.message)
        values = {**{f: getattr(location, f) for f in LocationIn.model_fields},
                  "location_id": location.id}
    if step == "review" and org:
        return await _page(request, session, org, step,
                           problems=await section_a.section_a_problems(session, org))
    return await _page(request, session, org, step, values=values)


@router.post("/section-a/details", response_class=HTMLResponse)
async def save_details(request: Request, user: Admin, session: SessionDep,
                       gateway: ProcessesDep) -> Response:
    values = await form_values(request)
    org = await my_organization(session, user)
    data, errors = parse(OrganizationDetailsIn, values)
    kept = {}
    if data:
        try:
            org = await section_a.save_details(session, user, org, data, gateway)
            return _after_save(values, "locations", org=org)
        except CVMSError as error:
            errors = error.problems()
    elif org is None or org.status == OrganizationStatus.DRAFT:
        # as typed, whatever was pressed: leaving the page after an error loses nothing
        org = await section_a.keep_details(session, user, org, values)
        if values.get("action") == "pause":
            return redirect("/organization", notice="Section A is saved. Some details still "
                                                    "need attention: you will see them when "
                                                    "you continue.")
        kept = {"notice": KEPT}
    return await _page(request, session, org, "details", values=values, errors=errors,
                       status_code=400, **kept)


KEPT = ("Your other answers are saved, so they are still here if you leave this page and come "
        "back. Correct what is marked, then choose Next.")
LIST_KEPT = ("The locations in your list are saved, so they are still here if you leave this "
             "page and come back.")


def _after_save(values: dict, next_step: str, previous: str | None = None,
                org=None) -> Response:
    action = values.get("action", "next")
    if org is not None and action == "next":
        org.section_a_step = next_step  # "Continue Section A" returns here
    if action == "pause":
        return redirect("/organization", notice="Section A is saved. Continue any time from "
                                                "your dashboard.")
    return redirect(_step_url(previous if action == "previous" and previous else next_step))


DETAILS_FIRST = ("Nothing was saved: start Section A with your organization's details, then add "
                 "its locations and officers.")


@router.post("/section-a/locations", response_class=HTMLResponse)
async def locations_step(request: Request, user: Admin, session: SessionDep,
                         gateway: ProcessesDep) -> Response:
    values = await form_values(request)
    org = await my_organization(session, user)
    if org is None:  # the details come first (a form posted before them, or a stale tab)
        return redirect(_step_url("details"), notice=DETAILS_FIRST)
    action = values.get("action", "next")
    if action in ("add", "update"):
        return await _save_location(request, session, gateway, org, values, user)
    if action.startswith("remove-"):  # asked first: a click alone removes nothing
        try:
            location = await section_a.draft_location(
                session, org, as_id(action.removeprefix("remove-"), "action"))
        except section_a.LocationRemoved as gone:  # an old tab's Remove
            return redirect(_step_url("locations"), notice=gone.message)
        if refused := await section_a.removal_refused(session, location):  # now, not at "Yes"
            return await _page(request, session, org, "locations", status_code=409,
                               errors={f"remove-{location.id}": refused})
        return await _page(request, session, org, "locations", confirm_remove=location)
    if action.startswith("confirm-remove-"):
        location_id = as_id(action.removeprefix("confirm-remove-"), "action")
        try:
            await section_a.remove_location(session, org, location_id)
        except section_a.LocationRemoved as gone:  # "Yes" pressed twice, or in an old tab
            return redirect(_step_url("locations"), notice=gone.message)
        except Conflict as refused:  # it came to hold something since "Remove" was asked
            return await _page(request, session, org, "locations", status_code=409,
                               errors={f"remove-{location_id}": refused.message})
        return redirect(_step_url("locations"), notice="The location was removed.")
    if values.get("location_id") or _typed_location(values):
        # typed but not "Added", or an edit not saved: keep it, or stop and say so
        data, errors = parse(LocationIn, values)
        kept = {"notice": LIST_KEPT} if await section_a.locations_of(session, org) else {}
        if errors:
            unkept = UNSAVED if values.get("location_id") else UNADDED
            errors = {**errors, "name": errors.get("name") or unkept}
            return await _page(request, session, org, "locations", values=values,
                               errors=errors, status_code=400, **kept)
        try:
            await _store_location(session, gateway, org, values, data, user)
        except CVMSError as error:
            values, problems = _refused_location(values, error)
            return await _page(request, session, org, "locations", values=values,
                               errors=problems, status_code=400, **kept)
    if action == "next" and not await section_a.locations_of(session, org):
        return await _page(request, session, org, "locations", status_code=400,
                           errors={"locations": "Add at least one location before continuing. "
                                                "Complete its fields and choose Add this "
                                                "location."})
    return _after_save(values, "officers", previous="details", org=org)


UNADDED = ("You typed a location but did not add it. Complete it and choose Add location, or "
           "clear its fields.")
UNSAVED = ("Your changes to this location are not saved. Correct what is marked and choose Save "
           "changes, or Cancel to keep the location as it was.")


async def _store_location(session, gateway, org, values: dict, data: LocationIn, user: User):
    """The location being edited (its id posted with the form) is changed; else one is added."""
    if values.get("location_id"):
        return await section_a.update_location(session, org, form_id(values, "location_id"), data)
    return await section_a.add_location(session, gateway, org, data, user)


EDITED_GONE = ("This location was removed from your list (perhaps in another tab or window), so "
               "your changes could not be saved to it. What you typed is kept below: choose Add "
               "this location to add it again, or clear its fields.")


def _refused_location(values: dict, error: CVMSError) -> tuple[dict, dict[str, str]]:
    """The form as it comes back, and what it says: an edit of a location removed since is
    offered to be added again, as typed."""
    if isinstance(error, section_a.LocationRemoved):
        return {k: v for k, v in values.items() if k != "location_id"}, {"name": EDITED_GONE}
    return values, error.problems("name")


def _typed_location(values: dict) -> bool:
    return not values.get("location_id") and any(
        str(values.get(field) or "").strip() for field in LocationIn.model_fields
        if field != "state")


async def _save_location(request: Request, session, gateway, org, values: dict,
                         user: User) -> Response:
    data, errors = parse(LocationIn, values)
    if data:
        try:
            await _store_location(session, gateway, org, values, data, user)
            return redirect(_step_url("locations"), notice=f"{data.name} is saved.")
        except CVMSError as error:
            values, errors = _refused_location(values, error)
    return await _page(request, session, org, "locations", values=values, errors=errors,
                       status_code=400)


@router.post("/section-a/officers", response_class=HTMLResponse)
async def officers_step(request: Request, user: Admin, session: SessionDep) -> Response:
    values = await form_values(request)
    org = await my_organization(session, user)
    if org is None:
        return redirect(_step_url("details"), notice=DETAILS_FIRST)
    errors: dict[str, str] = {}
    for role in OfficerRole:
        fields = {f: values.get(f"{role.value}_{f}", "") for f in ("name", "title", "email")}
        if any(fields.values()):  # kept as typed, so pausing loses nothing
            await section_a.keep_officer(session, org, role, fields)
        _data, role_errors = parse(OfficerIn, fields)
        errors.update({f"{role.value}_{k}": v for k, v in role_errors.items()})
    if not errors:  # two people at one address: one inbox would sign for both
        ceo = ResponsibleOfficer(organization_id=org.id, role=OfficerRole.CEO,
                                 name=values.get("ceo_name", ""), title="",
                                 email=values.get("ceo_email", ""))
        shared = one_inbox_for_two(OfficerRole.CMO, values.get("cmo_name", ""),
                                   values.get("cmo_email", ""), ceo)
        if shared:
            errors["cmo_email"] = shared
    if errors and values.get("action", "next") == "next":
        return await _page(request, session, org, "officers", values=values, errors=errors,
                           status_code=400, notice=KEPT)
    return _after_save(values, "review", previous="locations", org=org)


@router.post("/section-a/review", response_class=HTMLResponse)
async def submit(request: Request, user: Admin, session: SessionDep,
                 gateway: ProcessesDep) -> Response:
    values = await form_values(request)
    org = await my_organization(session, user)
    if org is None:
        return redirect(_step_url("details"), notice=DETAILS_FIRST)
    if values.get("action") == "previous":
        return redirect(_step_url("officers"))
    try:
        await section_a.submit_section_a(session, gateway, org, user)
    except CVMSError as error:
        if error.status_code in (202, 409):  # accepted, still working; or already submitted
            return redirect("/organization", notice=error.message)
        return await _page(request, session, org, "review", status_code=error.status_code,
                           problems=error.problems())
    return redirect("/organization", notice="Section A is submitted. We emailed each location's "
                                            "vaccine coordinator an invitation to Section B.")


@router.get("/details", response_class=HTMLResponse)
async def correct_details_page(request: Request, user: Admin, session: SessionDep) -> Response:
    """After Section A: correct the organization's details (officers then sign again)."""
    org = await my_organization(session, user)
    if org is None:
        return redirect("/organization")
    return render(request, "organization/correct.html", {"org": org, "values": org.model_dump(),
                                                         **CHOICES})


@router.post("/details", response_class=HTMLResponse)
async def correct_details(request: Request, user: Admin, session: SessionDep,
                          gateway: ProcessesDep) -> Response:
    values = await form_values(request)
    org = await my_organization(session, user)
    data, errors = parse(OrganizationDetailsIn, values)
    if data and org:
        if org.status != OrganizationStatus.SUBMITTED:  # a draft: Section A's own step
            await section_a.save_details(session, user, org, data, gateway)
            return redirect("/organization", notice="The organization's details are saved.")
        said = await section_a.correct_details(session, gateway, org, user, data)
        return redirect("/organization", notice=said)
    return render(request, "organization/correct.html", {
        "org": org, "values": values, "errors": errors, **CHOICES}, status_code=400)


@router.post("/locations", response_class=HTMLResponse)
async def add_location_later(request: Request, user: Admin, session: SessionDep,
                             gateway: ProcessesDep) -> Response:
    """After Section A: a new location's coordinator is invited at once."""
    values = await form_values(request)
    org = await my_organization(session, user)
    data, errors = parse(LocationIn, values)
    refused = None
    if data and org:
        try:
            await section_a.add_location(session, gateway, org, data, user)
            return redirect("/organization", notice=f"{data.name} is added and its coordinator "
                                                    "invited.")
        except CVMSError as error:  # the same location again, or invited too often that
            if error.status_code not in (409, 429):  # day: named on its field
                raise
            errors, refused = error.problems("name"), error if error.status_code == 429 else None
    return await _dashboard(request, session, org, details={}, values=values, errors=errors,
                            adding=True, status_code=400, refused=refused)


def _officer_role(role: str) -> OfficerRole:
    if role not in OfficerRole.__members__.values():
        raise NotFound("There is no such responsible officer: the CEO (ceo) or the CMO (cmo).")
    return OfficerRole(role)


async def _submitted(session, user: User):
    """The administrator's organization once Section A is submitted (before: its steps)."""
    org = await my_organization(session, user)
    if org is None or org.status != OrganizationStatus.SUBMITTED:
        return None
    return org


@router.get("/officers/{role}", response_class=HTMLResponse)
async def correct_officer_page(request: Request, role: str, user: Admin,
                               session: SessionDep) -> Response:
    """After Section A: correct the CEO or the CMO (a mistyped email reaches nobody)."""
    officer_role = _officer_role(role)
    org = await _submitted(session, user)
    if org is None:
        return redirect(_step_url("officers"))
    officer = (await section_a.officers_of(session, org)).get(officer_role)
    values = {f: getattr(officer, f) for f in ("name", "title", "email")} if officer else {}
    return render(request, "organization/correct_officer.html", {
        "org": org, "role": officer_role, "values": values})


@router.post("/officers/{role}", response_class=HTMLResponse)
async def correct_officer(request: Request, role: str, user: Admin, session: SessionDep,
                          gateway: ProcessesDep) -> Response:
    officer_role = _officer_role(role)
    values = await form_values(request)
    org = await _submitted(session, user)
    if org is None:
        return redirect(_step_url("officers"))
    data, errors = parse(OfficerIn, values)
    refused = None
    if data:
        try:
            renewed = await section_a.correct_officer(session, gateway, org, officer_role,
                                                      data, user)
            return redirect("/organization", notice=_officer_notice(officer_role, data,
                                                                     renewed))
        except CVMSError as error:  # refused or not done: said on the form, kept as typed
            errors = _on_the_form(error, OfficerIn, "email")
            refused = error if error.status_code == 429 else None
    return render(request, "organization/correct_officer.html", {
        "org": org, "role": officer_role, "values": values, "errors": errors},
        status_code=400, refused=refused)


def _on_the_form(error: CVMSError, form, field: str) -> dict[str, str]:
    named = {k: v for k, v in error.errors.items() if k in form.model_fields}
    return named or {field: error.message}


def _officer_notice(role: OfficerRole, data: OfficerIn, renewed: list[str]) -> str:
    who = f"The {role.label} ({role.value.upper()}) is now {data.name}, {data.email}."
    if renewed:
        return (f"{who} We emailed a new signing link for the {' and the '.join(renewed)} to "
                f"{data.email}; the links sent before no longer work.")
    return (f"{who} Nothing is waiting for their signature now: they are emailed a signing "
            "link when there is something for them to sign.")


@router.get("/locations/{location_id}/coordinator", response_class=HTMLResponse)
async def correct_coordinator_page(request: Request, location_id: int, user: Admin,
                                   session: SessionDep) -> Response:
    """After Section A, before the coordinator registers: correct the name and email the
    invitation goes to."""
    org, location = await _coordinator_location(session, user, location_id)
    if org.status != OrganizationStatus.SUBMITTED:
        return redirect(_step_url("locations"))
    values = {f: getattr(location, f) for f in CoordinatorIn.model_fields}
    return render(request, "organization/correct_coordinator.html", {
        "org": org, "location": location, "values": values})


async def _coordinator_location(session, user: User, location_id: int):
    org = await my_organization(session, user)
    location = next((loc for loc in await section_a.locations_of(session, org)
                     if loc.id == location_id), None) if org else None
    if location is None:
        raise NotFound("That location is not part of your organization.")
    return org, location


@router.post("/locations/{location_id}/coordinator", response_class=HTMLResponse)
async def correct_coordinator(request: Request, location_id: int, user: Admin,
                              session: SessionDep, gateway: ProcessesDep) -> Response:
    values = await form_values(request)
    org, location = await _coordinator_location(session, user, location_id)
    if org.status != OrganizationStatus.SUBMITTED:
        return redirect(_step_url("locations"))
    data, errors = parse(CoordinatorIn, values)
    refused = CVMSError("")
    if data:
        try:
            await section_a.correct_coordinator(session, gateway, org, location_id, data)
            return redirect("/organization", notice=(
                f"The coordinator of {location.name} is now {data.coordinator_first_name} "
                f"{data.coordinator_last_name}, {data.coordinator_email}. We emailed a new "
                "invitation to that address; the invitation sent before no longer works."))
        except CVMSError as error:
            errors, refused = _on_the_form(error, CoordinatorIn, "coordinator_email"), error
    return render(request, "organization/correct_coordinator.html", {
        "org": org, "location": location, "values": values, "errors": errors},
        status_code=400, refused=refused if refused.status_code == 429 else None)
