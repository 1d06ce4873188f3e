"""The time-skipping test server's sleep, finished when the connection breaks under it.

The SDK retries its workflow calls when the connection to the server breaks, but not the test
server's own (`unlock_time_skipping_with_sleep`, `get_current_time`): three whole runs
(2026-12-06 and twice on 2026-12-07, each under load) failed a test on "h2 protocol error" from a
7-day sleep that failed at once (the test's whole call 0.3-0.6 s). The sleep is finished here
instead: the server's clock says how much of it passed, and the rest is slept on the
connection the client makes anew; a reading of the clock is asked again once. Any other error,
and a second break, still fail the test.
"""

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from temporalio.service import RPCError, RPCStatusCode

Sleep = Callable[[timedelta], Awaitable[None]]
Clock = Callable[[], Awaitable[datetime]]


def broken_connection(error: RPCError) -> bool:
    """The connection broke, or the client's deadline passed first (a whole run on a machine
    loaded 7 times over its cores, 2026-12-07: three 60-day sleeps gave up after ~30 s on
    "Timeout expired", the server still firing the session's timers)."""
    return error.status == RPCStatusCode.UNAVAILABLE or (
        error.status == RPCStatusCode.INTERNAL and "h2 protocol error" in error.message) or (
        error.status == RPCStatusCode.CANCELLED and "Timeout expired" in error.message)


def reading_again(clock: Clock) -> Clock:
    """`clock` (the environment's `get_current_time`), asked again once if the connection
    breaks under it."""

    async def now() -> datetime:
        try:
            return await clock()
        except RPCError as error:
            if not broken_connection(error):
                raise
            return await clock()

    return now


def finishing_sleep(clock: Clock, sleep: Sleep) -> Sleep:
    """`sleep` (the environment's own), finished once if the connection breaks under it;
    `clock` is the environment's `get_current_time`."""
    now = reading_again(clock)

    async def finished(duration: timedelta | float) -> None:
        if not isinstance(duration, timedelta):
            duration = timedelta(seconds=duration)
        started = await now()
        try:
            await sleep(duration)
        except RPCError as error:
            if not broken_connection(error):
                raise
            left = duration - (await now() - started)
            if left > timedelta(0):
                await sleep(left)

    return finished
