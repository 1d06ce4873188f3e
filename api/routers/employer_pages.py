"""Organization Management pages (employers and their points of contact), the contact's
validation link, and the Organization Portal."""

from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from api.deps import CurrentUser, OptionalUser, ProcessesDep, SessionDep, rollback_keeping
from api.domain import (
    contact_standing,
    employer_location,
    employers,
    portal_accounts,
    undelivered,
)
from api.domain.accounts import user_by_email
from api.domain.scope import employer_for
from api.domain.state_lists import pin
from api.forms import form_values, parse, validated_form
from api.pages import redirect, render, someone_else
from api.params import Id, id_or_none, page_number
from api.routing import Router
from core.errors import CVMSError, SentMeanwhile
from models.accounts import User
from models.enrollment import Location
from models.enums import Role
from models.portal_rules import INDUSTRIES, PAGE_SIZE, ContactStatus, states
from models.portal_schemas import ContactIn, EmployerIn, EmployerSearch
from models.schemas import NewPassword

router = Router(include_in_schema=False)
TAKEN = ("An account with this email address already exists (you may be the point of contact "
         "of another organization), so this link cannot open another one. If the account is "
         "yours, log in with it; otherwise ask the Healthcare Location Manager who named you "
         "to use another address.")
CHOICES = {"industries": [(i, i) for i in INDUSTRIES], "states": [(s, s) for s in states()],
           "contact_labels": ContactStatus.LABELS, "tab": "organizations"}


