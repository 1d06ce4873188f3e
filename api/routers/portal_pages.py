"""Provider portal pages: Home and the tabs, the location switch, Account Management, and the
set-password page of an invited contact."""

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from api.deps import CurrentUser, OptionalUser, ProcessesDep, SessionDep, rollback_keeping
from api.domain import portal_accounts, undelivered
from api.domain.scope import managed_location_ids
from api.forms import form_values, parse, validated_form
from api.pages import PageLinks, redirect, render, same_site_path, someone_else
from api.params import Id, form_id, page_number
from api.routing import Router
from core.errors import CVMSError, NotFound, SentMeanwhile
from models.enrollment import Location, UserLocation
from models.enums import Role
from models.portal_rules import PAGE_SIZE, PLACEHOLDERS, PROFILES, tabs_for
from models.portal_schemas import (
    ActiveLocationForm,
    LocationGrant,
    PeopleSearch,
    PortalContactEdit,
    PortalContactIn,
    PortalJoin,
)
from models.schemas import NewPassword

router = Router(include_in_schema=False)
PROFILE_OPTIONS = [(p.value, p.label) for p in PROFILES]


@router.get("/portal", response_class=HTMLResponse)
async def home(request: Request, user: CurrentUser, session: SessionDep) -> HTMLResponse:
    portal = request.state.portal
    location = await session.get(Location, portal.active.location_id)
    return render(request, "portal/home.html", {"location": location, "tab": "home",
                                                "profile": portal.profile,
                                                "coordinator": user.role == Role.COORDINATOR})


@router.get("/portal/tabs/{tab}", response_class=HTMLResponse)
async def placeholder(request: Request, tab: str, _user: CurrentUser) -> Response:
    """A tab of the profile: its page at the active location."""
    if tab not in PLACEHOLDERS or PLACEHOLDERS[tab] not in tabs_for(request.state.portal.profile):
        raise NotFound("There is no such tab for your profile.")
    return redirect(AT_ACTIVE_LOCATION[tab].format(request.state.portal.active.location_id))


# Tabs whose pages belong to the active location (point of care, inventory).
AT_ACTIVE_LOCATION = {"recipients": "/care/{}", "appointments": "/care/{}/appointments",
                      "reports": "/care/{}/reports",
                      # shipments arrive through the inventory's receipts and transfers
                      "shipments": "/inventory/{}#receive"}


@router.post("/portal/active-location")
async def switch(request: Request, user: CurrentUser, session: SessionDep) -> Response:
    body = validated_form(ActiveLocationForm, await form_values(request))
    await portal_accounts.switch(session, user, body.location_id, request.state.portal)
    shown = next(h.name for h in request.state.portal.holdings
                 if h.location_id == body.location_id)
    return redirect(same_site_path(body.next) if body.next else "/portal",
                    notice=f"You are now working at {shown}.")


async def _my_locations(session, user) -> list[tuple[str, str]]:
    ids = await managed_location_ids(session, user)
    rows = [await session.get(Location, i) for i in ids]
    return sorted(((str(loc.id), loc.name) for loc in rows), key=lambda pair: pair[1])


