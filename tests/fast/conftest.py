"""The fast ring: every workflow on the time-skipping server, activities faked."""

import pytest

from tests.fast.fakes import Workers


@pytest.fixture(scope="session")
async def workers(ts_env):
    running = Workers(ts_env)
    yield running
    await running.stop()
