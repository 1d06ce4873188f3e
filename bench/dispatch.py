"""Benchmark: how long a workflow task waits to be handed to a worker (its schedule-to-start,
read from the history), with the dev server's dynamic configuration as the run command starts
it (core/devrun.py) and with Temporal's defaults.

    .venv/bin/python -m bench.dispatch [--activities 40] [--workflows 1]

Each run starts `--workflows` bare workflows at once (bench/bare.py: no-op activities, one after
another, on a bare worker process configured as ours) on a fresh dev server, then reads every
workflow task's WORKFLOW_TASK_SCHEDULED and WORKFLOW_TASK_STARTED times. With Temporal's
default `history.transferProcessorMaxPollRPS` (20 reads a second of the shard's transfer
queue, and the dev server has one shard), the first ~20 tasks are handed out in ~1 ms and each
later one waits ~44 ms; a process's steps (an activity's result, a signal) wait the same.
Figures go to stdout and bench/results/dispatch.json.
"""

import argparse
import asyncio
import statistics
import tempfile
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle

from bench.bare import BareSpec, started_and_waiting
from bench.processes import report, running
from core.temporal import DATA_CONVERTER
from tests.support.databases import sqlite_database


async def waits(handle: WorkflowHandle) -> list[float]:
    """Each workflow task's wait between scheduled and started, in ms, in history order."""
    scheduled, found = None, []
    async for event in handle.fetch_history_events():
        moment = event.event_time.ToDatetime()
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
            scheduled = moment
        elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED and scheduled:
            found.append((moment - scheduled).total_seconds() * 1000)
            scheduled = None
    return found


async def one_run(tuned: bool, activities: int, workflows: int) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="perf-bench-db-"))
    with sqlite_database(tmp) as url, running(url, api=False, worker=False, bare_worker=True,
                                             temporal_tuning=tuned) as system:
        client = await Client.connect(system.settings.temporal_address,
                                      data_converter=DATA_CONVERTER)
        handles = await started_and_waiting(client, system.bare_queue,
                                            BareSpec(activities=activities, updates=1),
                                            workflows, "dispatch")
        found = [await waits(handle) for handle in handles]
    every = sorted(w for run in found for w in run)
    return {"tasks": len(every), "median_ms": round(statistics.median(every), 1),
            "p90_ms": round(every[int(len(every) * 0.9)], 1),
            "total_wait_ms_per_workflow": round(sum(every) / workflows),
            "first_workflow_in_order_ms": [round(w, 1) for w in found[0]]}


async def main(args: argparse.Namespace) -> dict:
    return {"activities_per_workflow": args.activities, "workflows_at_once": args.workflows,
            "run_command_configuration": await one_run(True, args.activities, args.workflows),
            "temporal_defaults": await one_run(False, args.activities, args.workflows)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=40)
    parser.add_argument("--workflows", type=int, default=1)
    report("dispatch", asyncio.run(main(parser.parse_args())))
