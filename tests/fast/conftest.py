"""The fast ring: every workflow on the time-skipping server, activities faked."""

import pytest

from tests.fast.fakes import Workers
from workflows import options


@pytest.fixture(autouse=True)
def local_db_steps():
    """The fast ring's workflows run their database steps as local activities, as on
    Postgres; an integration worker on SQLite earlier in the same process turned that off
    for the process (workflows/options.py), so it is turned on for each test and put back."""
    before = options.local_db_steps_allowed()
    options.allow_local_db_steps(True)
    yield
    options.allow_local_db_steps(before)


@pytest.fixture(scope="session")
async def workers(ts_env):
    running = Workers(ts_env)
    yield running
    await running.stop()
