"""The time-skipping server's sleep is finished when the connection breaks under it
(tests/support/timeskipping.py), on the real test server: the clock moves by the whole
duration, not twice part of it, and a reading of the clock is asked again; any other error, or
a second break, still fails."""

from datetime import timedelta

import pytest
from temporalio.service import RPCError, RPCStatusCode

from tests.support.timeskipping import finishing_sleep

BROKEN = RPCError("h2 protocol error: http2 error", RPCStatusCode.INTERNAL, b"")
TIMED_OUT = RPCError("Timeout expired", RPCStatusCode.CANCELLED, b"")  # the client's deadline


def breaking_clock(env, errors: list[RPCError]):
    """The server's clock, whose readings raise each of `errors` in turn first."""

    async def clock():
        if errors:
            raise errors.pop(0)
        return await env.get_current_time()

    return clock


def breaking(env, errors: list[RPCError], asked: list[timedelta]):
    """The server's own sleep, which sleeps half and then raises each of `errors` in turn."""
    server_sleep = type(env).sleep.__get__(env)  # the fixture's env has the finishing one

    async def sleep(duration: timedelta) -> None:
        asked.append(duration)
        if errors:
            await server_sleep(duration / 2)
            raise errors.pop(0)
        await server_sleep(duration)

    return sleep


@pytest.mark.parametrize("error", [BROKEN, TIMED_OUT], ids=["broken", "timed-out"])
async def test_a_sleep_the_connection_broke_under_is_finished(ts_env, error):
    asked: list[timedelta] = []
    before = await ts_env.get_current_time()
    clock = breaking_clock(ts_env, [error])  # its first reading breaks too
    await finishing_sleep(clock, breaking(ts_env, [error], asked))(timedelta(days=3))
    moved = await ts_env.get_current_time() - before
    assert asked[0] == timedelta(days=3) and timedelta(days=1) < asked[1] <= timedelta(days=1.5)
    assert timedelta(days=3) <= moved < timedelta(days=3, hours=1), moved


async def test_other_errors_and_a_second_break_still_fail(ts_env):
    refused = RPCError("bad duration", RPCStatusCode.INVALID_ARGUMENT, b"")
    with pytest.raises(RPCError, match="bad duration"):
        await finishing_sleep(ts_env.get_current_time,
                              breaking(ts_env, [refused], []))(timedelta(hours=2))
    with pytest.raises(RPCError, match="h2 protocol error"):
        await finishing_sleep(ts_env.get_current_time,
                              breaking(ts_env, [BROKEN, BROKEN], []))(timedelta(hours=2))