@router.get("/portal/organizations", response_class=HTMLResponse)
async def search(request: Request, user: CurrentUser, session: SessionDep) -> HTMLResponse:
    values = dict(request.query_params)
    found, errors, total = [], {}, 0
    page = max(1, min(page_number(values.pop("page", "1")), 10_000))
    if "q" in values:
        query, errors = parse(EmployerSearch, values)
        unlinked = bool(query and query.no_location)
        found, total = (await employers.search(session, user, query.q, PAGE_SIZE,
                                               (page - 1) * PAGE_SIZE, no_location=unlinked)
                        if query else ([], 0))
        if query and page > (last := max(1, -(-total // PAGE_SIZE))):  # past the end: the last
            page = last
            found, total = await employers.search(session, user, query.q, PAGE_SIZE,
                                                  (page - 1) * PAGE_SIZE, no_location=unlinked)
    return render(request, "employers/search.html", {
        "found": found, "values": values, "errors": errors, "searched": "q" in values
        and not errors, "total": total, "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)), "state": user.role == Role.REVIEWER,
        "unlinked": values.get("no_location") in ("true", "on", "1"), "pin": pin, **CHOICES},
        status_code=422 if errors else 200)


def _owner(request: Request, user, values: dict) -> dict | None:
    """The location a new organization will belong to, as its form says: the one the form was
    opened at (kept in the form), else the active one; None for state staff (theirs belong to
    no location until linked). Switched in another tab since, the form's still counts (one the
    person no longer manages is refused on saving, not swapped for the active one)."""
    if user.role == Role.REVIEWER:
        return None
    portal = request.state.portal
    location_id = id_or_none(values.get("location_id")) or (
        portal.active.location_id if portal.active else None)
    held = next((h for h in portal.holdings if h.location_id == location_id), None)
    return {"id": location_id, "name": held.name if held else None} if location_id else None


@router.get("/portal/organizations/new", response_class=HTMLResponse)
async def new(request: Request, user: CurrentUser) -> HTMLResponse:
    """The form, holding the name just searched for (the search's "New organization" link
    passes it): what was typed once is not typed again; and the location it will belong to."""
    searched = request.query_params.get("name", "").strip()[:NAME_KEPT]
    owner = _owner(request, user, {})
    return render(request, "employers/new.html", {
        "values": {"state": "North Carolina", "name": searched,
                   "location_id": str(owner["id"]) if owner else ""},
        "owner": owner, **CHOICES})


NAME_KEPT = 200  # a name longer than any the form takes is cut, and the form says so on save


async def _employer_form(request: Request, session, user,
                         save: Callable[[EmployerIn], Awaitable[Response]],
                         again: Callable[[dict, dict, int], Awaitable[Response]]) -> Response:
    """An organization's form, creating or editing: its answers checked and saved (`save`
    answers where the person goes next), or its page again (`again`) with what was typed and
    each problem beside its field."""
    values = await form_values(request)
    try:
        return await save(validated_form(EmployerIn, values))
    except CVMSError as error:
        await rollback_keeping(session, user)
        return await again(values, error.problems(), error.status_code)


@router.post("/portal/organizations/new", response_class=HTMLResponse)
async def create(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    owner = _owner(request, user, await form_values(request))

    async def save(data: EmployerIn) -> Response:
        employer = await employers.create(session, user, owner["id"] if owner else None, data)
        moved = await portal_accounts.acting_at(session, user, employer.location_id,
                                                request.state.portal)
        return redirect(f"/portal/organizations/{employer.id}",
                        notice=f"{employer.name} is created. Add its point of contact "
                               f"below.{moved}")

    async def again(values: dict, errors: dict, status_code: int) -> Response:
        return render(request, "employers/new.html", {"values": values, "errors": errors,
                                                      "owner": owner, **CHOICES},
                      status_code=status_code)

    return await _employer_form(request, session, user, save, again)


async def _record(request, session, user, employer_id: int, status_code: int = 200, **extra):
    employer = await employer_for(session, user, employer_id)
    found = await employers.contacts(session, employer.id)
    context = {"employer": employer, "contacts": found,
               "shown": await employers.shown_status(session, found),
               "undelivered": await undelivered.contact_links(session, found),
               "values": employer.model_dump(), "contact_values": {}, "contact_errors": {},
               "seen": employers.details_key(employer), **CHOICES,
               **await _location_part(session, user, employer)}
    context.update(extra)
    return render(request, "employers/record.html", context, status_code=status_code)


async def _location_part(session, user, employer) -> dict:
    """The organization's vaccinating location, and for state staff whether they may link it
    (and why not)."""
    location = await session.get(Location, employer.location_id) if employer.location_id \
        else None
    state = user.role == Role.REVIEWER
    refusal = await employer_location.linkable(session, employer) if state else None
    return {"location": location, "location_pin": pin(location.id) if location else None,
            "may_link": state and refusal is None, "location_values": {},
            "seen_location": str(employer.location_id or "")}


@router.post("/portal/organizations/{employer_id}/location", response_class=HTMLResponse)
async def link_location(request: Request, employer_id: Id, user: CurrentUser,
                        session: SessionDep) -> Response:
    """State staff link an organization the state created to a vaccinating location."""
    employer = await employer_for(session, user, employer_id)
    values = await form_values(request)
    try:
        before = await employer_location.link(session, user, employer, values.get("location"),
                                               seen=str(values.get("seen_location") or ""))
    except CVMSError as error:
        await rollback_keeping(session, user)
        return await _record(request, session, user, employer_id, error.status_code,
                             errors=error.problems(), location_values=values)
    location = await session.get(Location, employer.location_id)
    instead = f" instead of {employer_location.named(before)}" if before else ""
    return redirect(f"/portal/organizations/{employer_id}", notice=(
        f"{employer.name} is linked to {employer_location.named(location)}{instead}. Its "
        "Healthcare Location Managers can now open and edit this organization and its points "
        "of contact, and its validated points of contact can upload their employees for it "
        "from the Organization Portal. Nobody is emailed about this: let them know."))


@router.get("/portal/organizations/{employer_id}", response_class=HTMLResponse)
async def record(request: Request, employer_id: Id, user: CurrentUser,
                 session: SessionDep) -> HTMLResponse:
    return await _record(request, session, user, employer_id)


@router.post("/portal/organizations/{employer_id}", response_class=HTMLResponse)
async def edit(request: Request, employer_id: Id, user: CurrentUser,
               session: SessionDep) -> Response:
    employer = await employer_for(session, user, employer_id)
    seen = str((await form_values(request)).get("seen") or "")

    async def save(data: EmployerIn) -> Response:
        confirmed = employer.confirmed_at is not None
        employers.not_changed_since(employer, seen, data)
        await employers.update(session, employer, data)
        unconfirmed = confirmed and employer.confirmed_at is None  # a saved change, not the same
        return redirect(f"/portal/organizations/{employer_id}", notice="Saved." + (
            " Its point of contact had confirmed the earlier details: the Organization Portal "
            "now asks them to confirm these." if unconfirmed else ""))

    async def again(values: dict, errors: dict, status_code: int) -> Response:
        return await _record(request, session, user, employer_id, status_code, values=values,
                             errors=errors)

    return await _employer_form(request, session, user, save, again)


@router.post("/portal/organizations/{employer_id}/contacts", response_class=HTMLResponse)
async def add_contact(request: Request, employer_id: Id, user: CurrentUser, session: SessionDep,
                      gateway: ProcessesDep) -> Response:
    employer = await employer_for(session, user, employer_id)
    values = await form_values(request)
    try:
        contact = await employers.add_contact(session, gateway, user, employer,
                                              validated_form(ContactIn, values))
    except CVMSError as error:
        await rollback_keeping(session, user)
        problems = error.problems()
        return await _record(request, session, user, employer_id, error.status_code,
                             contact_values=values, contact_errors=problems, errors=problems)
    return redirect(f"/portal/organizations/{employer_id}",
                    notice=f"{contact.full_name} is emailed a validation link (48 hours).")


@router.get("/portal/organizations/{employer_id}/contacts/{contact_id}",
            response_class=HTMLResponse)
async def contact_page(request: Request, employer_id: Id, contact_id: Id, user: CurrentUser,
                       session: SessionDep) -> HTMLResponse:
    return await _contact_page(request, session, user, employer_id, contact_id)


async def _contact_page(request, session, user, employer_id: int, contact_id: int,
                        status_code: int = 200, values: dict | None = None,
                        errors: dict | None = None) -> HTMLResponse:
    employer = await employer_for(session, user, employer_id)
    contact = await employers.contact_at(session, employer, contact_id)
    return render(request, "employers/contact.html", {
        "employer": employer, "contact": contact, "errors": errors or {},
        "validated": contact.status == ContactStatus.VALIDATED,
        "seen": employers.contact_key(contact),
        "values": values or contact.model_dump(), **CHOICES}, status_code=status_code)


@router.post("/portal/organizations/{employer_id}/contacts/{contact_id}",
             response_class=HTMLResponse)
async def correct_contact(request: Request, employer_id: Id, contact_id: Id, user: CurrentUser,
                          session: SessionDep, gateway: ProcessesDep) -> Response:
    employer = await employer_for(session, user, employer_id)
    contact = await employers.contact_at(session, employer, contact_id)
    values = await form_values(request)
    try:
        data = validated_form(ContactIn, values)
        employers.contact_not_changed_since(contact, str(values.get("seen") or ""), data)
        relinked = await employers.correct_contact(session, gateway, user, contact, data)
    except CVMSError as error:
        await rollback_keeping(session, user)
        return await _contact_page(request, session, user, employer_id, contact_id,
                                   error.status_code, values, error.problems())
    return redirect(f"/portal/organizations/{employer_id}", notice=(
        f"Saved. {contact.full_name} is emailed a new validation link at {contact.email}; the "
        "link sent to the old address no longer works." if relinked else "Saved."))


@router.post("/portal/organizations/{employer_id}/contacts/{contact_id}/resend")
async def resend(request: Request, employer_id: Id, contact_id: Id, user: CurrentUser,
                 session: SessionDep, gateway: ProcessesDep) -> Response:
    employer = await employer_for(session, user, employer_id)
    contact = await employers.contact_at(session, employer, contact_id)
    seen = str((await form_values(request)).get("round") or "")
    try:
        await employers.resend(session, gateway, user, contact, seen)
    except SentMeanwhile as meanwhile:
        return redirect(f"/portal/organizations/{employer_id}", notice=meanwhile.message)
    except CVMSError as error:
        return redirect(f"/portal/organizations/{employer_id}", notice=f"Not sent: {error.message}")
    return redirect(f"/portal/organizations/{employer_id}",
                    notice=f"A new validation link is emailed to {contact.full_name}.")


@router.post("/portal/organizations/{employer_id}/contacts/{contact_id}/deactivate",
             response_class=HTMLResponse)
async def deactivate_contact(request: Request, employer_id: Id, contact_id: Id,
                             user: CurrentUser, session: SessionDep) -> Response:
    """Asked first (the question, on the organization's page), then done."""
    employer = await employer_for(session, user, employer_id)
    contact = await employers.contact_at(session, employer, contact_id)
    confirmed = (await form_values(request)).get("confirm") == "yes"
    try:
        if not confirmed:
            contact_standing.not_yet_deactivated(contact)
            alone = not await contact_standing.others_active(session, contact)
            return await _record(request, session, user, employer_id, confirm=contact,
                                 alone=alone)
        left = await contact_standing.deactivate(session, user, employer, contact)
    except CVMSError as error:
        await rollback_keeping(session, user)
        return await _record(request, session, user, employer_id, error.status_code,
                             errors=error.problems())
    said = (f"{contact.full_name} is deactivated: they are signed out of the Organization "
            "Portal and can no longer log in." if contact.user_id is not None else
            f"{contact.full_name} is deactivated: their validation link no longer works.")
    if not left:
        said += (f" {employer.name} now has no active point of contact: add one below, so "
                 "that someone can confirm its details and upload its employees.")
    return redirect(f"/portal/organizations/{employer_id}", notice=said,
                    tone="warning" if not left else "success")


@router.post("/portal/organizations/{employer_id}/contacts/{contact_id}/reactivate",
             response_class=HTMLResponse)
async def reactivate_contact(request: Request, employer_id: Id, contact_id: Id,
                             user: CurrentUser, session: SessionDep,
                             gateway: ProcessesDep) -> Response:
    employer = await employer_for(session, user, employer_id)
    contact = await employers.contact_at(session, employer, contact_id)
    try:
        sent = await contact_standing.reactivate(session, gateway, user, employer, contact)
    except CVMSError as error:
        await rollback_keeping(session, user)
        return await _record(request, session, user, employer_id, error.status_code,
                             errors=error.problems())
    said = f"{contact.full_name} is active again"
    if contact.user_id is not None:
        said += " and can log in to the Organization Portal with the password they had."
    elif sent:
        said += (f" and is emailed a new validation link (48 hours) at {contact.email}; the "
                 "links sent before still do not work.")
    else:
        said += "."
    return redirect(f"/portal/organizations/{employer_id}", notice=said)


@router.get("/org-contact/validate/{token}", response_class=HTMLResponse)
async def validation_page(request: Request, token: str, session: SessionDep,
                          user: OptionalUser) -> HTMLResponse:
    try:
        _link, contact = await employers.link_and_contact(session, token)
    except CVMSError as error:
        problem = (error.errors or {}).get("link")  # no password chosen yet unless "used"
        return render(request, "employers/link_problem.html", {
            "message": error.message, "token": token, "problem": problem,
            "expired": problem == "expired"}, 410)
    if contact.user_id is None and await user_by_email(session, contact.email):
        # said before a password is typed (the validation refuses it after)
        return render(request, "employers/link_problem.html", {
            "message": TAKEN, "token": token, "problem": "taken"}, 409)
    return render(request, "employers/validate.html", {
        "token": token, "contact": contact, "someone_else": someone_else(user, contact.email)})


@router.post("/org-contact/validate/{token}", response_class=HTMLResponse)
async def validate(request: Request, token: str, session: SessionDep,
                   gateway: ProcessesDep, user: OptionalUser) -> Response:
    data, errors = parse(NewPassword, await form_values(request))
    try:
        if user is not None:  # sent from a browser logged in as someone else: not theirs
            _link, contact = await employers.link_and_contact(session, token)
            if other := someone_else(user, contact.email):
                return render(request, "employers/validate.html", {
                    "token": token, "contact": contact, "someone_else": other}, 403)
        if data:
            await employers.validate(session, gateway, token, data)
            return redirect("/login", notice="Your access is validated and your password "
                                             "saved. Log in with your email address.")
        _link, contact = await employers.link_and_contact(session, token)
    except CVMSError as error:
        return render(request, "employers/link_problem.html", {
            "message": error.message, "token": token,
            "problem": (error.errors or {}).get("link"),
            "expired": error.status_code == 410 and "expired" in error.message}, 410)
    return render(request, "employers/validate.html", {"token": token, "contact": contact,
                                                       "errors": errors}, 422)


@router.post("/org-contact/validate/{token}/new-link", response_class=HTMLResponse)
async def ask_new_link(request: Request, token: str, session: SessionDep,
                       gateway: ProcessesDep) -> Response:
    try:
        await employers.ask_new_link(session, gateway, token)
    except CVMSError as error:
        return render(request, "employers/link_problem.html", {
            "message": error.message, "token": token,
            "problem": (error.errors or {}).get("link")}, 409)
    return render(request, "employers/asked.html", {})


@router.get("/org-portal", response_class=HTMLResponse)
async def org_portal(request: Request, user: CurrentUser, session: SessionDep) -> HTMLResponse:
    return await _org_portal(request, session, user)


async def _org_portal(request: Request, session, user, status_code: int = 200,
                      errors: dict | None = None) -> HTMLResponse:
    employer, contact = await employers.own_employer(session, user)
    location = await session.get(Location, employer.location_id) if employer.location_id \
        else None
    # another point of contact of the organization may have confirmed them
    confirmer = await session.get(User, employer.confirmed_by) \
        if employer.confirmed_by not in (None, user.id) else None
    return render(request, "employers/org_portal.html", {
        "employer": employer, "contact": contact, "location": location,
        "confirmer": confirmer.full_name if confirmer else None,
        "details_key": employers.details_key(employer), "errors": errors or {}},
        status_code=status_code)


@router.post("/org-portal/confirm")
async def confirm(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    employer, _contact = await employers.own_employer(session, user)
    try:  # the details this page showed, not ones changed since
        employers.confirm(session, user, employer,
                          seen=str((await form_values(request)).get("seen") or ""))
    except CVMSError as error:
        return await _org_portal(request, session, user, error.status_code, error.problems())
    return redirect("/org-portal", notice="Thank you: your organization's details are confirmed.")
