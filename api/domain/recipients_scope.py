"""Who may upload and see recipients for a location: the one check every recipient endpoint
calls: a Healthcare Location Manager of that location (their profile there, api/domain/scope.py)."""

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.domain.scope import managed_location_ids, may_manage
from core.errors import NotFound
from models.accounts import User
from models.enrollment import Location
from models.enums import Role

RECIPIENT_ROLES = (Role.LOCATION_MANAGER,)
NO_LOCATION = "We could not find that location among the ones whose recipients you manage."


async def may_manage_recipients(session: AsyncSession, user: User, location_id: int) -> bool:
    """THE check: may this user upload and see recipients for this location?"""
    return await may_manage(session, user, location_id)


async def recipient_location(session: AsyncSession, user: User, location_id: int) -> Location:
    location = await session.get(Location, location_id)
    if location is None or not await may_manage_recipients(session, user, location_id):
        raise NotFound(NO_LOCATION)
    return location


async def recipient_locations(session: AsyncSession, user: User) -> list[Location]:
    ids = await managed_location_ids(session, user)
    return list((await session.exec(select(Location).where(Location.id.in_(ids))
                                    .order_by(Location.name))).all())
