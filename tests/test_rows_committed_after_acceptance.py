"""A process step that looks for a row its caller commits a moment after the action is
accepted (the API flushes, the process accepts, the API commits) finds it in the same attempt:
no failed attempt, no retry a second later for the person to wait on."""

import asyncio
import uuid

import pytest
from temporalio.exceptions import ApplicationError

from activities.mailer import present
from models.accounts import User
from models.enums import AccountStatus, Role


async def test_a_row_committed_a_moment_later_is_found_in_the_same_look(system):
    async with system.sessions() as api, system.sessions() as step:
        user = User(email=f"late-{uuid.uuid4().hex[:8]}@example.org", first_name="Lena",
                    last_name="Late", role=Role.ORG_ADMIN, status=AccountStatus.ACTIVE)
        api.add(user)
        await api.flush()  # the API's pending row: not visible to the step yet
        looking = asyncio.create_task(present(step, User, user.id, "account"))
        await asyncio.sleep(0.15)
        assert not looking.done(), "the step gave up before the caller committed"
        await api.commit()
        found = await asyncio.wait_for(looking, 2)
    assert found.email == user.email


async def test_a_row_that_never_comes_is_reported_missing(system):
    async with system.sessions() as step:
        with pytest.raises(ApplicationError, match="account 987654321 not found"):
            await present(step, User, 987654321, "account")
