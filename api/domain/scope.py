"""Role and organization/location scope: who may read or change which enrollment record."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from core.errors import Forbidden, NotFound
from models.accounts import User
from models.enrollment import Location, Organization, UserLocation
from models.enums import Role

NO_LOCATION = "We could not find that location among the ones you can open."
NO_ORGANIZATION = "We could not find that organization among yours."


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
    result = await session.exec(select(UserLocation.location_id).where(
        UserLocation.user_id == user.id))
    return list(result.all())


async def location_for(session: AsyncSession, user: User, location_id: int,
                       *, write: bool = False) -> Location:
    """The location if this person may open it (and change it, when write=True)."""
    # The location and whether this person works there, in one query (every Section B
    # request asks). Coordinators (and an administrator who coordinates a location too) are
    # in by membership.
    found = (await session.exec(select(Location, UserLocation.user_id).outerjoin(
        UserLocation, (UserLocation.location_id == Location.id) & (UserLocation.user_id == user.id))
        .where(Location.id == location_id))).first()
    if found is None:
        raise NotFound(NO_LOCATION)
    location, member = found
    if member is not None:
        return location
    if user.role == Role.COORDINATOR:
        raise NotFound(NO_LOCATION)
    if write:
        raise Forbidden("Only the location's Primary Vaccine Coordinator can change Section B.")
    if user.role == Role.ORG_ADMIN:
        org = await session.get(Organization, location.organization_id)
        if org and org.admin_user_id == user.id:
            return location
    if user.role == Role.REVIEWER:
        return location
    raise NotFound(NO_LOCATION)
