"""Who may act for which location, organization or employer: every scope check, in one place.

Read this module to know whether a person may open or change a record; routers and domain
functions call it and never compare ids themselves. Portal staff hold locations with a
profile (user_location); the profile at the person's active location is the role they act
in (see `roles_of`)."""

from dataclasses import dataclass

from sqlalchemy import inspect, or_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import Forbidden, NotFound
from models.accounts import User
from models.employers import Employer, EmployerContact
from models.enrollment import Location, Organization, UserLocation
from models.enrollment_enums import LocationStatus
from models.enums import Role
from models.portal_rules import ACTING, MANAGER, PROFILES

NO_LOCATION = "We could not find that location among the ones you can open."
NO_ORGANIZATION = "We could not find that organization among yours."
NO_EMPLOYER = "We could not find that organization among the ones you manage."
READ_ONLY = "Your profile is read-only at this location: you can look, not change."
MANAGERS_ONLY = "Only a Healthcare Location Manager of this location can do this."


@dataclass(frozen=True)
class Holding:
    """A location a person works at in the provider portal, with their profile there."""

    location_id: int
    name: str
    profile: Role
    direct: bool


@dataclass(frozen=True)
class Portal:
    """A person's portal locations and the active one (switched from the header)."""

    holdings: tuple[Holding, ...] = ()
    active: Holding | None = None

    @property
    def profile(self) -> Role | None:
        return self.active.profile if self.active else None

    def profile_at(self, location_id: int) -> Role | None:
        return next((h.profile for h in self.holdings if h.location_id == location_id), None)


def portal_from(user: User, held: list[tuple[UserLocation, str]]) -> Portal:
    """The portal a person's locations make (each held with a profile, direct ones first, then
    by name): read on each request, so a changed profile or a removed location holds at once
    (api.sessions.load_viewer reads them with the session, in one query)."""
    holdings = tuple(Holding(row.location_id, name, row.profile, row.direct)
                     for row, name in held)
    active = next((h for h in holdings if h.location_id == user.active_location_id),
                  holdings[0] if holdings else None)
    return Portal(holdings, active)


def roles_of(user: User, portal: Portal | None) -> frozenset[Role]:
    """The roles a request acts in: the account's own role (a coordinator, a reviewer...) and
    the profile held at the active location. A portal contact's profile lives only on their
    locations, so removing the location removes the profile."""
    own = set() if user.role in PROFILES else {user.role}
    if portal is not None and portal.profile is not None:
        own.add(portal.profile)
    return frozenset(own)


async def my_organization(session: AsyncSession, user: User) -> Organization | None:
    if user.role != Role.ORG_ADMIN:
        return None
    result = await session.exec(select(Organization).where(Organization.admin_user_id == user.id))
    return result.first()


async def organization_for(session: AsyncSession, user: User, organization_id: int,
                           *, write: bool = False) -> Organization:
    org = await session.get(Organization, organization_id)
    if org is None:
        raise NotFound(NO_ORGANIZATION)
    if user.role == Role.ORG_ADMIN and org.admin_user_id == user.id:
        return org
    if user.role == Role.REVIEWER and not write:
        return org
    raise NotFound(NO_ORGANIZATION)


async def my_location_ids(session: AsyncSession, user: User) -> list[int]:
    """Every location the person is tied to (coordinators by their invitation, staff by a
    manager's grant)."""
    result = await session.exec(select(UserLocation.location_id).where(
        UserLocation.user_id == user.id))
    return list(result.all())


STATE_WIDE = frozenset({Role.REVIEWER, Role.HELPDESK_AGENT, Role.HELPDESK_LEAD})


def sites_seen_by(user: User) -> list:
    """Conditions on Location for the sites a person may find in the state: the state's staff
    find every site; anyone else every enrolled (approved) site, and their own organization's
    (the one they administer or one whose location they hold) in any status. Another
    organization's site that is not enrolled is not found, as one that does not exist."""
    if user.role in STATE_WIDE:
        return []
    held = select(Location.organization_id).join(
        UserLocation, UserLocation.location_id == Location.id).where(
        UserLocation.user_id == user.id)
    administered = select(Organization.id).where(Organization.admin_user_id == user.id)
    return [or_(Location.status == LocationStatus.APPROVED,
                Location.organization_id.in_(held.scalar_subquery()),
                Location.organization_id.in_(administered.scalar_subquery()))]


