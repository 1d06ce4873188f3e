"""Found by the outside check of portal accounts: usernames were unique only as typed, while
login and every "is this username free?" check compare them in lower case, without a lock. Two
saves at the same instant could store "Jo.X" and "jo.x", and login by username would then pick
one of two people. The database now refuses the second, whatever its case."""

import pytest
from sqlalchemy.exc import IntegrityError

from models.accounts import User
from models.enums import Role
from tests.support.accounts import make_user


async def test_a_username_differing_only_in_case_is_refused_by_the_database(system):
    first = await make_user(system, Role.PROVIDER)
    second = await make_user(system, Role.PROVIDER)
    async with system.sessions() as session:
        one = await session.get(User, first.id)
        one.username = "Jo.Case-Test"
        session.add(one)
        await session.commit()
        other = await session.get(User, second.id)
        other.username = "jo.case-test"  # as a check read before the first save would allow
        session.add(other)
        with pytest.raises(IntegrityError):
            await session.commit()
        await session.rollback()
        other = await session.get(User, second.id)
        other.username = "jo.case-test2"  # another name is free
        session.add(other)
        await session.commit()
