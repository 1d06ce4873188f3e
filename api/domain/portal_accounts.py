"""Account management by Location Managers: portal contacts, their locations, deactivation,
and the set-password link an invited contact is emailed."""

from urllib.parse import urlencode

from sqlalchemy import delete, func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.accounts import claimed, user_by_email
from api.domain.scope import managed_location_ids
from api.domain.text_search import contains_plain
from api.processes import Gateway
from api.processes import portal as portal_process
from api.sessions import end_all_sessions
from core.db import one_at_a_time
from core.errors import Conflict, Forbidden, Gone, Invalid, NotFound, SentMeanwhile
from core.security import hash_password_async
from core.wording import fingerprint
from models.accounts import AccessLink, User
from models.enrollment import Location, UserLocation
from models.enums import AccountStatus, Role
from models.links import (
    PORTAL_INVITE_PURPOSE,
    PROBLEMS,
    find_link,
    link_problem,
    readdressed,
)
from models.portal_rules import MANAGER, PAGE_SIZE, PROFILES
from models.portal_schemas import (
    LocationGrant,
    PeopleSearch,
    PortalContactEdit,
    PortalContactIn,
    PortalJoin,
)
from models.schemas import NewPassword

NOT_YOURS = "You can grant only locations you manage yourself."
NOT_YOURS_TO_REMOVE = "You can remove only locations you manage yourself."
NO_CONTACT = "We could not find that person among the staff of your locations."
DEACTIVATED_LINK = ("This account was deactivated by a Location Manager, so no password can be "
                    "chosen with this link. If you should have access, ask the Location Manager "
                    "of your location to reactivate it; the link then works again until it "
                    "expires.")
CHOSEN_ANOTHER_WAY = ("A password is already chosen for this account (with \"Forgot your "
                      "password?\"), so this invitation link no longer works. Log in with that "
                      "password; if it is forgotten, use \"Forgot your password?\" on the "
                      "login page.")


async def _people_query(session: AsyncSession, manager: User, search: PeopleSearch):
    managed = await managed_location_ids(session, manager)
    ids = select(UserLocation.user_id).where(UserLocation.location_id.in_(managed),
                                             UserLocation.profile.is_not(None))
    query = select(User).where(User.id.in_(ids))
    if search.name:  # either order: "Ana Núñez", "Núñez Ana", "Núñez, Ana"
        name = " ".join(search.name.replace(",", " ").split())
        query = query.where(contains_plain(name, User.first_name + " " + User.last_name,
                                           User.last_name + " " + User.first_name))
    if search.username:
        query = query.where(contains_plain(search.username, User.username))
    return query


