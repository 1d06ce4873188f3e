"""Who may upload and see recipients for a location: the one check every recipient endpoint
calls. Today a Healthcare Location Manager, for the locations they work at (user_location,
as coordinators are scoped in api/domain/scope.py); the accounts issue (13) rewires this one
function to active locations and organization points of contact."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.scope import my_location_ids
from core.errors import NotFound
from models.accounts import User
from models.enrollment import Location
from models.enums import Role

RECIPIENT_ROLES = (Role.LOCATION_MANAGER,)
NO_LOCATION = "We could not find that location among the ones whose recipients you manage."


async def may_manage_recipients(session: AsyncSession, user: User, location_id: int) -> bool:
    """THE check: may this user upload and see recipients for this location?"""
    return user.role in RECIPIENT_ROLES and location_id in await my_location_ids(session, user)


async def recipient_location(session: AsyncSession, user: User, location_id: int) -> Location:
    location = await session.get(Location, location_id)
    if location is None or not await may_manage_recipients(session, user, location_id):
        raise NotFound(NO_LOCATION)
    return location


async def recipient_locations(session: AsyncSession, user: User) -> list[Location]:
    ids = await my_location_ids(session, user)
    found = (await session.exec(select(Location).where(Location.id.in_(ids))
                                .order_by(Location.name))).all()
    return [loc for loc in found if await may_manage_recipients(session, user, loc.id)]
