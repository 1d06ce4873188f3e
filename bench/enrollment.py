"""Benchmark: full enrollments per second through the API, against the bare Temporal shape.

    .venv/bin/python -m bench.enrollment [--enrollments 10] [--concurrency 5] [--runs 3]
                                         [--postgres URL]

The system runs as in production, one process each (bench/processes.py): the Temporal dev
server, the worker and the API; this process is the load generator (and the SMTP catcher it
reads). (1) N full enrollments driven through the HTTP API (administrator registers, Section A
with two locations, both Section Bs, both officers sign from their emailed links, a reviewer
approves both), `--runs` times, with each process's CPU time per enrollment; (2) as many bare
workflows with the same counts of activities and updates, on the same server; (3) p50/p99 of
the review queue listing with 1,000 locations pending. Medians go to stdout and to
bench/results/enrollment-<database>.json.
"""

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

from sqlalchemy import insert
from temporalio.api.enums.v1 import EventType, TimeoutType
from temporalio.client import Client
from temporalio.worker import Worker

from bench.bare import BareSpec, BareWorkflow, noop
from bench.processes import cpu_delta, percentiles, report, running, temporal_requests
from core.build import build_id
from core.temporal import DATA_CONVERTER
from models.enrollment import Location, Organization
from models.enrollment_enums import LocationStatus, OrganizationStatus
from tests.support.databases import postgres_database, sqlite_database
from tests.support.enrollment import complete_location, start_enrollment
from tests.support.review import decide, reviewer, sign_until, wait_for_status

LOCAL_ACTIVITY = "core_local_activity"  # the marker a local activity's result is recorded in


async def one_enrollment(system, staff) -> None:
    enrollment = await start_enrollment(system, ["Bench North", "Bench South"])
    for email, location_id in enrollment.locations.items():
        await complete_location(system, email, location_id)
    ids = list(enrollment.locations.values())
    await sign_until(system, enrollment, ids, timeout=180)
    for location_id in ids:
        assert (await decide(staff, location_id, "approve")).status_code == 200
        await wait_for_status(system, location_id, "approved")
    await enrollment.admin.aclose()


async def run_batch(count: int, concurrency: int, job) -> float:
    gate = asyncio.Semaphore(concurrency)

    async def limited(n: int) -> None:
        async with gate:
            await job(n)

    start = time.perf_counter()
    await asyncio.gather(*(limited(n) for n in range(count)))
    return time.perf_counter() - start


async def shape_of_run(client) -> Counter:
    """How many workflows, activities (ordinary and local), updates and signals the runs
    made, and how many workflow tasks timed out or failed."""
    shape: Counter = Counter()
    counted = {EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: "activities",
               EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: "updates",
               EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: "signals",
               EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: "workflow_tasks",
               EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT: "workflow_task_timeouts",
               EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED: "workflow_task_failures"}
    async for execution in client.list_workflows():
        handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
        history = await handle.fetch_history()
        shape["workflows"] += 1
        shape["history_events"] += len(history.events)
        for event in history.events:
            if event.event_type in counted:
                shape[counted[event.event_type]] += 1
            if (event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
                    and event.marker_recorded_event_attributes.marker_name == LOCAL_ACTIVITY):
                shape["local_activities"] += 1
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
                kind = event.workflow_task_timed_out_event_attributes.timeout_type
                # START_TO_CLOSE: a worker held a task past its 10 s; SCHEDULE_TO_START: a
                # task waited on a busy worker's sticky queue and went to the shared one
                shape[f"timeouts_{TimeoutType.Name(kind).removeprefix('TIMEOUT_TYPE_')}"] += 1
    return shape