async def search(session: AsyncSession, manager: User,
                 data: PeopleSearch) -> tuple[list[User], int]:
    """Staff of the manager's locations, by name or by username, a page at a time."""
    query = await _people_query(session, manager, data)
    total = (await session.exec(select(func.count()).select_from(query.subquery()))).one()
    rows = await session.exec(query.order_by(User.last_name, User.first_name, User.id)
                              .offset((data.page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return list(rows.all()), int(total)


async def relations(session: AsyncSession, user_id: int) -> list[tuple[UserLocation, Location]]:
    rows = await session.exec(select(UserLocation, Location).join(
        Location, Location.id == UserLocation.location_id).where(
        UserLocation.user_id == user_id, UserLocation.profile.is_not(None))
        .order_by(UserLocation.direct.desc(), Location.name))
    return list(rows.all())


async def _must_manage(session: AsyncSession, manager: User, location_id: int,
                       message: str = NOT_YOURS) -> None:
    if location_id not in await managed_location_ids(session, manager):
        raise Forbidden(message, field="location_id")


async def _username_free(session: AsyncSession, username: str, user_id: int | None) -> None:
    taken = (await session.exec(select(User).where(
        func.lower(User.username) == username.lower()))).first()
    if taken is not None and taken.id != user_id:
        raise Conflict("This username is taken. Check the person has no account yet, or "
                       "choose another.", field="username")


async def _keeps_a_manager(session: AsyncSession, actor: User, target: User,
                           location_ids: list[int], field: str, hold: bool = True) -> None:
    """Refuse taking the last active Location Manager away from a location: only a manager
    there can name another one, so nobody (the state included) could restore it. `hold`
    (a change, not a page saying what it would do): the location's turn is taken first, so
    two managers demoting each other at once are counted one after the other, not both
    against the other still a manager (the location left with none)."""
    for location_id in sorted(location_ids):  # one order: two holds never wait on each other
        if hold:
            await one_at_a_time(session, Location, location_id)
        others = (await session.exec(select(func.count()).select_from(UserLocation).join(
            User, User.id == UserLocation.user_id).where(
            UserLocation.location_id == location_id, UserLocation.profile == MANAGER,
            UserLocation.user_id != target.id, User.status == AccountStatus.ACTIVE))).one()
        if not others:
            name = (await session.get(Location, location_id)).name
            who = "You are" if actor.id == target.id else f"{target.full_name} is"
            raise Conflict(f"{who} the only Healthcare Location Manager of "
                           f"{name}. Make someone else a Location Manager there first, then "
                           "try again.", field=field)


def _must_be_active(target: User) -> None:
    """A deactivated account changes only by being reactivated."""
    if target.status != AccountStatus.ACTIVE:
        raise Conflict(f"{target.full_name}'s account is deactivated. Reactivate it first (on "
                       "their record), then change it.")


async def _in_scope(session: AsyncSession, manager: User, user_id: int) -> bool:
    managed = await managed_location_ids(session, manager)
    return (await session.exec(select(UserLocation).where(
        UserLocation.user_id == user_id, UserLocation.location_id.in_(managed),
        UserLocation.profile.is_not(None)))).first() is not None


class AddressTaken(Conflict):
    """The address is someone's of the manager's locations: the API's message ends with their
    record's path; a page says the same without it and links the record (`person_id`, named
    `person_name`: plain values, the row is gone with the rollback)."""

    joinable = False

    def __init__(self, said: str, person: User) -> None:
        super().__init__(f"{said}: /portal/accounts/{person.id}", field="email")
        self.person_id, self.person_name, self.said = person.id, person.full_name, said


class AccountElsewhere(Conflict):
    """The address is an account the manager may not see or change (another organization's
    person, or no portal contact): the way forward is a User onboarding case, in which the help
    desk adds the manager's location to that account (`case_link`: the form, filled in)."""

    joinable = False

    def __init__(self, location_id: int, email: str) -> None:
        self.said = ("This email address cannot be used for a new account. If the person "
                     "already has a CVMS account, open a User onboarding case with the help "
                     "desk naming this address and your location: the help desk adds your "
                     "location to their account")
        super().__init__(f"{self.said}.", field="email")
        self.case_link = "/help/cases/new?" + urlencode({  # the address typed, not retyped
            "category": "user_onboarding", "location_id": location_id,
            "subject": "Add my location to someone's existing CVMS account",
            "description": f"Please add my location to the CVMS account of {email}: they "
                           "should keep one login for both."})


class InYourOrganization(Conflict):
    """The address is the account of someone at another location of the manager's own
    organization: the way forward is adding the manager's location to that account (one login
    for both), at one press on the page (`join`). Who they are is not said until then."""

    joinable = True

    def __init__(self, location_name: str) -> None:
        self.said = (f"This address is the CVMS account of someone who works at another "
                     f"location of your organization. Add {location_name} to their account "
                     "instead, so they keep one login for both")
        super().__init__(f"{self.said}: POST /api/v1/portal/users/join", field="email")


async def _in_organization(session: AsyncSession, location_id: int, person: User) -> bool:
    """The person works at a location of the organization of `location_id` (one the manager
    manages): its staff may work at several of its locations, each added by a manager of that
    location."""
    organization = select(Location.organization_id).where(Location.id == location_id)
    return (await session.exec(select(UserLocation.location_id).join(
        Location, Location.id == UserLocation.location_id).where(
        UserLocation.user_id == person.id, UserLocation.profile.is_not(None),
        Location.organization_id.in_(organization)))).first() is not None


async def join(session: AsyncSession, manager: User, data: PortalJoin) -> User:
    """Add one of the manager's locations to the account of someone who works at another
    location of the organization, found by their email address (as adding them would)."""
    await _must_manage(session, manager, data.location_id)
    person = await user_by_email(session, data.email)
    if person is None or person.status != AccountStatus.ACTIVE or \
            not await _in_organization(session, data.location_id, person):
        raise NotFound("Nobody of your organization's locations has an active account with "
                       "this email address. Add the person as a new portal contact instead.",
                       field="email")
    await grant(session, manager, person, LocationGrant(location_id=data.location_id,
                                                        profile=data.profile))
    return person


async def _address_taken(session: AsyncSession, manager: User, existing: User,
                         location_id: int) -> Conflict:
    """Someone of the manager's locations is named, with their record; someone of another
    location of the manager's organization is offered the location (unnamed); anyone else is
    not (nothing about an account elsewhere is said), with the way forward."""
    if not await _in_scope(session, manager, existing.id):
        if existing.status == AccountStatus.ACTIVE and await _in_organization(
                session, location_id, existing):
            return InYourOrganization((await session.get(Location, location_id)).name)
        return AccountElsewhere(location_id, existing.email)
    if existing.status != AccountStatus.ACTIVE:
        return AddressTaken(f"{existing.full_name} has a deactivated account with this email "
                            "address. Open their record to reactivate it", existing)
    return AddressTaken(f"{existing.full_name} already has an account with this email address "
                        "at your locations. Open their record to change it", existing)


async def create(session: AsyncSession, gateway: Gateway, manager: User,
                 data: PortalContactIn) -> User:
    """The contact record and its invitation email: both, or neither."""
    await _must_manage(session, manager, data.location_id)
    await one_at_a_time(session, Location, data.location_id)  # sent twice: the second is told
    existing = await user_by_email(session, data.email)
    if existing:
        raise await _address_taken(session, manager, existing, data.location_id)
    await _username_free(session, data.username, None)
    user = User(email=data.email.lower(), username=data.username, first_name=data.first_name,
                last_name=data.last_name, title=data.title, phone=data.phone, role=data.profile,
                active_location_id=data.location_id)
    session.add(user)
    await session.flush()
    session.add(UserLocation(user_id=user.id, location_id=data.location_id,
                             profile=data.profile, direct=True, granted_by=manager.id))
    await portal_process.invite(gateway, session, user.id, manager.id, data.location_id)
    return user


async def contact_for(session: AsyncSession, manager: User, user_id: int) -> User:
    """A person who works at one of the manager's locations."""
    user = await session.get(User, user_id) if await _in_scope(session, manager, user_id) else None
    if user is None:
        raise NotFound(NO_CONTACT)
    return user


async def direct_relation(session: AsyncSession, target: User) -> tuple[UserLocation,
                                                                         Location] | None:
    return next(((r, loc) for r, loc in await relations(session, target.id) if r.direct), None)


async def manages_direct(session: AsyncSession, manager: User, target: User) -> bool:
    """The manager holds the person's direct location: who the person is (name, email,
    username, title, phone) and whether they may log in are theirs to change."""
    direct = await direct_relation(session, target)
    return direct is not None and direct[0].location_id in await managed_location_ids(
        session, manager)


async def _held_beyond(session: AsyncSession, manager: User, target: User) -> list[str]:
    """The locations the person works at that the manager does not manage (by name)."""
    managed = await managed_location_ids(session, manager)
    return [location.name for _row, location in await relations(session, target.id)
            if location.id not in managed]


def _beyond_you(target: User, beyond: list[str], consequence: str, who_does: str) -> str:
    return (f"{target.full_name} also works at {', '.join(beyond)}, which you do not manage: "
            f"{consequence}. A Location Manager of every location they work at, or the help "
            f"desk, {who_does}.")


async def holds_all(session: AsyncSession, manager: User, target: User) -> bool:
    """The manager holds the person's direct location and every other one they work at: who
    may deactivate or reactivate them (and change who they are, but for the primary
    coordinator)."""
    return (await manages_direct(session, manager, target)
            and not await _held_beyond(session, manager, target))


async def identity_refusal(session: AsyncSession, manager: User, target: User) -> str | None:
    """Why the manager may not change who the person is (name, email, username, title,
    phone), or None when they may. Who a person is (their email: where their password is
    reset) is not changed by someone who would gain by it: a person who also works where the
    manager does not, or the enrollment's coordinator of record, changes it through whoever
    holds all of it."""
    if target.id == manager.id:
        return None
    if not await manages_direct(session, manager, target):
        direct = await direct_relation(session, target)
        where = direct[1].name if direct else "their direct location"
        return (f"Only a Location Manager of this person's direct location ({where}) can "
                "change their name, email address, username, title or phone. You can change "
                "their profile at your location.")
    if beyond := await _held_beyond(session, manager, target):
        return _beyond_you(target, beyond, "their name, email address, username, title and "
                           "phone are used there too", "changes them")
    primary = (await session.exec(select(Location.name).where(
        Location.coordinator_user_id == target.id))).first()
    if primary is not None or target.role not in PROFILES:
        return (f"{target.full_name} is the primary vaccine coordinator of "
                f"{primary or 'a location'}: their name, email address, username, title and "
                "phone are changed through the enrollment, by the Organization "
                "Administrator, or by the help desk.")
    return None


async def _may_change_identity(session: AsyncSession, manager: User, target: User,
                               changes: dict) -> None:
    changed = [name for name, value in changes.items() if (
        (value or "").lower() != (target.email or "").lower() if name == "email"
        else value != getattr(target, name))]
    if changed and (message := await identity_refusal(session, manager, target)):
        raise Forbidden(message, errors=dict.fromkeys(changed, message))


RECORD_FIELDS = ("first_name", "last_name", "email", "username", "title", "phone")


def record_key(person: User, profile: Role | None) -> str:
    """A fingerprint of a person's record as their page shows it (and the profile there): the
    page's form carries it, so a form from an older tab is not saved over a newer change."""
    shown = [str(getattr(person, name) or "") for name in RECORD_FIELDS]
    shown[2] = shown[2].lower()
    return fingerprint([*shown, profile])


def not_changed_since(target: User, profile: Role | None, seen: str,
                      data: PortalContactEdit) -> None:
    """The record's form sent from a page showing older values (another tab, another manager
    saved since) would put them back unseen: refused, unless it saves what is there now.
    `seen` empty (the API, an old form): not checked."""
    now = record_key(target, profile)
    if not seen or seen == now:
        return
    sent = User(**{name: getattr(data, name) if name in data.model_fields_set
                   else getattr(target, name) for name in RECORD_FIELDS})
    if record_key(sent, data.profile or profile) != now:
        reads = "; ".join(str(part) for part in (
            target.full_name, target.email, target.username and f"username {target.username}",
            target.title and f"title {target.title}", target.phone and f"phone {target.phone}",
            profile and profile.label) if part)
        raise Conflict(f"{target.full_name}'s record was changed since you opened this page (in "
                       f"another tab, or by another manager), so your changes were not saved. "
                       f"It now reads: {reads}. Your changes are still in the form below: "
                       "check them and save again.", field="form")


def invited(user: User) -> bool:
    """Added and emailed an invitation, no password chosen yet."""
    return user.status == AccountStatus.ACTIVE and not user.password_hash


def standing(user: User) -> str:
    """How the accounts list and record name a person's account."""
    if user.status != AccountStatus.ACTIVE:
        return "Deactivated"
    return "Invited" if invited(user) else "Active"


async def _invite_round(session: AsyncSession, gateway: Gateway, manager: User,
                        target: User) -> None:
    """A new invitation to the person's address of now, from their direct location; its link
    replaces the ones before (a link sent to an old address already answers as replaced)."""
    sent = await invitations_sent(session, target.id)
    direct = await direct_relation(session, target)
    location_id = direct[0].location_id if direct else target.active_location_id
    # a click repeated before the last round's link is written joins that round
    await portal_process.invite(gateway, session, target.id, manager.id, location_id,
                                int(sent) + 1, target.email)


async def invitations_sent(session: AsyncSession, user_id: int) -> int:
    """How many invitation links were written for the person: the record's page sends it with
    its 'Send the invitation again', so a press from a tab opened before the last one sends
    nothing more."""
    return int((await session.exec(select(func.count()).select_from(AccessLink).where(
        AccessLink.purpose == PORTAL_INVITE_PURPOSE, AccessLink.subject_id == user_id))).one())


async def invite_again(session: AsyncSession, gateway: Gateway, manager: User,
                       target: User, seen: str = "") -> User:
    """Send a person who has not chosen a password yet a new invitation (a lost or expired
    email); by a manager of their direct location, as their address is. `seen`: how many
    the page pressed knew of (refused when more were sent since: two tabs, two managers)."""
    _must_be_active(target)
    if target.password_hash:
        raise Conflict(f"{target.full_name} already chose a password. If it is forgotten, "
                       "they can use \"Forgot your password?\" on the login page.")
    if not await manages_direct(session, manager, target):
        direct = await direct_relation(session, target)
        raise Forbidden("Only a Location Manager of this person's direct location "
                        f"({direct[1].name if direct else 'not known'}) can invite them again.")
    if seen.isdigit() and await invitations_sent(session, target.id) > int(seen):
        raise SentMeanwhile(f"A new invitation was already emailed to {target.email} after "
                            "this page was opened (from another tab, or by another manager): "
                            "nothing was sent again. Only the newest link works; to send "
                            "another, choose \"Send the invitation again\" below.")
    await _invite_round(session, gateway, manager, target)
    return target


async def profile_location(session: AsyncSession, manager: User, target: User,
                           location_id: int | None = None) -> tuple[UserLocation, Location] | None:
    """The location whose profile the manager sees and changes on the person's record: the one
    asked for, else the manager's active location, else the person's direct location, else
    the first of the manager's locations the person works at (None: none is the manager's)."""
    managed = await managed_location_ids(session, manager)
    held = [(r, loc) for r, loc in await relations(session, target.id)
            if r.location_id in managed]
    if location_id is not None:
        found = next(((r, loc) for r, loc in held if r.location_id == location_id), None)
        if found is None:
            raise NotFound("This person does not work at that location of yours.",
                           field="location_id")
        return found
    return next((pair for pair in held if pair[0].location_id == manager.active_location_id),
                next((pair for pair in held if pair[0].direct), held[0] if held else None))


async def _primary_coordinator(session: AsyncSession, target: User,
                               location_ids: list[int], field: str) -> None:
    """The enrollment's coordinator of record stays a Location Manager of their location: a
    manager added later may neither demote nor deactivate them."""
    for location_id in location_ids:
        location = await session.get(Location, location_id)
        if location.coordinator_user_id == target.id:
            raise Conflict(f"{target.full_name} is the primary vaccine coordinator of "
                           f"{location.name} (the coordinator of record of its enrollment), so "
                           "stays its Location Manager. The primary coordinator is changed "
                           "through the enrollment, by the Organization Administrator, or by "
                           "the help desk.", field=field)


async def edit(session: AsyncSession, manager: User, target: User, data: PortalContactEdit,
               gateway: Gateway) -> User:
    """The new profile holds at the person's next request (it is read on every request). A
    changed email sends nothing (SPEC: no automatic email); for a person still invited the
    link sent to the old address dies at once (it is bound to that address), and "Send the
    invitation again" (`invite_again`) sends one to the corrected address."""
    changes = {name: value for name, value in data.model_dump(
        exclude_unset=True, exclude={"profile", "location_id"}).items()
        if value is not None or name in ("title", "phone")}  # a blank name is not a change
    _must_be_active(target)
    if "username" in data.model_fields_set and data.username is None and target.username:
        raise Invalid("This field is required: the person logs in with it.", field="username")
    await _may_change_identity(session, manager, target, changes)
    if data.username:
        await _username_free(session, data.username, target.id)
    if data.email and data.email.lower() != target.email.lower():
        if await user_by_email(session, data.email):
            raise Conflict("Another account uses this email address.", field="email")
        changes["email"] = data.email.lower()  # no email is sent to the new address
    elif data.email:
        changes.pop("email", None)  # the same address (in other letters' case): no change
    for name, value in changes.items():
        setattr(target, name, value)
    at = await profile_location(session, manager, target, data.location_id)
    if data.profile is not None and at is not None:
        row = at[0]
        if data.profile != MANAGER and row.profile == MANAGER:
            await _keeps_a_manager(session, manager, target, [row.location_id], "profile")
            await _primary_coordinator(session, target, [row.location_id], "profile")
        row.profile = data.profile
        session.add(row)
        if row.direct and target.role in PROFILES:
            target.role = data.profile
    session.add(target)
    return target


async def grant(session: AsyncSession, manager: User, target: User, data: LocationGrant) -> None:
    _must_be_active(target)
    await _must_manage(session, manager, data.location_id)
    held = await relations(session, target.id)
    profile = data.profile or next((r.profile for r, _ in held if r.direct),
                                   target.role if target.role in PROFILES else Role.PROVIDER)
    row = await session.get(UserLocation, (target.id, data.location_id))
    if row is not None and row.profile is not None:
        raise Conflict("This person already works at that location.", field="location_id")
    row = row or UserLocation(user_id=target.id, location_id=data.location_id)
    row.profile, row.granted_by = profile, manager.id
    row.direct = not any(r.direct for r, _ in held)
    session.add(row)


async def remove(session: AsyncSession, manager: User, target: User, location_id: int) -> None:
    """The person loses the location at their next request."""
    _must_be_active(target)
    await _must_manage(session, manager, location_id, NOT_YOURS_TO_REMOVE)
    row = await session.get(UserLocation, (target.id, location_id))
    if row is None or row.profile is None:
        raise NotFound("This person does not work at that location.", field="location_id")
    if row.direct:
        raise Conflict("This is the person's direct location: deactivate the account "
                       "instead.", field="location_id")
    if row.profile == MANAGER:
        await _keeps_a_manager(session, manager, target, [location_id], "location_id")
        await _primary_coordinator(session, target, [location_id], "location_id")
    location = await session.get(Location, location_id)
    if location.coordinator_user_id == target.id:
        row.profile = None  # the coordinator keeps Section B, not the portal
        session.add(row)
    else:
        await session.exec(delete(UserLocation).where(UserLocation.user_id == target.id,
                                                      UserLocation.location_id == location_id))


async def deactivation_refusal(session: AsyncSession, manager: User, target: User,
                               hold: bool = False) -> str | None:
    """Why the person is not deactivated even by a manager of all they hold (their record
    says it in place of the button), or None: the last Location Manager of a location, or
    the enrollment's coordinator of record. `hold`: asked by the deactivation itself."""
    managing = [r.location_id for r, _ in await relations(session, target.id)
                if r.profile == MANAGER]
    try:
        await _keeps_a_manager(session, manager, target, managing, "form", hold)
    except Conflict as refused:
        return refused.message
    primary = (await session.exec(select(Location.name).where(
        Location.coordinator_user_id == target.id, Location.id.in_(managing)))).first()
    if primary is not None:
        return (f"{target.full_name} is the primary vaccine coordinator of {primary} (the "
                "coordinator of record of its enrollment), so their account stays active. The "
                "primary coordinator is changed through the enrollment, by the Organization "
                "Administrator, or by the help desk.")
    return None


async def held_beyond_refusal(session: AsyncSession, manager: User, target: User) -> str | None:
    """Why a manager of the person's direct location does not deactivate them: they also work
    where the manager does not (their record says it in place of the button), or None."""
    if beyond := await _held_beyond(session, manager, target):
        return _beyond_you(target, beyond, "deactivating them would end their work there too",
                           "deactivates them")
    return None


async def deactivate(session: AsyncSession, manager: User, target: User) -> None:
    """Only for a person whose direct location is one the manager holds; their open sessions
    end at once."""
    if target.id == manager.id:
        raise Conflict("You cannot deactivate your own account.")
    if target.status != AccountStatus.ACTIVE:
        raise Conflict(f"{target.full_name}'s account is already deactivated. Reactivate it "
                       "to let them log in again.")
    if not await manages_direct(session, manager, target):
        raise Forbidden("You can deactivate only people whose direct location is one you "
                        "manage.")
    if refusal := await deactivation_refusal(session, manager, target, hold=True):
        raise Conflict(refusal, field="form")
    if beyond := await held_beyond_refusal(session, manager, target):
        raise Forbidden(beyond)
    target.status = AccountStatus.DEACTIVATED
    session.add(target)
    await end_all_sessions(session, target.id)


async def reactivate(session: AsyncSession, manager: User, target: User) -> User:
    """Undoes a deactivation, by the same managers (of the person's direct location): they can
    log in again with the password they had."""
    if target.status == AccountStatus.ACTIVE:
        raise Conflict(f"{target.full_name}'s account is active already.")
    if not await manages_direct(session, manager, target):
        raise Forbidden("You can reactivate only people whose direct location is one you "
                        "manage.")
    if beyond := await _held_beyond(session, manager, target):
        raise Forbidden(_beyond_you(target, beyond, "reactivating them would give them their "
                                    "work there back", "reactivates them"))
    target.status = AccountStatus.ACTIVE
    session.add(target)
    return target


async def switch(session: AsyncSession, user: User, location_id: int, portal) -> None:
    if portal.profile_at(location_id) is None:
        raise NotFound("You do not work at that location.", field="location_id")
    user.active_location_id = location_id
    session.add(user)


async def acting_at(session: AsyncSession, user: User, location_id: int | None, portal) -> str:
    """A page form saved for a location other than the active one (switched to another in
    another tab since): the person works at the form's location again, so the record the save
    opens is theirs to see; the words telling them so ("" when nothing moved). Read after the
    save: one they removed from themselves just now is not theirs to work at. A manager of
    the location they work at stays there: the form's location need not be the page's (a new
    contact's chosen location, one given or taken on a record, the person's direct one)."""
    if location_id is None or portal.active is None or portal.active.location_id == location_id \
            or portal.active.profile == MANAGER:
        return ""
    held = await session.get(UserLocation, (user.id, location_id))
    if held is None or held.profile is None:
        return ""
    await switch(session, user, location_id, portal)
    name = next(h.name for h in portal.holdings if h.location_id == location_id)
    return (f" You are working at {name} again: you had switched to {portal.active.name} in "
            "another tab.")


async def left_location(session: AsyncSession, user: User, portal) -> str | None:
    """A person whose active location was taken from them works at their first location left
    (their direct one) from their next page: the active location is moved there, and the words
    telling them so, once, are returned."""
    active = portal.active
    if user.active_location_id is None or active is None or \
            active.location_id == user.active_location_id:
        return None
    lost = await session.get(Location, user.active_location_id)
    user.active_location_id = active.location_id
    session.add(user)
    if lost is None:
        return f"You are now working at {active.name}."
    return f"You no longer work at {lost.name}; you are now working at {active.name}."


async def usable_invitation(session: AsyncSession, token: str) -> tuple[AccessLink, User]:
    """The link and its person; a link sent to an address the account no longer has says so,
    whether or not a new invitation went to the corrected one (none comes to this address)."""
    link = await find_link(session, PORTAL_INVITE_PURPOSE, token)
    problem = link_problem(link)
    user = await session.get(User, link.subject_id) if link else None
    if problem is None and user is None:
        problem = "revoked"
    elif problem in (None, "revoked") and readdressed(link, user.email):
        problem = "readdressed"
    if problem:
        raise Gone(PROBLEMS[PORTAL_INVITE_PURPOSE][problem], field="token")
    if user.status != AccountStatus.ACTIVE:  # said before a password is typed, not after
        raise Gone(DEACTIVATED_LINK, field="token")
    if user.password_hash:  # chosen since by a reset link: this one would replace it unseen
        raise Gone(CHOSEN_ANOTHER_WAY, field="token")
    return link, user


async def set_password(session: AsyncSession, token: str, data: NewPassword) -> User | None:
    """None: the same password was saved from this link a moment ago (a double click)."""
    found = await claimed(session, PORTAL_INVITE_PURPOSE, token, data.password,
                          usable_invitation)
    if found is None:
        return None
    link, user = found
    if user.status != AccountStatus.ACTIVE:
        raise Gone(DEACTIVATED_LINK, field="token")
    user.password_hash = await hash_password_async(data.password)
    user.must_change_password = False
    session.add(user)
    return user
