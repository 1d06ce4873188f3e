"""The time-skipping server's clock moves by the timers a test waits for, not by years: it is
shared by every test of the session, and some read the calendar (holidays end in 2100)."""

import uuid
from datetime import timedelta

from temporalio.worker import Worker

from tests.support.echo_workflow import echo
from tests.support.pacer import PACE, SleepWorkflow


async def test_awaiting_a_result_moves_the_clock_by_its_timers_not_by_years(ts_env):
    task_queue = f"sleep-{uuid.uuid4().hex[:8]}"
    async with Worker(ts_env.client, task_queue=task_queue, workflows=[SleepWorkflow],
                      activities=[echo]):
        for _ in range(3):  # a leap came in the moment after a result: several chances
            before = await ts_env.get_current_time()
            await ts_env.client.execute_workflow(SleepWorkflow.run, 2, task_queue=task_queue,
                                                 id=f"{task_queue}-{uuid.uuid4().hex[:6]}")
            moved = await ts_env.get_current_time() - before
            # Between the result and the reading the server may skip on to the pacer's next
            # timers, one PACE each (two when the machine is loaded: 60 days seen in a whole
            # `make test`); without the pacer it leapt 3,652 days.
            assert timedelta(days=2) <= moved <= timedelta(days=2) + 3 * PACE, moved