async def bare_run(client: Client, shape: Counter, total: int, enrollments: int,
                   concurrency: int) -> float:
    """The same number of workflows, activities and updates as `total` enrollments made, per
    enrollment, with nothing of ours around them."""
    per = max(1, round(shape["workflows"] / total))
    spec = BareSpec(activities=shape["activities"] // shape["workflows"],
                    local_activities=shape["local_activities"] // shape["workflows"],
                    updates=max(1, (shape["updates"] + shape["signals"]) // shape["workflows"]))
    queue = f"bare-{uuid.uuid4().hex[:6]}"

    async def job(n: int) -> None:
        for w in range(per):
            handle = await client.start_workflow(BareWorkflow.run, spec, id=f"{queue}-{n}-{w}",
                                                 task_queue=queue)
            for _ in range(spec.updates):
                await handle.execute_update(BareWorkflow.bump)
            await handle.result()

    async with Worker(client, task_queue=queue, workflows=[BareWorkflow],
                      activities=[noop], build_id=build_id()):
        return await run_batch(enrollments, concurrency, job)


async def seed_pending(system, count: int) -> None:
    async with system.sessions() as session:
        org = Organization(legal_name="Queue Load Org", admin_user_id=1,
                           status=OrganizationStatus.SUBMITTED)
        session.add(org)
        await session.flush()
        rows = [{"organization_id": org.id, "name": f"Queued {n}", "street": "1 St",
                 "city": "Raleigh", "state": "NC", "zip_code": "27601",
                 "coordinator_first_name": "Q", "coordinator_last_name": "C",
                 "coordinator_email": f"q{n}@example.org",
                 "status": LocationStatus.PENDING_REVIEW.value} for n in range(count)]
        connection = await session.connection()
        await connection.execute(insert(Location), rows)  # the bulk form: one statement
        await session.commit()


async def queue_latency(system, staff, requests: int) -> dict:
    timings = []
    for n in range(requests):
        start = time.perf_counter()
        response = await staff.get(f"/api/v1/review/queue?limit=50&offset={(n % 20) * 50}")
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200 and response.json()["total"] >= 1000
    return {**percentiles(timings), "requests": requests}


async def measured_batch(system, staff, enrollments: int, concurrency: int) -> dict:
    before = system.cpu_seconds()
    seconds = await run_batch(enrollments, concurrency, lambda n: one_enrollment(system, staff))
    return {"per_second": enrollments / seconds,
            "cpu": cpu_delta(before, system.cpu_seconds(), enrollments)}


def per_enrollment(before: dict[str, float], after: dict[str, float], count: int) -> dict:
    """The Temporal server's requests between two readings, per enrollment, by operation (the
    most first), and their total."""
    spent = {k: (v - before.get(k, 0)) / count for k, v in after.items()}
    ordered = sorted(((k, round(v, 1)) for k, v in spent.items() if v >= 0.05),
                     key=lambda kv: -kv[1])
    return {"total": round(sum(spent.values()), 1), **dict(ordered)}


def medians(batches: list[dict]) -> dict:
    return {"per_second": statistics.median(b["per_second"] for b in batches),
            "cpu": {name: round(statistics.median(b["cpu"][name] for b in batches), 3)
                    for name in batches[0]["cpu"]}}


async def main(args: argparse.Namespace) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="perf-bench-db-"))
    database = postgres_database(args.postgres) if args.postgres else sqlite_database(tmp)
    with database as url, running(url) as system:
        client = await Client.connect(system.settings.temporal_address,
                                      data_converter=DATA_CONVERTER)
        staff = await reviewer(system)
        await one_enrollment(system, staff)  # warm-up, not measured
        requests_before = temporal_requests(system)
        batches = [await measured_batch(system, staff, args.enrollments, args.concurrency)
                   for _ in range(args.runs)]
        requests = per_enrollment(requests_before, temporal_requests(system),
                                  args.enrollments * args.runs)
        total = args.enrollments * args.runs + 1
        shape = await shape_of_run(client)
        before = system.cpu_seconds()
        requests_before = temporal_requests(system)
        bare = await bare_run(client, shape, total, args.enrollments, args.concurrency)
        bare_cpu = cpu_delta(before, system.cpu_seconds(), args.enrollments)
        bare_requests = per_enrollment(requests_before, temporal_requests(system),
                                       args.enrollments)
        await seed_pending(system, 1000)
        latency = await queue_latency(system, staff, args.requests)
        memory = {name: round(system.rss_mib(name), 1) for name in ("api", "worker")}
    cvms = medians(batches)
    bare_per_second = args.enrollments / bare
    return {
        "database": "postgres" if args.postgres else "sqlite",
        "enrollments": args.enrollments, "concurrency": args.concurrency, "runs": args.runs,
        "enrollments_per_second": round(cvms["per_second"], 3),
        "bare_per_second": round(bare_per_second, 3),
        "ratio_cvms_to_bare": round(cvms["per_second"] / bare_per_second, 3),
        "cpu_seconds_per_enrollment": cvms["cpu"],
        "bare_cpu_seconds_per_enrollment": {k: bare_cpu[k] for k in ("temporal",
                                                                      "load generator")},
        "shape_per_enrollment": {k: round(v / total, 1) for k, v in shape.items()},
        "temporal_requests_per_enrollment": requests,
        "bare_temporal_requests_per_enrollment": bare_requests,
        "review_queue_1000_pending": latency, "rss_mib_at_end": memory,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enrollments", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--postgres", help="a Postgres server URL (default: SQLite)")
    figures = asyncio.run(main(parser.parse_args()))
    report(f"enrollment-{figures['database']}", figures)