@router.get("/portal/accounts", response_class=HTMLResponse)
async def accounts(request: Request, user: CurrentUser, session: SessionDep) -> HTMLResponse:
    values = {k: v for k, v in request.query_params.items() if v}  # spaces are refused
    if "page" in values:  # mangled in the address: the first; past any listing: the last
        values["page"] = str(max(1, min(page_number(values["page"]), 10_000)))
    search, errors = parse(PeopleSearch, values)
    people, total = (await portal_accounts.search(session, user, search)
                     if search else ([], 0))
    if search and search.page > (last := max(1, -(-total // PAGE_SIZE))):
        search = search.model_copy(update={"page": last})  # past the end: the last page
        people, total = await portal_accounts.search(session, user, search)
    at = {p.id: await portal_accounts.profile_location(session, user, p) for p in people}
    page = search.page if search else 1
    return render(request, "portal/accounts.html", {
        "tab": "accounts", "people": people, "total": total, "page": page,
        "standing": portal_accounts.standing, "at": at,
        "listing": {"page": page, "pages": max(1, -(-total // PAGE_SIZE))},
        "values": values, "errors": errors,
        "links": PageLinks(**{k: v for k, v in values.items() if k != "page"})},
        status_code=422 if errors else 200)


@router.get("/portal/accounts/new", response_class=HTMLResponse)
async def new_account(request: Request, user: CurrentUser, session: SessionDep) -> HTMLResponse:
    return render(request, "portal/account_new.html", {
        "tab": "accounts", "locations": await _my_locations(session, user),
        "profiles": PROFILE_OPTIONS,
        "values": {"location_id": str(request.state.portal.active.location_id)}})


@router.post("/portal/accounts/new", response_class=HTMLResponse)
async def add_account(request: Request, user: CurrentUser, session: SessionDep,
                      gateway: ProcessesDep) -> Response:
    values = await form_values(request)
    try:
        if values.get("join") == "yes":  # the address is someone's of the organization
            data = validated_form(PortalJoin, values)
            person = await portal_accounts.join(session, user, data)
            moved = await portal_accounts.acting_at(session, user, data.location_id,
                                                    request.state.portal)
            return redirect(f"/portal/accounts/{person.id}", notice=await _added(
                session, person, data.location_id) + moved)
        data = validated_form(PortalContactIn, values)
        person = await portal_accounts.create(session, gateway, user, data)
        moved = await portal_accounts.acting_at(session, user, data.location_id,
                                                request.state.portal)
        return redirect(f"/portal/accounts/{person.id}",
                        notice=f"{person.full_name} is added and emailed an invitation.{moved}")
    except CVMSError as error:
        await rollback_keeping(session, user)
        taken = isinstance(error, portal_accounts.AddressTaken | portal_accounts.InYourOrganization
                           | portal_accounts.AccountElsewhere)
        errors = {**error.problems(), "email": f"{error.said}."} if taken else error.problems()
        return render(request, "portal/account_new.html", {
            "tab": "accounts", "locations": await _my_locations(session, user),
            "profiles": PROFILE_OPTIONS, "values": values, "errors": errors,
            "existing": error if taken else None}, status_code=error.status_code)


async def _record(request, session, user, user_id: int, status_code: int = 200, **extra):
    person = await portal_accounts.contact_for(session, user, user_id)
    held = await portal_accounts.relations(session, person.id)
    mine = set(await managed_location_ids(session, user))
    direct = next((r for r, _ in held if r.direct), None)
    refusal = await portal_accounts.identity_refusal(session, user, person)
    identity = refusal is None
    ends = await portal_accounts.holds_all(session, user, person)  # (de)activating
    offered = [(i, n) for i, n in await _my_locations(session, user)
               if int(i) not in {r.location_id for r, _ in held}]
    values = {"first_name": person.first_name, "last_name": person.last_name,
              "email": person.email, "username": person.username, "title": person.title,
              "phone": person.phone}
    may_deactivate = ends and person.id != user.id and person.status.value == "active"
    kept_active = may_deactivate and await portal_accounts.deactivation_refusal(
        session, user, person)  # said in place of a button every press of would refuse
    if not ends and direct is not None and direct.location_id in mine and \
            person.id != user.id and person.status.value == "active":
        kept_active = await portal_accounts.held_beyond_refusal(session, user, person)
    at = await portal_accounts.profile_location(session, user, person)
    if at is not None:
        values |= {"profile": at[0].profile.value if at[0].profile else None,
                   "location_id": str(at[1].id)}
    return render(request, "portal/account.html", {
        "tab": "accounts", "person": person, "held": held, "mine": mine, "offered": offered,
        "profiles": PROFILE_OPTIONS, "values": values, "identity": identity,
        "identity_refusal": refusal,
        "profile_at": at[1] if at else None,
        "acting_location_id": direct.location_id if direct is not None
        and direct.location_id in mine else None,
        "seen": portal_accounts.record_key(person, at[0].profile if at else None),
        "standing": portal_accounts.standing(person),
        "bounced": await undelivered.portal_invitation(session, person)
        if portal_accounts.invited(person) else None,
        "may_invite": (may_invite := direct is not None and direct.location_id in mine
                       and portal_accounts.invited(person)),
        "invitations_sent": await portal_accounts.invitations_sent(session, person.id)
        if may_invite else 0,
        "direct_name": next((loc.name for r, loc in held if r.direct), None),
        "may_deactivate": may_deactivate and not kept_active,
        "kept_active": kept_active,
        "may_reactivate": ends and person.status.value != "active", **extra},
        status_code=status_code)


@router.get("/portal/accounts/{user_id}", response_class=HTMLResponse)
async def account(request: Request, user_id: Id, user: CurrentUser,
                  session: SessionDep) -> HTMLResponse:
    return await _record(request, session, user, user_id)


# a record's forms that name a location (the last three: the person's direct location)
LOCATION_FORMS = ("edit", "locations", "remove", "invite", "deactivate", "reactivate")


@router.post("/portal/accounts/{user_id}/{action}", response_class=HTMLResponse)
async def account_action(request: Request, user_id: Id, action: str, user: CurrentUser,
                         session: SessionDep, gateway: ProcessesDep) -> Response:
    values = await form_values(request)
    target = await portal_accounts.contact_for(session, user, user_id)
    if action == "deactivate" and values.get("confirm") != "yes":  # asked first
        return await _record(request, session, user, user_id, confirm_deactivate=True)
    try:
        notice = await _act(session, user, target, action, values, gateway)
        if action in LOCATION_FORMS:  # switched to another location in another tab since
            notice += await portal_accounts.acting_at(
                session, user, form_id(values, "location_id"), request.state.portal)
        if action == "edit" and target.id == user.id and (
                user.active_location_id not in await managed_location_ids(session, user)):
            # their own record is no longer theirs to open: Account Management is a manager's
            return redirect("/portal", notice=await _no_longer_managing(session, user))
    except CVMSError as error:
        await rollback_keeping(session, user)
        typed = {"values": values} if action == "edit" else {}  # the edit form keeps them
        return await _record(request, session, user, user_id, error.status_code,
                             errors=error.problems(), form=action,
                             **typed)
    return redirect(f"/portal/accounts/{user_id}", notice=notice)


async def _added(session, person, location_id: int) -> str:
    location = await session.get(Location, location_id)
    return (f"{location.name} is added to {person.full_name}'s account: they can switch to it "
            "from their next page, with the login they have.")


async def _no_longer_managing(session, user) -> str:
    location = await session.get(Location, user.active_location_id)
    row = await session.get(UserLocation, (user.id, user.active_location_id))
    return (f"Saved. You are now {row.profile.label} at {location.name}, so Account "
            "Management is no longer yours there: only a Location Manager can change your "
            "profile back.")


async def _act(session, user, target, action: str, values, gateway) -> str:
    if action == "edit":
        invited = portal_accounts.invited(target)
        before = target.email
        data = validated_form(PortalContactEdit, values)
        at = await portal_accounts.profile_location(session, user, target, data.location_id)
        profile_before = at[0].profile if at else None
        portal_accounts.not_changed_since(target, profile_before,
                                          str(values.get("seen") or ""), data)
        await portal_accounts.edit(session, user, target, data, gateway)
        if invited and target.email != before:
            return (f"Saved. The invitation link sent to {before} no longer works, and nothing "
                    f"was sent to {target.email}: choose \"Send the invitation again\" so "
                    "they can choose a password.")
        if target.email != before:  # SPEC 5: a changed email gets no automatic email
            return (f"Saved. {target.full_name}'s email address is now {target.email}; "
                    f"nothing was emailed to {target.email} or to {before}: tell them "
                    "yourself. Their password is unchanged.")
        if at is not None and data.profile is not None and data.profile != profile_before:
            return (f"Saved. {target.full_name} works at {at[1].name} as "
                    f"{data.profile.label} from their next page.")
        return "Saved."
    if action == "invite":
        try:
            await portal_accounts.invite_again(session, gateway, user, target,
                                               str(values.get("sent") or ""))
        except SentMeanwhile as meanwhile:
            return meanwhile.message
        return f"A new invitation is on its way to {target.email}. The link sent before no " \
               "longer works."
    if action == "locations":
        data = validated_form(LocationGrant, values)
        await portal_accounts.grant(session, user, target, data)
        return await _added(session, target, data.location_id)
    if action == "remove":
        location_id = form_id(values, "location_id") or 0
        await portal_accounts.remove(session, user, target, location_id)
        place = await session.get(Location, location_id)  # theirs to remove: checked above
        return f"{target.full_name} no longer works at {place.name}: from their next page."
    if action == "deactivate":
        await portal_accounts.deactivate(session, user, target)
        return f"{target.full_name} is deactivated and signed out."
    if action == "reactivate":
        await portal_accounts.reactivate(session, user, target)
        return (f"{target.full_name} is active again and can log in with their password.")
    raise NotFound("That is not an action on an account.")


@router.get("/account/invitation/{token}", response_class=HTMLResponse)
async def invitation(request: Request, token: str, session: SessionDep,
                     user: OptionalUser) -> HTMLResponse:
    return await _invitation_page(request, session, token, user=user)


async def _invitation_page(request: Request, session, token: str, errors: dict | None = None,
                           status_code: int = 200, user=None) -> HTMLResponse:
    """The set-password form, naming the person's username and location (also when a password
    was refused), or why the link cannot be used; opened where someone else is logged in,
    who that is and a log out first, in place of the form."""
    try:
        _link, person = await portal_accounts.usable_invitation(session, token)
    except CVMSError as error:
        return render(request, "auth/link_problem.html", {"message": error.message}, 410)
    direct = await portal_accounts.direct_relation(session, person)
    other = someone_else(user, person.email)
    return render(request, "portal/set_password.html", {
        "token": token, "username": person.username, "errors": errors or {},
        "email": person.email, "someone_else": other,
        "location_name": direct[1].name if direct else None},
        status_code)


@router.post("/account/invitation/{token}", response_class=HTMLResponse)
async def set_password(request: Request, token: str, session: SessionDep,
                       user: OptionalUser) -> Response:
    data, errors = parse(NewPassword, await form_values(request))
    if user is not None:  # sent from a browser logged in as someone else: not theirs to use
        try:
            _link, person = await portal_accounts.usable_invitation(session, token)
        except CVMSError as error:
            return render(request, "auth/link_problem.html", {"message": error.message}, 410)
        if someone_else(user, person.email):
            return await _invitation_page(request, session, token, {}, 403, user=user)
    if data:
        try:
            await portal_accounts.set_password(session, token, data)
        except CVMSError as error:
            return render(request, "auth/link_problem.html", {"message": error.message}, 410)
        return redirect("/login", notice="Your password is saved. Log in with your username "
                                         "or email address.")
    return await _invitation_page(request, session, token, errors, 422)
