"""Found by the outside check of portal accounts: the check that a location keeps a Location
Manager counted the others without holding anything, so two managers demoting each other at the
same instant both found the other still a manager, and both saved: the location was left with
none, and only a manager there can name another. The check now takes the location's turn
first (`one_at_a_time`): the second waits for the first to be saved, then finds it the last
manager and is refused (or, on SQLite, whose snapshot began before, is not done: try again)."""

import asyncio

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import func, select

from api.domain import portal_accounts
from core.errors import Conflict
from models.accounts import User
from models.enrollment import UserLocation
from models.enums import Role
from models.portal_schemas import PortalContactEdit
from tests.support.accounts import make_user
from tests.support.care import vaccinating_site


async def _managers(system, location_id: int) -> int:
    async with system.sessions() as session:
        return (await session.exec(select(func.count()).select_from(UserLocation).where(
            UserLocation.location_id == location_id,
            UserLocation.profile == Role.LOCATION_MANAGER))).one()


async def test_two_managers_demoting_each_other_at_once_leave_one(system):
    site = await vaccinating_site(system)
    one, two = [await make_user(system, Role.LOCATION_MANAGER) for _ in range(2)]
    async with system.sessions() as session:
        for user in (one, two):
            session.add(UserLocation(user_id=user.id, location_id=site.location_id,
                                     profile=Role.LOCATION_MANAGER, direct=True))
        # the site's own manager steps back: these two are its only managers
        mine = await session.get(UserLocation, (
            (await session.exec(select(User.id).where(
                User.email == site.emails[Role.LOCATION_MANAGER]))).one(), site.location_id))
        mine.profile = Role.PROVIDER
        session.add(mine)
        await session.commit()
    assert await _managers(system, site.location_id) == 2
    demote = PortalContactEdit(profile=Role.PROVIDER, location_id=site.location_id)
    gateway = system.gateway()
    async with system.sessions() as first, system.sessions() as second:
        await portal_accounts.edit(first, await first.get(User, one.id),
                                   await first.get(User, two.id), demote, gateway)

        async def the_other_way() -> None:
            await portal_accounts.edit(second, await second.get(User, two.id),
                                       await second.get(User, one.id), demote, gateway)
            await second.commit()

        other = asyncio.create_task(the_other_way())
        await asyncio.sleep(1)  # the other's check runs now, unless it waits its turn
        await first.commit()
        with pytest.raises((Conflict, OperationalError)):
            await other
        await second.rollback()
    assert await _managers(system, site.location_id) == 1
