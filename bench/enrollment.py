"""Benchmark: full enrollments per second through the API, against the bare Temporal shape.

    .venv/bin/python -m bench.enrollment [--enrollments 10] [--concurrency 5] [--runs 3]
                                         [--postgres URL]

The system runs as in production, one process each (bench/processes.py): the Temporal dev
server, the worker and the API; this process is the load generator (and the SMTP catcher it
reads). (1) N full enrollments driven through the HTTP API (administrator registers, Section A
with two locations, both Section Bs, both officers sign from their emailed links, a reviewer
approves both), `--runs` times, with each process's CPU time per enrollment; (2) after each of
those runs, at once, as many bare workflows with the same counts of activities and updates (an
enrollment's, shared out over its workflows), on the same server: the ratio is the median of
each pair's, so that a drift in the machine's speed between runs does not enter it; (3)
p50/p99 of the review queue listing with 1,000 locations pending. Medians go to stdout and to
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

from bench.bare import BareSpec, BareWorkflow, noop, spread
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
        if execution.workflow_type == BareWorkflow.__name__:
            continue
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


async def bare_run(client: Client, shape: Counter, enrollments: int,
                   concurrency: int) -> float:
    """`enrollments` times the `shape` of one enrollment: as many workflows, activities
    (ordinary and local) and updates (one for each of our updates and signals), shared out over
    its workflows, with nothing of ours around them."""
    per = max(1, shape["workflows"])

    def shared(*kinds: str) -> list[int]:
        return spread(sum(shape[kind] for kind in kinds), per)

    specs = [BareSpec(activities=a, local_activities=la, updates=max(1, u))
             for a, la, u in zip(shared("activities"), shared("local_activities"),
                                 shared("updates", "signals"), strict=True)]
    queue = f"bare-{uuid.uuid4().hex[:6]}"

    async def job(n: int) -> None:
        for w, spec in enumerate(specs):
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


def add(into: dict[str, float], before: dict[str, float], after: dict[str, float]) -> None:
    """Add the Temporal server's requests between two readings, by operation, to `into`."""
    for operation, count in after.items():
        into[operation] = into.get(operation, 0) + count - before.get(operation, 0)


def per_enrollment(spent: dict[str, float], count: int) -> dict:
    """Requests per enrollment by operation (the most first), and their total."""
    each = {k: v / count for k, v in spent.items()}
    ordered = sorted(((k, round(v, 1)) for k, v in each.items() if v >= 0.05),
                     key=lambda kv: -kv[1])
    return {"total": round(sum(each.values()), 1), **dict(ordered)}


def medians(batches: list[dict], processes: tuple[str, ...] | None = None) -> dict:
    return {"per_second": statistics.median(b["per_second"] for b in batches),
            "cpu": {name: round(statistics.median(b["cpu"][name] for b in batches), 3)
                    for name in processes or batches[0]["cpu"]}}


async def main(args: argparse.Namespace) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="perf-bench-db-"))
    database = postgres_database(args.postgres) if args.postgres else sqlite_database(tmp)
    with database as url, running(url, api_processes=args.api_processes) as system:
        client = await Client.connect(system.settings.temporal_address,
                                      data_converter=DATA_CONVERTER)
        staff = await reviewer(system)
        await one_enrollment(system, staff)  # warm-up, not measured
        # The shape of one enrollment (the warm-up's), then each run of ours followed at once
        # by the bare shape's: the machine's speed drifts (other tenants), and a ratio taken
        # from two batches minutes apart would measure the drift.
        shape = await shape_of_run(client)
        requests: dict[str, float] = {}
        bare_requests: dict[str, float] = {}
        batches, bares = [], []
        for _ in range(args.runs):
            counted = temporal_requests(system)
            batches.append(await measured_batch(system, staff, args.enrollments,
                                                args.concurrency))
            add(requests, counted, temporal_requests(system))
            before, counted = system.cpu_seconds(), temporal_requests(system)
            seconds = await bare_run(client, shape, args.enrollments, args.concurrency)
            bares.append({"per_second": args.enrollments / seconds,
                          "cpu": cpu_delta(before, system.cpu_seconds(), args.enrollments)})
            add(bare_requests, counted, temporal_requests(system))
        everything = await shape_of_run(client)  # every enrollment's, the warm-up's too
        await seed_pending(system, 1000)
        latency = await queue_latency(system, staff, args.requests)
        memory = {name: round(system.rss_mib(name), 1) for name in ("api", "worker")}
    cvms, bare = medians(batches), medians(bares)
    ratios = [round(ours["per_second"] / theirs["per_second"], 3)
              for ours, theirs in zip(batches, bares, strict=True)]
    runs = args.enrollments * args.runs
    return {
        "database": "postgres" if args.postgres else "sqlite",
        "enrollments": args.enrollments, "concurrency": args.concurrency, "runs": args.runs,
        "api_processes": args.api_processes,
        "enrollments_per_second": round(cvms["per_second"], 3),
        "bare_per_second": round(bare["per_second"], 3),
        "ratio_cvms_to_bare": statistics.median(ratios),
        "ratios_of_each_run": ratios,
        "per_second_of_each_run": {
            "cvms": [round(ours["per_second"], 3) for ours in batches],
            "bare": [round(theirs["per_second"], 3) for theirs in bares]},
        "cpu_seconds_per_enrollment": cvms["cpu"],
        "bare_cpu_seconds_per_enrollment": bare["cpu"],
        "shape_per_enrollment": {k: round(v / (runs + 1), 1) for k, v in everything.items()},
        "temporal_requests_per_enrollment": per_enrollment(requests, runs),
        "bare_temporal_requests_per_enrollment": per_enrollment(bare_requests, runs),
        "review_queue_1000_pending": latency, "rss_mib_at_end": memory,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enrollments", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--postgres", help="a Postgres server URL (default: SQLite)")
    parser.add_argument("--api-processes", type=int, default=1,
                        help="the API's processes (uvicorn --workers; 2 measured the same here)")
    figures = asyncio.run(main(parser.parse_args()))
    report(f"enrollment-{figures['database']}", figures)
