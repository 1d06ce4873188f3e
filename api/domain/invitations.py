"""A coordinator's invitation link: register (or use an existing account), or ask for a new link."""

from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain import throttle
from api.domain.accounts import password_is_right, user_by_email
from api.processes import Gateway
from api.processes import enrollment as enrollment_process
from core.errors import Conflict, Forbidden, Gone, Invalid
from core.security import hash_password_async
from models.accounts import AccessLink, User
from models.enrollment import Location, Organization
from models.enrollment_rules import SECTION_B_ROLES
from models.enrollment_schemas import CoordinatorRegistrationIn, InvitationOut
from models.enums import Role
from models.links import INVITE_PURPOSE, find_link, link_problem, readdressed
from models.links import PROBLEMS as ALL_PROBLEMS

PROBLEMS = ALL_PROBLEMS[INVITE_PURPOSE]


async def usable_invitation(session: AsyncSession, token: str) -> AccessLink:
    link = await find_link(session, INVITE_PURPOSE, token)
    problem = link_problem(link)
    # replaced or expired too: the holder of a link sent to a corrected address is no longer
    # the coordinator, and is offered no new link
    if problem in (None, "revoked", "expired") and readdressed(
            link, (await session.get(Location, link.subject_id)).coordinator_email):
        problem = "readdressed"
    if problem:
        raise Gone(PROBLEMS[problem], field="token", errors={"link": problem})
    return link


async def describe(session: AsyncSession, link: AccessLink) -> InvitationOut:
    location = await session.get(Location, link.subject_id)
    org = await session.get(Organization, location.organization_id)
    return InvitationOut(location_id=location.id, location_name=location.name,
                         organization_name=org.legal_name,
                         first_name=location.coordinator_first_name,
                         last_name=location.coordinator_last_name,
                         email=location.coordinator_email,
                         has_account=await user_by_email(session, location.coordinator_email)
                         is not None)


async def _join(session: AsyncSession, gateway: Gateway, link: AccessLink,
                user: User) -> Location:
    """The location's process uses the link (once) and makes the person its coordinator."""
    await enrollment_process.accept_invitation(gateway, session, link.subject_id, link.id,
                                               user.id)
    location = await session.get(Location, link.subject_id)
    await session.refresh(location)
    return location


async def register(session: AsyncSession, gateway: Gateway, token: str,
                   data: CoordinatorRegistrationIn, client: str) -> tuple[User, Location]:
    """A new account for the invitation's address, which joins the location. The same form
    sent again once its account exists (a retry after "still working", a double click) is
    taken as the account's: its password, checked as a login's, finishes the joining."""
    link = await usable_invitation(session, token)
    location = await session.get(Location, link.subject_id)
    if existing := await user_by_email(session, location.coordinator_email):
        if await password_is_right(session, existing, location.coordinator_email,
                                   data.password, client) and existing.can_log_in:
            await _may_coordinate(session, link, existing)
            return existing, await _join(session, gateway, link, existing)
        raise Conflict("You already have an account with this email address. Log in with it "
                       "below to add this location.", field="email")
    user = User(email=location.coordinator_email,
                first_name=data.first_name or location.coordinator_first_name,
                last_name=data.last_name or location.coordinator_last_name, role=Role.COORDINATOR,
                organization_id=location.organization_id,
                password_hash=await hash_password_async(data.password))
    session.add(user)
    await session.flush()
    return user, await _join(session, gateway, link, user)


async def accept_with_account(session: AsyncSession, gateway: Gateway, token: str,
                              password: str, client: str) -> tuple[User, Location]:
    """The invitation's address already has an account: its password adds the location to it,
    checked behind the same back-off as a login (a link someone else got is no way around it)."""
    link = await usable_invitation(session, token)
    user = await user_by_email(session, link.bound_to or "")
    valid = await password_is_right(session, user, link.bound_to or "", password, client)
    if not valid or not user.can_log_in:
        raise Invalid("The password is not correct for this email address.", field="password")
    await _may_coordinate(session, link, user)
    return user, await _join(session, gateway, link, user)


async def _may_coordinate(session: AsyncSession, link: AccessLink, user: User) -> None:
    if user.role not in SECTION_B_ROLES:  # it could never open Section B: the link stays
        location = await session.get(Location, link.subject_id)
        org = await session.get(Organization, location.organization_id)
        raise Conflict(f"This email address has a {user.role.label} account, which cannot also "
                       f"complete Section B for {location.name}. Ask the Organization "
                       f"Administrator of {org.legal_name} to name another email address for "
                       "this location's vaccine coordinator (they correct it from their "
                       "dashboard), or open a help-desk case.", field="password")


async def accept_signed_in(session: AsyncSession, gateway: Gateway, token: str,
                           user: User) -> Location:
    """The invitation followed in a browser where its own person is logged in (a coordinator
    named for another location): their session is their proof, no password is asked again.
    Someone else's session is no way in (the page asks them to log out)."""
    link = await usable_invitation(session, token)
    if not user.can_log_in or (link.bound_to or "").lower() != user.email.lower():
        raise Forbidden("This invitation is not for the account logged in here.")
    await _may_coordinate(session, link, user)
    return await _join(session, gateway, link, user)


async def request_new_link(session: AsyncSession, gateway: Gateway, token: str) -> None:
    """From an expired or replaced link: the workflow emails a fresh one (the old one dies)."""
    link = await find_link(session, INVITE_PURPOSE, token)
    if link is None:
        raise Gone(PROBLEMS["invalid"], field="token")
    if link.used_at is not None:
        raise Conflict(PROBLEMS["used"], field="token")
    location = await session.get(Location, link.subject_id)
    if readdressed(link, location.coordinator_email):  # not the coordinator's to renew
        raise Gone(PROBLEMS["readdressed"], field="token", errors={"link": "readdressed"})
    await throttle.renewal_allowed(session, location.coordinator_email)
    async with throttle.given_back_if_not_done(session, throttle.RENEWED_LINK,
                                               location.coordinator_email):
        await enrollment_process.renew_invitation(gateway, link.subject_id)