async def profile_at(session: AsyncSession, user: User, location_id: int) -> Role | None:
    row = await session.get(UserLocation, (user.id, location_id))
    return row.profile if row is not None else None


async def managed_location_ids(session: AsyncSession, user: User) -> list[int]:
    result = await session.exec(select(UserLocation.location_id).where(
        UserLocation.user_id == user.id, UserLocation.profile == MANAGER))
    return list(result.all())


LOCATION_FOR = "location_for"  # session.info: (user, location) -> the row location_for read


async def location_for(session: AsyncSession, user: User, location_id: int,
                       *, write: bool = False) -> Location:
    """The location's enrollment (Section B) if this person may open it (and change it, when
    write=True)."""
    # The location and this person's relationship to it, in one query (every Section B
    # request asks). Coordinators (and an administrator who coordinates a location too) are
    # in by membership.
    # Asked once a request: the access layer checks an API route's location before its body
    # is read (api/access.py), then the handler asks again (the same session, the same answer).
    asked = session.info.setdefault(LOCATION_FOR, {})
    found = asked.get((user.id, location_id))
    if found is not None and (inspect(found[0]).expired or found[0] not in session):
        found = None  # a rollback since: read again
    if found is None:
        found = (await session.exec(select(Location, UserLocation.user_id, UserLocation.profile)
                                    .outerjoin(UserLocation,
                                               (UserLocation.location_id == Location.id)
                                               & (UserLocation.user_id == user.id))
                                    .where(Location.id == location_id))).first()
        if found is not None:
            asked[(user.id, location_id)] = found
    if found is None:
        raise NotFound(NO_LOCATION)
    location, member, profile = found
    if member is not None and _coordinates(location, user, profile):
        return location
    reads = user.role == Role.REVIEWER
    if user.role == Role.ORG_ADMIN:
        org = await session.get(Organization, location.organization_id)
        reads = org is not None and org.admin_user_id == user.id
    if not reads:  # another organization's location is not found, as one that does not exist
        raise NotFound(NO_LOCATION)
    if write:
        raise Forbidden("Only the location's Primary Vaccine Coordinator can change Section B.")
    return location


def _coordinates(location: Location, user: User, profile: Role | None) -> bool:
    """A member of the location who coordinates it (no portal profile there, or named its
    coordinator): the one who may change its Section B."""
    return profile is None or location.coordinator_user_id == user.id


async def may_change_section_b(session: AsyncSession, user: User, location_id: int) -> bool:
    """May this person change the location's Section B (its practicing providers among it)?"""
    member = await session.get(UserLocation, (user.id, location_id))
    location = await session.get(Location, location_id)
    return member is not None and location is not None and _coordinates(
        location, user, member.profile)


async def site_for_staff(session: AsyncSession, user: User, location_id: int,
                         *, profiles: frozenset[Role] = frozenset(PROFILES),
                         state_reads: bool = True) -> Location:
    """A location this person works at in the portal with one of `profiles` (reviewers may
    read every site when `state_reads`). Not held at all: not found, as if it did not exist;
    held with another profile: refused, saying why."""
    location = await session.get(Location, location_id)
    if location is None:
        raise NotFound(NO_LOCATION)
    if state_reads and user.role == Role.REVIEWER:
        return location
    profile = await profile_at(session, user, location_id)
    if profile is None:
        raise NotFound(NO_LOCATION)
    if profile not in profiles:
        raise Forbidden(READ_ONLY if profile not in ACTING else MANAGERS_ONLY)
    return location


async def may_manage(session: AsyncSession, user: User, location_id: int) -> bool:
    return await profile_at(session, user, location_id) == MANAGER


async def employer_for(session: AsyncSession, user: User, employer_id: int) -> Employer:
    """An employer its creating location's managers or the state may open and change (its
    points of contact reach their own through `contact_of`)."""
    employer = await session.get(Employer, employer_id)
    if employer is None:
        raise NotFound(NO_EMPLOYER)
    if user.role == Role.REVIEWER:
        return employer
    if employer.location_id is not None and await may_manage(session, user,
                                                             employer.location_id):
        return employer
    raise NotFound(NO_EMPLOYER)


async def contact_of(session: AsyncSession, user: User) -> EmployerContact | None:
    """The validated point-of-contact record behind an Organization Portal account."""
    return (await session.exec(select(EmployerContact).where(
        EmployerContact.user_id == user.id))).first()
